import { describe, expect, it } from 'vitest';
import { AGILE_OPERATIONS_V1 } from './agile-operations-v1';
import {
	itemLevels,
	itemLine,
	itemPriority,
	itemStatusLabel,
	plannedItems,
	reconcileBacklog,
	sizeFor,
	type ExistingItem,
	type VectorResult
} from './remediation';

const vector = (key: string, median: number | null, disagreement = false, weight = 1): VectorResult => {
	const v = AGILE_OPERATIONS_V1.vectors.find((x) => x.key === key)!;
	return { key, name: v.name, lane: v.lane, weight, anchors: v.anchors, median, disagreement };
};
const kafka = { id: 7, name: 'Kafka', targetLevel: 4 };

describe('sizeFor', () => {
	it.each([
		[1, 1, 1],
		[1, 2, 2],
		[1, 3, 3],
		[2, 2, 5],
		[1.5, 3, 8],
		[3, 3, 13],
		[5, 3, 21],
		[10, 3, 21]
	])('gap %s × effort %s → %s points', (gap, effort, points) => {
		expect(sizeFor(gap, effort)).toBe(points);
	});
});

describe('plannedItems', () => {
	it('makes a story for every vector below target, prioritised by gap × weight', () => {
		const items = plannedItems(kafka, [
			vector('recoverability', 2, false, 2),
			vector('stability', 4),
			vector('documentation', 3.5),
			vector('currency', null)
		]);
		expect(items.map((i) => [i.vectorKey, i.kind, i.gap, i.priority, i.size])).toEqual([
			['recoverability', 'gap', 2, 4, 8],
			['documentation', 'gap', 0.5, 0.5, 1]
		]);
		const [rec] = items;
		expect(rec.title).toBe(
			'As operations, we can restore Kafka from backup within an agreed recovery time, so that a total loss is an inconvenience and not a disaster'
		);
		expect(rec.actions[0]).toBe(`Reach level 3: ${AGILE_OPERATIONS_V1.vectors.find((v) => v.key === 'recoverability')!.anchors[3]}`);
		expect(rec).toMatchObject({ lane: 'run', currentLevel: 2, targetLevel: 4 });
	});

	it('adds a calibrate item where respondents disagree and there is no gap', () => {
		const items = plannedItems(kafka, [vector('ease_of_use', 4, true), vector('automation', 2, true)]);
		expect(items.map((i) => [i.vectorKey, i.kind, i.size])).toEqual([
			['ease_of_use', 'calibrate', 1],
			['automation', 'gap', 8]
		]);
	});
});

describe('plannedItems after calibration', () => {
	it('plans no calibrate item for a vector whose level was agreed, and measures gaps from the agreed level', () => {
		const items = plannedItems(kafka, [
			{ ...vector('ease_of_use', 4, true), calibrated: true },
			{ ...vector('automation', 3, true), calibrated: true }
		]);
		expect(items.map((i) => [i.vectorKey, i.kind, i.currentLevel, i.gap])).toEqual([['automation', 'gap', 3, 1]]);
	});
});

describe('reconcileBacklog', () => {
	const planned = plannedItems(kafka, [vector('recoverability', 2), vector('stability', 3)]);
	const existing = (over: Partial<ExistingItem>): ExistingItem => ({
		id: 1,
		technologyId: 7,
		vectorKey: 'recoverability',
		kind: 'gap',
		status: 'open',
		edited: [],
		metRoundId: null,
		...over
	});

	it('creates everything on a first run', () => {
		const c = reconcileBacklog(planned, [], new Set([7]));
		expect(c.create.map((i) => i.vectorKey)).toEqual(['recoverability', 'stability']);
		expect(c.update).toEqual([]);
	});

	it('is idempotent: a second run updates the same items instead of duplicating', () => {
		const c = reconcileBacklog(planned, [existing({ id: 1 }), existing({ id: 2, vectorKey: 'stability' })], new Set([7]));
		expect(c.create).toEqual([]);
		expect(c.update.map((u) => u.id)).toEqual([1, 2]);
	});

	it('keeps a title and size a person edited', () => {
		const c = reconcileBacklog(planned, [existing({ edited: ['title', 'size', 'status'], status: 'in_progress' })], new Set([7]));
		const update = c.update.find((u) => u.id === 1)!.item;
		expect(update).not.toHaveProperty('title');
		expect(update).not.toHaveProperty('size');
		expect(update).not.toHaveProperty('status');
		expect(update).toMatchObject({ gap: 2, currentLevel: 2, metRoundId: null });
	});

	it('marks items met when their gap closed, only for technologies in the round', () => {
		const c = reconcileBacklog(
			[],
			[existing({ id: 1 }), existing({ id: 2, technologyId: 99 }), existing({ id: 3, vectorKey: 'stability', status: 'done' })],
			new Set([7])
		);
		expect(c.met).toEqual([1]);
	});

	it('leaves settled items alone', () => {
		const c = reconcileBacklog(planned, [existing({ status: 'wont_do' })], new Set([7]));
		expect(c.update.map((u) => u.id)).toEqual([]);
		expect(c.create.map((i) => i.vectorKey)).toEqual(['stability']);
	});
});

describe('how a backlog item reads in a list', () => {
	const item = {
		kind: 'gap' as const,
		status: 'open' as const,
		priority: 2,
		currentLevel: 2,
		targetLevel: 4,
		metRoundName: null,
		metLevel: null
	};

	it('a gap item reads from its level to the target, with its priority', () => {
		expect([itemLevels(item), itemPriority(item), itemStatusLabel(item)]).toEqual(['2 → 4', '2.0', 'Open']);
	});

	it('a calibrate item at its target does not read "3 → 3" at priority 0.0', () => {
		const calibrate = { ...item, kind: 'calibrate' as const, priority: 0, currentLevel: 3, targetLevel: 3 };
		expect([itemLevels(calibrate), itemPriority(calibrate)]).toEqual(['3 (target 3)', '—']);
		expect(itemLevels({ ...calibrate, currentLevel: 4.5 })).toBe('4.5 (target 3)');
		const listed = { ...calibrate, size: 1, title: 'Agree on Stability' };
		expect([itemLine(listed), itemLine(listed, true)]).toEqual([
			'[— · 1 pts] Agree on Stability',
			'[— · 1 pts · 3 (target 3)] Agree on Stability'
		]);
		expect(itemLine({ ...item, size: 3, title: 'Reach 4' }, true)).toBe('[2.0 · 3 pts · 2 → 4] Reach 4');
	});

	it('a met item reads "Met" with the level it reached, whatever its planning status', () => {
		const met = { ...item, metRoundName: '2026 Q4', metLevel: 4 };
		expect([itemStatusLabel(met), itemLevels(met)]).toEqual(['Met', 'reached 4 (target 4)']);
		expect(itemStatusLabel({ ...met, status: 'in_progress' })).toBe('Met');
	});
});
