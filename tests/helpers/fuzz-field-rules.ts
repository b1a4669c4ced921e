import { VECTOR_KEYS } from './fuzz-form-builders';

/**
 * How the action fuzzer (tests/deep/fuzz-actions.test.ts) treats a form's fields, beside the valid forms
 * themselves (fuzz-forms.ts): which actions take none, which fields clean a value instead of refusing it,
 * and which fields another one stands for.
 */

/** Actions that take no input at all: they get every field the app renders, hostile, and must not break. */
export const FIELDLESS = new Set([
	'(auth)/logout ?/default',
	'(auth)/unsubscribe/[token] ?/default',
	'(app)/rounds/[id]/calibrate/[slug] ?/start',
	'(app)/rounds/[id] ?/regenerate',
	'(app)/technologies/[slug] ?/retire'
]);

/** Fields that clean a value instead of refusing it: a bad `next` signs in and goes to `/`. */
export const SANITISED: Record<string, string[]> = { '(auth)/login ?/default': ['next'] };

/**
 * Fields that another field of the same form stands for, being read by the same rule into the same
 * kind of column. The technology editor shares its schema with the new-technology form, which
 * gets every field; the editor's own are its version, the address (slug), the name and the team.
 * Level descriptions and guidance lines are read like a vector's description.
 */
export const ALIKE: Record<string, string[]> = {
	'(app)/admin/framework ?/default': ['levels.0', `v.${VECTOR_KEYS[0]}.anchor.0`],
	'(app)/technologies/new ?/default': ['runbook', 'repo', 'endOfLifeUrl'],
	// The edit form is the new-initiative form (same schema) plus its version.
	'(app)/initiatives/[id] ?/update': ['name', 'vectorKey', 'targetLevel', 'dueOn', 'category', 'teamId'],
	// The same version field as revealing, read by the same rule.
	'(app)/rounds/[id]/calibrate/[slug] ?/revote': ['session', 'version'],
	'(app)/rounds/[id]/calibrate/[slug] ?/skip': ['session', 'version'],
	'(app)/rounds/[id]/calibrate/[slug] ?/end': ['session', 'version'],
	'(app)/technologies/[slug]/edit ?/default': [
		'category',
		'lifecycle',
		'targetLevel',
		'description',
		'docs',
		'runbook',
		'repo',
		'runningVersion',
		'endOfLifeUrl',
		'reassessDays'
	],
	// Submitting parses and writes answers as saving does; what it adds is the check that every vector is answered.
	'(app)/rounds/[id]/assess/[slug] ?/submit': [`comment.${VECTOR_KEYS[0]}`, `evidence.${VECTOR_KEYS[0]}`]
};
