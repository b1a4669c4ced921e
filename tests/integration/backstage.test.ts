import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { round, technology } from '../../src/lib/server/db/schema';
import { refreshResults } from '../../src/lib/server/queries/results';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as importPage from '../../src/routes/(app)/technologies/import/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createUserRow, submitResponseRow } from '../helpers/factories';
import { api, tokenFor } from '../helpers/api-client';

useTestDatabase();

const CATALOG = readFileSync(new URL('../fixtures/backstage/catalog-info.yaml', import.meta.url), 'utf8');
type Lines = {
	lines: { line: number; action: string; technology?: { slug: string }; errors?: string[] }[];
	skipped?: string;
	refused?: boolean;
};
/** The fixture's entities by kind, to build files of some of them. */
const ENTITY = Object.fromEntries(CATALOG.split(/^---\n/m).map((doc) => [/^kind: (\w+)/m.exec(doc)![1], doc]));

/**
 * What Backstage's tech-radar plugin accepts, after the parser its backend applies to a loaded
 * radar (TechRadarLoaderResponseParser in @backstage-community/plugin-tech-radar-common):
 * dates coerced, `moved` one of -1, 0, 1, and links and url optional.
 */
const BackstageReader = z.object({
	quadrants: z.array(z.object({ id: z.string(), name: z.string() })),
	rings: z.array(z.object({ id: z.string(), name: z.string(), color: z.string(), description: z.string().optional() })),
	entries: z.array(
		z.object({
			key: z.string(),
			id: z.string(),
			quadrant: z.string(),
			title: z.string(),
			url: z.string().optional(),
			timeline: z.array(
				z.object({
					date: z.coerce.date(),
					ringId: z.string(),
					description: z.string().optional(),
					moved: z.union([z.literal(-1), z.literal(0), z.literal(1)]).optional()
				})
			),
			description: z.string().optional(),
			links: z.array(z.object({ url: z.string(), title: z.string() })).optional()
		})
	)
});

let lead: SessionUser;
beforeAll(async () => {
	lead = await createUserRow('lead');
	await createTeamRow('Platform team');
});

describe('importing a Backstage catalog-info.yaml', () => {
	it('previews Components, Resources and Systems, skipping other kinds, then imports them all', async () => {
		const preview = dataOf<Lines>(await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: CATALOG } })));
		expect(preview.lines.map((l) => [l.action, l.technology?.slug])).toEqual([
			['create', 'payments-kafka'],
			['create', 'orders-db'],
			['create', 'payments']
		]);
		// Lines point into the file, so a problem can be found.
		expect(preview.lines[0].line).toBe(3);
		expect(preview.skipped).toBe(
			'Skipped 2 entities of kinds that are not imported (only Component, Resource, System are): API “payments-api” at line 42, Group “platform-team” at line 53.'
		);
		expect(await db().select().from(technology).where(eq(technology.slug, 'payments-kafka'))).toEqual([]);
		const done = await run(importPage.actions.import, fakeEvent({ user: lead, form: { csv: CATALOG } }));
		expect(dataOf(done)).toMatchObject({ created: 3, updated: 0 });
		const rows = await db().select().from(technology);
		const kafka = rows.find((t) => t.slug === 'payments-kafka')!;
		expect(kafka).toMatchObject({
			name: 'Payments Kafka',
			category: 'messaging',
			lifecycle: 'production',
			description: 'Event bus for the payments domain.'
		});
		expect(kafka.links).toEqual({
			docs: 'https://wiki.example.com/payments/kafka',
			runbook: 'https://runbooks.example.com/kafka',
			repo: 'https://github.example.com/payments/kafka-config/'
		});
		expect(rows.find((t) => t.slug === 'orders-db')).toMatchObject({ category: 'database', lifecycle: 'evaluating', name: 'orders-db' });
		expect(rows.find((t) => t.slug === 'payments')).toMatchObject({ category: 'system', name: 'Payments platform' });
		const teamIds = new Set(rows.filter((t) => ['payments-kafka', 'orders-db', 'payments'].includes(t.slug)).map((t) => t.teamId));
		expect(teamIds.size).toBe(1);
		expect([...teamIds][0]).not.toBeNull();
		// The same file again changes nothing.
		const again = dataOf<Lines>(await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: CATALOG } })));
		expect(again.lines.map((l) => l.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
	});

	it('names and counts in every preview what it skips, not only when nothing is left to import', async () => {
		const csv = ['---', ENTITY.System, '---', ENTITY.Component.replace('payments-kafka', 'orders-kafka'), '---', ENTITY.API].join('\n');
		const preview = dataOf<Lines>(await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv } })));
		expect(preview.lines.map((l) => l.action)).toEqual(['unchanged', 'create']);
		expect(preview.skipped).toMatch(
			/^Skipped 1 entity of a kind that is not imported \(only Component, Resource, System are\): API “payments-api” at line \d+\.$/
		);
		const done = dataOf(await run(importPage.actions.import, fakeEvent({ user: lead, form: { csv } })));
		expect(done).toMatchObject({ created: 1, skipped: preview.skipped });
		// A CSV has no kinds to skip.
		const plain = dataOf<Lines>(
			await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: 'name,category,team\nNATS,messaging,\n' } }))
		);
		expect(plain.skipped).toBeUndefined();
	});

	// Each got past the line scan that came before; the parser then stalled the request for 0.4–2.6 s, or overflowed its stack.
	it.each([
		['- - - - on one line', '---\n' + '- '.repeat(100_000) + 'x\n'],
		['flow sequences after a quote', "---\nkind: Component\na: [it's, " + '['.repeat(100_000) + '\n'],
		['flow sequences after a # that is no comment', '---\nkind: Component\na: [x#y, ' + '['.repeat(100_000) + '\n'],
		['brackets after a quoted scalar', '---\nkind: Component\na: "x" ' + '['.repeat(100_000) + '\n']
	])('refuses YAML nested too deep within 100 ms, however it is spelled: %s', async (_, csv) => {
		const started = performance.now();
		const out = await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv } }));
		const ms = performance.now() - started;
		expect(out).toMatchObject({
			status: 400,
			data: { errors: { form: expect.stringMatching(/^The YAML is nested more than 64 levels deep/) } }
		});
		expect(ms).toBeLessThan(100);
	});

	it('imports nothing when one entity is wrong, and names it; unreadable YAML names its line', async () => {
		const bad = CATALOG.replace('lifecycle: experimental', 'lifecycle: sunset').replace('name: payments\n', 'name: payments-v2\n');
		const out = dataOf<Lines>(await run(importPage.actions.import, fakeEvent({ user: lead, form: { csv: bad } })));
		expect(out.refused).toBe(true);
		expect(out.lines[1]).toMatchObject({ action: 'error', errors: [expect.stringMatching(/^Lifecycle must be one of/)] });
		expect(await db().select().from(technology).where(eq(technology.slug, 'payments-v2'))).toEqual([]);
		const broken = await run(
			importPage.actions.preview,
			fakeEvent({ user: lead, form: { csv: 'apiVersion: v1\nkind: Component\nmetadata:\n  name: [unclosed\n' } })
		);
		expect(broken).toMatchObject({ status: 400, data: { errors: { form: expect.stringMatching(/^The YAML cannot be read at line \d/) } } });
		const onlyApis = await run(
			importPage.actions.preview,
			fakeEvent({ user: lead, form: { csv: '---\nkind: API\nmetadata:\n  name: x\n' } })
		);
		expect(onlyApis).toMatchObject({ status: 400, data: { errors: { form: expect.stringContaining('(only API)') } } });
		const bomb = `---\na: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from(
			{ length: 8 },
			(_, i) =>
				`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
					.fill(`*${String.fromCharCode(97 + i)}`)
					.join(',')}]`
		).join('\n')}\nkind: Component\n`;
		expect(await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: bomb } }))).toMatchObject({ status: 400 });
		// Deep nesting is refused before the parser sees it: twice in one process would otherwise abort it.
		for (let i = 0; i < 2; i++)
			expect(await run(importPage.actions.preview, fakeEvent({ user: lead, form: { csv: '---\n' + '['.repeat(3000) } }))).toMatchObject({
				status: 400,
				data: { errors: { form: expect.stringMatching(/nested/) } }
			});
		// A lifecycle named like an object property is just an unknown lifecycle.
		const odd = dataOf<Lines>(
			await run(
				importPage.actions.preview,
				fakeEvent({ user: lead, form: { csv: CATALOG.replace('lifecycle: experimental', 'lifecycle: toString') } })
			)
		);
		expect(odd.lines[1]).toMatchObject({ action: 'error', errors: [expect.stringMatching(/^Lifecycle must be one of/)] });
		// An owner that is a person, or a group with no team here, imports the technology unowned.
		const people = dataOf<Lines>(
			await run(
				importPage.actions.preview,
				fakeEvent({
					user: lead,
					form: {
						csv: CATALOG.replace('owner: platform-team', 'owner: user:default/jdoe').replace('name: payments\n', 'name: payments-x\n')
					}
				})
			)
		);
		expect(people.lines.map((l) => l.action)).not.toContain('error');
	});
});

describe('the tech radar for Backstage', () => {
	it('lists each rated technology with its ring moves across closed rounds, newest first, as the plugin reads it', async () => {
		const [kafka] = await db().select().from(technology).where(eq(technology.slug, 'payments-kafka'));
		const scorer = await createUserRow('member');
		// Level 1 (Hold), then 3 (Trial), then 3 again (no move), then 4 (Adopt).
		const levels = [1, 3, 3, 4];
		for (const [i, level] of levels.entries()) {
			const r = await createRoundRow('closed', [{ technologyId: kafka.id, userIds: [scorer.id] }], `Radar round ${i + 1}`);
			await db()
				.update(round)
				.set({ closedAt: new Date(Date.UTC(2026, i, 15)) })
				.where(eq(round.id, r.id));
			await submitResponseRow(r.id, kafka.id, scorer.id, () => level);
			await db().transaction((tx) => refreshResults(tx, { roundId: r.id }));
		}
		const token = await tokenFor(lead, 'read', 'backstage');
		const out = await api('GET', '/api/v1/tech-radar', { token });
		expect(out.status).toBe(200);
		const radar = BackstageReader.parse(out.body);
		expect(radar.quadrants).toHaveLength(4);
		const entry = radar.entries.find((e) => e.id === 'payments-kafka')!;
		expect(entry.title).toBe('Payments Kafka');
		expect(radar.quadrants.map((q) => q.id)).toContain(entry.quadrant);
		expect(entry.timeline.map((t) => [t.ringId, t.moved, t.date.toISOString().slice(0, 10)])).toEqual([
			['adopt', 1, '2026-04-15'],
			['trial', 1, '2026-02-15'],
			['hold', 0, '2026-01-15']
		]);
		for (const t of entry.timeline) expect(radar.rings.map((r) => r.id)).toContain(t.ringId);
		// Only rated technologies are on the radar: the round trip keeps the Backstage names as ids.
		expect(radar.entries.map((e) => e.id)).toEqual(['payments-kafka']);
	});
});
