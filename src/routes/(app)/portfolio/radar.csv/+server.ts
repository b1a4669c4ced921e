import { requireCapability } from '$lib/server/auth/policy';
import { csvResponse, toCsv } from '$lib/server/export/csv';
import { radarFor } from '$lib/server/views/tech-radar';
import type { RequestHandler } from './$types';

const COLUMNS = ['name', 'ring', 'quadrant', 'isNew', 'description', 'status'] as const;

/** The estate in ThoughtWorks' Build Your Own Radar CSV layout (no byte-order mark: that tool reads the header literally). */
export const GET: RequestHandler = async (event) => {
	requireCapability(event, 'read');
	const radar = await radarFor(Number(event.url.searchParams.get('round')) || null);
	const rows = radar.byor.map((r) => COLUMNS.map((c) => r[c]));
	return csvResponse(`opsmaturity-radar-${radar.round?.name ?? 'empty'}.csv`, toCsv([[...COLUMNS], ...rows], { bom: false }));
};
