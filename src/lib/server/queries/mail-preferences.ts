import { eq, or, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { hashToken } from '#lib/server/auth/session.ts';
import { appUser, mailMessage } from '#lib/server/db/schema/index.ts';
import { MAIL_PREFERENCE_KEYS, type MailPreference } from '#lib/domain/mail-kinds.ts';
import { recordAudit } from './audit';
import { NO_PASSWORD } from './sso-accounts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Only known keys are kept, whatever an older release or a hand edit left in the column. */
const known = (keys: readonly string[]) => MAIL_PREFERENCE_KEYS.filter((k) => keys.includes(k));

/** What /account shows of a person's settings, in one read: the emails they turned off, and whether they have a password. */
export async function accountSettings(userId: number): Promise<{ optOut: MailPreference[]; hasPassword: boolean }> {
	const [row] = await db()
		.select({ optOut: appUser.mailOptOut, hasPassword: sql<boolean>`${appUser.passwordHash} <> ${NO_PASSWORD}` })
		.from(appUser)
		.where(eq(appUser.id, userId));
	return { optOut: known(row?.optOut ?? []), hasPassword: !!row?.hasPassword };
}

export async function setMailOptOut(userId: number, optOut: MailPreference[]) {
	await db().transaction(async (tx) => {
		const [before] = await tx.select({ optOut: appUser.mailOptOut }).from(appUser).where(eq(appUser.id, userId)).for('update');
		await tx
			.update(appUser)
			.set({ mailOptOut: known(optOut) })
			.where(eq(appUser.id, userId));
		await recordAudit(tx, {
			actorId: userId,
			action: 'user.mail_preferences',
			entity: 'user',
			entityId: userId,
			before,
			after: { optOut: known(optOut) }
		});
	});
}

/**
 * Who a link's token names: only hashes are stored, of each message's own token and of the
 * per-person token that emails carried before migration 0013.
 */
const namedBy = (token: string) => {
	const hash = hashToken(token);
	return or(
		eq(appUser.unsubscribeTokenHash, hash),
		eq(appUser.id, sql`(select ${mailMessage.recipientUserId} from ${mailMessage} where ${mailMessage.unsubscribeTokenHash} = ${hash})`)
	);
};

/** The person an unsubscribe link names, if the token is one. */
export async function findByUnsubscribeToken(token: string) {
	if (!UUID.test(token)) return undefined;
	const [row] = await db().select({ id: appUser.id, email: appUser.email, optOut: appUser.mailOptOut }).from(appUser).where(namedBy(token));
	return row && { ...row, optOut: known(row.optOut) };
}

/** Turns one kind of email off for the person a link names; repeating it changes nothing. */
export async function unsubscribe(token: string, preference: MailPreference): Promise<boolean> {
	if (!UUID.test(token)) return false;
	return db().transaction(async (tx) => {
		const [row] = await tx
			.update(appUser)
			.set({ mailOptOut: sql`(select array(select distinct unnest(${appUser.mailOptOut} || array[${preference}]::text[])))` })
			.where(namedBy(token))
			.returning({ id: appUser.id, optOut: appUser.mailOptOut });
		if (!row) return false;
		await recordAudit(tx, {
			actorId: row.id,
			action: 'user.unsubscribe',
			entity: 'user',
			entityId: row.id,
			after: { optOut: known(row.optOut) }
		});
		return true;
	});
}
