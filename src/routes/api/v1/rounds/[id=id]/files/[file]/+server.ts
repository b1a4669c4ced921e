import { z } from 'zod';
import { queryId } from '#lib/server/forms/index.ts';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { reportFile } from '#lib/server/export/round-download.ts';

/** The round's report files, as on its report page: the PDF for everyone, the data files for downloadData. */
export const GET = endpoint('read', async (event) => {
	parseQuery(z.object({ team: queryId.optional() }).strict(), event.url);
	return reportFile(event);
});

export const fallback = methodNotAllowed(['GET']);
