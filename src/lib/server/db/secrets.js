// What a backup does with the credentials the database holds, so that the file holds none that
// works. Plain JavaScript, as backup.js (the CLI runs it without a build).
//
// - Tokens the app only checks (sessions, invitations, API tokens, published radars, unsubscribe
//   links) are stored as SHA-256 hashes already: they are copied as they are.
// - Messages not yet sent would carry a working invitation or unsubscribe link: their copy is held
//   (never sent after a restore), with the invitation link cut out and a note for the outbox.
// - Webhook signing secrets must be recoverable to sign: sealed with AES-256-GCM under SECRETS_KEY
//   when it is set, else left out. A restore that cannot open one pauses the webhook with a note.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export const SECRETS_KEY_RULE = 'must be 32 random bytes as 64 hex characters or base64, such as the output of: openssl rand -base64 32';

/**
 * SECRETS_KEY as 32 bytes; undefined when unset, null when malformed.
 * @param {string | undefined} text
 */
export function parseSecretsKey(text) {
	if (!text) return undefined;
	const bytes = /^[0-9a-fA-F]{64}$/.test(text)
		? Buffer.from(text, 'hex')
		: /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
			? Buffer.from(text, 'base64')
			: null;
	return bytes?.length === 32 ? bytes : null;
}

/**
 * The key from the environment, for the backup and restore commands and the admin download.
 * @param {string | undefined} text
 */
export function secretsKeyFrom(text) {
	const key = parseSecretsKey(text);
	if (key === null) throw new Error(`SECRETS_KEY ${SECRETS_KEY_RULE}`);
	return key;
}

const SEALED = 'opsm-sealed:v1:';
const WITHHELD = 'opsm-withheld:v1';
// Its own key per use, so that SECRETS_KEY can serve other purposes later without reuse.
const sealingKey = (/** @type {Buffer} */ key) =>
	Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'opsmaturity backup: webhook secrets', 32));

/**
 * @param {Buffer} key
 * @param {string} secret
 * @param {string} context bound into the tag: a sealed value moved to another row does not open
 */
export function sealSecret(key, secret, context) {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', sealingKey(key), iv).setAAD(Buffer.from(context));
	const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
	return SEALED + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/**
 * The secret, or null when the key is not the one it was sealed with (or the value was altered).
 * @param {Buffer} key
 * @param {string} sealed
 * @param {string} context
 */
export function openSecret(key, sealed, context) {
	const raw = Buffer.from(sealed.slice(SEALED.length), 'base64url');
	if (raw.length < 28) return null;
	try {
		const decipher = createDecipheriv('aes-256-gcm', sealingKey(key), raw.subarray(0, 12)).setAAD(Buffer.from(context));
		decipher.setAuthTag(raw.subarray(12, 28));
		return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
	} catch {
		return null;
	}
}

const UNSENT = `status in ('queued', 'sending', 'failed')`;
// The same link as INVITE_LINK in queries/mail-outbox.ts.
const INVITE_LINK = `'/invite/[A-Za-z0-9_-]+'`;
const HELD_NOTE = {
	invitation: 'Not sent before the backup it was restored from, which keeps no invitation link: invite the person again.',
	other: 'Not sent before the backup it was restored from, which keeps no unsubscribe link: held, never sent after a restore.'
};
const cutLink = (/** @type {string} */ column) =>
	`case when kind = 'invitation' then regexp_replace(${column}, ${INVITE_LINK}, '/invite/(link not kept in the backup)', 'g') else ${column} end`;

/**
 * SQL that replaces a column in the backup's copy, by table and column; other columns are copied.
 * @type {Record<string, Record<string, string>>}
 */
export const BACKUP_COLUMNS = {
	mail_message: {
		status: `case when ${UNSENT} then 'held' else status end`,
		claimed_at: `case when ${UNSENT} then null else claimed_at end`,
		last_error: `case when not ${UNSENT} then last_error when kind = 'invitation' then '${HELD_NOTE.invitation}' else '${HELD_NOTE.other}' end`,
		text_body: cutLink('text_body'),
		html_body: cutLink('html_body'),
		unsubscribe_url: 'null::text'
	}
};

/**
 * Rows changed in JavaScript on their way into the backup, by table (the key is the SECRETS_KEY, or undefined).
 * @type {Record<string, (row: Record<string, any>, key: Buffer | undefined) => Record<string, any>>}
 */
export const BACKUP_ROWS = {
	webhook: (row, key) => ({ ...row, secret: key ? sealSecret(key, row.secret, `webhook:${row.id}`) : WITHHELD })
};

const PAUSED = {
	withheld: 'Restored from a backup made without SECRETS_KEY, which keeps no signing secret: set a new secret and give it to the receiver.',
	noKey:
		'Restored without the SECRETS_KEY its backup was made with, so its signing secret could not be read: set a new secret and give it to the receiver, or restore again with that key.'
};

/**
 * After the rows are in: opens each sealed webhook secret with `key`, or pauses the webhook with a
 * note and a fresh secret that nobody holds. Secrets in clear (a backup from before sealing) stay.
 * @param {(text: string, params?: unknown[]) => Promise<Record<string, any>[]>} query
 * @param {Buffer | undefined} key
 * @returns {Promise<{ opened: number, paused: number }>}
 */
export async function restoreSecrets(query, key) {
	const rows = await query(`select id, secret from public.webhook where secret like 'opsm-%' order by id`);
	let opened = 0;
	for (const row of rows) {
		const secret = key && row.secret.startsWith(SEALED) ? openSecret(key, row.secret, `webhook:${row.id}`) : null;
		if (secret) {
			await query('update public.webhook set secret = $2 where id = $1', [row.id, secret]);
			opened++;
		} else {
			const note = row.secret === WITHHELD ? PAUSED.withheld : PAUSED.noKey;
			const unknown = `whsec_${randomBytes(24).toString('base64url')}`;
			await query('update public.webhook set secret = $2, active = false, inactive_reason = $3 where id = $1', [row.id, unknown, note]);
		}
	}
	return { opened, paused: rows.length - opened };
}
