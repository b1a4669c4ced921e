import { describe, expect, it } from 'vitest';
import { redactSecrets } from './log';

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
