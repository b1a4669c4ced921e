import { z } from 'zod';
import { requireCapability } from '$lib/server/auth/policy';
import { getFramework, listFrameworkVersions } from '$lib/server/queries/framework';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'read');
	const versions = await listFrameworkVersions();
	const wanted = z.coerce
		.number()
		.int()
		.positive()
		.catch(versions[0].version)
		.parse(event.url.searchParams.get('version') ?? versions[0].version);
	const chosen = versions.find((v) => v.version === wanted) ?? versions[0];
	return { framework: await getFramework(chosen.id), versions: versions.map((v) => v.version) };
};
