import type { z } from 'zod';
import { factOf, valueProblem, type SignalSource } from '#lib/domain/signals.ts';
import { getTechnology } from '#lib/server/queries/technologies.ts';
import { getSignalKind, recordSignal, type StoredKind } from '#lib/server/queries/signals.ts';
import { Problem } from './endpoint';
import type { SignalSchema } from './signal-schemas';

type Row = { number: number | null; date: string | null; detail: string; source: SignalSource; observedAt: Date | string };

/** A fact as the API shows it, read as of `now`. */
export function signalOut(slug: string, kind: StoredKind, row: Row, now = new Date()): z.output<typeof SignalSchema> {
	const observedAt = new Date(row.observedAt);
	const fact = factOf(kind, { ...row, observedAt }, now);
	return {
		technology: slug,
		kind: kind.key,
		vector: kind.vectorKey,
		value: row.number,
		date: row.date,
		detail: row.detail,
		source: row.source,
		observedAt: observedAt.toISOString(),
		text: fact.text,
		suggests: fact.suggests
	};
}

/** The technology and signal kind a path names; 404 naming the one that is missing. */
export async function signalTarget(slug: string, key: string) {
	const [technology, kind] = await Promise.all([getTechnology(slug), getSignalKind(key)]);
	if (!technology) throw new Problem(404, 'Not Found', `No technology has the slug ${JSON.stringify(slug)}.`);
	if (!kind)
		throw new Problem(404, 'Not Found', `No signal kind has the key ${JSON.stringify(key)}; an admin defines them under Admin → Signals.`);
	return { technology, kind };
}

type Sent = { number: number | null; date: string | null; detail: string; observedAt?: Date };

/**
 * Records a fact a sender sent about `technology`, refused with 400 when it does not fit the kind;
 * `mayBeEmpty`: a fact with no figure is a fact too (end-of-life data with no end announced).
 */
export async function recordSent(
	technologyId: number,
	kind: StoredKind,
	sent: Sent,
	source: SignalSource,
	recordedBy: number,
	mayBeEmpty = false
) {
	const empty = sent.number === null && sent.date === null;
	const problem = empty && mayBeEmpty ? null : valueProblem(kind, sent);
	if (problem)
		throw new Problem(400, 'Bad Request', problem, { errors: [{ field: kind.measure === 'number' ? 'value' : 'date', message: problem }] });
	const { outcome, observedAt } = await recordSignal({ technologyId, kindId: kind.id, ...sent, source, recordedBy });
	return { outcome, row: { ...sent, source, observedAt } };
}
