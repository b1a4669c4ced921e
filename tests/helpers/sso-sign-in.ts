import { afterAll, beforeAll, expect } from 'vitest';
import { env } from '#lib/server/env.ts';
import { startOidc } from '../../src/lib/server/auth/oidc';
import * as begin from '../../src/routes/(auth)/auth/oidc/+server';
import * as callback from '../../src/routes/(auth)/auth/oidc/callback/+page.server';
import { fakeCookies, fakeEvent, run, type FakeCookies } from './event';
import { CLIENT_ID, CLIENT_SECRET, loginAtProvider, startOidcProvider, type Account } from './oidc-provider';

/** The app's public origin in single sign-on tests: the provider redirects back to it. */
export const APP = 'http://127.0.0.1:5999';

/** An OpenID provider on loopback with these accounts, the app's single sign-on pointed at it, and sign-ins through both. */
export function useProviderSignIn(accounts: Record<string, Account>) {
	const op = {} as Awaited<ReturnType<typeof startOidcProvider>>;
	const settings = () => ({
		issuer: op.issuer,
		clientId: CLIENT_ID,
		clientSecret: CLIENT_SECRET,
		scopes: 'openid email profile groups',
		label: 'Example SSO'
	});
	beforeAll(async () => {
		env.ORIGIN = APP;
		Object.assign(op, await startOidcProvider(APP, accounts));
		await startOidc(settings());
	});
	afterAll(async () => {
		delete env.ORIGIN;
		await startOidc(null);
		await op.close();
	});

	/** Starts a sign-in as the app's /auth/oidc does, returning the provider's URL and the browser's cookies. */
	async function start(next = '/', address?: string) {
		const cookies = fakeCookies();
		const out = await run(begin.GET, fakeEvent({ url: `/auth/oidc?next=${encodeURIComponent(next)}`, cookies, address }));
		expect(out.kind).toBe('redirect');
		return { to: new URL((out as { location: string }).location), cookies };
	}
	const finish = (url: URL, cookies: FakeCookies, address?: string) =>
		run(callback.load, fakeEvent({ url: url.pathname + url.search, cookies, address }));
	/** A bare start from an address: what an anonymous script sends. */
	const knock = (address: string) => run(begin.GET, fakeEvent({ url: '/auth/oidc', address }));
	async function signInAs(login: string, next = '/') {
		const { to, cookies } = await start(next);
		const back = await loginAtProvider(to, login);
		return { outcome: await finish(back, cookies), back, cookies };
	}
	return { accounts, op, settings, start, finish, knock, signInAs };
}
