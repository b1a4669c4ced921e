import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { answer, calibratedVector, response } from '../../src/lib/server/db/schema';
import { calibrate } from '../../src/lib/domain/calibration';
import { aggregateVector, rateTechnology } from '../../src/lib/domain/aggregate';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { createFrameworkVersion } from '../../src/lib/server/queries/framework';
import { computeResults, refreshResults } from '../../src/lib/server/queries/results';
import { storedResults } from '../../src/lib/server/queries/stored-results';
import { useTestDatabase } from '../helpers/db';
import { createRoundRow, createTechnologyRow, createUserRow } from '../helpers/factories';

useTestDatabase();

/** Deterministic pseudo-random numbers, so a failure can be reproduced. */
function generator(seed: number) {
	let s = seed;
	return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

type Expected = Map<number, { answers: Record<string, (number | null)[]>; calibrated: Record<string, number> }>;
const WEIGHTS = [0.5, 1, 1, 1.5, 2, 3];
// Critical vectors cap the level at their median + 1: the same rule in SQL as in the domain.
const CRITICAL = ['recoverability', 'stability', 'supportability'];
let roundId: number;
let weights: Record<string, number>;
const expected: Expected = new Map();

beforeAll(async () => {
	const rand = generator(42);
	weights = Object.fromEntries(AGILE_OPERATIONS_V1.vectors.map((v) => [v.key, WEIGHTS[Math.floor(rand() * WEIGHTS.length)]]));
	const admin = await createUserRow('admin');
	await createFrameworkVersion(admin.id, {
		name: 'Weighted',
		note: 'parity',
		levels: AGILE_OPERATIONS_V1.levels,
		vectors: AGILE_OPERATIONS_V1.vectors.map((v) => ({ ...v, weight: weights[v.key], critical: CRITICAL.includes(v.key) })),
		criticalMargin: 1
	});
	const people = await Promise.all(Array.from({ length: 6 }, () => createUserRow('member')));
	const techs = await Promise.all(Array.from({ length: 40 }, (_, i) => createTechnologyRow(`Parity ${i}`)));
	roundId = (
		await createRoundRow(
			'open',
			techs.map((t) => ({ technologyId: t.id, userIds: people.map((p) => p.id) }))
		)
	).id;
	for (const tech of techs) {
		const answers: Record<string, (number | null)[]> = {};
		const respondents = Math.floor(rand() * 7); // 0–6, so some technologies have no data at all
		for (const person of people.slice(0, respondents)) {
			const submitted = rand() > 0.15;
			const [resp] = await db()
				.insert(response)
				.values({ roundId, technologyId: tech.id, userId: person.id, state: submitted ? 'submitted' : 'draft' })
				.returning();
			const rows = AGILE_OPERATIONS_V1.vectors.flatMap((v) => {
				const r = rand();
				if (r < 0.05) return []; // unanswered in a draft-like gap
				const dontKnow = r < 0.15;
				const score = dontKnow ? null : Math.floor(rand() * 6);
				if (submitted) (answers[v.key] ??= []).push(score);
				return [{ responseId: resp.id, vectorKey: v.key, score, dontKnow }];
			});
			await db().insert(answer).values(rows);
		}
		// Some vectors were calibrated: an agreed level replaces their median, in SQL as in the domain.
		const calibrated: Record<string, number> = {};
		const withData = Object.keys(answers).filter((k) => answers[k].some((a) => a !== null));
		if (withData.length && rand() < 0.4) {
			const key = withData[Math.floor(rand() * withData.length)];
			calibrated[key] = Math.floor(rand() * 6);
			await db().insert(calibratedVector).values({ roundId, technologyId: tech.id, vectorKey: key, level: calibrated[key] });
		}
		expected.set(tech.id, { answers, calibrated });
	}
});

describe('results SQL', () => {
	it('matches the pure aggregation rules for every technology and vector', async () => {
		const results = await computeResults({ roundId });
		expect(results).toHaveLength(40);
		let rated = 0;
		let capped = 0;
		for (const r of results) {
			const { answers, calibrated } = expected.get(r.technologyId)!;
			const vectors = AGILE_OPERATIONS_V1.vectors.map((v) => ({
				key: v.key,
				agg: calibrate(aggregateVector(answers[v.key] ?? []), calibrated[v.key]),
				weight: weights[v.key],
				critical: CRITICAL.includes(v.key)
			}));
			for (const v of vectors) {
				if ((answers[v.key] ?? []).length === 0) expect(r.vectors[v.key]).toBeUndefined();
				else expect(r.vectors[v.key]).toEqual(v.agg);
			}
			const rating = rateTechnology(
				vectors.map((v) => ({ key: v.key, median: v.agg.median, weight: v.weight, critical: v.critical })),
				1
			);
			expect(r.rating).toEqual(rating);
			if (rating) rated++;
			if (rating?.cappedBy) capped++;
		}
		// The rules were exercised: some levels were held down by a critical vector, some medians calibrated.
		expect(capped).toBeGreaterThan(0);
		expect(results.filter((r) => Object.values(r.vectors).some((v) => 'calibratedFrom' in v)).length).toBeGreaterThan(5);
		expect(rated).toBeGreaterThan(20);
		expect(rated).toBeLessThan(40);
	});

	it('stores exactly what it computes, for pages that read many technologies at once', async () => {
		await db().transaction((tx) => refreshResults(tx, { roundId }));
		const stored = await storedResults(roundId);
		const computed = await computeResults({ roundId });
		const byTech = (list: typeof computed) => [...list].sort((a, b) => a.technologyId - b.technologyId);
		expect(byTech(stored)).toEqual(byTech(computed));
	});

	it('counts assigned and submitted respondents', async () => {
		const [first] = await computeResults({ roundId, technologyId: [...expected.keys()][0] });
		expect(first.assigned).toBe(6);
		expect(first.submitted).toBeLessThanOrEqual(6);
	});
});
