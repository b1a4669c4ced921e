import { describe, expect, it } from 'vitest';
import { hashToken, nextExpiry, safeNext, SESSION_ABSOLUTE_MS, SESSION_SLIDING_MS } from './session';
import { shouldSeed } from '../db/seed';
import { addressKey } from './rate-limit';

describe('sessions', () => {
	it('hashes tokens with SHA-256 (hex)', () => {
		expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
	});
	it('slides by 30 days but stops at the absolute lifetime', () => {
		const created = new Date('2026-01-01T00:00:00Z');
		const early = created.getTime() + 1000;
		expect(nextExpiry(created, early).getTime()).toBe(early + SESSION_SLIDING_MS);
		const late = created.getTime() + SESSION_ABSOLUTE_MS - 1000;
		expect(nextExpiry(created, late).getTime()).toBe(created.getTime() + SESSION_ABSOLUTE_MS);
	});
	it.each([
		['/rounds/3', '/rounds/3'],
		['//evil.example', '/'],
		['/\\evil.example', '/'],
		['https://evil.example', '/'],
		['/\t/evil.example', '/'],
		['/\n/evil.example', '/'],
		['/\r\nSet-Cookie: x=1', '/'],
		['/./\\evil.example', '/'],
		['/.//evil.example', '/'],
		['/rounds?x=ü', '/rounds?x=%C3%BC'],
		['/technologies/kafka#top', '/technologies/kafka#top'],
		[null, '/']
	])('follows next=%s to %s', (next, expected) => {
		expect(safeNext(next)).toBe(expected);
	});
});

describe('demo seeding', () => {
	it.each([
		[undefined, 'pglite', true],
		[undefined, 'postgres', false],
		['1', 'postgres', true],
		['0', 'pglite', false]
	] as const)('SEED_DEMO=%s on %s seeds: %s', (setting, kind, expected) => {
		expect(shouldSeed(setting, kind)).toBe(expected);
	});
});

describe('the address a per-address limit counts', () => {
	it.each([
		['203.0.113.7', '203.0.113.7'],
		['::ffff:203.0.113.7', '203.0.113.7'],
		['2001:db8:1:2::1', '2001:db8:1:2::/64'],
		['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
		['2001:db8::1', '2001:db8:0:0::/64'],
		['::1', '0:0:0:0::/64'],
		['fe80::1%eth0', 'fe80:0:0:0::/64']
	])('%s counts as %s', (address, key) => {
		expect(addressKey(address)).toBe(key);
	});
});
