import { requireCapability } from '#lib/server/auth/policy.ts';
import { measureExport } from '#lib/server/metrics.ts';
import { backupForDownload } from '#lib/server/queries/backup.ts';
import type { RequestHandler } from './$types';

/** The whole database as a backup file (see docs/operate.md, Backup and restore); restore it with `npm run restore`. */
export const GET: RequestHandler = (event) => measureExport('admin/backup', () => backupResponse(event));

async function backupResponse(event: Parameters<RequestHandler>[0]) {
	const user = requireCapability(event, 'administer');
	const file = await backupForDownload(user.id);
	return new Response(file.body, {
		headers: {
			'content-type': 'application/gzip',
			'content-length': String(file.size),
			'content-disposition': `attachment; filename="${file.name}"`,
			'cache-control': 'no-store'
		}
	});
}
