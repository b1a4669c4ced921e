import { fail, redirect } from '@sveltejs/kit';
import { LENS_MAX_BYTES, lensToVectors } from '#lib/domain/aws-lens.ts';
import { malformedTextAt, NOT_TEXT } from '#lib/domain/text.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure } from '#lib/server/forms/index.ts';
import { createFrameworkVersion, getFramework } from '#lib/server/queries/framework.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const framework = await getFramework();
	return { version: framework.version };
};

/** The lens from an uploaded file, or from the text field a script may post instead. */
async function lensText(form: FormData): Promise<string> {
	const file = form.get('file');
	if (file instanceof File && file.size > 0) return file.size > LENS_MAX_BYTES ? 'too large' : file.text();
	const text = form.get('lens');
	return typeof text === 'string' ? text : '';
}

export const actions: Actions = {
	/** A lens becomes the next framework version, or nothing is imported and every problem is named. */
	default: async (event) => {
		const admin = requireCapability(event, 'administer');
		const text = await lensText(await event.request.formData());
		if (!text.trim()) return formFailure(400, 'Choose a lens file (.json): the one chosen is empty, or none was chosen.');
		if (text === 'too large' || text.length > LENS_MAX_BYTES)
			return formFailure(413, 'A lens file may be at most 500 KB, as in the AWS Well-Architected Tool.');
		let raw: unknown;
		try {
			raw = JSON.parse(text);
		} catch (error) {
			return formFailure(400, `This is not a JSON file: ${error instanceof Error ? error.message : String(error)}.`);
		}
		const notText = malformedTextAt(raw);
		if (notText) return fail(400, { problems: [{ field: notText.join('.') || 'lens', message: NOT_TEXT }] });
		const current = await getFramework();
		const reading = lensToVectors(raw, current);
		if (!reading.ok) return fail(400, { problems: reading.errors });
		const created = await createFrameworkVersion(admin.id, {
			name: current.name,
			levels: current.levels,
			vectors: reading.vectors,
			criticalMargin: current.criticalMargin,
			note: `Imported from the custom lens "${String((raw as { name: string }).name).slice(0, 100)}"`
		});
		redirect(303, `/methodology?version=${created.version}`);
	}
};
