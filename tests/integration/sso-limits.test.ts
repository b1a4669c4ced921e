import { eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { oidcFlow } from '../../src/lib/server/db/schema';
import { FLOW_LIMIT, MAX_FLOWS } from '../../src/lib/server/auth/oidc';
import { useTestDatabase } from '../helpers/db';
import { createUserRow } from '../helpers/factories';
import { loginAtProvider } from '../helpers/oidc-provider';
import { useProviderSignIn } from '../helpers/sso-sign-in';

useTestDatabase();
// Nobody joins through the provider before the first administrator exists.
beforeAll(() => createUserRow('admin'));

const { start, finish, knock } = useProviderSignIn({ stranger: { email: 'stranger@example.com', email_verified: true } });

describe('sign-ins under way are bounded per address, so one address cannot shut single sign-on for everyone', () => {
	const flows = async () => (await db().select({ id: oidcFlow.id }).from(oidcFlow)).length;

	it(`one address holds at most ${FLOW_LIMIT.max}; others still start, and a finished sign-in gives its place back`, async () => {
		const before = await flows();
		const outs = await Promise.all(Array.from({ length: FLOW_LIMIT.max + 30 }, () => knock('203.0.113.7')));
		const statuses = outs.map((o) => (o.kind === 'error' ? o.status : o.kind));
		expect(statuses.filter((s) => s === 'redirect')).toHaveLength(FLOW_LIMIT.max);
		expect(statuses.filter((s) => s === 429)).toHaveLength(30);
		expect(outs.find((o) => o.kind === 'error')).toMatchObject({ message: expect.stringContaining('from your address') });
		expect(await flows()).toBe(before + FLOW_LIMIT.max);
		// Someone else is not held up.
		expect((await knock('198.51.100.1')).kind).toBe('redirect');
		// An IPv6 client is its /64: another address in it is the same client.
		for (let i = 0; i < FLOW_LIMIT.max; i++) expect((await knock(`2001:db8:7:7::${i + 1}`)).kind).toBe('redirect');
		expect(await knock('2001:db8:7:7:abcd::1')).toMatchObject({ kind: 'error', status: 429 });
		expect((await knock('2001:db8:7:8::1')).kind).toBe('redirect');
		// A person behind the busy address who completes a sign-in frees a place.
		await knock('192.0.2.9');
		const { to, cookies } = await start('/', '192.0.2.9');
		for (let i = 2; i < FLOW_LIMIT.max; i++) await knock('192.0.2.9');
		expect(await knock('192.0.2.9')).toMatchObject({ kind: 'error', status: 429 });
		expect(await finish(await loginAtProvider(to, 'stranger'), cookies, '192.0.2.9')).toMatchObject({ kind: 'redirect' });
		expect((await knock('192.0.2.9')).kind).toBe('redirect');
	});

	it(`everyone together holds at most ${MAX_FLOWS}: then 503, and the refused start holds no place`, async () => {
		const expiresAt = new Date(Date.now() + 60_000);
		const fill = MAX_FLOWS - (await flows());
		await db()
			.insert(oidcFlow)
			.values(
				Array.from({ length: fill }, (_, i) => ({ id: `filler-${i}`, state: 's', nonce: 'n', codeVerifier: 'v', next: '/', expiresAt }))
			);
		expect(await knock('198.51.100.50')).toMatchObject({ kind: 'error', status: 503 });
		await db().delete(oidcFlow).where(eq(oidcFlow.id, 'filler-0'));
		// Still its whole allowance: the refusal above did not count against the address.
		for (let i = 0; i < FLOW_LIMIT.max; i++) {
			expect((await knock('198.51.100.50')).kind).toBe('redirect');
			await db()
				.delete(oidcFlow)
				.where(eq(oidcFlow.id, `filler-${i + 1}`));
		}
		await db().delete(oidcFlow).where(like(oidcFlow.id, 'filler-%'));
	});

	it(`starts from many addresses at once never pass ${MAX_FLOWS} together`, async () => {
		const expiresAt = new Date(Date.now() + 60_000);
		const fill = MAX_FLOWS - 1 - (await flows());
		await db()
			.insert(oidcFlow)
			.values(
				Array.from({ length: fill }, (_, i) => ({ id: `filler-${i}`, state: 's', nonce: 'n', codeVerifier: 'v', next: '/', expiresAt }))
			);
		const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => knock(`198.51.100.${60 + i}`)));
		expect(answers.filter((a) => a.kind === 'redirect')).toHaveLength(1);
		expect(await flows()).toBe(MAX_FLOWS);
		await db().delete(oidcFlow).where(like(oidcFlow.id, 'filler-%'));
	});
});
