import { describe, expect, it } from 'vitest';
import { blipsFor, byorRows, DEFAULT_RADAR, movement, placeBlips, ringOf } from './tech-radar';

describe('rings and movement', () => {
	it.each([
		[0, 'Hold'],
		[1, 'Hold'],
		[2, 'Assess'],
		[3, 'Trial'],
		[4, 'Adopt'],
		[5, 'Adopt']
	] as const)('level %s sits in %s by default', (level, ring) => {
		expect(ringOf(level, DEFAULT_RADAR)).toBe(ring);
	});
	it.each([
		['Trial', null, 'New'],
		['Adopt', 'Trial', 'Moved In'],
		['Hold', 'Assess', 'Moved Out'],
		['Trial', 'Trial', 'No Change']
	] as const)('%s after %s is %s', (now, before, expected) => {
		expect(movement(now, before)).toBe(expected);
	});
});

describe('blips', () => {
	const techs = [
		{ slug: 'kafka', name: 'Kafka', category: 'messaging', rating: 2.9, level: 2, previousLevel: 2 },
		{ slug: 'k8s', name: 'Kubernetes', category: 'orchestration', rating: 3.6, level: 3, previousLevel: 2 },
		{ slug: 'odd', name: 'Oddity', category: 'unknown', rating: 1, level: 1, previousLevel: null }
	];
	const blips = blipsFor(techs, DEFAULT_RADAR);

	it('maps categories to quadrants (unknown → the last) and records movement', () => {
		expect(blips.map((b) => [b.quadrant, b.ring, b.movement])).toEqual([
			[0, 'Assess', 'No Change'],
			[1, 'Trial', 'Moved In'],
			[3, 'Hold', 'New']
		]);
	});

	it('places each blip inside its quadrant and ring band', () => {
		for (const b of placeBlips(blips, 400)) {
			const r = Math.hypot(b.x, b.y);
			const ring = ['Adopt', 'Trial', 'Assess', 'Hold'].indexOf(b.ring);
			expect(r).toBeGreaterThanOrEqual(ring * 100);
			expect(r).toBeLessThanOrEqual((ring + 1) * 100);
			const quadrant = [b.x >= 0 && b.y <= 0, b.x >= 0 && b.y >= 0, b.x <= 0 && b.y >= 0, b.x <= 0 && b.y <= 0];
			expect(quadrant[b.quadrant]).toBe(true);
		}
	});

	it('exports the Build Your Own Radar columns', () => {
		expect(byorRows(blips, DEFAULT_RADAR, ['l0', 'l1', 'l2', 'l3', 'l4', 'l5'])[2]).toEqual({
			name: 'Oddity',
			ring: 'Hold',
			quadrant: 'Languages & Frameworks',
			isNew: 'TRUE',
			description: 'Other · rating 1.0 (level 1): l1',
			status: 'New'
		});
	});

	it('names the round a rating comes from when the blips mix rounds', () => {
		const [row] = byorRows([{ ...blips[2], from: '2026 Q3' }], DEFAULT_RADAR, ['l0', 'l1', 'l2', 'l3', 'l4', 'l5']);
		expect(row.description).toBe('Other · rating 1.0 (level 1, rated in 2026 Q3): l1');
	});
});
