import { fail } from '@sveltejs/kit';
import { ROLES } from '#lib/domain/roles.ts';
import { breakGlassEmail, localLoginEnabled } from '#lib/server/auth/local-login.ts';
import { oidcEnabled, oidcIssuer, oidcLabel } from '#lib/server/auth/oidc.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { fileFields, formFailure } from '#lib/server/forms/index.ts';
import { parseSsoForm } from '#lib/server/forms/sso.ts';
import { getSsoConfig, saveSsoConfig } from '#lib/server/queries/settings.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const [config, teams] = await Promise.all([getSsoConfig(), listTeams()]);
	return {
		config,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		roles: ROLES,
		provider: oidcEnabled() ? { issuer: oidcIssuer(), label: oidcLabel() } : null,
		localLogin: localLoginEnabled(),
		breakGlass: breakGlassEmail()
	};
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const files = fileFields(form);
		if (files) return fail(400, { errors: files, values: {} });
		const teams = await listTeams();
		const parsed = parseSsoForm(form, new Set(teams.map((t) => t.id)));
		if ('errors' in parsed) return fail(400, { errors: parsed.errors, values: {} });
		const result = await saveSsoConfig(admin.id, parsed.version, parsed.config);
		if (result === 'stale')
			return formFailure(409, 'Someone else changed the mapping meanwhile. Reload to see theirs before saving yours.');
		return { saved: true };
	}
};
