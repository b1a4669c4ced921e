import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, parseSecretsKey, sealSecret } from './secrets.js';

describe('SECRETS_KEY', () => {
	const key = randomBytes(32);
	it.each([
		[key.toString('hex'), true],
		[key.toString('base64'), true],
		[key.toString('base64url'), true],
		[randomBytes(16).toString('hex'), false],
		['correct horse battery staple', false]
	])('%s is a key: %s', (text, ok) => {
		expect(parseSecretsKey(text)?.equals(key) ?? false).toBe(ok);
	});
	it('unset is no key, not a wrong one', () => expect(parseSecretsKey('')).toBeUndefined());
});

describe('a sealed secret', () => {
	const key = randomBytes(32);
	const sealed = sealSecret(key, 'whsec_abc', 'webhook:1');
	it('opens with its key, for its row', () => {
		expect(sealed).not.toContain('whsec_abc');
		expect(openSecret(key, sealed, 'webhook:1')).toBe('whsec_abc');
	});
	it('does not open with another key, for another row, or altered', () => {
		expect(openSecret(randomBytes(32), sealed, 'webhook:1')).toBeNull();
		expect(openSecret(key, sealed, 'webhook:2')).toBeNull();
		expect(openSecret(key, sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'AB' : 'AA'), 'webhook:1')).toBeNull();
		expect(openSecret(key, 'opsm-sealed:v1:', 'webhook:1')).toBeNull();
	});
});
