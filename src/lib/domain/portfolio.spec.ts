import { describe, expect, it } from 'vitest';
import { laneAverages, levelDistribution, sortTechnologies, vectorAverages, type PortfolioTech } from './portfolio';

const tech = (
	name: string,
	rating: number | null,
	medians: Record<string, number | null>,
	teamName: string | null = 'SRE'
): PortfolioTech => ({
	slug: name.toLowerCase(),
	name,
	teamName,
	rating,
	level: rating === null ? null : Math.floor(rating),
	medians,
	disagreements: []
});
const rows = [
	tech('Kafka', 2.5, { a: 2, b: 3 }),
	tech('Redis', 4.1, { a: 4, b: null }, 'Data'),
	tech('NATS', null, {}),
	tech('Docker', 3, { a: 1, b: 5 }, null)
];

describe('sortTechnologies', () => {
	it('by rating, weakest first, unrated last', () => {
		expect(sortTechnologies(rows, 'rating', 'asc').map((r) => r.name)).toEqual(['Kafka', 'Docker', 'Redis', 'NATS']);
		expect(sortTechnologies(rows, 'rating', 'desc').map((r) => r.name)).toEqual(['Redis', 'Docker', 'Kafka', 'NATS']);
	});
	it('by one vector, no data last', () => {
		expect(sortTechnologies(rows, 'b', 'desc').map((r) => r.name)).toEqual(['Docker', 'Kafka', 'NATS', 'Redis']);
	});
	it('by name', () => {
		expect(sortTechnologies(rows, 'name', 'asc').map((r) => r.name)).toEqual(['Docker', 'Kafka', 'NATS', 'Redis']);
	});
});

describe('vectorAverages', () => {
	it('averages medians with data per vector, weakest first', () => {
		expect(
			vectorAverages(rows, [
				{ key: 'a', name: 'A' },
				{ key: 'b', name: 'B' }
			])
		).toEqual([
			{ key: 'a', name: 'A', average: 2.3, count: 3 },
			{ key: 'b', name: 'B', average: 4, count: 2 }
		]);
	});
});

describe('levelDistribution', () => {
	it('counts technologies per level, ignoring the unrated', () => {
		expect(levelDistribution([2, 4, null, 3, 2, 0])).toEqual([1, 0, 2, 1, 1, 0]);
	});
});

describe('laneAverages', () => {
	it('averages each lane per team', () => {
		const lanes = laneAverages(rows, [
			{ key: 'a', lane: 'plan' },
			{ key: 'b', lane: 'run' }
		]);
		expect(lanes).toEqual([
			{ team: 'Data', technologies: 1, lanes: { plan: 4, build: null, run: null } },
			{ team: 'No team', technologies: 1, lanes: { plan: 1, build: null, run: 5 } },
			{ team: 'SRE', technologies: 2, lanes: { plan: 2, build: null, run: 3 } }
		]);
	});
});
