import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { JIRA_HEADER, jiraRow } from './backlog-jira';
import { toCsv } from './csv';
import { neutraliseForCsv } from './neutralise';
import { FORMULA_START, hostileItem } from '../../../../tests/helpers/hostile-text';

describe('Jira CSV', () => {
	it('read back with a comma delimiter, every cell is the neutralised cell, multi-line descriptions included', () => {
		fc.assert(
			fc.property(fc.array(hostileItem, { minLength: 1, maxLength: 6 }), (items) => {
				const rows = [JIRA_HEADER, ...items.map(jiraRow)];
				const parsed = Papa.parse<string[]>(toCsv(rows).replace(/^\uFEFF/, ''), { newline: '\r\n', delimiter: ',' }).data;
				expect(parsed).toHaveLength(rows.length);
				parsed.forEach((row, i) => {
					expect(row).toHaveLength(JIRA_HEADER.length);
					row.forEach((cell, j) => {
						expect(FORMULA_START.test(cell)).toBe(false);
						expect(cell).toBe(neutraliseForCsv(String(rows[i][j])));
					});
				});
				// The description really is several lines, so the cell-level rule covers a multi-line cell.
				expect(parsed.slice(1).every((row) => row[1].includes('\n'))).toBe(true);
			}),
			{ numRuns: 300 }
		);
	});

	it('a calibrate item reads its level against the target, not "3 → 3"', () => {
		const item = {
			title: 'Agree on it',
			actions: [],
			kind: 'calibrate' as const,
			vectorKey: 'stability',
			lane: 'run' as const,
			currentLevel: 3,
			targetLevel: 3,
			priority: 0,
			size: 1,
			technologyName: 'Kafka',
			technologySlug: 'kafka',
			ticketUrl: ''
		};
		expect(String(jiraRow(item)[1]).split('\n')[0]).toBe('Kafka: respondents disagree on stability (Run lane), level 3 (target 3).');
		expect(String(jiraRow({ ...item, kind: 'gap', currentLevel: 2 })[1]).split('\n')[0]).toBe(
			'Kafka: raise stability (Run lane), level 2 → 3.'
		);
	});
});
