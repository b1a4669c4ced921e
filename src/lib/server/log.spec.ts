import { describe, expect, it, vi } from 'vitest';
import { log, redactLine, redactSecrets, wantsPretty, withRequestContext } from './log';
import { prettyLine } from './log-pretty';

describe('redactSecrets', () => {
	it('drops query parameters, password hashes and invitation tokens from a log line', () => {
		const line = [
			'ERROR [ab12cd34] POST /invite/Zm9vYmFyYmF6cXV4MTIz',
			'DrizzleQueryError: Failed query: insert into "app_user" ("email", "password_hash") values ($1, $2)',
			'params: someone@example.com,$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
			'    at file:///app/build/server/chunks/users.js:12:3',
			'hash seen elsewhere: $argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'
		].join('\n');
		const out = redactSecrets(line);
		expect(out).not.toContain('someone@example.com');
		expect(out).not.toContain('$argon2id$');
		expect(out).not.toContain('Zm9vYmFy');
		expect(out).toContain('POST /invite/[token]');
		expect(out).toContain('params: [redacted]');
		expect(out).toContain('at file:///app/build/server/chunks/users.js:12:3');
	});
});

describe('redactLine', () => {
	it('scrubs every string and drops secret-named fields of a JSON log line, whatever logged it', () => {
		const line = JSON.stringify({
			level: 'error',
			msg: 'POST /login?next=%2Fadmin&token=abc failed',
			err: {
				message: 'Failed query: insert into "app_user" values ($1, $2)\nparams: a@b.c,$argon2id$v=19$m=1,t=2,p=1$c2FsdA$aGFzaA',
				detail: 'Key (email)=(someone@example.com) already exists.',
				params: ['someone@example.com', 'plain secret'],
				stack: 'Error\n    at x (file:///app/.vite/deps/pino.js?v=1a2b3c:12:3)'
			},
			headers: { cookie: 'session=abcdef', authorization: 'Bearer xyz' },
			notes: [
				'sent cookie: session=abcdef; theme=dark',
				'sent Authorization: Bearer s3cr3t-t0ken',
				'cannot reach postgres://app:hunter2@db/app',
				'token in a path: /invite/Zm9vYmFy'
			],
			passwordHash: '$argon2id$v=19$m=1,t=2,p=1$c2FsdA$aGFzaA',
			userId: 7
		});
		const out = redactLine(line);
		for (const secret of [
			'a@b.c',
			'argon2id',
			'someone@example.com',
			'plain secret',
			'abcdef',
			'xyz',
			's3cr3t',
			'hunter2',
			'Zm9vYmFy',
			'token=abc',
			'next='
		]) {
			expect(out).not.toContain(secret);
		}
		const parsed = JSON.parse(out);
		expect(parsed).toMatchObject({ level: 'error', userId: 7, msg: 'POST /login?[query] failed', passwordHash: '[redacted]' });
		expect(parsed.err.stack).toContain('pino.js?v=1a2b3c:12:3');
		expect(parsed.err.detail).toBe('Key (email)=([redacted]) already exists.');
		expect(parsed.notes).toEqual([
			'sent cookie: [redacted]',
			'sent Authorization: Bearer [redacted]',
			'cannot reach postgres://app:[redacted]@db/app',
			'token in a path: /invite/[token]'
		]);
		expect(out.endsWith('}\n')).toBe(true);
	});

	it('still redacts a line holding only one secret, whichever it is (the quick pass lets none through)', () => {
		const lone: [Record<string, unknown>, string][] = [
			[{ msg: 'x\nparams: 42,hunter2' }, 'hunter2'],
			[{ msg: 'stored $argon2id$v=19$m=1$c2FsdA$aGFzaA' }, 'aGFzaA'],
			[{ msg: 'GET /invite/Zm9vYmFy' }, 'Zm9vYmFy'],
			// handleError logs the path of a failed request, and an unsubscribe link's only credential is in it.
			[{ msg: 'POST /unsubscribe/Zm9vYmFy' }, 'Zm9vYmFy'],
			// A published radar address's secret is its only credential too.
			[{ msg: 'GET /published/radar/abcdefghijklmnopqrstuvwxyz234567/opsmaturity-radar.csv' }, 'abcdefghijklmnopqrstuvwxyz234567'],
			[{ msg: 'Key (email)=(a@b.c) already exists' }, 'a@b.c'],
			[{ msg: 'sent bearer s3cr3t' }, 's3cr3t'],
			[{ msg: 'sent basic s3cr3t' }, 's3cr3t'],
			[{ msg: 'Cookie: s3cr3t' }, 's3cr3t'],
			[{ msg: 'session=s3cr3t' }, 's3cr3t'],
			[{ msg: 'postgresql://app:hunter2@db/app' }, 'hunter2'],
			[{ msg: '/login?next=s3cr3t' }, 's3cr3t'],
			...['password', 'clientSecret', 'tokenValue', 'cookie', 'Authorization', 'keyHash', 'params', 'parameters'].map(
				(key): [Record<string, unknown>, string] => [{ [key]: 's3cr3t' }, 's3cr3t']
			)
		];
		for (const [fields, secret] of lone) {
			const out = redactLine(`${JSON.stringify({ level: 'info', userId: 7, ...fields })}\n`);
			expect(out, JSON.stringify(fields)).not.toContain(secret);
		}
	});

	it('passes an access line through as it was written', () => {
		const line = `${JSON.stringify({ level: 'info', time: '2026-12-01T09:29:53.179Z', method: 'GET', route: '/(app)/technologies/[slug]', status: 200, durationMs: 7.4, userId: 3, msg: 'request' })}\n`;
		expect(redactLine(line)).toBe(line);
		expect(redactLine(line.trimEnd())).toBe(line);
	});
});

describe('log output', () => {
	it('writes JSON lines carrying the request id of the request they belong to', async () => {
		const lines: string[] = [];
		const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
		try {
			await withRequestContext({ requestId: 'req-1' }, async () => {
				await Promise.resolve();
				log.warn('inside', { userId: 3 });
			});
			log.error('outside', new Error('boom'));
		} finally {
			spy.mockRestore();
		}
		const [inside, outside] = lines.map((l) => JSON.parse(l));
		expect(inside).toMatchObject({ level: 'warn', msg: 'inside', requestId: 'req-1', userId: 3 });
		expect(outside).toMatchObject({ level: 'error', msg: 'outside', err: { message: 'boom' } });
		expect(outside).not.toHaveProperty('requestId');
	});

	it('is readable in development: pretty on a terminal or when asked, JSON when asked or piped', () => {
		expect(wantsPretty('pretty', false)).toBe(true);
		expect(wantsPretty(undefined, true)).toBe(true);
		expect(wantsPretty('json', true)).toBe(false);
		expect(wantsPretty(undefined, false)).toBe(false);
		const line = JSON.stringify({ level: 'info', time: '2025-01-02T03:04:05.678Z', requestId: 'abcdef0123', msg: 'request', status: 200 });
		expect(prettyLine(line)).toBe('03:04:05.678 INFO  [abcdef01] request status=200\n');
	});
});

describe('redactSecrets and multi-line parameters', () => {
	it('drops every line of the parameters, up to the stack', () => {
		const message =
			'Failed query: insert into answer values ($1, $2)\nparams: 7,first line\nsecond line of a comment\n    at query (x.js:1:1)';
		const out = redactSecrets(message);
		expect(out).toBe('Failed query: insert into answer values ($1, $2)\nparams: [redacted]\n    at query (x.js:1:1)');
	});

	it('drops them to the end when no stack follows', () => {
		expect(redactSecrets('Failed query: select 1\nparams: a\nb\nc')).toBe('Failed query: select 1\nparams: [redacted]');
	});
});
