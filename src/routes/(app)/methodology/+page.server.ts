import { requireCapability } from '#lib/server/auth/policy.ts';
import { frameworkOfQuery } from '#lib/server/queries/framework.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'read');
	return frameworkOfQuery(event.url);
};
