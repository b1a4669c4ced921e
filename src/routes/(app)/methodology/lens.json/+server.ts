import { frameworkToLens } from '#lib/domain/aws-lens.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { frameworkOfQuery } from '#lib/server/queries/framework.ts';
import type { RequestHandler } from './$types';

/** A framework version (the newest unless ?version=) as an AWS Well-Architected custom lens. */
export const GET: RequestHandler = async (event) => {
	requireCapability(event, 'read');
	const { framework } = await frameworkOfQuery(event.url);
	return Response.json(frameworkToLens(framework), {
		headers: {
			'content-disposition': `attachment; filename="opsmaturity-lens-v${framework.version}.json"`,
			'cache-control': 'no-store'
		}
	});
};
