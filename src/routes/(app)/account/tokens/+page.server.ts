import { z } from 'zod';
import { mayHoldScope, SCOPES, TOKEN_DAYS } from '#lib/domain/api-scopes.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { fieldFailure, formFailure, id, parseForm, text } from '#lib/server/forms/index.ts';
import { createApiToken, listApiTokens, MAX_TOKENS, revokeApiToken } from '#lib/server/queries/api-tokens.ts';
import type { Actions, PageServerLoad } from './$types';

const createSchema = z.object({
	name: text('Name', 80),
	scope: z.enum(SCOPES, { error: 'Choose read, write or admin.' }),
	days: z.enum(TOKEN_DAYS.map(String) as [string, ...string[]], { error: 'Choose how long the token lasts.' }).transform(Number)
});

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	return {
		tokens: await listApiTokens(user.id),
		scopes: SCOPES.filter((s) => mayHoldScope(user.role, s)),
		days: TOKEN_DAYS
	};
};

export const actions: Actions = {
	create: async (event) => {
		const user = requireCapability(event, 'read');
		const form = await event.request.formData();
		const { data, failure } = parseForm(createSchema, form);
		if (failure) return failure;
		if (!mayHoldScope(user.role, data.scope))
			return fieldFailure(form, 'scope', `Your role (${user.role}) cannot hold a ${data.scope} token.`, 403);
		const token = await createApiToken(user.id, data);
		if (!token)
			return formFailure(409, `You have ${MAX_TOKENS} live tokens already. Revoke one you no longer use first.`, { name: data.name });
		return { created: { name: data.name, token } };
	},
	revoke: async (event) => {
		const user = requireCapability(event, 'read');
		const { data, failure } = parseForm(z.object({ tokenId: id('Token') }), await event.request.formData());
		if (failure) return failure;
		if (!(await revokeApiToken(user.id, data.tokenId))) return formFailure(404, 'No such token of yours, or it is revoked already.');
		return { revoked: data.tokenId };
	}
};
