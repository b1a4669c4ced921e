import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { createSession, generateToken, type SessionUser } from '../../src/lib/server/auth/session';
import { db, useDatabase } from '../../src/lib/server/db';
import { writeBackup } from '../../src/lib/server/db/backup';
import { migrateDatabase, openDatabase, type DatabaseHandle, type DatabaseOptions } from '../../src/lib/server/db/client';
import { restoreBackup } from '../../src/lib/server/db/restore';
import { appUser, mailMessage, oidcFlow, userIdentity, webhook } from '../../src/lib/server/db/schema';
import { eq } from 'drizzle-orm';
import { getSsoConfig, saveSsoConfig } from '../../src/lib/server/queries/settings';
import { createApiToken } from '../../src/lib/server/queries/api-tokens';
import { settleMail } from '../../src/lib/server/queries/mail-outbox';
import { findByUnsubscribeToken } from '../../src/lib/server/queries/mail-preferences';
import { createPublishedRadar, openPublishedRadar } from '../../src/lib/server/queries/published-radar';
import { changeRoundState } from '../../src/lib/server/queries/round-state';
import { createInvitation, findOpenInvitation } from '../../src/lib/server/queries/users';
import { createWebhook, renewWebhookSecret } from '../../src/lib/server/queries/webhooks';
import * as backupRoute from '../../src/routes/(app)/admin/backup/+server';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, unsubscribeTokenRow } from '../helpers/factories';

/**
 * A backup holds no credential that works: every secret the app holds is looked for in the file,
 * in clear; a restore keeps what only needs its hash (invitation links, unsubscribe links) and
 * brings webhook secrets back only with the SECRETS_KEY they were sealed under.
 */
const source = useTestDatabase();
const ORIGIN = 'https://maturity.example.com';
const KEY = randomBytes(32).toString('base64');
const dir = mkdtempSync(path.join(tmpdir(), 'opsm-backup-secrets-'));
const file = (name: string) => path.join(dir, name);

let admin: SessionUser;
let memberId: number;
/** Every credential the source database was given, by what it is. */
const secrets: Record<string, string> = {};
let target: { handle: DatabaseHandle; options: DatabaseOptions };

/** Takes the token out of a link such as …/unsubscribe/<token>?kind=… */
const tokenIn = (url: string | null, before: string) => new RegExp(`${before}/([^?/]+)`).exec(url ?? '')![1];

beforeAll(async () => {
	env.ORIGIN = ORIGIN;
	// A mail server is set: messages are queued, with their links, until the sender takes them.
	env.SMTP_URL = 'smtp://127.0.0.1:9';
	admin = await createUserRow('admin');
	const member = await createUserRow('member');
	secrets['pending invitation'] = await createInvitation(admin.id, { email: 'pending@example.com', role: 'admin', teamIds: [] });
	secrets['invitation whose email was sent'] = await createInvitation(admin.id, { email: 'sent@example.com', role: 'lead', teamIds: [] });
	const tech = await createTechnologyRow('Kafka');
	const r = await createRoundRow('draft', [{ technologyId: tech.id, userIds: [member.id, admin.id] }]);
	expect(await changeRoundState(admin.id, r.id, 'open')).toBe('ok');
	const mails = await db().select().from(mailMessage).orderBy(mailMessage.id);
	expect(mails.map((m) => [m.kind, m.status])).toEqual([
		['invitation', 'queued'],
		['invitation', 'queued'],
		['round_opened', 'queued'],
		['round_opened', 'queued']
	]);
	secrets['unsubscribe link of a queued email'] = tokenIn(mails[2].unsubscribeUrl, '/unsubscribe');
	secrets['unsubscribe link of a sent email'] = tokenIn(mails[3].unsubscribeUrl, '/unsubscribe');
	for (const sent of [mails[1], mails[3]]) await settleMail(sent, { sent: true });
	secrets['unsubscribe link from before 0013'] = await unsubscribeTokenRow(member.id);
	// The member signs in through the provider and holds the role a group mapping gives.
	const mappings = [{ group: 'sre', role: 'member' as const, teamId: null }];
	expect(await saveSsoConfig(admin.id, (await getSsoConfig()).version, { groupsClaim: 'groups', defaultRole: 'viewer', mappings })).toBe(
		'saved'
	);
	await db().insert(userIdentity).values({ issuer: 'https://idp.example.com', subject: 'member', userId: member.id });
	await db().update(appUser).set({ roleFromGroups: true }).where(eq(appUser.id, member.id));
	memberId = member.id;
	secrets['webhook signing secret'] = (
		await createWebhook(admin.id, { url: 'https://hooks.example.com/x', events: ['round.opened'] })
	).secret!;
	secrets['API token'] = (await createApiToken(admin.id, { name: 'CI', scope: 'write', days: 30 }))!;
	secrets['published radar link'] = (await createPublishedRadar(admin.id, 'Estate'))!.secret;
	secrets['session'] = generateToken();
	await createSession(secrets['session'], admin.id);
	secrets['sign-in in progress (PKCE verifier)'] = generateToken();
	await db()
		.insert(oidcFlow)
		.values({
			id: 'f'.repeat(64),
			state: 's',
			nonce: 'n',
			codeVerifier: secrets['sign-in in progress (PKCE verifier)'],
			next: '/',
			expiresAt: new Date(Date.now() + 600_000)
		});

	// Without SECRETS_KEY (the CLI's way in), and with it (the admin download).
	await writeBackup(db(), createWriteStream(file('plain.ndjson.gz')), { secretsKey: undefined });
	env.SECRETS_KEY = KEY;
	const res = await backupRoute.GET(fakeEvent({ user: admin, url: '/admin/backup' }));
	writeFileSync(file('sealed.ndjson.gz'), Buffer.from(await res.arrayBuffer()));
	delete env.SECRETS_KEY;

	const options: DatabaseOptions = { kind: 'pglite' };
	target = { handle: await openDatabase(options), options };
}, 120_000);

afterAll(async () => {
	useDatabase(source.handle);
	delete env.SMTP_URL;
	delete env.ORIGIN;
	delete env.SECRETS_KEY;
	await target?.handle.close();
	rmSync(dir, { recursive: true, force: true });
});

const text = (name: string) => gunzipSync(readFileSync(file(name))).toString('utf8');

/** Restores into the scratch embedded database and runs `check` there. */
async function restored<T>(name: string, secretsKey: Buffer | undefined, check: () => Promise<T>) {
	const result = await restoreBackup(target.handle.db, createReadStream(file(name)), {
		force: true,
		migrate: () => migrateDatabase(target.options, target.handle),
		secretsKey
	});
	useDatabase(target.handle);
	try {
		return { result, checked: await check() };
	} finally {
		useDatabase(source.handle);
	}
}

const hook = async () => (await db().select().from(webhook))[0];

describe('a backup', () => {
	it('holds none of the credentials the app holds, in clear, with or without SECRETS_KEY', () => {
		expect(Object.keys(secrets)).toHaveLength(10);
		for (const name of ['plain.ndjson.gz', 'sealed.ndjson.gz']) {
			const backup = text(name);
			const found = Object.entries(secrets).filter(([, secret]) => backup.includes(secret));
			expect(found.map(([what]) => `${what} in ${name}`)).toEqual([]);
			// Nor any link that signs up or unsubscribes, whatever its token.
			expect(backup).not.toMatch(/\/invite\/[A-Za-z0-9_-]{20,}/);
			expect(backup).not.toMatch(/\/unsubscribe\/[0-9a-f-]{36}/);
			expect(backup).not.toContain('whsec_');
		}
		expect(JSON.parse(text('plain.ndjson.gz').split('\n')[0]).webhookSecrets).toBe('withheld');
		expect(JSON.parse(text('sealed.ndjson.gz').split('\n')[0]).webhookSecrets).toBe('sealed');
	});

	it('keeps unsent messages held, with a note and no link, so a restore never sends a broken one', () => {
		const rows = text('plain.ndjson.gz')
			.split('\n')
			.filter((line) => line.startsWith('{"table":"mail_message"'))
			.flatMap((line) => JSON.parse(line).rows);
		expect(rows.map((m: Record<string, string>) => [m.kind, m.status, m.unsubscribe_url, m.last_error?.slice(0, 50) ?? null])).toEqual([
			['invitation', 'held', null, 'Not sent before the backup it was restored from, w'],
			['invitation', 'sent', null, null],
			['round_opened', 'held', null, 'Not sent before the backup it was restored from, w'],
			['round_opened', 'sent', null, null]
		]);
		expect(rows[0].last_error).toMatch(/invite the person again\.$/);
		expect(rows[0].text_body).toContain(`${ORIGIN}/invite/(link not kept in the backup)`);
	});
});

describe('a restore', () => {
	it('with the key: webhook secrets come back and sign as before; invitation and unsubscribe links still work', async () => {
		const { result, checked } = await restored('sealed.ndjson.gz', Buffer.from(KEY, 'base64'), async () => ({
			hook: await hook(),
			pending: await findOpenInvitation(secrets['pending invitation']),
			unsubscribe: await Promise.all(
				['unsubscribe link of a sent email', 'unsubscribe link from before 0013'].map((k) => findByUnsubscribeToken(secrets[k]))
			),
			radar: await openPublishedRadar(secrets['published radar link'])
		}));
		expect(result.webhooks).toEqual({ opened: 1, paused: 0 });
		expect(checked.hook).toMatchObject({ active: true, inactiveReason: null, secret: secrets['webhook signing secret'] });
		// Only hashes were stored, so the links people hold work on the restored server.
		expect(checked.pending).toMatchObject({ email: 'pending@example.com', role: 'admin' });
		expect(checked.unsubscribe.map((p) => p?.email)).toEqual([expect.any(String), expect.any(String)]);
		expect(checked.radar).toBe(true);
	});

	it('of a backup made before 0013 keeps the per-person unsubscribe links it held in clear working', async () => {
		// That backup's app_user rows carried the token itself; 0013 keeps only its SHA-256.
		const token = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
		const [header, ...batches] = text('plain.ndjson.gz').split('\n');
		const old = JSON.parse(header);
		const users = old.tables.find((t: { name: string }) => t.name === 'app_user');
		users.columns = users.columns.map((c: { name: string }) =>
			c.name === 'unsubscribe_token_hash' ? { ...c, name: 'unsubscribe_token', type: 'uuid' } : c
		);
		const rewritten = batches.map((line) => {
			if (!line.startsWith('{"table":"app_user"')) return line;
			const batch = JSON.parse(line);
			batch.rows = batch.rows.map(({ unsubscribe_token_hash: _hash, ...row }: Record<string, unknown>, i: number) => ({
				...row,
				unsubscribe_token: i === 0 ? token : randomUUID()
			}));
			return JSON.stringify(batch);
		});
		writeFileSync(file('before-0013.ndjson.gz'), gzipSync([JSON.stringify(old), ...rewritten].join('\n')));
		const { checked } = await restored('before-0013.ndjson.gz', undefined, () => findByUnsubscribeToken(token));
		expect(checked?.email).toEqual(expect.any(String));
	});

	it('of a backup made before 0014 marks the roles the single sign-on groups gave, as the migration marked the live rows', async () => {
		const [header, ...batches] = text('plain.ndjson.gz').split('\n');
		const old = JSON.parse(header);
		const users = old.tables.find((t: { name: string }) => t.name === 'app_user');
		users.columns = users.columns.filter((c: { name: string }) => c.name !== 'role_from_groups');
		const rewritten = batches.map((line) => {
			if (!line.startsWith('{"table":"app_user"')) return line;
			const batch = JSON.parse(line);
			batch.rows = batch.rows.map(({ role_from_groups: _from, ...row }: Record<string, unknown>) => row);
			return JSON.stringify(batch);
		});
		writeFileSync(file('before-0014.ndjson.gz'), gzipSync([JSON.stringify(old), ...rewritten].join('\n')));
		const { checked } = await restored('before-0014.ndjson.gz', undefined, () =>
			db().select({ id: appUser.id, fromGroups: appUser.roleFromGroups }).from(appUser).orderBy(appUser.id)
		);
		expect(checked.filter((u) => u.fromGroups).map((u) => u.id)).toEqual([memberId]);
		expect(checked.length).toBeGreaterThan(1);
	});

	it('without the key, or with another, leaves each webhook in place but paused, saying why, until a new secret is set', async () => {
		const cases: [string, Buffer | undefined, RegExp][] = [
			['plain.ndjson.gz', Buffer.from(KEY, 'base64'), /^Restored from a backup made without SECRETS_KEY/],
			['sealed.ndjson.gz', undefined, /^Restored without the SECRETS_KEY its backup was made with/],
			['sealed.ndjson.gz', randomBytes(32), /^Restored without the SECRETS_KEY its backup was made with/]
		];
		for (const [name, key, reason] of cases) {
			const { result, checked } = await restored(name, key, hook);
			expect(result.webhooks).toEqual({ opened: 0, paused: 1 });
			expect(checked).toMatchObject({ active: false, inactiveReason: expect.stringMatching(reason) });
			expect(checked.secret).not.toBe(secrets['webhook signing secret']);
		}
		const { checked } = await restored('plain.ndjson.gz', undefined, async () => {
			const secret = await renewWebhookSecret(admin.id, (await hook()).id);
			return { secret, hook: await hook() };
		});
		expect(checked.hook).toMatchObject({ active: true, inactiveReason: null, secret: checked.secret });
	});
});
