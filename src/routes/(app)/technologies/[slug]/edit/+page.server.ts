import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { LIFECYCLES } from '#lib/domain/catalog.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION } from '#lib/server/db/client.ts';
import { fieldFailure, formFailure, guardedWrite, MAX_ID, parseForm } from '#lib/server/forms/index.ts';
import { technologySchema } from '#lib/server/forms/technology.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import { getTechnology, updateTechnology } from '#lib/server/queries/technologies.ts';
import type { Actions, PageServerLoad } from './$types';

const versionSchema = z.object({ version: z.coerce.number().int().min(1).max(MAX_ID) });

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'editCatalog');
	const [tech, teams] = await Promise.all([getTechnology(event.params.slug), listTeams()]);
	if (!tech) error(404, 'No technology has this address.');
	const values: Record<string, string> = {
		name: tech.name,
		slug: tech.slug,
		category: tech.category,
		teamId: tech.teamId ? String(tech.teamId) : '',
		lifecycle: tech.lifecycle,
		description: tech.description,
		targetLevel: String(tech.targetLevel),
		runningVersion: tech.runningVersion,
		endOfLifeUrl: tech.endOfLifeUrl,
		reassessDays: tech.reassessDays === null ? '' : String(tech.reassessDays),
		docs: tech.links.docs ?? '',
		runbook: tech.links.runbook ?? '',
		repo: tech.links.repo ?? '',
		version: String(tech.version)
	};
	return { name: tech.name, values, teams: teams.map((t) => ({ id: t.id, name: t.name })), lifecycles: LIFECYCLES };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		const form = await event.request.formData();
		const { data, failure } = parseForm(technologySchema, form);
		if (failure) return failure;
		const version = versionSchema.safeParse({ version: form.get('version') });
		if (!version.success) return formFailure(400, 'The form is missing its version; reload the page.');
		const result = await guardedWrite(form, () => updateTechnology(user.id, tech.id, version.data.version, data), {
			[UNIQUE_VIOLATION]: ['slug', 'Another technology already uses this slug.'],
			[FOREIGN_KEY_VIOLATION]: ['teamId', 'That team no longer exists.']
		});
		if (result.failure) return result.failure;
		if (result.value === 'stale')
			return fieldFailure(
				form,
				'form',
				'Someone else changed this technology while you were editing. Reload to see their version; your changes are still in the form.',
				409
			);
		if (result.value === 'not-found') error(404, 'This technology was deleted.');
		redirect(303, `/technologies/${data.slug}`);
	}
};
