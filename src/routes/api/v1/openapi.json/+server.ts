import type { RequestHandler } from './$types';
import { json } from '#lib/server/api/endpoint.ts';
import { openApiDocument } from '#lib/server/api/openapi.ts';

/** The API's description, for anyone and for code generators: it holds no data. */
export const GET: RequestHandler = async () => json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
