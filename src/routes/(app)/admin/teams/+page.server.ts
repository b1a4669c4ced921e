import { z } from 'zod';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { UNIQUE_VIOLATION } from '#lib/server/db/client.ts';
import { guardedWrite, id, parseForm, text, formFailure } from '#lib/server/forms/index.ts';
import { createTeam, deleteTeam, listTeams, renameTeam } from '#lib/server/queries/teams.ts';
import type { Actions, PageServerLoad } from './$types';

const createSchema = z.object({ name: text('Team name', 80) });
const renameSchema = z.object({ teamId: id('Team'), name: text('Team name', 80) });
const deleteSchema = z.object({ teamId: id('Team') });
const TAKEN = 'A team with this name already exists.';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	return { teams: await listTeams() };
};

const uniqueName = <T>(form: FormData, write: () => Promise<T>) => guardedWrite(form, write, { [UNIQUE_VIOLATION]: ['name', TAKEN] });

export const actions: Actions = {
	create: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const { data, failure } = parseForm(createSchema, form);
		if (failure) return failure;
		const result = await uniqueName(form, () => createTeam(admin.id, data.name));
		return result.failure ?? { created: data.name };
	},
	rename: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const { data, failure } = parseForm(renameSchema, form);
		if (failure) return failure;
		const result = await uniqueName(form, () => renameTeam(admin.id, data.teamId, data.name));
		if (result.failure) return result.failure;
		if (!result.value) return formFailure(404, 'That team no longer exists.');
		return { renamed: data.teamId };
	},
	delete: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const { data, failure } = parseForm(deleteSchema, form);
		if (failure) return failure;
		const result = await deleteTeam(admin.id, data.teamId);
		if (result === 'owns-technologies')
			return formFailure(409, 'This team owns technologies. Move them to another team before deleting it.');
		if (result === 'has-initiatives')
			return formFailure(409, 'Initiatives are set for this team. Change or delete them at /initiatives before deleting it.');
		if (result === 'not-found') return formFailure(404, 'That team no longer exists.');
		return { deleted: data.teamId };
	}
};
