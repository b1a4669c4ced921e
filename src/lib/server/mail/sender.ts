import nodemailer, { type Transporter } from 'nodemailer';
import { env } from '#lib/server/env.ts';
import { claimMail, settleMail } from '#lib/server/queries/mail-outbox.ts';
import { mailFrom } from './config';

let transport: Transporter | undefined;

/** The domain of MAIL_FROM, for Message-IDs. */
const senderDomain = () => /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom())?.[1] ?? 'localhost';

/** One pooled SMTP transport per process, from SMTP_URL, with timeouts so a dead server fails the attempt instead of hanging it. */
export function smtpTransport(url = env.SMTP_URL): Transporter {
	if (!url) throw new Error('SMTP_URL is not set');
	transport ??= nodemailer.createTransport({
		url,
		pool: true,
		maxConnections: 3,
		connectionTimeout: 5000,
		greetingTimeout: 5000,
		socketTimeout: 15_000
	} as never);
	return transport;
}

export function closeSmtpTransport() {
	transport?.close();
	transport = undefined;
}

/** What a failed attempt says in the outbox: the server's own words, never a stack. */
export function describeSendError(error: unknown): string {
	const e = error as { code?: string; response?: string; message?: string };
	return [e.code, e.response ?? e.message].filter(Boolean).join(': ') || String(error);
}

/**
 * Sends one recorded message, if this caller wins its claim. A temporary SMTP failure is written
 * to the outbox and thrown again, so the job queue retries the attempt with backoff.
 */
export async function deliverMail(id: number, via: Transporter = smtpTransport()): Promise<'sent' | 'not-claimed' | 'rejected'> {
	const message = await claimMail(id);
	if (!message) return 'not-claimed';
	try {
		await via.sendMail({
			from: mailFrom(),
			to: message.recipientEmail,
			subject: message.subject,
			text: message.textBody,
			html: message.htmlBody,
			// Stable per message, so a retry after a lost reply is recognisable as the same message.
			messageId: `<opsmaturity.${message.id}@${senderDomain()}>`,
			headers: message.unsubscribeUrl
				? { 'List-Unsubscribe': `<${message.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
				: {}
		});
	} catch (error) {
		await settleMail(message, { sent: false, error: describeSendError(error) });
		// A permanent refusal (5xx: no such mailbox, a policy) will not change by asking again; it stays failed in the outbox.
		if (((error as { responseCode?: number }).responseCode ?? 0) >= 500) return 'rejected';
		throw error;
	}
	await settleMail(message, { sent: true });
	return 'sent';
}
