import { requireCapability } from '$lib/server/auth/policy';
import { frameworkOfQuery } from '$lib/server/queries/framework';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'read');
	return frameworkOfQuery(event.url);
};
