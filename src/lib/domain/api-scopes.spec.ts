import { describe, expect, it } from 'vitest';
import { mayHoldScope, roleUnderScope } from './api-scopes';

describe('token scopes', () => {
	it.each([
		['admin', 'read', 'viewer'],
		['admin', 'write', 'lead'],
		['admin', 'admin', 'admin'],
		['lead', 'write', 'lead'],
		['member', 'write', 'member'],
		['member', 'read', 'viewer'],
		['viewer', 'read', 'viewer']
	] as const)('a %s with a %s token acts as %s', (role, scope, acts) => {
		expect(roleUnderScope(role, scope)).toBe(acts);
	});

	it.each([
		['viewer', 'read', true],
		['viewer', 'write', false],
		['member', 'write', true],
		['lead', 'admin', false],
		['admin', 'admin', true]
	] as const)('a %s may hold %s: %s', (role, scope, may) => {
		expect(mayHoldScope(role, scope)).toBe(may);
	});
});
