import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/session';
import { useDatabase } from '../../src/lib/server/db';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { findByUnsubscribeToken } from '../../src/lib/server/queries/mail-preferences';

/**
 * Migration 0013 keeps only hashes of the unsubscribe tokens people already hold in their mail:
 * the links keep working, and no stored copy (nor any backup) holds one in clear any more.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'opsm-migration-0013-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('hashes every per-person unsubscribe token, the links keep working, and sent messages drop theirs', { timeout: 60_000 }, async () => {
	// The migrations as they were before 0013.
	const before = path.join(dir, 'drizzle');
	cpSync('drizzle', before, { recursive: true });
	const journalFile = path.join(before, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
	journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < '0013');
	writeFileSync(journalFile, JSON.stringify(journal));
	const pg = await PGlite.create();
	const database = drizzle(pg);
	await migrate(database, { migrationsFolder: before });
	const [{ token }] = (
		await pg.query<{ token: string }>(
			`insert into app_user (email, name, password_hash, role) values ('ana@example.com', 'Ana', 'x', 'member') returning unsubscribe_token::text as token`
		)
	).rows;
	const url = `https://maturity.example.com/unsubscribe/${token}?kind=digest`;
	await pg.query(
		`insert into mail_message (dedupe_key, kind, recipient_email, subject, text_body, html_body, unsubscribe_url, status)
		 values ('a', 'digest', 'ana@example.com', 'S', 'T', 'H', $1, 'sent'), ('b', 'digest', 'ana@example.com', 'S', 'T', 'H', $1, 'queued')`,
		[url]
	);

	await migrate(database, { migrationsFolder: 'drizzle' });
	const { rows } = await pg.query<{ hash: string }>(`select unsubscribe_token_hash as hash from app_user`);
	expect(rows).toEqual([{ hash: hashToken(token) }]);
	const mails = await pg.query<{ status: string; url: string | null }>(
		`select status, unsubscribe_url as url from mail_message order by id`
	);
	expect(mails.rows).toEqual([
		{ status: 'sent', url: null },
		{ status: 'queued', url }
	]);
	useDatabase({ db: database } as unknown as DatabaseHandle);
	try {
		expect(await findByUnsubscribeToken(token)).toMatchObject({ email: 'ana@example.com' });
	} finally {
		useDatabase(undefined);
		await pg.close();
	}
});
