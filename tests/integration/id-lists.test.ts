import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { response } from '../../src/lib/server/db/schema';
import { MY_PAGE_SIZE, myWork, nextAssessment } from '../../src/lib/server/queries/my-assessments';
import { computeResults, refreshResults } from '../../src/lib/server/queries/results';
import { previousResults } from '../../src/lib/server/queries/stored-results';
import { useTestDatabase } from '../helpers/db';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

// Lists of ids (scopes, paging windows) reach SQL as one bound int[] parameter, not as inlined text.
useTestDatabase();

let person: number;
let big: number;
let small: number;
let closed: number;
const bigTechs: number[] = [];
const smallTechs: number[] = [];

beforeAll(async () => {
	person = (await createUserRow('member')).id;
	const other = (await createUserRow('member')).id;
	for (let i = 0; i < 12; i++) bigTechs.push((await createTechnologyRow(`List big ${String(i).padStart(2, '0')}`)).id);
	for (let i = 0; i < 3; i++) smallTechs.push((await createTechnologyRow(`List small ${i}`)).id);
	const scope = (ids: number[]) => ids.map((technologyId) => ({ technologyId, userIds: [person, other] }));
	closed = (await createRoundRow('closed', scope([...bigTechs, ...smallTechs]), 'List closed')).id;
	for (const t of [...bigTechs, ...smallTechs]) await submitResponseRow(closed, t, other, () => 2);
	big = (await createRoundRow('open', scope(bigTechs), 'List big')).id;
	small = (await createRoundRow('open', scope(smallTechs), 'List small')).id;
	await submitResponseRow(big, bigTechs[0], person, () => 4);
	await db().insert(response).values({ roundId: big, technologyId: bigTechs[11], userId: person, state: 'draft' });
	await db().transaction(async (tx) => {
		await refreshResults(tx, { roundId: closed });
		await refreshResults(tx, { roundId: big });
	});
});

describe('my work, paged per round', () => {
	it('each open round shows its own page of unfinished work, drafts first', async () => {
		const { rounds, assessments } = await myWork(person, (id) => (id === big ? 2 : 1));
		expect(rounds.map((r) => [r.roundId, r.total, r.submitted, r.inProgress])).toEqual(
			expect.arrayContaining([
				[big, 12, 1, 1],
				[small, 3, 0, 0]
			])
		);
		const inBig = assessments.filter((a) => a.roundId === big);
		expect(inBig).toHaveLength(11 - MY_PAGE_SIZE);
		expect(assessments.filter((a) => a.roundId === small).map((a) => a.technology)).toEqual([
			'List small 0',
			'List small 1',
			'List small 2'
		]);
		const firstPage = (await myWork(person)).assessments.filter((a) => a.roundId === big);
		expect(firstPage).toHaveLength(MY_PAGE_SIZE);
		expect(firstPage[0]).toMatchObject({ technology: 'List big 11', state: 'draft' });
		expect(new Set([...firstPage, ...inBig].map((a) => a.slug)).size).toBe(11);
	});

	it('a page past the end shows the last one', async () => {
		const { assessments } = await myWork(person, () => 99);
		expect(assessments.filter((a) => a.roundId === big)).toHaveLength(11 - MY_PAGE_SIZE);
		expect(assessments.filter((a) => a.roundId === small)).toHaveLength(3);
	});

	it('the next one to open rides along with any page, and is the one nextAssessment picks', async () => {
		const expected = await nextAssessment(person);
		expect(expected).toMatchObject({ technology: 'List big 11' });
		for (const page of [1, 2, 99]) expect((await myWork(person, () => page)).next).toEqual(expected);
		// Once that draft is submitted, the lead moves on within its round.
		const draft = and(eq(response.roundId, big), eq(response.technologyId, bigTechs[11]), eq(response.userId, person));
		await db().update(response).set({ state: 'submitted' }).where(draft);
		try {
			const after = await nextAssessment(person);
			expect(after).toMatchObject({ roundId: big });
			expect(after).not.toEqual(expected);
			expect((await myWork(person, () => 2)).next).toEqual(after);
		} finally {
			await db().update(response).set({ state: 'draft' }).where(draft);
		}
	});

	it('the next assessment prefers the round asked for', async () => {
		expect(await nextAssessment(person, small)).toMatchObject({ roundId: small, technology: 'List small 0' });
	});
});

describe('results scoped by lists of ids', () => {
	it('round and technology lists select exactly those pairs; an empty list selects none', async () => {
		const some = await computeResults({ roundIds: [closed, big], technologyIds: [bigTechs[0], smallTechs[0]] });
		expect(some.map((r) => [r.roundId, r.technologyId]).sort()).toEqual(
			[
				[closed, bigTechs[0]],
				[closed, smallTechs[0]],
				[big, bigTechs[0]]
			].sort()
		);
		expect(await computeResults({ roundIds: [] })).toEqual([]);
		expect(await computeResults({ roundId: big, technologyIds: [] })).toEqual([]);
	});

	it('previous results can be limited to some technologies', async () => {
		const all = await previousResults(big);
		expect(all.size).toBe(15);
		const some = await previousResults(big, [bigTechs[1], bigTechs[2]]);
		expect([...some.keys()].sort()).toEqual([bigTechs[1], bigTechs[2]].sort());
		expect(some.get(bigTechs[1])).toMatchObject({ roundId: closed, roundName: 'List closed', rating: { rating: 2 } });
		expect((await previousResults(big, [])).size).toBe(0);
	});
});
