import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { getFramework } from '../../src/lib/server/queries/framework';
import { refreshResults } from '../../src/lib/server/queries/results';
import { storedResults } from '../../src/lib/server/queries/stored-results';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as frameworkAdmin from '../../src/routes/(app)/admin/framework/+page.server';
import * as technologyPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, frameworkEditorForm, submitResponseRow } from '../helpers/factories';

useTestDatabase();

let admin: SessionUser;
beforeAll(async () => {
	admin = await createUserRow('admin');
});

const editorForm = (change: Record<string, string>) => frameworkEditorForm({ note: 'Recoverability is critical.', ...change });

describe('critical vectors', () => {
	it('an admin marks a vector critical with a margin; the margin must be a whole number of levels', async () => {
		const refused = await run(frameworkAdmin.actions.default, fakeEvent({ user: admin, form: editorForm({ criticalMargin: '1.5' }) }));
		expect(refused).toMatchObject({ kind: 'failure', data: { errors: { criticalMargin: expect.any(String) } } });
		const saved = await run(
			frameworkAdmin.actions.default,
			fakeEvent({ user: admin, form: editorForm({ 'v.recoverability.critical': 'on', criticalMargin: '1' }) })
		);
		expect(saved).toMatchObject({ kind: 'redirect' });
		const framework = await getFramework();
		expect(framework.criticalMargin).toBe(1);
		expect(framework.vectors.filter((v) => v.critical).map((v) => v.key)).toEqual(['recoverability']);
	});

	it('hold a technology’s level at the critical median plus the margin, stored with the results and explained on its page', async () => {
		const tech = await createTechnologyRow('Critical Store');
		const scorer = await createUserRow('member');
		const r = await createRoundRow('closed', [{ technologyId: tech.id, userIds: [scorer.id] }]);
		// Everything 5, Recoverability 0: the rating is 4.7, the level is held at 0 + 1.
		await submitResponseRow(r.id, tech.id, scorer.id, (key) => (key === 'recoverability' ? 0 : 5));
		await db().transaction((tx) => refreshResults(tx, { roundId: r.id }));
		const [result] = await storedResults(r.id);
		expect(result.rating).toMatchObject({ rating: 4.7, level: 1, cappedBy: 'recoverability' });
		const page = dataOf<{ selected: { result: { rating: { level: number; cappedBy?: string } } } }>(
			await run(technologyPage.load, fakeEvent({ user: admin, params: { slug: tech.slug }, url: `/technologies/${tech.slug}` }))
		);
		expect(page.selected.result.rating).toMatchObject({ level: 1, cappedBy: 'recoverability' });
	});
});
