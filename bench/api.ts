import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, rowsOf, type DatabaseOptions } from '../src/lib/server/db/client';
import { db, useDatabase } from '../src/lib/server/db';
import { ensureFramework } from '../src/lib/server/queries/framework';
import { createApiToken } from '../src/lib/server/queries/api-tokens';
import { startServer, stopServer } from '../tests/helpers/server';
import { percentile, ms } from './stats';
import { withScratchDatabase } from './scratch';

const TECHNOLOGIES = 1000;
const LISTINGS = 100;
const SAVES = 500;

/**
 * 1,000 technologies, two leads with write tokens (one lists, one saves: each stays under the API's
 * 600 requests a minute per person), and an open round in which the second scores one of them.
 */
async function seed(options: DatabaseOptions): Promise<{ tokens: [string, string]; roundId: number }> {
	const handle = await openDatabase(options);
	useDatabase(handle);
	try {
		await migrateDatabase(options, handle);
		await ensureFramework();
		await db().execute(
			sql`insert into app_user (email, name, password_hash, role) values ('api-bench@example.com', 'API Bench', '', 'lead'), ('api-list@example.com', 'API List', '', 'lead')`
		);
		await db().execute(
			sql`insert into technology (slug, name, category, description, target_level) select 'tech-' || lpad(i::text, 4, '0'), 'Technology ' || i, 'category-' || (i % 12), 'Described at some length so the answer is of a realistic size.', 3 from generate_series(1, ${TECHNOLOGIES}) i`
		);
		const [{ round, lead, lister }] = rowsOf<{ round: number; lead: number; lister: number }>(
			await db().execute(sql`
				with r as (insert into round (name, framework_version_id, state) select 'API bench', id, 'open' from framework_version limit 1 returning id),
				scope as (insert into round_technology (round_id, technology_id) select r.id, t.id from r, technology t where t.slug = 'tech-0001'),
				asked as (
					insert into assignment (round_id, technology_id, user_id)
					select r.id, t.id, u.id from r, technology t, app_user u where t.slug = 'tech-0001' and u.email = 'api-bench@example.com'
				)
				select (select id from r) as round, (select id from app_user where email = 'api-bench@example.com') as lead,
					(select id from app_user where email = 'api-list@example.com') as lister`)
		);
		const token = (id: number) => createApiToken(id, { name: 'bench', scope: 'write', days: 7 }) as Promise<string>;
		return { tokens: [await token(Number(lister)), await token(Number(lead))], roundId: Number(round) };
	} finally {
		useDatabase(undefined);
		await handle.close();
	}
}

const stats = (samples: number[]) => `p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}`;

/** Sequential requests to the built server, one at a time: latency as one client sees it. */
async function measure(label: string, url: string, [lister, saver]: [string, string], roundId: number): Promise<string[]> {
	const auth = { authorization: `Bearer ${lister}` };
	const listings: number[] = [];
	const pages: number[] = [];
	for (let i = 0; i < LISTINGS; i++) {
		const started = performance.now();
		let cursor: string | null = null;
		let seen = 0;
		do {
			const page = performance.now();
			const res = await fetch(`${url}/api/v1/technologies?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
			const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
			pages.push(performance.now() - page);
			seen += body.items.length;
			cursor = body.nextCursor;
		} while (cursor);
		if (seen !== TECHNOLOGIES) throw new Error(`listed ${seen} technologies`);
		listings.push(performance.now() - started);
	}
	const saves: number[] = [];
	const target = `${url}/api/v1/rounds/${roundId}/technologies/tech-0001/response`;
	let version = 0;
	for (let i = 0; i < SAVES; i++) {
		const started = performance.now();
		const res = await fetch(target, {
			method: 'PUT',
			headers: { authorization: `Bearer ${saver}`, 'content-type': 'application/json' },
			body: JSON.stringify({ version, answers: { currency: { score: i % 6, comment: `save ${i}` }, stability: { score: (i + 3) % 6 } } })
		});
		if (res.status !== 200) throw new Error(`save answered ${res.status}: ${await res.text()}`);
		version = ((await res.json()) as { version: number }).version;
		saves.push(performance.now() - started);
	}
	return [
		`  ${label}: list all ${TECHNOLOGIES.toLocaleString('en')} technologies (5 pages of 200) ${stats(listings)} (n=${LISTINGS}); one page ${stats(pages)}`,
		`  ${label}: save two answers (PUT …/response, version-checked, audited) ${stats(saves)} (n=${SAVES})`
	];
}

export async function benchApi(pgUrl?: string): Promise<string[]> {
	const lines = [`API benchmark: the built server, one client, requests one after another`];
	if (pgUrl)
		await withScratchDatabase(pgUrl, 'opsm_bench_api', async (url) => {
			const { tokens, roundId } = await seed({ kind: 'postgres', url });
			const server = await startServer({ DATABASE_URL: url, SEED_DEMO: '0', LOG_LEVEL: 'warn' });
			try {
				lines.push(...(await measure('PostgreSQL', server.url, tokens, roundId)));
			} finally {
				await stopServer(server, true);
			}
		});
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-bench-api-'));
	try {
		const dataDir = path.join(dir, 'embedded');
		const { tokens, roundId } = await seed({ kind: 'pglite', dataDir });
		const server = await startServer({ DATA_DIR: dataDir, SEED_DEMO: '0', LOG_LEVEL: 'warn' });
		try {
			lines.push(...(await measure('embedded database', server.url, tokens, roundId)));
		} finally {
			await stopServer(server, true);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	return lines;
}
