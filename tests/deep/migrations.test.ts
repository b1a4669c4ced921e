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
import { ROLE_FROM_GROUPS } from '../../src/lib/server/db/restore.js';
import { findByUnsubscribeToken } from '../../src/lib/server/queries/mail-preferences';

const dir = mkdtempSync(path.join(tmpdir(), 'opsm-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new database migrated as it was before migration `tag`, and the way to run the rest. */
async function migratedUntil(tag: string) {
	const before = path.join(dir, tag);
	cpSync('drizzle', before, { recursive: true });
	const journalFile = path.join(before, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
	journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < tag);
	writeFileSync(journalFile, JSON.stringify(journal));
	const pg = await PGlite.create();
	const database = drizzle(pg);
	await migrate(database, { migrationsFolder: before });
	return { pg, database, rest: () => migrate(database, { migrationsFolder: 'drizzle' }) };
}

/**
 * Migration 0013 keeps only hashes of the unsubscribe tokens people already hold in their mail:
 * the links keep working, and no stored copy (nor any backup) holds one in clear any more.
 */
it(
	'0013 hashes every per-person unsubscribe token, the links keep working, and sent messages drop theirs',
	{ timeout: 60_000 },
	async () => {
		const { pg, database, rest } = await migratedUntil('0013');
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

		await rest();
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
	}
);

/**
 * Migration 0014 records where a role came from. Before it, a sign-in took away any role some group
 * mapping gives, so people who sign in through the provider and hold one keep that rule; others do not.
 */
it('0014 marks as given by the groups only the mapped roles of people who sign in through the provider', { timeout: 60_000 }, async () => {
	const { pg, rest } = await migratedUntil('0014');
	const mappings = [
		{ group: 'ops-leads', role: 'lead', teamId: null },
		{ group: 'dba', role: null, teamId: null }
	];
	await pg.query(`insert into setting (key, value) values ('sso', $1)`, [{ groupsClaim: 'groups', defaultRole: 'viewer', mappings }]);
	await pg.query(
		`insert into app_user (email, name, password_hash, role) values
		 ('sso-lead@example.com', 'A', 'x', 'lead'), ('sso-member@example.com', 'B', 'x', 'member'), ('password-lead@example.com', 'C', 'x', 'lead')`
	);
	await pg.query(
		`insert into user_identity (issuer, subject, user_id) select 'https://idp.example.com', email, id from app_user where email like 'sso-%'`
	);
	await rest();
	const { rows } = await pg.query<{ email: string; from_groups: boolean }>(
		`select email, role_from_groups as from_groups from app_user order by email`
	);
	expect(rows).toEqual([
		{ email: 'password-lead@example.com', from_groups: false },
		{ email: 'sso-lead@example.com', from_groups: true },
		{ email: 'sso-member@example.com', from_groups: false }
	]);
	await pg.close();
	// A backup made before 0014 is marked the same way when it is restored.
	expect(readFileSync('drizzle/0014_role_from_groups.sql', 'utf8')).toContain(ROLE_FROM_GROUPS);
});
