import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { answer, initiative } from '../../src/lib/server/db/schema';
import { regenerateBacklog } from '../../src/lib/server/queries/backlog';
import * as backlogPage from '../../src/routes/(app)/backlog/+page.server';
import * as initiativePage from '../../src/routes/(app)/initiatives/[id=id]/+page.server';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { refreshResults } from '../../src/lib/server/queries/results';
import * as techPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import * as reportPage from '../../src/routes/(app)/rounds/[id=id]/report/+page.server';
import * as files from '../../src/routes/(app)/rounds/[id=id]/report/[file]/+server';
import * as portfolioPage from '../../src/routes/(app)/portfolio/+page.server';
import * as comparePage from '../../src/routes/(app)/compare/+page.server';
import * as calibratePage from '../../src/routes/(app)/rounds/[id=id]/calibrate/[slug]/+page.server';
import * as assessPage from '../../src/routes/(app)/rounds/[id=id]/assess/[slug]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { hasPoppler, pdfText } from '../helpers/poppler';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { api, tokenFor } from '../helpers/api-client';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

/**
 * Issue 26, items 1 and 2: below the anonymity threshold (3 here), those who may not see names get
 * no vector figure that could be one person's score, on any page, file or API answer; leads, who may
 * see names, read the same comments on a respondent's scoring page and in the data files.
 *
 * Vault: one respondent (Solo), whose scores are 1 for stability, 5 for recoverability, 2 elsewhere.
 * Pair: two respondents, 1 and 4 on stability: a disagreement that a calibration session walks through.
 */
useTestDatabase();

const SECRET = 'Solo alone knows the unseal keys';
let lead: SessionUser, viewer: SessionUser, solo: SessionUser, duo: SessionUser;
let roundId: number, initiativeId: number;

beforeAll(async () => {
	lead = await createUserRow('lead');
	viewer = await createUserRow('viewer');
	solo = await createUserRow('member', { name: 'Solo Respondent' });
	duo = await createUserRow('member', { name: 'Duo Respondent' });
	const vault = await createTechnologyRow('Vault');
	const pair = await createTechnologyRow('Pair');
	roundId = (
		await createRoundRow('open', [
			{ technologyId: vault.id, userIds: [solo.id, duo.id] },
			{ technologyId: pair.id, userIds: [solo.id, duo.id] }
		])
	).id;
	const resp = await submitResponseRow(roundId, vault.id, solo.id, (k) => (k === 'stability' ? 1 : k === 'recoverability' ? 5 : 2));
	await db()
		.update(answer)
		.set({ comment: SECRET })
		.where(and(eq(answer.responseId, resp.id), eq(answer.vectorKey, 'recoverability')));
	for (const [i, p] of [solo, duo].entries()) await submitResponseRow(roundId, pair.id, p.id, (k) => (k === 'stability' ? [1, 4][i] : 3));
	await db().transaction((tx) => refreshResults(tx, { roundId }));
	// Backlog items are planned from these results: a median per vector, in the level they say to reach and their priority.
	await db().transaction((tx) => regenerateBacklog(tx, roundId, lead.id));
	// An initiative on stability reads each technology's newest closed rating: Solo's alone, in a closed round of its own.
	const closed = await createRoundRow('closed', [{ technologyId: vault.id, userIds: [solo.id] }]);
	await submitResponseRow(closed.id, vault.id, solo.id, (k) => (k === 'stability' ? 1 : 2));
	await db().transaction((tx) => refreshResults(tx, { roundId: closed.id }));
	[{ id: initiativeId }] = await db()
		.insert(initiative)
		.values({ name: 'Stable by spring', vectorKey: 'stability', targetLevel: 3, dueOn: '2099-03-01', createdBy: lead.id })
		.returning();
});

/** A backlog item's figures as the PDF prints them: "[priority · size pts · current → target]". */
const ITEM_FIGURES = /\[\d+\.\d · \d+ pts/;
type Item = { technologySlug: string; currentLevel: number | null; priority: number; actions: string[] };
const ofTechnology = (items: Item[], slug: string) => items.filter((i) => i.technologySlug === slug);

const WITHHELD = { answered: 1, threshold: 3 };
/** Anything a vector aggregate carries: none of it may reach a reader who may not see names. */
const FIGURES = /"(median|min|max|n|dontKnow|disagreement|calibratedFrom)":/;
/** A load of any route (each takes its own route's event), run as `user`. */
const load = async <T>(fn: (event: never) => unknown, user: SessionUser, url: string, params: Record<string, string> = {}) =>
	dataOf<T>(await run(fn, fakeEvent({ user, url, params })));
const file = (name: string, user: SessionUser) =>
	files.GET(fakeEvent({ user, params: { id: String(roundId), file: name }, url: `/rounds/${roundId}/report/${name}` }));
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

type Result = { rating: { rating: number } | null; vectors: Record<string, unknown>; withheld: typeof WITHHELD | null };

describe('below the anonymity threshold, a reader who may not see names', () => {
	it('gets the rating but no vector figures on the technology page, which says why', async () => {
		const page = await load<{ selected: { result: Result }; calibrate: string | null }>(
			techPage.load,
			viewer,
			`/technologies/vault?round=${roundId}`,
			{ slug: 'vault' }
		);
		expect(page.selected.result).toMatchObject({ rating: { rating: 2.1 }, vectors: {}, withheld: WITHHELD });
		expect(JSON.stringify(page)).not.toMatch(FIGURES);
		// A member asked to score sees no calibration link either: it is read off the range.
		const pair = await load<{ calibrate: string | null }>(techPage.load, solo, `/technologies/pair?round=${roundId}`, { slug: 'pair' });
		expect(pair.calibrate).toBeNull();
	});

	it('gets no vector figures from the API results, and `withheld` says so', async () => {
		const out = await api('GET', `/api/v1/rounds/${roundId}/results`, { token: await tokenFor(viewer, 'read') });
		expect(out.status).toBe(200);
		const vault = out.body.items.find((i: { technology: string }) => i.technology === 'vault');
		expect(vault).toMatchObject({ rating: 2.1, vectors: {}, withheld: WITHHELD });
		expect(JSON.stringify(out.body)).not.toMatch(FIGURES);
	});

	it('gets no vector figures on the report page, nor weakest vectors read off them', async () => {
		const page = await load<{
			report: { technologies: ({ slug: string; result: Result } & Record<string, unknown>)[]; summary: { weakest: unknown[] } };
		}>(reportPage.load, viewer, `/rounds/${roundId}/report`, { id: String(roundId) });
		expect(page.report.technologies.find((t) => t.slug === 'vault')!.result).toMatchObject({ vectors: {}, withheld: WITHHELD });
		expect(page.report.summary.weakest).toEqual([]);
		expect(JSON.stringify(page.report.technologies)).not.toMatch(FIGURES);
	});

	it.runIf(hasPoppler)('reads in the PDF that the figures are held back, without a vector table or the comment', async () => {
		const text = pdfText(await bytes(await file('report.pdf', viewer)));
		expect(text).toContain('Vector figures (medians, ranges, disagreement) are held back: the rating comes from 1 respondent');
		expect(text).not.toMatch(/Spread/);
		expect(text).not.toContain(SECRET);
	});

	it('cannot download the data files at all', async () => {
		for (const name of ['report.json', 'scores.csv', 'report.xlsx'])
			await expect(file(name, viewer)).rejects.toMatchObject({ status: 403 });
	});

	it('sees the row in the portfolio heatmap without medians, and it is left out of the averages', async () => {
		const page = await load<{
			rows: { slug: string; medians: Record<string, number | null>; disagreements: string[]; withheld: boolean }[];
			averages: { average: number | null }[];
			withheld: number;
		}>(portfolioPage.load, viewer, `/portfolio?round=${roundId}`);
		expect(page.rows.find((r) => r.slug === 'vault')).toMatchObject({ medians: {}, disagreements: [], withheld: true });
		expect(page.rows.find((r) => r.slug === 'pair')).toMatchObject({ medians: {}, disagreements: [], withheld: true });
		expect(page.averages.every((a) => a.average === null)).toBe(true);
		expect(page.withheld).toBe(2);
	});

	it('gets no medians per vector in a comparison', async () => {
		const page = await load<{ series: { medians: Record<string, number | null> }[]; figuresWithheld: string[] }>(
			comparePage.load,
			viewer,
			`/compare?t=vault&t=pair&round=${roundId}`
		);
		expect(page.series.map((s) => s.medians)).toEqual([{}, {}]);
		expect(page.figuresWithheld).toEqual(['Vault', 'Pair']);
	});

	it('sees neither the range nor the median of the first answers in a calibration, nor which vectors disagree', async () => {
		expect(
			dataOf(await run(calibratePage.actions.start, fakeEvent({ user: lead, params: { id: String(roundId), slug: 'pair' } })))
		).toEqual({
			done: true
		});
		type State = { state: { flagged: unknown[]; figuresShown: boolean; session: { current: { statistics: unknown } } } };
		const member = await load<State>(calibratePage.load, solo, `/rounds/${roundId}/calibrate/pair`, { id: String(roundId), slug: 'pair' });
		expect(member.state.session.current.statistics).toBeNull();
		expect(member.state).toMatchObject({ flagged: [], figuresShown: false });
		// Leads may see names: the figures are theirs.
		const forLead = await load<State>(calibratePage.load, lead, `/rounds/${roundId}/calibrate/pair`, { id: String(roundId), slug: 'pair' });
		expect(forLead.state.session.current.statistics).toMatchObject({ median: 2.5, min: 1, max: 4 });
	});

	it('sees no re-votes per level once revealed in a calibration of two, only that they are held back', async () => {
		const params = { id: String(roundId), slug: 'pair' };
		type State = { state: { session: { id: number; version: number; current: { revealed: number[] | null; revealHeld: boolean } } } };
		const state = async (user: SessionUser) =>
			(await load<State>(calibratePage.load, user, `/rounds/${roundId}/calibrate/pair`, params)).state;
		const { id: session } = (await state(lead)).session;
		for (const [user, score] of [
			[solo, 2],
			[duo, 3]
		] as const)
			dataOf(
				await run(
					calibratePage.actions.vote,
					fakeEvent({ user, params, form: { session: String(session), vector: 'stability', score: String(score) } })
				)
			);
		const { version } = (await state(lead)).session;
		dataOf(
			await run(
				calibratePage.actions.reveal,
				fakeEvent({ user: lead, params, form: { session: String(session), version: String(version) } })
			)
		);
		// With two votes, each voter would read the other's off the counts per level.
		expect((await state(solo)).session.current).toMatchObject({ revealed: null, revealHeld: true });
		expect((await state(lead)).session.current).toMatchObject({ revealed: [0, 0, 1, 1, 0, 0], revealHeld: false });
	});

	it('sees no backlog items of the technology, nor initiative progress on a vector, on its page', async () => {
		const page = await load<{
			backlog: { open: Item[]; met: Item[] };
			backlogWithheld: string | null;
			initiatives: { reached: number | null; withheld: boolean }[];
		}>(techPage.load, viewer, `/technologies/vault?round=${roundId}`, { slug: 'vault' });
		expect(page.backlog).toEqual({ open: [], met: [] });
		expect(page.backlogWithheld).toMatch(/^Backlog items are held back: \d+ items come from ratings by fewer than 3 respondents/);
		expect(page.initiatives).toEqual([expect.objectContaining({ reached: null, withheld: true })]);
		expect(JSON.stringify(page)).not.toMatch(/Reach level/);
	});

	it('gets no backlog items of below-threshold ratings on /backlog or from the API, and is told how many', async () => {
		const page = await load<{ items: Item[]; summary: { items: number; withheld: number }; withheld: string | null }>(
			backlogPage.load,
			solo,
			'/backlog'
		);
		expect(ofTechnology(page.items, 'vault')).toEqual([]);
		expect(ofTechnology(page.items, 'pair')).toEqual([]);
		expect(page.summary.withheld).toBeGreaterThan(0);
		expect(page.withheld).toMatch(/^Backlog items are held back/);
		const out = await api('GET', '/api/v1/backlog', { token: await tokenFor(viewer, 'read') });
		expect(out.status).toBe(200);
		expect(out.body.items).toEqual([]);
		expect(out.body.total).toBe(0);
	});

	it.runIf(hasPoppler)('reads no backlog item figures in the PDF, only that they are held back', async () => {
		const text = pdfText(await bytes(await file('report.pdf', viewer)));
		expect(text).not.toMatch(ITEM_FIGURES);
		expect(text).toContain('Backlog items are held back');
	});

	it('sees no per-technology progress on an initiative on a vector', async () => {
		const page = await load<{ initiative: { technologies: { slug: string; reached: number | null; met: boolean; withheld: boolean }[] } }>(
			initiativePage.load,
			viewer,
			`/initiatives/${initiativeId}`,
			{ id: String(initiativeId) }
		);
		expect(page.initiative.technologies.find((t) => t.slug === 'vault')).toMatchObject({ reached: null, met: false, withheld: true });
	});

	it("cannot open another respondent's answers", async () => {
		const outcome = await run(
			assessPage.load,
			fakeEvent({ user: duo, url: `/rounds/${roundId}/assess/vault?user=${solo.id}`, params: { id: String(roundId), slug: 'vault' } })
		);
		expect(outcome).toMatchObject({ kind: 'error', status: 403 });
	});
});

describe('a lead, who may see names, reads the same below the threshold on every page and file', () => {
	it("sees the comment on the respondent's scoring page", async () => {
		const page = await load<{ response: { answers: Record<string, { comment: string }> } }>(
			assessPage.load,
			lead,
			`/rounds/${roundId}/assess/vault?user=${solo.id}`,
			{ id: String(roundId), slug: 'vault' }
		);
		expect(page.response.answers.recoverability.comment).toBe(SECRET);
	});

	it('finds it, and the figures, in report.json', async () => {
		const json = await (await file('report.json', lead)).json();
		expect(json.responses.find((r: { vector: string; slug: string }) => r.slug === 'vault' && r.vector === 'recoverability')).toMatchObject(
			{
				respondent: 'Solo Respondent',
				comment: SECRET
			}
		);
		expect(json.technologies.find((t: { slug: string }) => t.slug === 'vault').result).toMatchObject({
			withheld: null,
			vectors: { recoverability: { min: 5, max: 5 } }
		});
	});

	it('finds it in scores.csv', async () => {
		const rows = Papa.parse<Record<string, string>>(await (await file('scores.csv', lead)).text(), {
			header: true,
			skipEmptyLines: true
		}).data;
		expect(rows.filter((r) => r.Comment === SECRET)).toHaveLength(1);
	});

	it('finds it in the workbook', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await bytes(await file('report.xlsx', lead))) as never);
		const said: unknown[] = [];
		wb.getWorksheet('Scores')!.eachRow((row) => said.push(row.getCell(7).value));
		expect(said).toContain(SECRET);
	});

	it.runIf(hasPoppler)('finds it, with the vector table, in the PDF', async () => {
		const text = pdfText(await bytes(await file('report.pdf', lead)));
		expect(text).toContain(SECRET);
		expect(text).toMatch(/Spread/);
		expect(text).not.toContain('are held back');
	});

	it('sees the comment, with its author, and the vector table on the technology page', async () => {
		const page = await load<{
			selected: { result: Result };
			comments: { comment: string; name: string | null }[];
			commentsWithheld: unknown;
		}>(techPage.load, lead, `/technologies/vault?round=${roundId}`, { slug: 'vault' });
		expect(page.selected.result).toMatchObject({ withheld: null, vectors: { stability: { median: 1, min: 1, max: 1 } } });
		expect(page.comments).toEqual([expect.objectContaining({ comment: SECRET, name: 'Solo Respondent' })]);
		expect(page.commentsWithheld).toBeNull();
	});

	it.runIf(hasPoppler)('sees the backlog items with their figures in the PDF', async () => {
		expect(pdfText(await bytes(await file('report.pdf', lead)))).toMatch(ITEM_FIGURES);
	});

	it('sees the backlog items, with their figures, on the page, /backlog, the API, and the initiative progress', async () => {
		const page = await load<{ backlog: { open: Item[] }; backlogWithheld: string | null; initiatives: { reached: number | null }[] }>(
			techPage.load,
			lead,
			`/technologies/vault?round=${roundId}`,
			{ slug: 'vault' }
		);
		expect(page.backlog.open).toContainEqual(
			expect.objectContaining({ currentLevel: 1, actions: expect.arrayContaining([expect.stringMatching(/^Reach level 2/)]) })
		);
		expect(page.backlogWithheld).toBeNull();
		expect(page.initiatives).toEqual([expect.objectContaining({ reached: 1 })]);
		const list = await load<{ items: Item[]; summary: { withheld: number } }>(backlogPage.load, lead, '/backlog');
		expect(ofTechnology(list.items, 'vault').length).toBeGreaterThan(0);
		expect(list.summary.withheld).toBe(0);
		// A read-only token acts as a viewer; one that writes keeps the lead's role.
		const out = await api('GET', '/api/v1/backlog', { token: await tokenFor(lead, 'write') });
		expect(out.body.items.some((i: { technology: { slug: string } }) => i.technology.slug === 'vault')).toBe(true);
		const initiativeOf = await load<{ initiative: { technologies: { slug: string; reached: number | null }[] } }>(
			initiativePage.load,
			lead,
			`/initiatives/${initiativeId}`,
			{ id: String(initiativeId) }
		);
		expect(initiativeOf.initiative.technologies.find((t) => t.slug === 'vault')).toMatchObject({ reached: 1, withheld: false });
	});
});
