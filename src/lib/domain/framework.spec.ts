import { describe, expect, it } from 'vitest';
import { AGILE_OPERATIONS_V1 } from './agile-operations-v1';
import { frameworkProblems, LANES, vectorsByLane, vectorsInLaneOrder, type Lane } from './framework';

const v1 = AGILE_OPERATIONS_V1;

describe('Agile Operations framework, version 1', () => {
	it('has the fifteen vectors of the method, in order', () => {
		expect(v1.vectors.map((v) => v.name)).toEqual([
			'Supportability',
			'Operability',
			'Recoverability',
			'Documentation',
			'Architectural design maturity',
			'Currency',
			'Usability',
			'Automation and self-service',
			'Deployability',
			'Stability',
			'Community support/adoption',
			'Maturity',
			'Ease of use',
			'Ubiquity',
			'Happiness'
		]);
	});

	it('is sound: six anchors per vector, six aggregate levels, unique keys, weight 1', () => {
		expect(frameworkProblems(v1)).toEqual([]);
		expect(v1.vectors.flatMap((v) => v.anchors)).toHaveLength(90);
		expect(new Set(v1.vectors.flatMap((v) => v.anchors)).size).toBe(90);
		expect(v1.vectors.every((v) => v.weight === 1)).toBe(true);
		expect(v1.levels).toHaveLength(6);
	});

	it.each([
		['plan', ['Architectural design maturity', 'Currency', 'Community support/adoption', 'Maturity', 'Ubiquity']],
		['build', ['Usability', 'Automation and self-service', 'Deployability', 'Ease of use', 'Happiness']],
		['run', ['Supportability', 'Operability', 'Recoverability', 'Stability', 'Documentation']]
	] as const)('puts the %s lane on its default vectors', (lane, names) => {
		const inLane = v1.vectors.filter((v) => v.lane === lane).map((v) => v.name);
		expect(inLane.sort()).toEqual([...names].sort());
	});

	it('groups by lane covering every vector once', () => {
		const groups = vectorsByLane(v1.vectors);
		expect(groups.map((g) => g.lane)).toEqual([...LANES]);
		expect(groups.flatMap((g) => g.vectors)).toHaveLength(15);
	});
});

describe('vectorsInLaneOrder', () => {
	it('puts Plan, Build, Run first to last and keeps the framework order inside each lane', () => {
		const v = (key: string, lane: Lane) => ({ key, lane });
		const mixed = [v('a', 'run'), v('b', 'plan'), v('c', 'build'), v('d', 'plan'), v('e', 'run'), v('f', 'build')];
		expect(vectorsInLaneOrder(mixed).map((x) => x.key)).toEqual(['b', 'd', 'c', 'f', 'a', 'e']);
		expect(vectorsInLaneOrder([])).toEqual([]);
	});

	it('orders the fifteen built-in vectors lane by lane', () => {
		const lanes = vectorsInLaneOrder(v1.vectors).map((x) => x.lane);
		expect(lanes).toEqual([...Array(5).fill('plan'), ...Array(5).fill('build'), ...Array(5).fill('run')]);
		expect(vectorsInLaneOrder(v1.vectors)[0].name).toBe('Architectural design maturity');
	});
});

describe('frameworkProblems', () => {
	const base = v1.vectors[0];
	it.each([
		[{ levels: v1.levels, vectors: [] }, 'A framework needs at least one vector.'],
		[{ levels: v1.levels.slice(1), vectors: [base] }, 'There must be six aggregate level descriptions (0–5).'],
		[{ levels: v1.levels, vectors: [base, base] }, 'Vector key "supportability" is used twice.'],
		[
			{ levels: v1.levels, vectors: [{ ...base, anchors: ['a', 'b', 'c', 'd', 'e', ' '] }] },
			'Supportability needs a guidance line for every level 0–5.'
		],
		[{ levels: v1.levels, vectors: [{ ...base, weight: 0 }] }, 'Supportability needs a weight above 0 and at most 10.'],
		[{ levels: v1.levels, vectors: [{ ...base, key: 'Bad Key' }] }, 'Vector key "Bad Key" is not a valid key.']
	])('reports %#', (framework, message) => {
		expect(frameworkProblems(framework)).toContain(message);
	});
});
