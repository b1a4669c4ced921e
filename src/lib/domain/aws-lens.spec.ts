import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGILE_OPERATIONS_V1 } from './agile-operations-v1';
import { frameworkToLens, lensToVectors, LENS_SCHEMA_VERSION } from './aws-lens';

const lens = () => JSON.parse(JSON.stringify(frameworkToLens(AGILE_OPERATIONS_V1)));
const AWS_STYLE_LENS = JSON.parse(readFileSync(new URL('../../../tests/fixtures/aws-lens/storage-lens.json', import.meta.url), 'utf8'));

describe('the framework as an AWS custom lens', () => {
	it('has lanes as pillars, vectors as questions, six level choices each, and risk rules from the levels', () => {
		const out = frameworkToLens(AGILE_OPERATIONS_V1);
		expect(out.schemaVersion).toBe(LENS_SCHEMA_VERSION);
		expect(out.pillars.map((p) => p.id)).toEqual(['plan', 'build', 'run']);
		expect(out.pillars.flatMap((p) => p.questions)).toHaveLength(15);
		const recoverability = out.pillars.flatMap((p) => p.questions).find((q) => q.id === 'recoverability')!;
		expect(recoverability.choices.map((c) => c.id)).toEqual([0, 1, 2, 3, 4, 5].map((l) => `recoverability_l${l}`));
		expect(recoverability.choices[0].improvementPlan?.displayText).toMatch(/restore/i);
		expect(recoverability.riskRules).toEqual([
			{ condition: 'recoverability_l3 || recoverability_l4 || recoverability_l5', risk: 'NO_RISK' },
			{ condition: 'recoverability_l2', risk: 'MEDIUM_RISK' },
			{ condition: 'default', risk: 'HIGH_RISK' }
		]);
	});

	it('comes back as the same vectors: export, import, compare', () => {
		const back = lensToVectors(lens(), AGILE_OPERATIONS_V1);
		expect(back.ok).toBe(true);
		if (!back.ok) return;
		const byKey = (vs: typeof AGILE_OPERATIONS_V1.vectors) => Object.fromEntries(vs.map((v) => [v.key, v]));
		expect(byKey(back.vectors)).toEqual(byKey(AGILE_OPERATIONS_V1.vectors));
	});

	it('names each problem by its place in the file, and reads nothing from an unsound lens', () => {
		const wrongVersion = { ...lens(), schemaVersion: '2020-01-01' };
		expect(lensToVectors(wrongVersion, AGILE_OPERATIONS_V1)).toEqual({
			ok: false,
			errors: [{ field: 'schemaVersion', message: 'must be "2021-11-01"' }]
		});
		const bad = lens();
		bad.pillars[0].id = 'security';
		bad.pillars[1].questions[0].id = 'BadKey';
		bad.pillars[2].questions[0].choices.splice(3, 1);
		bad.pillars[2].questions[1].riskRules[0].risk = 'LOW_RISK';
		const out = lensToVectors(bad, AGILE_OPERATIONS_V1);
		expect(out.ok).toBe(false);
		if (out.ok) return;
		// The structural reason first, then what the format says of each field.
		expect(out.errors.map((e) => e.field)).toEqual(['pillars', 'pillars.2.questions.1.riskRules.0.risk']);
		expect(out.errors[0].message).toMatch(/^are not this framework's lanes \("security"\)\./);
		bad.pillars[0].id = 'plan';
		bad.pillars[2].questions[1].riskRules[0].risk = 'NO_RISK';
		const again = lensToVectors(bad, AGILE_OPERATIONS_V1);
		// The renamed question's choices still carry the old key, so they are named too.
		expect(new Set(again.ok ? [] : again.errors.map((e) => e.field))).toEqual(
			new Set(['pillars.1.questions.0.id', 'pillars.1.questions.0.choices', 'pillars.2.questions.0.choices'])
		);
		expect(lensToVectors([], AGILE_OPERATIONS_V1).ok).toBe(false);
		expect(lensToVectors({ ...lens(), pillars: [] }, AGILE_OPERATIONS_V1)).toMatchObject({ ok: false, errors: [{ field: 'pillars' }] });
	});

	it('holds a lens to what AWS requires, no more: a "None of these" choice needs no plan, texts may have 2,048 characters, every question needs a default risk rule', () => {
		const long = lens();
		for (const q of long.pillars.flatMap((p: { questions: unknown[] }) => p.questions)) {
			q.choices.push({ id: `${q.id}_no`, title: 'None of these' });
			q.choices[0].improvementPlan = { displayText: 'p'.repeat(2048), url: 'https://example.com/plan' };
		}
		expect(lensToVectors(long, AGILE_OPERATIONS_V1)).toMatchObject({ ok: true });
		long.pillars[0].questions[0].choices[1].helpfulResource.displayText = 'h'.repeat(2049);
		delete long.pillars[0].questions[0].choices[2].improvementPlan;
		long.pillars[0].questions[1].riskRules.pop();
		expect(lensToVectors(long, AGILE_OPERATIONS_V1)).toEqual({
			ok: false,
			errors: [
				{ field: 'pillars.0.questions.0.choices.1.helpfulResource.displayText', message: expect.stringMatching(/2048/) },
				{
					field: 'pillars.0.questions.0.choices.2.improvementPlan',
					message: 'is required, except on a "None of these" choice (an id ending in _no)'
				},
				{
					field: 'pillars.0.questions.1.riskRules',
					message: 'needs a rule with the condition "default": AWS requires one for every question'
				}
			]
		});
		// What the format allows and a framework version does not is named as the framework's rule.
		const wordy = lens();
		wordy.pillars[0].questions[0].choices[3].helpfulResource.displayText = 'g'.repeat(501);
		expect(lensToVectors(wordy, AGILE_OPERATIONS_V1)).toEqual({
			ok: false,
			errors: [
				{
					field: 'pillars.0.questions.0.choices.3.helpfulResource.displayText',
					message: 'is 501 characters long; in a framework version it may have at most 500'
				}
			]
		});
	});

	it('says first why a lens shaped like the ones AWS publishes is no framework version, and finds nothing else wrong with it', () => {
		const out = lensToVectors(AWS_STYLE_LENS, AGILE_OPERATIONS_V1);
		expect(out).toEqual({
			ok: false,
			errors: [
				{ field: 'pillars', message: expect.stringMatching(/^are not this framework's lanes \("operationalExcellence", "security"\)\. /) }
			]
		});
	});
});
