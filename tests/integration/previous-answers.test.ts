import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { round } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as assess from '../../src/routes/(app)/rounds/[id=id]/assess/[slug]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

useTestDatabase();

type Loaded = { previous: { round: string; choices: Record<string, string> } | null };
let scorer: SessionUser, other: SessionUser, lead: SessionUser;
let techId: number, slug: string;

const load = async (user: SessionUser, roundId: number, query = '') =>
	dataOf<Loaded>(
		await run(assess.load, fakeEvent({ user, params: { id: String(roundId), slug }, url: `/rounds/${roundId}/assess/${slug}${query}` }))
	);

beforeAll(async () => {
	[scorer, other, lead] = [await createUserRow('member'), await createUserRow('member'), await createUserRow('lead')];
	const tech = await createTechnologyRow('Previous Queue');
	[techId, slug] = [tech.id, tech.slug];
});

describe('last round’s answers at hand', () => {
	it('offers one’s own submitted answers of the latest earlier round, and nobody else’s', async () => {
		const older = await createRoundRow('closed', [{ technologyId: techId, userIds: [scorer.id, other.id] }], 'Previous Q1');
		const last = await createRoundRow('closed', [{ technologyId: techId, userIds: [scorer.id, other.id] }], 'Previous Q2');
		// Created in this order, so Q2 is the later round.
		await db()
			.update(round)
			.set({ createdAt: new Date('2026-01-01') })
			.where(eq(round.id, older.id));
		await db()
			.update(round)
			.set({ createdAt: new Date('2026-04-01') })
			.where(eq(round.id, last.id));
		await submitResponseRow(older.id, techId, scorer.id, () => 1);
		await submitResponseRow(last.id, techId, scorer.id, (k) => (k === 'recoverability' ? 4 : 2));
		await submitResponseRow(last.id, techId, other.id, () => 5);
		const current = await createRoundRow('open', [{ technologyId: techId, userIds: [scorer.id, other.id] }], 'Previous Q3');

		const mine = await load(scorer, current.id);
		expect(mine.previous?.round).toBe('Previous Q2');
		expect(mine.previous?.choices.recoverability).toBe('4');
		expect(mine.previous?.choices.currency).toBe('2');
		// Another respondent sees their own, never the scorer's.
		expect((await load(other, current.id)).previous?.choices.recoverability).toBe('5');
		// A lead looking at the scorer's answers gets no "keep" offer: it is the scorer's to make.
		expect((await load(lead, current.id, `?user=${scorer.id}`)).previous).toBeNull();
		// A closed round's form is not editable, so it offers nothing to keep.
		expect((await load(scorer, older.id)).previous).toBeNull();
	});
});
