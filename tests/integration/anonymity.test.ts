import Papa from 'papaparse';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { answer, assignment, auditLog, roundTechnology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { refreshResults } from '../../src/lib/server/queries/results';
import { getAnonymity } from '../../src/lib/server/queries/settings';
import * as anonymityPage from '../../src/routes/(app)/admin/anonymity/+page.server';
import * as techPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import * as files from '../../src/routes/(app)/rounds/[id=id]/report/[file]/+server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

useTestDatabase();
let admin: SessionUser, lead: SessionUser, reader: SessionUser, roundId: number;

beforeAll(async () => {
	admin = await createUserRow('admin');
	lead = await createUserRow('lead');
	// Who the threshold protects respondents from: someone who may not see names.
	reader = await createUserRow('viewer');
	const people = [await createUserRow('member'), await createUserRow('member')];
	const tech = await createTechnologyRow('Vault');
	roundId = (await createRoundRow('open', [{ technologyId: tech.id, userIds: people.map((p) => p.id) }])).id;
	for (const [i, p] of people.entries()) {
		const resp = await submitResponseRow(roundId, tech.id, p.id, () => 2);
		await db()
			.update(answer)
			.set({ comment: `Unsealing is manual (${i})`, evidenceUrl: 'https://wiki.example.com/vault' })
			.where(and(eq(answer.responseId, resp.id), eq(answer.vectorKey, 'recoverability')));
	}
	// Another technology in the same round that three people answered: the threshold counts per technology.
	const consul = await createTechnologyRow('Consul');
	const three = [await createUserRow('member'), await createUserRow('member'), await createUserRow('member')];
	await db().insert(roundTechnology).values({ roundId, technologyId: consul.id });
	await db()
		.insert(assignment)
		.values(three.map((p) => ({ roundId, technologyId: consul.id, userId: p.id })));
	for (const p of three) {
		const resp = await submitResponseRow(roundId, consul.id, p.id, () => 3);
		await db()
			.update(answer)
			.set({ comment: 'Raft is solid' })
			.where(and(eq(answer.responseId, resp.id), eq(answer.vectorKey, 'stability')));
	}
	await db().transaction((tx) => refreshResults(tx, { roundId }));
});

type Page = { comments: { comment: string }[]; commentsWithheld: { answered: number; threshold: number } | null };
const page = async () =>
	dataOf<Page>(
		await run(techPage.load, fakeEvent({ user: reader, params: { slug: 'vault' }, url: `/technologies/vault?round=${roundId}` }))
	);
const scoresCsv = async () => {
	const res = await files.GET(fakeEvent({ user: admin, params: { id: String(roundId), file: 'scores.csv' }, url: '/' }));
	return Papa.parse<Record<string, string>>(await res.text(), { header: true, skipEmptyLines: true }).data;
};
const save = (form: Record<string, string>) => run(anonymityPage.actions.save, fakeEvent({ user: admin, form }));

describe('the anonymity threshold', () => {
	it('holds back comments and evidence while fewer than 3 answered, and says so, from those who may not see names', async () => {
		expect(await page()).toMatchObject({ comments: [], commentsWithheld: { answered: 2, threshold: 3 } });
		// The data files are for those who may see who answered what: they read the comments, as on each person's
		// scoring page (issue 26 item 2; they used to be withheld here only).
		const rows = (await scoresCsv()).filter((r) => r.Technology === 'Vault');
		expect(rows).toHaveLength(30);
		expect(rows.filter((r) => r.Comment).map((r) => r.Comment)).toEqual(['Unsealing is manual (0)', 'Unsealing is manual (1)']);
		expect(rows.filter((r) => r.Score === '2')).toHaveLength(30);
		expect((await scoresCsv()).filter((r) => r.Comment === 'Raft is solid')).toHaveLength(3);
	});

	it('shows them once an admin lowers the threshold to the number who answered, with an audit entry', async () => {
		expect(dataOf(await save({ version: '0', threshold: '2' }))).toEqual({ saved: true });
		const shown = await page();
		expect(shown.commentsWithheld).toBeNull();
		expect(shown.comments.map((c) => c.comment)).toEqual(['Unsealing is manual (0)', 'Unsealing is manual (1)']);
		const rows = (await scoresCsv()).filter((r) => r.Technology === 'Vault');
		expect(rows.filter((r) => r.Comment).map((r) => r.Comment)).toEqual(['Unsealing is manual (0)', 'Unsealing is manual (1)']);
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.entityId, 'anonymity'));
		expect(entry).toMatchObject({ actorId: admin.id, action: 'setting.update', before: { threshold: 3 }, after: { threshold: 2 } });
	});

	it.each([
		['0', 'Enter a whole number from 1 to 20.'],
		['21', 'Enter a whole number from 1 to 20.'],
		['2.5', 'Enter a whole number from 1 to 20.'],
		['three', 'Enter a whole number from 1 to 20.']
	])('refuses %j with a message and keeps the saved value', async (threshold, message) => {
		expect(await save({ version: '1', threshold })).toMatchObject({
			kind: 'failure',
			status: 400,
			data: { errors: { threshold: message } }
		});
		expect(await getAnonymity()).toMatchObject({ threshold: 2, version: 1 });
	});

	it('refuses a save over another admin’s newer one', async () => {
		expect(await save({ version: '0', threshold: '5' })).toMatchObject({ kind: 'failure', status: 409 });
		expect(await getAnonymity()).toMatchObject({ threshold: 2, version: 1 });
	});

	it('is for admins only', async () => {
		await expect(run(anonymityPage.load, fakeEvent({ user: lead }))).resolves.toMatchObject({ kind: 'error', status: 403 });
	});
});
