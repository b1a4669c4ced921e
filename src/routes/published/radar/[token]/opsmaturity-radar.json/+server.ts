import { byorJson } from '#lib/server/export/byor.ts';
import { measureExport } from '#lib/server/metrics.ts';
import { publishedRadarFile } from '#lib/server/views/published-radar.ts';
import type { RequestHandler } from './$types';

/** The published radar as the JSON array Build Your Own Radar also reads; the same rows as the CSV beside it. */
export const GET: RequestHandler = (event) => measureExport('published/radar.json', () => publishedRadarFile(event.params.token, byorJson));
