import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export type Received = { from: string; to: string[]; mail: ParsedMail };

/**
 * A real SMTP server on loopback (the `smtp-server` package, by nodemailer's author): what the
 * app sends arrives over SMTP and is parsed as a mail client would. `state` makes it refuse
 * every message, temporarily or for good.
 */
export async function startSmtp() {
	const received: Received[] = [];
	// refuse: answer every message with a temporary failure (451); reject: with a permanent one (550).
	const state = { refuse: false, reject: false };
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			if (state.refuse || state.reject) {
				const refusal = state.reject
					? Object.assign(new Error('No such mailbox here'), { responseCode: 550 })
					: Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 });
				stream.resume();
				stream.on('end', () => callback(refusal));
				return;
			}
			simpleParser(stream)
				.then((mail) => {
					received.push({
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to: session.envelope.rcptTo.map((r) => r.address),
						mail
					});
					callback();
				})
				.catch(callback);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	return {
		url: `smtp://127.0.0.1:${port}`,
		port,
		received,
		state,
		/** Waits until `n` messages have arrived, or fails after `ms`. */
		async waitFor(n: number, ms = 10_000) {
			const until = Date.now() + ms;
			while (received.length < n) {
				if (Date.now() > until) throw new Error(`expected ${n} messages, got ${received.length}`);
				await new Promise((r) => setTimeout(r, 25));
			}
			return received;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
