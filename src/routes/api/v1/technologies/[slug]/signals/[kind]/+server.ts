import { z } from 'zod';
import { json } from '@sveltejs/kit';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, methodNotAllowed, Problem, readJson } from '#lib/server/api/endpoint.ts';
import { SignalParams, SignalWriteSchema } from '#lib/server/api/signal-schemas.ts';
import { recordSent, signalOut, signalTarget } from '#lib/server/api/signals.ts';
import { signalHistory } from '#lib/server/queries/signals.ts';

function target(params: Partial<Record<string, string>>) {
	const parsed = SignalParams.safeParse(params);
	if (!parsed.success) throw new Problem(404, 'Not Found', 'No technology or signal kind has this address.');
	return signalTarget(parsed.data.slug, parsed.data.kind);
}

/** One technology's observations of one kind, newest first. */
export const GET = endpoint('read', async ({ params, url }) => {
	parseQuery(z.object({}).strict(), url);
	const { technology, kind } = await target(params);
	const now = new Date();
	const rows = await signalHistory(technology.id, kind.id);
	return json({ items: rows.map((r) => signalOut(technology.slug, kind, r, now)) });
});

/** Records one observation; sending the same one again changes nothing (200), a new one is added to the history (201). */
export const PUT = endpoint('editCatalog', async ({ params, url, request }, user) => {
	parseQuery(z.object({}).strict(), url);
	const { technology, kind } = await target(params);
	const body = await readJson(request, SignalWriteSchema);
	const sent = {
		number: body.value ?? null,
		date: body.date ?? null,
		detail: body.detail ?? '',
		observedAt: body.observedAt ? new Date(body.observedAt) : undefined
	};
	const { outcome, row } = await recordSent(technology.id, kind, sent, 'api', user.id);
	return json(signalOut(technology.slug, kind, row), { status: outcome === 'created' ? 201 : 200 });
});

export const fallback = methodNotAllowed(['GET', 'PUT']);
