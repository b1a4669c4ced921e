import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { appUser, mailMessage, round, roundTechnology, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { becameDue, ratingsDue } from '../../src/lib/server/views/due';
import { technologyPage } from '../../src/lib/server/views/technology-page';
import { recordDueDigests } from '../../src/lib/server/queries/mail-occasions';
import { saveCadenceSetting } from '../../src/lib/server/queries/settings';
import * as portfolio from '../../src/routes/(app)/portfolio/+page.server';
import * as compare from '../../src/routes/(app)/compare/+page.server';
import { radarFor } from '../../src/lib/server/views/tech-radar';
import * as catalog from '../../src/routes/(app)/technologies/+page.server';
import * as dashboard from '../../src/routes/(app)/+page.server';
import * as roundPage from '../../src/routes/(app)/rounds/[id=id]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { createRoundRow, createUserRow } from '../helpers/factories';
import { dataOf, fakeEvent, run } from '../helpers/event';

useTestDatabase();
let lead: SessionUser;
let kubernetes: number, redis: number;
const DAY = 86_400_000;

beforeAll(async () => {
	await seedDemoIfEmpty();
	lead = await createUserRow('lead');
	const ids = new Map((await db().select({ id: technology.id, slug: technology.slug }).from(technology)).map((t) => [t.slug, t.id]));
	[kubernetes, redis] = [ids.get('kubernetes')!, ids.get('redis')!];
	// The demo's last closed round closed at this quarter's start: a 30-day cadence is past, three years is not.
	await db().update(technology).set({ reassessDays: 30 }).where(eq(technology.id, kubernetes));
	await db().update(technology).set({ reassessDays: 1095 }).where(eq(technology.id, redis));
	// Every other technology far from due, whatever today's date: only Kubernetes is overdue.
	const admin = await createUserRow('admin');
	expect(await saveCadenceSetting(admin.id, 0, { defaultDays: 1095, categories: {} })).toBe('saved');
});

const load = <T>(module: { load: unknown }, url: string, user: SessionUser = lead, params = {}) =>
	run(module.load as never, fakeEvent({ user, url, params })).then((o) => dataOf<T>(o));

describe('ratings that age', () => {
	it('are due their cadence after the round that rated them closed, overdue after that', async () => {
		const due = await ratingsDue();
		expect(due.get(kubernetes)).toMatchObject({ cadenceDays: 30, isDue: true, due: { overdueBy: expect.any(Number) } });
		expect(due.get(kubernetes)!.due!.label).toMatch(/^overdue by \d+ days$/);
		expect(due.get(redis)).toMatchObject({ cadenceDays: 1095, isDue: false, due: { overdueBy: null } });
		const page = (await technologyPage(lead, 'kubernetes', null))!;
		expect(page.age).toMatchObject({ cadenceDays: 30, due: { overdueBy: expect.any(Number) } });
		expect((await technologyPage(lead, 'redis', null))!.age!.due.overdueBy).toBeNull();
	});

	it('look old in the portfolio, which filters them, and the catalog filters them too', async () => {
		type Row = { slug: string; due: { overdueBy: number | null } | null };
		const all = await load<{ rows: Row[]; overdue: number }>(portfolio, '/portfolio');
		expect(all.rows.find((r) => r.slug === 'kubernetes')!.due!.overdueBy).toBeGreaterThan(0);
		expect(all.overdue).toBe(1);
		const overdue = await load<{ rows: Row[] }>(portfolio, '/portfolio?overdue=1');
		expect(overdue.rows.map((r) => r.slug)).toEqual(['kubernetes']);
		const listed = await load<{ technologies: { slug: string }[] }>(catalog, '/technologies?age=overdue');
		expect(listed.technologies.map((t) => t.slug)).toEqual(['kubernetes']);
	});

	it('are marked overdue where technologies are compared and on the tech radar, beside the round that rated them', async () => {
		type Series = { key: string; source: { roundName: string } | null; due: { overdueBy: number | null; label: string } | null };
		const { series } = await load<{ series: Series[] }>(compare, '/compare?t=kubernetes,redis');
		const [k8s, redisSeries] = ['kubernetes', 'redis'].map((slug) => series.find((s) => s.key === slug)!);
		expect(k8s.source).not.toBeNull();
		expect(k8s.due!.label).toMatch(/^overdue by \d+ days$/);
		expect(redisSeries.due!.overdueBy).toBeNull();
		const { blips } = await radarFor(null);
		expect(blips.filter((b) => b.due?.overdueBy != null).map((b) => b.slug)).toEqual(['kubernetes']);
	});

	it('are listed on a lead’s dashboard, and “Everything due” scopes them into a round in one step', async () => {
		const home = await load<{ due: { count: number; first: { slug: string; label: string }[] } }>(dashboard, '/');
		expect(home.due.first[0]).toMatchObject({ slug: 'kubernetes', label: expect.stringMatching(/^overdue by/) });
		const draft = await createRoundRow('draft', []);
		const added = await run(
			roundPage.actions.addTechnologies as never,
			fakeEvent({ user: lead, params: { id: String(draft.id) }, form: { due: '1' } })
		);
		expect(added).toMatchObject({ kind: 'data', data: { done: true } });
		const scoped = await db()
			.select({ id: roundTechnology.technologyId })
			.from(roundTechnology)
			.where(eq(roundTechnology.roundId, draft.id));
		const dueIds = [...(await ratingsDue()).values()].filter((d) => d.isDue).map((d) => d.id);
		expect(scoped.map((s) => s.id).sort()).toEqual(dueIds.sort());
		expect(scoped.map((s) => s.id)).toContain(kubernetes);
		expect(scoped.map((s) => s.id)).not.toContain(redis);
	});

	it('that became due last week are in the weekly digest of the owning team’s leads, once', async () => {
		const [closed] = await db().select({ closedAt: round.closedAt }).from(round).where(eq(round.state, 'closed'));
		const weekStarted = new Date(closed.closedAt!.getTime() + 33 * DAY);
		const became = await becameDue(weekStarted);
		expect(became.map((b) => b.slug)).toEqual(['kubernetes']);
		const ids = await recordDueDigests('2026-W50', became);
		const [sreLead] = await db().select({ id: appUser.id }).from(appUser).where(eq(appUser.email, 'lead@example.com'));
		const [mail] = await db()
			.select()
			.from(mailMessage)
			.where(and(eq(mailMessage.recipientUserId, sreLead.id), eq(mailMessage.dedupeKey, `digest-due:${sreLead.id}:2026-W50`)));
		expect(ids).toContain(mail.id);
		expect(mail.subject).toBe('Weekly digest: 1 rating became due for reassessment');
		expect(mail.textBody).toMatch(/Kubernetes/);
		expect(await recordDueDigests('2026-W50', became)).toEqual([]);
	});
});
