import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { frameworkToLens } from '../../src/lib/domain/aws-lens';
import { getFramework, listFrameworkVersions } from '../../src/lib/server/queries/framework';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as lensPage from '../../src/routes/(app)/admin/framework/lens/+page.server';
import * as lensFile from '../../src/routes/(app)/methodology/lens.json/+server';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent, run } from '../helpers/event';
import { createUserRow } from '../helpers/factories';

useTestDatabase();

let admin: SessionUser, viewer: SessionUser;
beforeAll(async () => {
	admin = await createUserRow('admin');
	viewer = await createUserRow('viewer');
});

describe('a framework version as an AWS custom lens', () => {
	it('is downloaded by anyone signed in, and imported by an admin as the next version with the same vectors', async () => {
		const response = (await lensFile.GET(fakeEvent({ user: viewer, url: '/methodology/lens.json' }))) as Response;
		expect(response.headers.get('content-disposition')).toMatch(/opsmaturity-lens-v\d+\.json/);
		const lens = await response.json();
		expect(lens.schemaVersion).toBe('2021-11-01');
		const before = await getFramework();
		// A weight is not in a lens: the current one is kept.
		const out = await run(lensPage.actions.default, fakeEvent({ user: admin, form: { lens: JSON.stringify(lens) } }));
		expect(out).toMatchObject({ kind: 'redirect', location: `/methodology?version=${before.version + 1}` });
		const after = await getFramework();
		expect(after.version).toBe(before.version + 1);
		// In lane order, as the lens lists them; otherwise the same.
		const byKey = (vs: typeof before.vectors) => Object.fromEntries(vs.map((v) => [v.key, v]));
		expect(byKey(after.vectors)).toEqual(byKey(before.vectors));
		expect(after.note).toMatch(/custom lens/);
	});

	it('imports nothing from a lens that is malformed, too large or of another schema version, naming each problem', async () => {
		const versions = (await listFrameworkVersions()).length;
		const post = (lens: string) => run(lensPage.actions.default, fakeEvent({ user: admin, form: { lens } }));
		expect(await post('{"schemaVersion": ')).toMatchObject({
			status: 400,
			data: { errors: { form: expect.stringMatching(/^This is not a JSON file/) } }
		});
		expect(await post(' '.repeat(10) + 'x'.repeat(500_001))).toMatchObject({ status: 413 });
		const lens = frameworkToLens(await getFramework());
		const wrong = await post(JSON.stringify({ ...lens, schemaVersion: '2022-01-01', pillars: [{ ...lens.pillars[0], id: 'x' }] }));
		expect(wrong).toMatchObject({
			kind: 'failure',
			status: 400,
			data: {
				problems: expect.arrayContaining([
					{ field: 'schemaVersion', message: expect.any(String) },
					{ field: 'pillars.0.id', message: expect.any(String) }
				])
			}
		});
		expect(await run(lensPage.actions.default, fakeEvent({ user: viewer, form: { lens: JSON.stringify(lens) } }))).toMatchObject({
			status: 403
		});
		expect((await listFrameworkVersions()).length).toBe(versions);
	});

	it("takes what AWS allows in a lens of this framework's shape, and says first why one in AWS's shape cannot be a framework version", async () => {
		const versions = (await listFrameworkVersions()).length;
		const post = (lens: unknown) => run(lensPage.actions.default, fakeEvent({ user: admin, form: { lens: JSON.stringify(lens) } }));
		const storage = JSON.parse(readFileSync(new URL('../fixtures/aws-lens/storage-lens.json', import.meta.url), 'utf8'));
		const refused = await post(storage);
		expect(refused).toMatchObject({ kind: 'failure', status: 400 });
		const problems = (refused as unknown as { data: { problems: { field: string; message: string }[] } }).data.problems;
		expect(problems).toEqual([
			{ field: 'pillars', message: expect.stringMatching(/^are not this framework's lanes \("operationalExcellence", "security"\)/) }
		]);
		expect((await listFrameworkVersions()).length).toBe(versions);
		// Ours, with what lenses from elsewhere carry: a "None of these" choice and long improvement plans.
		const ours = frameworkToLens(await getFramework());
		for (const q of ours.pillars.flatMap((p) => p.questions)) {
			q.choices.push({ id: `${q.id}_no`, title: 'None of these' } as never);
			q.choices[0].improvementPlan = { displayText: storage.pillars[0].questions[0].choices[0].improvementPlan.displayText };
		}
		expect(await post(ours)).toMatchObject({ kind: 'redirect' });
		expect((await listFrameworkVersions()).length).toBe(versions + 1);
	});
});
