import { describe, expect, it } from 'vitest';
import { cycleOf, endOfLifeFact, EndOfLifeFile } from './endoflife';

// The shape of https://endoflife.date/api/postgresql.json (trimmed), numbers where the API gives numbers.
const postgres = EndOfLifeFile.parse([
	{ cycle: '17', releaseDate: '2024-09-26', eol: '2029-11-08', latest: '17.2', latestReleaseDate: '2024-11-21', lts: false },
	{ cycle: '16', releaseDate: '2023-09-14', eol: '2028-11-09', latest: '16.6', lts: false },
	{ cycle: '1', eol: true },
	{ cycle: 12, eol: '2024-11-14', latest: '12.22' }
]);

describe('end-of-life data', () => {
	it('finds the cycle of a running version: exact, else the longest at a dot', () => {
		expect(cycleOf(postgres, '16.4')?.cycle).toBe('16');
		expect(cycleOf(postgres, 'v17')?.cycle).toBe('17');
		expect(cycleOf(postgres, '12.3')?.cycle).toBe('12');
		// "1" is not the cycle of "16.4", nor of "17".
		expect(cycleOf(postgres, '1.5')?.cycle).toBe('1');
		expect(cycleOf(postgres, '18.0')).toBeNull();
		const k8s = EndOfLifeFile.parse([
			{ cycle: '1.29', eol: '2025-02-28' },
			{ cycle: '1.2', eol: '2016-03-16' }
		]);
		expect(cycleOf(k8s, '1.29.3')?.cycle).toBe('1.29');
		expect(cycleOf(k8s, '1.2.9')?.cycle).toBe('1.2');
	});

	it('dates the fact by the cycle’s end, or says none is announced or that it ended without a date', () => {
		const today = new Date('2026-12-07T10:00:00Z');
		expect(endOfLifeFact(cycleOf(postgres, '16.4')!, '16.4', today)).toEqual({
			date: '2028-11-09',
			detail: 'runs 16.4, cycle 16 ends 2028-11-09; latest 16.6'
		});
		expect(endOfLifeFact({ cycle: '9', eol: false }, '9.1', today)).toEqual({
			date: null,
			detail: 'runs 9.1, cycle 9: no end of life announced'
		});
		expect(endOfLifeFact({ cycle: '1', eol: true }, '1.5', today).date).toBe('2026-12-06');
	});

	it('refuses what is not release cycles, naming why', () => {
		expect(EndOfLifeFile.safeParse({ cycle: '1' }).success).toBe(false);
		expect(EndOfLifeFile.safeParse([]).success).toBe(false);
		expect(EndOfLifeFile.safeParse([{ cycle: '1', eol: '2026-02-30' }]).success).toBe(false);
		expect(EndOfLifeFile.safeParse([{ cycle: '1' }]).success).toBe(false);
	});
});
