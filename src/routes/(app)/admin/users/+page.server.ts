import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { ROLES } from '#lib/domain/roles.ts';
import { email, fieldFailure, id, idList, parseForm, formFailure } from '#lib/server/forms/index.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import { createInvitation, findUserForLogin, listPendingInvitations, listUsers, updateUser } from '#lib/server/queries/users.ts';
import { smtpConfigured } from '#lib/server/mail/config.ts';
import type { Actions, PageServerLoad } from './$types';

const role = z.enum(ROLES, { error: 'Choose a role.' });
const inviteSchema = z.object({ email, role, teamIds: idList('Team') });
const updateSchema = z.object({
	userId: id('User'),
	role,
	teamIds: idList('Team'),
	active: z.literal('on').optional(),
	confirm: z.literal('yes').optional()
});

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const [users, teams, invitations] = await Promise.all([listUsers(), listTeams(), listPendingInvitations()]);
	return { users, teams: teams.map((t) => ({ id: t.id, name: t.name })), invitations, roles: ROLES };
};

export const actions: Actions = {
	invite: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const { data, failure } = parseForm(inviteSchema, form);
		if (failure) return failure;
		if (await findUserForLogin(data.email)) return fieldFailure(form, 'email', 'Someone with this email already has an account.');
		const token = await createInvitation(admin.id, data);
		return { invited: { email: data.email, link: `${event.url.origin}/invite/${token}`, emailed: smtpConfigured() } };
	},
	update: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const { data, failure } = parseForm(updateSchema, form);
		if (failure) return failure;
		const result = await updateUser(admin.id, data.userId, {
			role: data.role,
			teamIds: data.teamIds,
			active: data.active === 'on',
			confirmed: data.confirm === 'yes'
		});
		if (result === 'confirm-deactivation')
			return fail(409, { confirmDeactivation: { userId: data.userId, role: data.role, teamIds: data.teamIds } });
		if (result === 'not-found') return formFailure(404, 'That user no longer exists.');
		if (result === 'last-admin') return formFailure(409, 'This would leave no active administrator. Make someone else an admin first.');
		return { updated: data.userId };
	}
};
