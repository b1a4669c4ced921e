import * as client from 'openid-client';
import { env } from '$env/dynamic/private';
import { and, eq, lt } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { oidcFlow } from '$lib/server/db/schema';
import { publicOrigin } from '$lib/server/mail/config';
import { log } from '$lib/server/http/log';
import { generateToken, hashToken } from './session';

/**
 * Single sign-on with an OpenID provider: the authorization code flow with PKCE, state and
 * nonce (openid-client). The provider's metadata is read once at start; a provider that cannot be
 * read then stops the server with a clear message (see server.js). Who the claims make a person
 * is decided in queries/sso-accounts.ts.
 */
export type OidcSettings = { issuer: string; clientId: string; clientSecret?: string; scopes: string; label: string };

export function oidcSettingsFromEnv(): OidcSettings | null {
	if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID) return null;
	return {
		issuer: env.OIDC_ISSUER,
		clientId: env.OIDC_CLIENT_ID,
		clientSecret: env.OIDC_CLIENT_SECRET || undefined,
		scopes: env.OIDC_SCOPES || 'openid email profile',
		label: env.OIDC_LABEL || 'single sign-on'
	};
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FLOW_MS = 10 * 60 * 1000;
export const FLOW_COOKIE = 'oidc_flow';
export const CALLBACK_PATH = '/auth/oidc/callback';

let provider: { config: client.Configuration; settings: OidcSettings } | null = null;

/** Reads the provider's metadata; throws with the reason when it cannot. */
export async function startOidc(settings = oidcSettingsFromEnv()) {
	provider = null;
	if (!settings) return;
	const issuer = new URL(settings.issuer);
	// Plain http only to a provider on this machine (tests, a local Keycloak); config.js refuses it elsewhere.
	const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
	const config = await client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
		execute: insecure ? [client.allowInsecureRequests] : [],
		timeout: 5
	});
	config.timeout = 10;
	provider = { config, settings };
}

export const oidcEnabled = () => provider !== null;
export const oidcLabel = () => provider?.settings.label ?? '';
export const oidcIssuer = () => provider?.config.serverMetadata().issuer ?? '';

/** Where the browser goes to sign in; the flow's secrets stay in the database under a cookie's hash. */
export async function beginSignIn(next: string): Promise<{ url: URL; flowToken: string; expiresAt: Date }> {
	if (!provider) throw new Error('single sign-on is not configured');
	const { config, settings } = provider;
	const codeVerifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const nonce = client.randomNonce();
	const flowToken = generateToken();
	const expiresAt = new Date(Date.now() + FLOW_MS);
	await db().delete(oidcFlow).where(lt(oidcFlow.expiresAt, new Date()));
	await db()
		.insert(oidcFlow)
		.values({ id: hashToken(flowToken), state, nonce, codeVerifier, next, expiresAt });
	const url = client.buildAuthorizationUrl(config, {
		redirect_uri: `${publicOrigin()}${CALLBACK_PATH}`,
		scope: settings.scopes,
		code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: 'S256',
		state,
		nonce
	});
	return { url, flowToken, expiresAt };
}

export type SignInFailure = 'expired' | 'refused' | 'code-used' | 'wrong-audience' | 'unreachable' | 'unverified-email' | 'invalid';
export type ProviderIdentity = {
	issuer: string;
	subject: string;
	email: string;
	name: string;
	claims: Record<string, unknown>;
	idToken: string | undefined;
	next: string;
};

/** Sorts what openid-client and fetch throw into what the person is told. */
function failureOf(error: unknown): SignInFailure {
	const e = error as { code?: string; error?: string; name?: string; cause?: { code?: string; message?: string } };
	if (e instanceof client.ResponseBodyError && e.error === 'invalid_grant') return 'code-used';
	// openid-client wraps the check that failed; its message names the claim.
	if (e.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && /"aud"/.test(e.cause?.message ?? '')) return 'wrong-audience';
	if (e.name === 'TimeoutError' || e.name === 'AbortError' || (error instanceof TypeError && /fetch failed/.test(error.message)))
		return 'unreachable';
	if (e.cause?.code === 'ECONNREFUSED' || e.cause?.code === 'ENOTFOUND') return 'unreachable';
	return 'invalid';
}

/**
 * Completes the flow the callback URL answers: takes the flow (once), exchanges the code, checks
 * state, nonce, PKCE and the ID token, and reads the claims (userinfo included). Nothing is stored
 * about the person here.
 */
export async function finishSignIn(
	callback: URL,
	flowToken: string | undefined
): Promise<{ ok: true; identity: ProviderIdentity } | { ok: false; failure: SignInFailure; detail?: string }> {
	if (!provider) throw new Error('single sign-on is not configured');
	const { config } = provider;
	if (!flowToken) return { ok: false, failure: 'expired' };
	const [flow] = await db()
		.delete(oidcFlow)
		.where(and(eq(oidcFlow.id, hashToken(flowToken))))
		.returning();
	if (!flow || flow.expiresAt < new Date()) return { ok: false, failure: 'expired' };
	if (callback.searchParams.has('error'))
		return {
			ok: false,
			failure: 'refused',
			detail: callback.searchParams.get('error_description') ?? callback.searchParams.get('error') ?? ''
		};
	if (callback.searchParams.get('state') !== flow.state) return { ok: false, failure: 'expired' };
	// The redirect URI is checked by the provider against what the flow sent: build it from ORIGIN, not from the request.
	const current = new URL(`${publicOrigin()}${CALLBACK_PATH}${callback.search}`);
	try {
		const tokens = await client.authorizationCodeGrant(config, current, {
			pkceCodeVerifier: flow.codeVerifier,
			expectedState: flow.state,
			expectedNonce: flow.nonce,
			idTokenExpected: true
		});
		const idClaims = tokens.claims()!;
		let claims: Record<string, unknown> = { ...idClaims };
		if (config.serverMetadata().userinfo_endpoint)
			claims = { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)) };
		const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
		if (!email || claims.email_verified !== true) return { ok: false, failure: 'unverified-email' };
		const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : email.split('@')[0];
		return {
			ok: true,
			identity: { issuer: String(idClaims.iss), subject: idClaims.sub, email, name, claims, idToken: tokens.id_token, next: flow.next }
		};
	} catch (error) {
		const failure = failureOf(error);
		log.warn(`Single sign-on failed: ${failure}`, { error: error instanceof Error ? error.message : String(error) });
		return { ok: false, failure };
	}
}

/**
 * The origin signing out continues at. Sign-out is a form post redirected there, and CSP's
 * form-action covers the redirect, so the security headers add this origin to it.
 */
export function endSessionOrigin(): string | null {
	const endpoint = provider?.config.serverMetadata().end_session_endpoint;
	return endpoint ? new URL(endpoint).origin : null;
}

/** Where signing out continues, when the provider advertises an end-session endpoint. */
export function endSessionUrl(idToken: string): URL | null {
	if (!provider?.config.serverMetadata().end_session_endpoint) return null;
	return client.buildEndSessionUrl(provider.config, { id_token_hint: idToken, post_logout_redirect_uri: `${publicOrigin()}/login` });
}
