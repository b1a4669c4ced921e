import { z } from 'zod';
import { json } from '@sveltejs/kit';
import { parseQuery, SlugParams } from '#lib/server/api/parse.ts';
import { endpoint, methodNotAllowed, Problem, readJson } from '#lib/server/api/endpoint.ts';
import { recordSent, signalOut, signalTarget } from '#lib/server/api/signals.ts';
import { EndOfLifeFile } from '#lib/domain/endoflife.ts';
import { endOfLifeSignal } from '#lib/server/views/end-of-life.ts';

/**
 * Takes a product's release cycles in the endoflife.date API's shape, finds the cycle of the
 * technology's running version, and records its end-of-life date as the `end-of-life` fact.
 */
export const PUT = endpoint('editCatalog', async ({ params, url, request }, user) => {
	parseQuery(z.object({}).strict(), url);
	const slug = SlugParams.safeParse(params);
	if (!slug.success) throw new Problem(404, 'Not Found', 'No technology has this address.');
	const { technology, kind } = await signalTarget(slug.data.slug, 'end-of-life');
	const cycles = await readJson(request, EndOfLifeFile);
	const sent = endOfLifeSignal(technology, cycles);
	if ('problem' in sent)
		throw new Problem(422, 'Unprocessable Content', sent.problem, { errors: [{ field: 'body', message: sent.problem }] });
	const { outcome, row } = await recordSent(technology.id, kind, sent, 'endoflife', user.id, true);
	return json(signalOut(technology.slug, kind, row), { status: outcome === 'created' ? 201 : 200 });
});

export const fallback = methodNotAllowed(['PUT']);
