import { requireCapability } from '$lib/server/auth/policy';
import { requestedRound } from '$lib/server/forms';
import { csvResponse, toCsv } from '$lib/server/export/csv';
import { radarFor } from '$lib/server/views/tech-radar';
import { measureExport } from '$lib/server/metrics';
import type { RequestHandler } from './$types';

const COLUMNS = ['name', 'ring', 'quadrant', 'isNew', 'description', 'status'] as const;

/** The estate in ThoughtWorks' Build Your Own Radar CSV layout (no byte-order mark: that tool reads the header literally). */
export const GET: RequestHandler = (event) => measureExport('portfolio/radar.csv', () => radarCsv(event));

async function radarCsv(event: Parameters<RequestHandler>[0]) {
	requireCapability(event, 'read');
	const radar = await radarFor(requestedRound(event.url));
	const rows = radar.byor.map((r) => COLUMNS.map((c) => r[c]));
	return csvResponse(`opsmaturity-radar-${radar.round?.name ?? 'empty'}.csv`, toCsv([[...COLUMNS], ...rows], { bom: false }));
}
