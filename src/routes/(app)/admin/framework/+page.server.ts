import { fail, redirect } from '@sveltejs/kit';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { parseFrameworkForm } from '#lib/server/forms/framework.ts';
import { createFrameworkVersion, getFramework, listFrameworkVersions } from '#lib/server/queries/framework.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const [framework, versions] = await Promise.all([getFramework(), listFrameworkVersions()]);
	return { framework, versions };
};

export const actions: Actions = {
	default: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const current = await getFramework();
		const parsed = parseFrameworkForm(form, current);
		if (!parsed.ok) {
			const values = Object.fromEntries([...form].filter(([, v]) => typeof v === 'string')) as Record<string, string>;
			return fail(400, { errors: parsed.errors, values });
		}
		const created = await createFrameworkVersion(admin.id, parsed.edit);
		redirect(303, `/methodology?version=${created.version}`);
	}
};
