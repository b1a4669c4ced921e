import { z } from 'zod';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, id, parseForm, text } from '#lib/server/forms/index.ts';
import {
	createPublishedRadar,
	listPublishedRadars,
	MAX_PUBLISHED_RADARS,
	revokePublishedRadar
} from '#lib/server/queries/published-radar.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	return { addresses: await listPublishedRadars(), max: MAX_PUBLISHED_RADARS };
};

export const actions: Actions = {
	create: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(z.object({ name: text('Name', 80) }), await event.request.formData());
		if (failure) return failure;
		const created = await createPublishedRadar(admin.id, data.name);
		if (!created)
			return formFailure(409, `There are ${MAX_PUBLISHED_RADARS} live addresses already. Revoke one that is no longer used first.`, {
				name: data.name
			});
		// The secret leaves the server this once: only its hash is kept.
		const base = `${event.url.origin}/published/radar/${created.secret}/opsmaturity-radar`;
		return { created: { id: created.id, name: data.name, csv: `${base}.csv`, json: `${base}.json` } };
	},
	revoke: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(z.object({ addressId: id('Address') }), await event.request.formData());
		if (failure) return failure;
		if (!(await revokePublishedRadar(admin.id, data.addressId)))
			return formFailure(404, 'No such live address; it may be revoked already.');
		return { revoked: data.addressId };
	}
};
