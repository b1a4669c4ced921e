import Papa from 'papaparse';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { answer, remediationItem, response, round } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as backlogPage from '../../src/routes/(app)/backlog/+page.server';
import * as exportCsv from '../../src/routes/(app)/backlog/export.csv/+server';
import * as roundPage from '../../src/routes/(app)/rounds/[id=id]/+page.server';
import * as techPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import { saveAnonymity } from '../../src/lib/server/queries/settings';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

useTestDatabase();

let lead: SessionUser, member: SessionUser, viewer: SessionUser, techId: number;

/** Everyone scores every vector `score`, except recoverability at `recoverability`. */
async function submitAll(roundId: number, people: SessionUser[], score: number, recoverability: number) {
	for (const p of people) await submitResponseRow(roundId, techId, p.id, (key) => (key === 'recoverability' ? recoverability : score));
}

const items = () => db().select().from(remediationItem).where(eq(remediationItem.technologyId, techId));

beforeAll(async () => {
	lead = await createUserRow('lead');
	member = await createUserRow('member');
	viewer = await createUserRow('viewer');
	techId = (await createTechnologyRow('Kafka', null, 4)).id;
});

describe('regeneration', () => {
	let q3: number, q4: number;

	it('closing a round creates one item per vector below target', async () => {
		q3 = (await createRoundRow('open', [{ technologyId: techId, userIds: [lead.id, member.id] }], 'Q3')).id;
		await submitAll(q3, [lead, member], 4, 1);
		expect(
			dataOf(await run(roundPage.actions.close, fakeEvent({ user: lead, params: { id: String(q3) }, form: { confirm: 'yes' } })))
		).toEqual({
			done: true
		});
		const rows = await items();
		expect(rows.map((r) => [r.vectorKey, r.currentLevel, r.gap, r.priority, r.size, r.createdRoundId])).toEqual([
			['recoverability', 1, 3, 3, 13, q3]
		]);
	});

	it("a person's edits survive the next round, which updates the item instead of duplicating it", async () => {
		const [item] = await items();
		const edit = {
			itemId: String(item.id),
			version: String(item.version),
			title: 'Restore Kafka in under an hour',
			size: '8',
			status: 'in_progress',
			assigneeId: String(member.id),
			ticketUrl: 'https://jira.example.com/browse/OPS-1'
		};
		expect(dataOf(await run(backlogPage.actions.update, fakeEvent({ user: lead, form: edit })))).toEqual({ updatedItem: item.id });
		const stale = await run(backlogPage.actions.update, fakeEvent({ user: lead, form: { ...edit, status: 'done' } }));
		expect(stale).toMatchObject({ kind: 'failure', status: 409 });

		q4 = (await createRoundRow('open', [{ technologyId: techId, userIds: [lead.id, member.id] }], 'Q4')).id;
		await submitAll(q4, [lead, member], 4, 2);
		await run(roundPage.actions.close, fakeEvent({ user: lead, params: { id: String(q4) }, form: { confirm: 'yes' } }));
		const rows = await items();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			title: 'Restore Kafka in under an hour',
			size: 8,
			status: 'in_progress',
			assigneeId: member.id,
			ticketUrl: 'https://jira.example.com/browse/OPS-1',
			currentLevel: 2,
			gap: 2,
			updatedRoundId: q4,
			metRoundId: null
		});
		expect(rows[0].edited.sort()).toEqual(['assignee', 'size', 'status', 'ticketUrl', 'title']);
	});

	it('refuses to regenerate a closed round, and regenerating an open one again changes nothing but the bookkeeping', async () => {
		const regenerate = (id: number) => run(roundPage.actions.regenerate, fakeEvent({ user: lead, params: { id: String(id) } }));
		const closed = await items();
		expect(await regenerate(q4)).toMatchObject({ kind: 'failure', status: 409 });
		expect(await items()).toEqual(closed);

		// Reopened by an admin, the round is open again and its backlog can be regenerated.
		const admin = await createUserRow('admin');
		const reopen = { user: admin, params: { id: String(q4) }, form: { reason: 'late answers' } };
		dataOf(await run(roundPage.actions.reopen, fakeEvent(reopen)));
		dataOf(await regenerate(q4));
		const before = await items();
		const out = dataOf<{ regenerated: object }>(await regenerate(q4));
		expect(out.regenerated).toEqual({ created: 0, updated: 1, met: 0 });
		const after = await items();
		const bookkeeping = ({ version: _v, updatedAt: _u, ...r }: (typeof before)[number]) => r;
		expect(after.map(bookkeeping)).toEqual(before.map(bookkeeping));
		await run(roundPage.actions.close, fakeEvent({ user: lead, params: { id: String(q4) }, form: { confirm: 'yes' } }));
	});

	it('an item whose gap closed is marked met by the round that closed it', async () => {
		const q1 = (await createRoundRow('open', [{ technologyId: techId, userIds: [lead.id] }], 'Q1')).id;
		await submitAll(q1, [lead], 4, 4);
		await run(roundPage.actions.close, fakeEvent({ user: lead, params: { id: String(q1) }, form: { confirm: 'yes' } }));
		const [row] = await items();
		expect(row.metRoundId).toBe(q1);
		// Q1 rests on one respondent, below the anonymity threshold: its figures are for those who may see names.
		const open = dataOf<{ items: unknown[] }>(await run(backlogPage.load, fakeEvent({ user: lead, url: '/backlog?technology=kafka' })));
		expect(open.items).toHaveLength(0);
		const all = dataOf<{ items: { metRoundName: string; metLevel: number }[] }>(
			await run(backlogPage.load, fakeEvent({ user: lead, url: '/backlog?technology=kafka&met=1' }))
		);
		expect(all.items.map((i) => [i.metRoundName, i.metLevel])).toEqual([['Q1', 4]]);
		const page = dataOf<{ backlog: { open: unknown[]; met: { metLevel: number }[] } }>(
			await run(techPage.load, fakeEvent({ user: lead, params: { slug: 'kafka' } }))
		);
		// A viewer reads neither the met item nor the level it reached, only that items are held back.
		const held = dataOf<{ items: unknown[]; withheld: string | null }>(
			await run(backlogPage.load, fakeEvent({ user: viewer, url: '/backlog?technology=kafka&met=1' }))
		);
		expect(held).toMatchObject({ items: [], withheld: expect.stringMatching(/^Backlog items are held back: 1 item comes/) });
		expect(page.backlog.open).toHaveLength(0);
		expect(page.backlog.met.map((i) => i.metLevel)).toEqual([4]);
	});

	it('members and viewers cannot edit or regenerate', async () => {
		const [item] = await items();
		for (const user of [member, viewer]) {
			expect(
				await run(
					backlogPage.actions.update,
					fakeEvent({ user, form: { itemId: String(item.id), version: String(item.version), title: 'x', size: '1', status: 'done' } })
				)
			).toMatchObject({ kind: 'error', status: 403 });
			expect(await run(roundPage.actions.regenerate, fakeEvent({ user, params: { id: '1' } }))).toMatchObject({
				kind: 'error',
				status: 403
			});
		}
	});

	it('refuses a bad edit with a message', async () => {
		const [item] = await items();
		const out = await run(
			backlogPage.actions.update,
			fakeEvent({
				user: lead,
				form: {
					itemId: String(item.id),
					version: String(item.version),
					title: 'ok',
					size: '4',
					status: 'done',
					ticketUrl: 'javascript:alert(1)'
				}
			})
		);
		expect(out).toMatchObject({
			kind: 'failure',
			data: {
				errors: {
					size: 'Size must be one of 1, 2, 3, 5, 8, 13, 21.',
					ticketUrl: 'Ticket link must be a web address starting with http:// or https://.'
				}
			}
		});
	});
});

describe('Jira CSV export', () => {
	it("has Jira's columns and neutralises formulas in every text cell", async () => {
		const [item] = await items();
		await db()
			.update(remediationItem)
			.set({ title: '=HYPERLINK("http://evil.example","click")', metRoundId: null, actions: ['+cmd|calc', '@SUM(A1)', '-1+1', '\tTabbed'] })
			.where(eq(remediationItem.id, item.id));
		const res = await exportCsv.GET(fakeEvent({ user: lead, url: '/backlog/export.csv?technology=kafka' }));
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		const bytes = new Uint8Array(await res.arrayBuffer());
		// A UTF-8 byte-order mark, so Excel reads accents correctly (text() would hide it).
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const rows = Papa.parse<string[]>(new TextDecoder().decode(bytes), { skipEmptyLines: true }).data;
		expect(rows[0]).toEqual(['Summary', 'Description', 'Story Points', 'Labels', 'Labels', 'Labels', 'Priority', 'Issue Type']);
		expect(rows).toHaveLength(2);
		expect(rows[1][0]).toBe(`'=HYPERLINK("http://evil.example","click")`);
		expect(rows[1].slice(2)).toEqual(['8', 'opsmaturity', 'kafka', 'run-recoverability', 'Medium', 'Story']);
		for (const cell of rows[1]) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
	});

	it('is for leads', async () => {
		await expect(exportCsv.GET(fakeEvent({ user: member, url: '/backlog/export.csv' }))).rejects.toMatchObject({ status: 403 });
	});
});

it('a round that is closed cannot be closed again', async () => {
	const [r] = await db().select().from(round).where(eq(round.name, 'Q3'));
	expect(
		await run(roundPage.actions.close, fakeEvent({ user: lead, params: { id: String(r.id) }, form: { confirm: 'yes' } }))
	).toMatchObject({
		kind: 'failure',
		status: 409
	});
});

describe('the technology page', () => {
	it('shows the rating of the chosen round, the previous round, the trend, and hides names from members', async () => {
		const [q4] = await db().select().from(round).where(eq(round.name, 'Q4'));
		const [resp] = await db().select().from(response).where(eq(response.roundId, q4.id)).limit(1);
		await db().update(answer).set({ comment: 'Restores are untested.' }).where(eq(answer.responseId, resp.id));
		// Too few answered for the default anonymity threshold (see anonymity.test.ts); this test is about names.
		await saveAnonymity(lead.id, 0, { threshold: 1 });
		const load = (user: SessionUser) =>
			run(techPage.load, fakeEvent({ user, params: { slug: 'kafka' }, url: `/technologies/kafka?round=${q4.id}` }));
		const asMember = dataOf<{
			selected: { name: string; result: { rating: { rating: number; level: number } } };
			previous: { name: string };
			trend: { label: string; rating: number }[];
			comments: { name: string | null }[];
		}>(await load(member));
		// 14 vectors at 4 and recoverability at 2: (56 + 2) / 15 = 3.87 → 3.9
		expect(asMember.selected.result.rating).toMatchObject({ rating: 3.9, level: 3 });
		expect(asMember.selected.name).toBe('Q4');
		expect(asMember.previous.name).toBe('Q3');
		expect(asMember.trend.map((p) => [p.label, p.rating])).toEqual([
			['Q3', 3.8],
			['Q4', 3.9],
			['Q1', 4]
		]);
		expect(asMember.comments.length).toBeGreaterThan(0);
		expect(asMember.comments.every((c) => c.name === null)).toBe(true);
		const asLead = dataOf<{ comments: { name: string | null }[] }>(await load(lead));
		expect(asLead.comments.every((c) => typeof c.name === 'string')).toBe(true);
	});
});
