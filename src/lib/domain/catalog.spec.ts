import { describe, expect, it } from 'vitest';
import { missingColumns, planImport, slugify, type ImportRow } from './catalog';

describe('slugify', () => {
	it.each([
		['Kafka', 'kafka'],
		['PostgreSQL', 'postgresql'],
		['Grafana Loki — Ünicode', 'grafana-loki-unicode'],
		['  CI/CD  Runner ', 'ci-cd-runner'],
		['!!!', '']
	])('%s → %s', (name, slug) => {
		expect(slugify(name)).toBe(slug);
	});
});

describe('planImport', () => {
	const teams = [{ id: 1, name: 'Platform SRE' }];
	const existing = [
		{ slug: 'kafka', name: 'Kafka', category: 'messaging', teamId: 1, lifecycle: 'production' as const, description: '', targetLevel: 3 }
	];
	const row = (r: Partial<ImportRow>): ImportRow => ({
		name: '',
		category: '',
		team: '',
		lifecycle: '',
		description: '',
		target: '',
		...r
	});

	it('creates new, updates changed, leaves identical rows alone, with defaults', () => {
		const lines = planImport(
			[
				row({ name: 'Kafka', category: 'Messaging', team: 'platform sre' }),
				row({ name: 'Kafka Connect', category: 'messaging', target: '4' }),
				row({ name: 'Redis', category: 'database', lifecycle: 'Deprecated' })
			],
			[...existing, { ...existing[0], slug: 'kafka-connect', name: 'Kafka Connect', teamId: null }],
			teams
		);
		expect(lines.map((l) => [l.line, l.action])).toEqual([
			[2, 'unchanged'],
			[3, 'update'],
			[4, 'create']
		]);
		expect(lines[2]).toMatchObject({ technology: { slug: 'redis', lifecycle: 'deprecated', targetLevel: 3, teamId: null } });
	});

	it('reports every problem of a row', () => {
		const [line] = planImport([row({ name: '', category: '', team: 'Nobody', lifecycle: 'alive', target: '7' })], [], teams);
		expect(line).toEqual({
			line: 2,
			action: 'error',
			name: '(line 2)',
			errors: [
				'Name is required.',
				'Category is required.',
				'No team is called "Nobody".',
				'Lifecycle must be one of evaluating, production, deprecated, retired.',
				'Target must be a whole number from 0 to 5.'
			]
		});
	});

	it('refuses the same technology twice in one file', () => {
		const lines = planImport([row({ name: 'NATS', category: 'messaging' }), row({ name: 'nats', category: 'messaging' })], [], teams);
		expect(lines[1]).toMatchObject({ action: 'error', errors: ['Same technology as line 2.'] });
	});

	it('names missing required columns', () => {
		expect(missingColumns(['Name', 'team'])).toEqual(['category']);
		expect(missingColumns(['name', 'category'])).toEqual(['team']);
	});
});

describe('planImport and control characters', () => {
	const row = (r: Partial<ImportRow>): ImportRow => ({
		name: 'Kafka',
		category: 'messaging',
		team: '',
		lifecycle: '',
		description: '',
		target: '',
		...r
	});
	it.each([
		[{ name: 'Kaf\u0000ka' }, 'Name cannot contain control characters such as tabs or line breaks.'],
		[{ name: 'Kaf\tka' }, 'Name cannot contain control characters such as tabs or line breaks.'],
		[{ category: 'mess\u001baging' }, 'Category cannot contain control characters such as tabs or line breaks.'],
		[{ description: 'one\u0000two' }, 'Description cannot contain control characters other than line breaks and tabs.']
	])('refuses %j with a message on its line', (fields, message) => {
		expect(planImport([row(fields)], [], [])).toEqual([expect.objectContaining({ line: 2, action: 'error', errors: [message] })]);
	});

	it('keeps line breaks and tabs in a description', () => {
		expect(planImport([row({ description: 'one\n\ttwo' })], [], [])[0].action).toBe('create');
	});
});
