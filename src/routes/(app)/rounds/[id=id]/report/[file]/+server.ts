import { reportFile } from '#lib/server/export/round-download.ts';
import type { RequestHandler } from './$types';

/** Downloads of a round's report (the API serves the same files). */
export const GET: RequestHandler = (event) => reportFile(event);
