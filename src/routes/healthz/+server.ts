import type { RequestHandler } from './$types';

/** Liveness: the process answers. Deliberately touches nothing else. */
export const GET: RequestHandler = () => new Response('ok', { headers: { 'content-type': 'text/plain' } });
