import { describe, expect, it } from 'vitest';
import { compareRows, parseList, stableColours, widestGaps } from './compare';

const vectors = [
	{ key: 'a', name: 'Alpha' },
	{ key: 'b', name: 'Beta' },
	{ key: 'c', name: 'Gamma' }
];

describe('compareRows', () => {
	const rows = compareRows(vectors, [
		{ label: 'Kafka', medians: { a: 2, b: 4, c: null } },
		{ label: 'RabbitMQ', medians: { a: 3.5, b: 4 } },
		{ label: 'NATS', medians: { a: 1, b: 2, c: 3 } }
	]);

	it("lines up each series' median per vector, no data as null", () => {
		expect(rows.map((r) => r.values)).toEqual([
			[2, 3.5, 1],
			[4, 4, 2],
			[null, null, 3]
		]);
	});
	it('marks the best value per row, sharing ties', () => {
		expect(rows.map((r) => r.best)).toEqual([[1], [0, 1], []]);
	});
	it('measures the spread between series with data', () => {
		expect(rows.map((r) => r.spread)).toEqual([2.5, 2, null]);
	});
	it('finds where the series differ most', () => {
		expect(widestGaps(rows, 1).map((r) => r.key)).toEqual(['a']);
	});
});

describe('parseList', () => {
	it.each([
		[['kafka,rabbitmq'], ['kafka', 'rabbitmq']],
		[
			['kafka', 'nats', 'kafka'],
			['kafka', 'nats']
		],
		[['Kafka, NATS ,'], ['kafka', 'nats']],
		[['a,b,c,d,e,f,g'], ['a', 'b', 'c', 'd', 'e', 'f']],
		[['<script>', 'ok'], ['ok']]
	])('%j → %j', (input, expected) => {
		expect(parseList(input)).toEqual(expected);
	});
});

describe('stableColours', () => {
	it('gives a series the same colour whichever others are chosen with it', () => {
		// Catalog places: Kafka 2, NATS 6, PostgreSQL 7, RabbitMQ 9.
		const [kafkaWithRabbit] = stableColours([2, 9]);
		const [, kafkaAfterNats] = stableColours([6, 2]);
		const [, , kafkaLast] = stableColours([6, 7, 2]);
		expect([kafkaWithRabbit, kafkaAfterNats, kafkaLast]).toEqual([2, 2, 2]);
	});

	it('never paints two series alike: the later of two on one colour takes the next free one', () => {
		expect(stableColours([1, 7, 13])).toEqual([1, 2, 3]);
		expect(stableColours([5, 11])).toEqual([5, 0]);
		expect(new Set(stableColours([0, 6, 12, 18, 24, 30])).size).toBe(6);
	});
});
