import Papa from 'papaparse';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { TEST_PASSWORD } from './factories';
import { fx } from './fuzz-fixtures';

// What the fuzz suite's valid forms (fuzz-forms.ts) are made of: a form's shape, a serial for unique names, and the fields several actions share.

export const VECTOR_KEYS = AGILE_OPERATIONS_V1.vectors.map((v) => v.key);

export type Fields = Record<string, string | string[]>;
export type Form = [string, string | Blob][];
export const text = (v: string | Blob) => (typeof v === 'string' ? v : 'blob');
export const formOf = (fields: Fields): Form =>
	Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): Form[number] => [k, x]));

let serial = 0;
export const next = () => ++serial;

/** A signal kind's fields, valid, a little different each time. */
export const kindForm = (n: number) => ({
	name: `Fuzz kind ${n}`,
	unit: 'incidents',
	vectorKey: 'stability',
	measure: 'number',
	better: 'lower',
	t1: String(20 + (n % 5)),
	t2: '10',
	t3: '5',
	t4: '2',
	t5: '0'
});

export const answers = () =>
	Object.fromEntries(
		VECTOR_KEYS.flatMap((k) => [
			[`score.${k}`, '3'],
			[`comment.${k}`, 'ok'],
			[`evidence.${k}`, 'https://wiki.example/x']
		])
	);

export const technologyForm = (n: number) => ({
	name: `Fuzzed ${n}`,
	slug: `fuzzed-${n}`,
	category: 'testing',
	teamId: String(fx.team.id),
	lifecycle: 'production',
	targetLevel: '3',
	description: 'd',
	docs: 'https://docs.example',
	runbook: 'https://runbook.example',
	repo: 'https://git.example/r',
	runningVersion: '16.4',
	endOfLifeUrl: 'https://endoflife.example/api/postgresql.json',
	reassessDays: '90'
});

export const importCsv = (n: number) =>
	Papa.unparse([
		{ name: `Fuzz import ${n}`, category: 'testing', team: fx.team.name, lifecycle: 'production', description: 'd', target: '3' }
	]);

export const password = { password: TEST_PASSWORD, confirm: TEST_PASSWORD };
