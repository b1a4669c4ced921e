import { describe, expect, it } from 'vitest';
import { backstageRadar, catalogRows, isCatalogYaml, ownerName, skippedNotice, teamFor } from './backstage';

describe('Backstage catalog entities', () => {
	it('names the owner group however Backstage writes the reference, and finds our team by name or by its Backstage name', () => {
		expect(['group:default/platform-team', 'group:platform-team', 'platform-team'].map(ownerName)).toEqual(Array(3).fill('platform-team'));
		expect(teamFor('group:default/platform-team', [{ name: 'Data' }, { name: 'Platform Team' }])).toBe('Platform Team');
		// Someone who is not a team here, or a person, leaves the technology unowned instead of refusing the file.
		expect(teamFor('nobody', [{ name: 'Data' }])).toBe('');
		expect(teamFor('user:default/data', [{ name: 'Data' }])).toBe('');
		expect(teamFor('group:data', [{ name: 'Data' }])).toBe('Data');
	});

	it('tells a catalog-info.yaml from a CSV, also with CRLF line breaks and leading comments', () => {
		expect(isCatalogYaml('# catalog\r\n# more\r\napiVersion: backstage.io/v1alpha1\r\n')).toBe(true);
		expect(isCatalogYaml('---\nkind: Component')).toBe(true);
		expect(isCatalogYaml('name,category,team\nKafka,messaging,\n')).toBe(false);
	});

	it('skips kinds that are not technologies and refuses documents that are no entity', () => {
		const out = catalogRows(
			[
				{ line: 1, value: { kind: 'Group', metadata: { name: 'x' } } },
				{ line: 5, value: ['a list'] },
				{ line: 9, value: null }
			],
			[]
		);
		expect(out.skipped).toEqual([{ line: 1, kind: 'Group', name: 'x' }]);
		expect(out.problems).toEqual(['The document at line 5 is not a Backstage entity: it has no kind.']);
		expect(out.rows).toEqual([]);
	});

	it('names and counts what it skips, whatever else the file holds', () => {
		expect(skippedNotice([])).toBeUndefined();
		expect(skippedNotice([{ line: 42, kind: 'API', name: 'payments-api' }])).toBe(
			'Skipped 1 entity of a kind that is not imported (only Component, Resource, System are): API “payments-api” at line 42.'
		);
		const many = Array.from({ length: 12 }, (_, i) => ({ line: i * 5 + 1, kind: 'Group', name: `g${i}` }));
		expect(skippedNotice(many)).toMatch(/^Skipped 12 entities of kinds that are not imported .*Group “g9” at line 46 and 2 more\.$/);
	});

	it('keeps only web links, and takes the repository from the source-location annotation when no link names one', () => {
		const [row] = catalogRows(
			[
				{
					line: 1,
					value: {
						kind: 'Component',
						metadata: {
							name: 'svc',
							links: [
								{ url: 'javascript:alert(1)', title: 'Docs' },
								{ url: 'https://docs.example/svc', title: 'Docs' }
							],
							annotations: { 'backstage.io/source-location': 'url:https://git.example/svc' }
						},
						spec: { type: 'service', lifecycle: 'deprecated' }
					}
				}
			],
			[]
		).rows;
		expect(row).toMatchObject({
			slug: 'svc',
			category: 'service',
			lifecycle: 'deprecated',
			links: { docs: 'https://docs.example/svc', repo: 'https://git.example/svc' }
		});
	});
});

describe('the radar for Backstage', () => {
	it('moves out as -1 and leaves unrated technologies off', () => {
		const radar = backstageRadar(
			['A', 'B', 'C', 'D'],
			[
				{
					slug: 'x',
					name: 'X',
					quadrant: 9,
					description: '',
					history: [
						{ round: 'R1', date: '2026-01-01', level: 4, ring: 'Adopt' },
						{ round: 'R2', date: '2026-02-01', level: 2, ring: 'Assess' }
					]
				},
				{ slug: 'y', name: 'Y', quadrant: 0, description: '', history: [] }
			]
		);
		expect(radar.entries).toHaveLength(1);
		expect(radar.entries[0].quadrant).toBe('d');
		expect(radar.entries[0].timeline.map((t) => [t.ringId, t.moved])).toEqual([
			['assess', -1],
			['adopt', 0]
		]);
	});
});
