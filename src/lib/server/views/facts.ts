import { factOf, factsDisagree, factsSuggest, SOURCE_LABELS, type FactView, type VectorFacts } from '#lib/domain/signals.ts';
import { ratingAge } from '#lib/domain/rating-source.ts';
import { currentSignals, listSignalKinds } from '../queries/signals';

/**
 * Each technology's current facts (the newest of each kind), read as of `now`. `settled`: only facts
 * observed by `now` count, so that a closed round's report reads the same whenever it is made.
 */
export async function factsOf(technologyIds: number[], now = new Date(), settled = false): Promise<Map<number, FactView[]>> {
	const [kinds, signals] = await Promise.all([listSignalKinds(), currentSignals(technologyIds, settled ? now : undefined)]);
	const byId = new Map(kinds.map((k) => [k.id, k]));
	const facts = new Map<number, FactView[]>();
	for (const s of signals) {
		const kind = byId.get(s.kindId);
		if (!kind) continue;
		const fact = factOf(kind, { ...s, observedAt: new Date(s.observedAt) }, now);
		const list = facts.get(s.technologyId) ?? [];
		list.push({
			kind: kind.key,
			vectorKey: kind.vectorKey,
			text: fact.text,
			detail: s.detail,
			suggests: fact.suggests,
			source: SOURCE_LABELS[s.source],
			observedAt: new Date(s.observedAt).toISOString(),
			age: ratingAge(s.observedAt, now)
		});
		facts.set(s.technologyId, list);
	}
	return facts;
}

/** A technology's facts per vector, with the level they suggest together and whether the vector's median is two levels away. */
export function factsByVector(facts: FactView[], medians: Record<string, number | null | undefined> = {}): VectorFacts {
	const grouped: VectorFacts = {};
	for (const fact of facts) (grouped[fact.vectorKey] ??= { facts: [], suggests: null, disagrees: false }).facts.push(fact);
	for (const [key, entry] of Object.entries(grouped)) {
		entry.suggests = factsSuggest(entry.facts);
		entry.disagrees = factsDisagree(medians[key], entry.suggests);
	}
	return grouped;
}
