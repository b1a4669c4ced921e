import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { session } from '../../src/lib/server/db/schema';
import { createSession, endSession, generateToken, type SessionUser } from '../../src/lib/server/auth/session';
import { subscriberCount } from '../../src/lib/server/db/notify';
import { setStreamCheckMs, streamCount } from '../../src/lib/server/http/event-stream';
import { removeRespondents } from '../../src/lib/server/queries/round-scope';
import { updateUser } from '../../src/lib/server/queries/users';
import * as events from '../../src/routes/(app)/rounds/[id=id]/calibrate/[slug]/events/+server';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow } from '../helpers/factories';

/**
 * Calibration event streams: how many one person and one instance may hold (each is a socket,
 * a file descriptor), and that a stream ends once its holder signs out, is deactivated, or is
 * no longer asked to take part: it does not keep hearing the session.
 */
useTestDatabase();

let admin: SessionUser, lead: SessionUser, people: SessionUser[], roundId: number, techId: number;
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
	admin = await createUserRow('admin');
	lead = await createUserRow('lead');
	people = [];
	for (let i = 0; i < 6; i++) people.push(await createUserRow('member'));
	techId = (await createTechnologyRow('Vault')).id;
	roundId = (await createRoundRow('open', [{ technologyId: techId, userIds: people.map((p) => p.id) }])).id;
});

const opened: ReadableStreamDefaultReader<Uint8Array>[] = [];
afterEach(async () => {
	for (const reader of opened.splice(0)) await reader.cancel().catch(() => {});
	await expect.poll(() => streamCount()).toBe(0);
	setStreamCheckMs(15_000);
});
afterAll(() => {
	delete env.EVENT_STREAMS_MAX;
});

async function signedIn(user: SessionUser) {
	const info = await createSession(generateToken(), user.id);
	return { user, session: info };
}

/** GET …/events as the page's EventSource would, by someone signed in (a session when given). */
async function openStream(who: SessionUser | Awaited<ReturnType<typeof signedIn>>) {
	const { user, session: info } = 'session' in who ? who : { user: who, session: null };
	const res = await events.GET(fakeEvent({ user, session: info, params: { id: String(roundId), slug: 'vault' } }));
	if (res.status !== 200) return { res, reader: null };
	const reader = res.body!.getReader();
	opened.push(reader);
	return { res, reader };
}

/** A read that outlived its wait: the next wait takes it up, so no chunk is lost between two. */
const pending = new WeakMap<object, Promise<ReadableStreamReadResult<Uint8Array>>>();

/** What the stream sends within `ms` (or until it has sent `until`), and whether it ended by then. */
async function readFor(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number, until?: string) {
	let text = '';
	const deadline = Date.now() + ms;
	for (;;) {
		const left = deadline - Date.now();
		if (left <= 0) return { text, done: false };
		const read = pending.get(reader) ?? reader.read();
		pending.set(reader, read);
		const next = await Promise.race([read, new Promise<null>((resolve) => setTimeout(() => resolve(null), left))]);
		if (!next) return { text, done: false };
		pending.delete(reader);
		if (next.done) return { text, done: true };
		text += new TextDecoder().decode(next.value);
		if (until && text.includes(until)) return { text, done: false };
	}
}

describe('how many streams', () => {
	it('one person holds at most 8; the 9th is refused with 429 and why, while another person still gets one', async () => {
		const [ana, ben] = people;
		for (let i = 0; i < 8; i++) expect((await openStream(ana)).res.status).toBe(200);
		const ninth = await openStream(ana);
		expect(ninth.res.status).toBe(429);
		expect(await ninth.res.text()).toBe(
			'You already follow 8 live pages, the most one person may. Close one in another tab or window and this page follows live again; reload it meanwhile to see the latest.'
		);
		expect(streamCount(ana.id)).toBe(8);
		const other = await openStream(ben);
		expect(other.res.status).toBe(200);
		expect((await readFor(other.reader!, 3000, 'connected')).text).toContain('event: change\ndata: connected');
		// A closed tab gives its place back.
		await opened[0].cancel();
		await expect.poll(() => streamCount(ana.id)).toBe(7);
		expect((await openStream(ana)).res.status).toBe(200);
	});

	it('an instance holds at most EVENT_STREAMS_MAX in all (500 by default), then answers 503', async () => {
		env.EVENT_STREAMS_MAX = '3';
		try {
			for (const p of people.slice(0, 3)) expect((await openStream(p)).res.status).toBe(200);
			const refused = await openStream(people[3]);
			expect(refused.res.status).toBe(503);
			expect(await refused.res.text()).toMatch(/^This server follows as many live pages as it can \(3\)\./);
		} finally {
			delete env.EVENT_STREAMS_MAX;
		}
	});
});

describe('a stream ends when its holder may no longer follow it', () => {
	it('signing out ends it at once, with an end event (no waiting for the next check)', async () => {
		setStreamCheckMs(HOUR);
		const ana = await signedIn(people[0]);
		const { reader } = await openStream(ana);
		expect((await readFor(reader!, 3000, 'connected')).text).toContain('data: connected');
		const before = subscriberCount();
		await endSession(ana.session.id);
		const after = await readFor(reader!, 3000);
		expect(after).toEqual({ text: 'event: end\ndata: access\n\n', done: true });
		expect(subscriberCount()).toBe(before - 2);
	});

	it('deactivation ends every stream of the person at once', async () => {
		setStreamCheckMs(HOUR);
		const ben = await signedIn(people[1]);
		const first = await openStream(ben);
		const second = await openStream(ben);
		await readFor(first.reader!, 3000, 'connected');
		await readFor(second.reader!, 3000, 'connected');
		expect(await updateUser(admin.id, ben.user.id, { role: 'member', teamIds: [], active: false, confirmed: true })).toBe('updated');
		expect((await readFor(first.reader!, 3000)).done).toBe(true);
		expect((await readFor(second.reader!, 3000)).done).toBe(true);
		expect(streamCount(ben.user.id)).toBe(0);
	});

	it('removal from the technology in the round ends it before the next event reaches them; the others stay', async () => {
		setStreamCheckMs(HOUR);
		const [cy, dee] = [await signedIn(people[2]), await signedIn(people[3])];
		const removed = await openStream(cy);
		const stays = await openStream(dee);
		await readFor(removed.reader!, 3000, 'connected');
		await readFor(stays.reader!, 3000, 'connected');
		expect(await removeRespondents(lead.id, roundId, techId, [cy.user.id])).toBe('ok');
		expect(await readFor(removed.reader!, 3000)).toEqual({ text: 'event: end\ndata: access\n\n', done: true });
		// The one still asked hears the change (who takes part changed) and keeps the stream.
		expect(await readFor(stays.reader!, 3000, 'respondents')).toEqual({ text: 'event: change\ndata: respondents\n\n', done: false });
	});

	it('a session that expires, or a lost role, without any notice: ended by the next check, within its period', async () => {
		setStreamCheckMs(100);
		const eve = await signedIn(people[4]);
		const { reader } = await openStream(eve);
		// While allowed, each check sends a keep-alive and nothing ends.
		const alive = await readFor(reader!, 450);
		expect(alive.done).toBe(false);
		expect(alive.text).toContain(': keep-alive');
		await db()
			.update(session)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(session.id, eve.session.id));
		const started = Date.now();
		expect((await readFor(reader!, 3000)).done).toBe(true);
		expect(Date.now() - started).toBeLessThan(1000);

		// A lead demoted to viewer (no sign-out) loses the stream the same way.
		const demoted = await signedIn(lead);
		const leadStream = await openStream(demoted);
		await readFor(leadStream.reader!, 3000, 'connected');
		await updateUser(admin.id, lead.id, { role: 'viewer', teamIds: [], active: true });
		expect((await readFor(leadStream.reader!, 3000)).done).toBe(true);
	});
});
