import { byorCsv } from '#lib/server/export/byor.ts';
import { measureExport } from '#lib/server/metrics.ts';
import { publishedRadarFile } from '#lib/server/views/published-radar.ts';
import type { RequestHandler } from './$types';

/**
 * The tech radar as the signed-in CSV download, for anyone holding a published address (no
 * session: the secret in the path is the credential, and all it opens is this radar). The path
 * ends in .csv because Build Your Own Radar tells a CSV by its address and titles the radar after the file name.
 */
export const GET: RequestHandler = (event) => measureExport('published/radar.csv', () => publishedRadarFile(event.params.token, byorCsv));
