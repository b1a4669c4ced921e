import type { radarFor } from '../views/tech-radar';
import { csvResponse, toCsv } from './csv';

// The radar files for ThoughtWorks' Build Your Own Radar, one code path for the signed-in downloads and the published address.

type Radar = Pick<Awaited<ReturnType<typeof radarFor>>, 'byor' | 'round'>;

/** That tool's columns, and `status`, which its newer versions read for movement. */
const COLUMNS = ['name', 'ring', 'quadrant', 'isNew', 'description', 'status'] as const;

/** CSV without a byte-order mark: that tool reads the header literally. */
export function byorCsv(radar: Radar): Response {
	const rows = radar.byor.map((r) => COLUMNS.map((c) => r[c]));
	return csvResponse(`opsmaturity-radar-${radar.round?.name ?? 'latest'}.csv`, toCsv([[...COLUMNS], ...rows], { bom: false }));
}

/** The same rows as the JSON array that tool also reads. */
export function byorJson(radar: Radar): Response {
	return Response.json(radar.byor, {
		headers: { 'content-disposition': `attachment; filename="opsmaturity-radar.json"`, 'cache-control': 'no-store' }
	});
}
