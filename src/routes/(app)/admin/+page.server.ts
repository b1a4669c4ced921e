import { requireCapability } from '#lib/server/auth/policy.ts';
import { demoDataExists } from '#lib/server/queries/demo-data.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	return { demoData: await demoDataExists() };
};
