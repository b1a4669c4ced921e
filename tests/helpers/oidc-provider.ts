import type { Server } from 'node:http';
import { Provider } from 'oidc-provider';
import { freePort } from './server';

export type Account = { email: string; email_verified: boolean; name?: string; groups?: string[] };

export const CLIENT_ID = 'opsmaturity';
export const CLIENT_SECRET = 'a-client-secret-for-tests-only';

/**
 * A real OpenID provider (oidc-provider, by the author of openid-client) on loopback, with its
 * development login screens: any login name signs in as that account, then a consent screen.
 * `accounts` are looked up by login name; an unknown name is an account with no email.
 */
export async function startOidcProvider(appOrigin: string, accounts: Record<string, Account>) {
	const port = await freePort();
	const issuer = `http://127.0.0.1:${port}`;
	const provider = new Provider(issuer, {
		clients: [
			{
				client_id: CLIENT_ID,
				client_secret: CLIENT_SECRET,
				redirect_uris: [`${appOrigin}/auth/oidc/callback`],
				post_logout_redirect_uris: [`${appOrigin}/login`]
			}
		],
		claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
		scopes: ['openid', 'email', 'profile', 'groups'],
		findAccount: async (_ctx, id) => ({
			accountId: id,
			claims: async () => ({ sub: id, ...(accounts[id] ?? {}) })
		}),
		pkce: { required: () => true },
		features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
		cookies: { keys: ['oidc-provider-test-cookie-key'] },
		// Quiet: its errors are what the tests provoke.
		renderError: async (ctx, out) => {
			ctx.type = 'text/plain';
			ctx.body = `${out.error}: ${out.error_description ?? ''}`;
		}
	});
	const server: Server = await new Promise((resolve) => {
		const s = provider.listen(port, '127.0.0.1', () => resolve(s));
	});
	return {
		issuer,
		provider,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

/** Cookies by name, as a browser would keep them for one site. */
class Jar {
	private cookies = new Map<string, string>();
	take(response: Response) {
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(';');
			const at = pair.indexOf('=');
			this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
		}
	}
	get header() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}
}

/**
 * Walks the provider's own login and consent screens over HTTP, as a browser would, from the
 * authorization URL the app sent to its callback URL (with the code). For tests without Chromium.
 */
export async function loginAtProvider(authorizationUrl: URL, login: string): Promise<URL> {
	const jar = new Jar();
	let url = authorizationUrl.href;
	let body: URLSearchParams | undefined;
	for (let step = 0; step < 12; step++) {
		const response = await fetch(url, {
			method: body ? 'POST' : 'GET',
			body,
			headers: { cookie: jar.header, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
			redirect: 'manual'
		});
		jar.take(response);
		body = undefined;
		const location = response.headers.get('location');
		if (location) {
			const next = new URL(location, url);
			if (next.pathname === '/auth/oidc/callback') return next;
			url = next.href;
			continue;
		}
		const html = await response.text();
		if (/name="prompt" value="login"/.test(html)) body = new URLSearchParams({ prompt: 'login', login, password: 'any' });
		else if (/name="prompt" value="consent"/.test(html)) body = new URLSearchParams({ prompt: 'consent' });
		else throw new Error(`unexpected page at the provider (${response.status}): ${html.slice(0, 300)}`);
	}
	throw new Error('the provider never redirected back');
}
