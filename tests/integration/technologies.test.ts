import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { response, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as catalog from '../../src/routes/(app)/technologies/+page.server';
import * as create from '../../src/routes/(app)/technologies/new/+page.server';
import * as edit from '../../src/routes/(app)/technologies/[slug]/edit/+page.server';
import * as detail from '../../src/routes/(app)/technologies/[slug]/+page.server';
import * as importPage from '../../src/routes/(app)/technologies/import/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow } from '../helpers/factories';

useTestDatabase();

let lead: SessionUser, viewer: SessionUser, member: SessionUser, teamId: number;
const base = {
	name: 'Apache Kafka',
	category: 'Messaging',
	lifecycle: 'production',
	targetLevel: '4',
	description: 'Event streaming',
	docs: 'https://kafka.apache.org/documentation/'
};

beforeAll(async () => {
	teamId = (await createTeamRow('Data Platform')).id;
	lead = await createUserRow('lead');
	viewer = await createUserRow('viewer');
	member = await createUserRow('member');
});

describe('creating and editing', () => {
	it('a lead creates a technology with a slug made from its name', async () => {
		const out = await run(create.actions.default, fakeEvent({ user: lead, form: { ...base, teamId: String(teamId) } }));
		expect(out).toEqual({ kind: 'redirect', status: 303, location: '/technologies/apache-kafka' });
		const [row] = await db().select().from(technology).where(eq(technology.slug, 'apache-kafka'));
		expect(row).toMatchObject({
			name: 'Apache Kafka',
			category: 'messaging',
			teamId,
			targetLevel: 4,
			links: { docs: 'https://kafka.apache.org/documentation/' }
		});
	});

	it.each([
		[{ targetLevel: '6' }, 'targetLevel', 'Target must be a whole number from 0 to 5.'],
		[{ name: '' }, 'name', 'Name is required.'],
		[{ slug: 'Not A Slug' }, 'slug', 'Use lower-case letters, digits and single hyphens.'],
		[{ runbook: 'javascript:alert(1)' }, 'runbook', 'Runbook link must be a web address starting with http:// or https://.'],
		[{ lifecycle: 'immortal' }, 'lifecycle', 'Choose a lifecycle.'],
		[{ name: 'Apache Kafka' }, 'slug', 'Another technology already uses this slug.'],
		[{ teamId: '999999' }, 'teamId', 'That team no longer exists.']
	])('refuses %j with a message and stores nothing', async (change, field, message) => {
		const before = await db().select().from(technology);
		const out = await run(create.actions.default, fakeEvent({ user: lead, form: { ...base, name: 'Other', ...change } }));
		expect(out).toMatchObject({ kind: 'failure', status: 400, data: { errors: { [field]: message } } });
		expect(await db().select().from(technology)).toHaveLength(before.length);
	});

	it('members and viewers cannot create or edit', async () => {
		for (const user of [member, viewer]) {
			expect(await run(create.actions.default, fakeEvent({ user, form: base }))).toMatchObject({ kind: 'error', status: 403 });
			expect(
				await run(edit.actions.default, fakeEvent({ user, params: { slug: 'apache-kafka' }, form: { ...base, version: '1' } }))
			).toMatchObject({ kind: 'error', status: 403 });
		}
	});

	it('an edit from a stale form is refused, not silently applied', async () => {
		const ok = await run(
			edit.actions.default,
			fakeEvent({ user: lead, params: { slug: 'apache-kafka' }, form: { ...base, teamId: String(teamId), version: '1', targetLevel: '5' } })
		);
		expect(ok).toMatchObject({ kind: 'redirect' });
		const stale = await run(
			edit.actions.default,
			fakeEvent({ user: lead, params: { slug: 'apache-kafka' }, form: { ...base, version: '1', targetLevel: '2' } })
		);
		expect(stale).toMatchObject({ kind: 'failure', status: 409 });
		const [row] = await db().select().from(technology).where(eq(technology.slug, 'apache-kafka'));
		expect(row).toMatchObject({ targetLevel: 5, version: 2 });
	});
});

describe('catalog filters', () => {
	it('searches names and filters by category, team and lifecycle', async () => {
		await createTechnologyRow('Redis');
		const list = async (url: string) =>
			dataOf<{ technologies: { slug: string }[] }>(await run(catalog.load, fakeEvent({ user: viewer, url }))).technologies.map(
				(t) => t.slug
			);
		expect(await list('/technologies?q=kaf')).toEqual(['apache-kafka']);
		expect(await list('/technologies?category=testing')).toEqual(['redis']);
		expect(await list(`/technologies?team=${teamId}`)).toEqual(['apache-kafka']);
		expect(await list('/technologies?lifecycle=retired')).toEqual([]);
		expect(await list('/technologies?q=%25')).toEqual([]);
		expect(await list('/technologies?team=abc&lifecycle=zzz')).toEqual(['apache-kafka', 'redis']);
	});
});

describe('hostile input', () => {
	it('keeps line breaks in a description but refuses NUL bytes, and an out-of-range team id is a message, not a 500', async () => {
		const form = { name: 'Input Probe', category: 'testing', lifecycle: 'production', targetLevel: '3' };
		const ok = await run(create.actions.default, fakeEvent({ user: lead, form: { ...form, description: 'Line one\r\nLine two\tend' } }));
		expect(ok).toMatchObject({ kind: 'redirect' });
		const nul = await run(
			create.actions.default,
			fakeEvent({ user: lead, form: { ...form, name: 'Probe 2', description: 'bad\u0000byte' } })
		);
		expect(nul).toMatchObject({
			kind: 'failure',
			status: 400,
			data: { errors: { description: expect.stringContaining('control characters') } }
		});
		const huge = await run(create.actions.default, fakeEvent({ user: lead, form: { ...form, name: 'Probe 3', teamId: '99999999999' } }));
		expect(huge).toMatchObject({ kind: 'failure', status: 400 });
		// A NUL byte in the path names no technology.
		expect(await run(detail.load, fakeEvent({ user: lead, params: { slug: 'kafka\u0000' } }))).toMatchObject({
			kind: 'error',
			status: 404
		});
	});
});

describe('deleting', () => {
	it('a technology with responses cannot be deleted but can be retired', async () => {
		const tech = await createTechnologyRow('Nagios');
		const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }]);
		await db().insert(response).values({ roundId: r.id, technologyId: tech.id, userId: member.id });
		const refused = await run(detail.actions.delete, fakeEvent({ user: lead, params: { slug: 'nagios' }, form: { confirm: 'yes' } }));
		expect(refused).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: expect.stringContaining('Retire it instead') } }
		});
		expect(await db().select().from(technology).where(eq(technology.slug, 'nagios'))).toHaveLength(1);
		expect(dataOf(await run(detail.actions.retire, fakeEvent({ user: lead, params: { slug: 'nagios' } })))).toEqual({ retired: true });
		const [row] = await db().select().from(technology).where(eq(technology.slug, 'nagios'));
		expect(row.lifecycle).toBe('retired');
	});

	it('a technology nobody scored is deleted, once the lead confirms', async () => {
		await createTechnologyRow('Short Lived');
		expect(await run(detail.actions.delete, fakeEvent({ user: lead, params: { slug: 'short-lived' } }))).toMatchObject({
			kind: 'failure',
			data: { confirmDelete: true }
		});
		expect(await db().select().from(technology).where(eq(technology.slug, 'short-lived'))).toHaveLength(1);
		expect(
			await run(detail.actions.delete, fakeEvent({ user: lead, params: { slug: 'short-lived' }, form: { confirm: 'yes' } }))
		).toMatchObject({
			kind: 'redirect',
			location: '/technologies'
		});
		expect(await db().select().from(technology).where(eq(technology.slug, 'short-lived'))).toHaveLength(0);
	});
});

describe('CSV import', () => {
	const good =
		'name,category,team,lifecycle,description,target\nApache Kafka,messaging,Data Platform,production,Streams,3\nNATS,messaging,,evaluating,"Edge, messaging",\n';

	it('previews without writing, then imports in one go', async () => {
		const before = await db().select().from(technology);
		const preview = dataOf<{ lines: { action: string }[] }>(
			await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: good } }))
		);
		expect(preview.lines.map((l) => l.action)).toEqual(['update', 'create']);
		expect(await db().select().from(technology)).toHaveLength(before.length);
		const done = dataOf(await run(importPage.actions.import, fakeEvent({ user: lead, form: { csv: good } })));
		expect(done).toEqual({ imported: 2, created: 1, updated: 1 });
		const [nats] = await db().select().from(technology).where(eq(technology.slug, 'nats'));
		expect(nats).toMatchObject({ lifecycle: 'evaluating', description: 'Edge, messaging', targetLevel: 3, teamId: null });
		const [kafka] = await db().select().from(technology).where(eq(technology.slug, 'apache-kafka'));
		expect(kafka).toMatchObject({ targetLevel: 3, description: 'Streams' });
	});

	it('a file with any bad row imports nothing and says which lines are wrong', async () => {
		const bad = 'name,category,team,lifecycle,description,target\nVault,secrets,,production,,3\nConsul,,Nobody,production,,9\n';
		const out = dataOf<{ refused: boolean; lines: { line: number; action: string; errors?: string[] }[] }>(
			await run(importPage.actions.import, fakeEvent({ user: lead, form: { csv: bad } }))
		);
		expect(out.refused).toBe(true);
		expect(out.lines[1]).toMatchObject({
			line: 3,
			action: 'error',
			errors: ['Category is required.', 'No team is called "Nobody".', 'Target must be a whole number from 0 to 5.']
		});
		expect(await db().select().from(technology).where(eq(technology.slug, 'vault'))).toHaveLength(0);
	});

	it('asks for a file when none was chosen, without pointing at a paste box the page does not have', async () => {
		const out = await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: '' } }));
		expect(out).toMatchObject({ kind: 'failure', data: { errors: { form: expect.stringMatching(/^Choose a file/) } } });
		expect(JSON.stringify(out)).not.toMatch(/paste/i);
	});

	it('explains a file without the needed columns', async () => {
		const out = await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: 'title,kind\nx,y\n' } }));
		expect(out).toMatchObject({
			kind: 'failure',
			data: { errors: { form: expect.stringContaining('needs the columns name, category, team') } }
		});
	});

	it('is for leads only', async () => {
		expect(await run(importPage.actions.import, fakeEvent({ user: member, form: { csv: good } }))).toMatchObject({
			kind: 'error',
			status: 403
		});
	});
});
