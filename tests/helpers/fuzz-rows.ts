import { expect } from 'vitest';
import { db } from '../../src/lib/server/db';
import { eq } from 'drizzle-orm';
import { assignment, calibrationSession, initiative, roundTechnology, webhook } from '../../src/lib/server/db/schema';
import { calibrationPair } from '../../src/lib/server/queries/calibration';
import { castVote, leadStep, startCalibration } from '../../src/lib/server/queries/calibration-steps';
import { createTechnologyRow, submitResponseRow } from './factories';
import { fx } from './fuzz-fixtures';

// Rows some baselines of the fuzz suite (fuzz-forms.ts) create afresh for each request: what an action acts on, in the state it needs.

let serial = 0;
const next = () => ++serial;

/** A technology in the fuzz round that `admin` and `member` answered 0 and 5 on recoverability. */
export async function disagreeingTech(n: number) {
	const tech = await createTechnologyRow(`Fuzz calibration ${n} ${next()}`, fx.team.id);
	await db().insert(roundTechnology).values({ roundId: fx.round.id, technologyId: tech.id });
	for (const [i, person] of [fx.admin, fx.member].entries()) {
		await db().insert(assignment).values({ roundId: fx.round.id, technologyId: tech.id, userId: person.id });
		await submitResponseRow(fx.round.id, tech.id, person.id, (key) => (key === 'recoverability' ? i * 5 : 3));
	}
	return tech.slug;
}

/** A running session on such a technology, voting or with its votes revealed (`voted`: someone voted already). */
export async function sessionAt(n: number, phase: 'voting' | 'revealed', voted = phase === 'revealed') {
	const slug = await disagreeingTech(n);
	const pair = (await calibrationPair(fx.round.id, slug))!;
	expect(await startCalibration(fx.admin.id, pair)).toEqual({ done: true });
	const [{ id }] = await db()
		.select({ id: calibrationSession.id })
		.from(calibrationSession)
		.where(eq(calibrationSession.technologyId, pair.technology.id));
	// Both take part, and a reveal needs both votes.
	if (voted)
		for (const person of [fx.member, fx.admin]) expect(await castVote(person.id, pair, id, 'recoverability', 4)).toEqual({ done: true });
	if (phase === 'revealed')
		expect(await leadStep(fx.admin.id, pair, { sessionId: id, version: 1 }, { kind: 'reveal' })).toEqual({ done: true });
	return { slug, session: id, version: phase === 'revealed' ? 2 : 1 };
}

export const sessionStep = (s: { slug: string; session: number; version: number }) => ({
	params: { slug: s.slug },
	form: { session: String(s.session), version: String(s.version) }
});

export const initiativeForm = (n: number) => ({
	name: `Fuzz initiative ${n}`,
	vectorKey: 'recoverability',
	targetLevel: '3',
	dueOn: '2027-06-30',
	category: 'testing',
	teamId: String(fx.team.id)
});

export async function fuzzInitiative(n: number) {
	const [row] = await db()
		.insert(initiative)
		.values({ name: `Fuzz target ${n}`, targetLevel: 3, dueOn: '2027-06-30' })
		.returning({ id: initiative.id });
	return row.id;
}

export async function fuzzWebhook(n: number) {
	const [row] = await db()
		.insert(webhook)
		.values({ url: `https://hooks.example.com/${n}`, secret: 'whsec_fuzz', events: ['round.closed'] })
		.returning({ id: webhook.id });
	return row.id;
}
