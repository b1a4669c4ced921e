import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/lib/server/db';
import { appUser } from '../../src/lib/server/db/schema';
import { ADDRESS_MAX_FAILURES, claimAddressAttempt, INVITE_LIMIT, SETUP_LIMIT } from '../../src/lib/server/auth/rate-limit';
import { createInvitation } from '../../src/lib/server/queries/users';
import * as setup from '../../src/routes/(auth)/setup/+page.server';
import * as invite from '../../src/routes/(auth)/invite/[token]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent, run } from '../helpers/event';
import { createUserRow } from '../helpers/factories';

// Counts every argon2 hash the app runs, whoever calls it: a refusal must not buy one.
const argon2 = vi.hoisted(() => ({ hashes: 0 }));
vi.mock('@node-rs/argon2', async (original) => {
	const real = await original<typeof import('@node-rs/argon2')>();
	return {
		...real,
		hash: (...args: Parameters<typeof real.hash>) => {
			argon2.hashes++;
			return real.hash(...args);
		}
	};
});

useTestDatabase();

const PASSWORD = 'a long enough password';
const joining = { name: 'Nell', password: PASSWORD, confirm: PASSWORD };
const post = (token: string, address: string) => run(invite.actions.default, fakeEvent({ params: { token }, address, form: joining }));

beforeEach(() => {
	argon2.hashes = 0;
});

describe('anonymous password forms refuse before hashing', () => {
	it('/setup: an address that used up its attempts is refused before hashing', async () => {
		// First in this file: no administrator exists yet.
		for (let i = 0; i < ADDRESS_MAX_FAILURES; i++) expect(await claimAddressAttempt(SETUP_LIMIT, '10.4.0.1')).not.toBeNull();
		const out = await run(
			setup.actions.default,
			fakeEvent({ address: '10.4.0.1', form: { name: 'Mal', email: 'mal@x.io', password: PASSWORD, confirm: PASSWORD } })
		);
		expect(out).toMatchObject({ kind: 'failure', status: 429, data: { errors: { form: expect.stringContaining('15 minutes') } } });
		expect(argon2.hashes).toBe(0);
		expect(await db().select().from(appUser)).toHaveLength(0);
	});

	it('/setup: the first admin hashes once; after that a post is refused without hashing', async () => {
		const first = await run(
			setup.actions.default,
			fakeEvent({ form: { name: 'Ann', email: 'ann@x.io', password: PASSWORD, confirm: PASSWORD } })
		);
		expect(first).toMatchObject({ kind: 'redirect', location: '/' });
		expect(argon2.hashes).toBe(1);
		argon2.hashes = 0;
		const outs = await Promise.all(
			Array.from({ length: 16 }, (_, i) =>
				run(setup.actions.default, fakeEvent({ form: { name: 'Eve', email: `eve${i}@x.io`, password: PASSWORD, confirm: PASSWORD } }))
			)
		);
		expect(outs.every((o) => o.kind === 'redirect' && o.location === '/login')).toBe(true);
		expect(argon2.hashes).toBe(0);
		expect(await db().select().from(appUser)).toHaveLength(1);
	});

	it('/invite/<unknown token>: 404 without hashing, 16 at once included', async () => {
		const outs = await Promise.all(Array.from({ length: 16 }, (_, i) => post(`no-such-token-${i}`, `10.1.0.${i}`)));
		expect(outs.every((o) => o.kind === 'error' && o.status === 404)).toBe(true);
		expect(argon2.hashes).toBe(0);
	});

	it('a real invitation still hashes its password, once', async () => {
		const admin = await createUserRow('admin');
		const token = await createInvitation(admin.id, { email: 'nell@x.io', role: 'member', teamIds: [] });
		argon2.hashes = 0;
		expect(await post(token, '10.2.0.1')).toMatchObject({ kind: 'redirect', location: '/' });
		expect(argon2.hashes).toBe(1);
	});
});

describe('anonymous password forms are limited per address, like the sign-in', () => {
	it(`/invite: ${INVITE_LIMIT.max} refused links from one address, then 429 there and only there`, async () => {
		const statuses: number[] = [];
		for (let i = 0; i < INVITE_LIMIT.max + 3; i++) {
			const out = await post(`guess-${i}`, '10.3.0.1');
			statuses.push('status' in out ? out.status : 0);
		}
		expect(statuses.slice(0, INVITE_LIMIT.max).every((s) => s === 404)).toBe(true);
		expect(statuses.slice(INVITE_LIMIT.max)).toEqual([429, 429, 429]);
		expect(await post('guess-elsewhere', '10.3.0.2')).toMatchObject({ kind: 'error', status: 404 });
		// The same /64 is the same client: an IPv6 host picks any address in it.
		for (let i = 0; i < INVITE_LIMIT.max; i++) await post(`v6-${i}`, `2001:db8:1:2::${i.toString(16)}`);
		expect(await post('v6-next', '2001:db8:1:2:ffff::1')).toMatchObject({ kind: 'failure', status: 429 });
		expect(argon2.hashes).toBe(0);
	});
});
