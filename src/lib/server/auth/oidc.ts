import * as client from 'openid-client';
import { env } from '#lib/server/env.ts';
import { and, count, eq, lt, sql } from 'drizzle-orm';
import { LOCK } from '#lib/server/db/locks.js';
import { db } from '#lib/server/db/index.ts';
import { oidcFlow } from '#lib/server/db/schema/index.ts';
import { publicOrigin } from '#lib/server/mail/config.ts';
import { log } from '#lib/server/log.ts';
import { email as emailSchema } from '#lib/server/forms/index.ts';
import { generateToken, hashToken } from './session';
import { claimAddressAttempt, releaseAddressAttempt, type AddressLimit } from './rate-limit';

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
/** Sign-ins in progress at once, across everyone: a bound on what anonymous requests can store. */
export const MAX_FLOWS = 5000;
/**
 * Sign-ins in progress from one address (an IPv6 /64): plenty for people behind one office NAT,
 * whose finished sign-ins give their place back, and 1/250 of MAX_FLOWS, so one address alone
 * never fills the store and locks everyone else out.
 */
export const FLOW_LIMIT: AddressLimit = { door: 'oidc', max: 20, windowMs: FLOW_MS };
const MAX_NEXT = 2000;
/** Over https the cookie is host-only and whole-site (`__Host-`), so a sibling subdomain cannot plant one. */
export const flowCookie = (secure: boolean) =>
	secure ? { name: '__Host-oidc_flow', path: '/' } : { name: 'oidc_flow', path: '/auth/oidc' };
export const CALLBACK_PATH = '/auth/oidc/callback';

let provider: { config: client.Configuration; settings: OidcSettings; endSessionOrigin: string | null } | null = null;
/** Set while the provider could not be reached at start and is being asked again. */
let pending: OidcSettings | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
const RETRY_MS = 30_000;

/** Could not reach the provider at all (as opposed to reaching something that is not one). */
const isUnreachable = (error: unknown) => failureOf(error) === 'unreachable';

async function discover(settings: OidcSettings) {
	const issuer = new URL(settings.issuer);
	// Plain http only to a provider on this machine (tests, a local Keycloak); env-check.js refuses it elsewhere.
	const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
	const config = await client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
		execute: insecure ? [client.allowInsecureRequests] : [],
		timeout: 5
	});
	config.timeout = 10;
	const endSession = config.serverMetadata().end_session_endpoint;
	provider = { config, settings, endSessionOrigin: endSession && URL.canParse(endSession) ? new URL(endSession).origin : null };
	pending = null;
}

/**
 * Reads the provider's metadata. Something that answers but is not that provider (a wrong
 * OIDC_ISSUER) throws: a setting to fix. A provider that cannot be reached is asked again every
 * 30 s meanwhile, so a restart during its outage still serves passwords and the break-glass account.
 */
export async function startOidc(settings = oidcSettingsFromEnv()) {
	provider = null;
	pending = null;
	clearTimeout(retry);
	if (!settings) return;
	try {
		await discover(settings);
	} catch (error) {
		if (!isUnreachable(error)) throw error;
		pending = settings;
		log.error(`The single sign-on provider at ${settings.issuer} cannot be reached; asking again every ${RETRY_MS / 1000} s`, error);
		const again = () => {
			retry = setTimeout(() => {
				if (pending !== settings) return;
				discover(settings).then(() => log.info(`The single sign-on provider at ${settings.issuer} answered; single sign-on is on.`), again);
			}, RETRY_MS);
			retry.unref();
		};
		again();
	}
}

export const oidcEnabled = () => provider !== null;
/** Configured, but the provider has not answered since start: the sign-in page says so. */
export const oidcUnavailable = () => pending !== null;
export const oidcLabel = () => provider?.settings.label ?? pending?.label ?? '';
export const oidcIssuer = () => provider?.config.serverMetadata().issuer ?? '';

export type SignInStart = { ok: true; url: URL; flowToken: string; expiresAt: Date } | { ok: false; busy: 'address' | 'everyone' };

/**
 * Where the browser goes to sign in; the flow's secrets stay in the database under a cookie's hash.
 * Refused while this address, or everyone together, has too many sign-ins under way.
 */
export async function beginSignIn(next: string, address: string): Promise<SignInStart> {
	if (!provider) throw new Error('single sign-on is not configured');
	if (next.length > MAX_NEXT) next = '/';
	const { config, settings } = provider;
	const claim = await claimAddressAttempt(FLOW_LIMIT, address);
	if (claim === null) return { ok: false, busy: 'address' };
	const codeVerifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const nonce = client.randomNonce();
	const flowToken = generateToken();
	const expiresAt = new Date(Date.now() + FLOW_MS);
	const admitted = await db().transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.oidcFlows})`);
		await tx.delete(oidcFlow).where(lt(oidcFlow.expiresAt, new Date()));
		const [{ n }] = await tx.select({ n: count() }).from(oidcFlow);
		if (n >= MAX_FLOWS) return false;
		await tx.insert(oidcFlow).values({ id: hashToken(flowToken), state, nonce, codeVerifier, next, expiresAt });
		return true;
	});
	if (!admitted) {
		await releaseAddressAttempt(FLOW_LIMIT, address, claim);
		return { ok: false, busy: 'everyone' };
	}
	const url = client.buildAuthorizationUrl(config, {
		redirect_uri: `${publicOrigin()}${CALLBACK_PATH}`,
		scope: settings.scopes,
		code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: 'S256',
		state,
		nonce
	});
	return { ok: true, url, flowToken, expiresAt };
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
	flowToken: string | undefined,
	address: string
): Promise<{ ok: true; identity: ProviderIdentity } | { ok: false; failure: SignInFailure; detail?: string }> {
	if (!provider) throw new Error('single sign-on is not configured');
	const { config } = provider;
	const state = callback.searchParams.get('state');
	if (!flowToken || !state) return { ok: false, failure: 'expired' };
	// Used once, and only by the answer to it: a stray link with another state leaves the sign-in in progress alone.
	const [flow] = await db()
		.delete(oidcFlow)
		.where(and(eq(oidcFlow.id, hashToken(flowToken)), eq(oidcFlow.state, state)))
		.returning();
	if (!flow) return { ok: false, failure: 'expired' };
	// This flow is over, however it ends: its place comes back to the address (the one it started from, as a rule).
	await releaseAddressAttempt(FLOW_LIMIT, address);
	if (flow.expiresAt < new Date()) return { ok: false, failure: 'expired' };
	if (callback.searchParams.has('error'))
		return {
			ok: false,
			failure: 'refused',
			detail: callback.searchParams.get('error_description') ?? callback.searchParams.get('error') ?? ''
		};
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
		// Checked as the app checks any address: it becomes an account's email and a mail recipient.
		if (!emailSchema.safeParse(email).success || claims.email_verified !== true) return { ok: false, failure: 'unverified-email' };
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
	return provider?.endSessionOrigin ?? null;
}

/** Where signing out continues, when the provider advertises an end-session endpoint. */
export function endSessionUrl(idToken: string): URL | null {
	if (!provider?.config.serverMetadata().end_session_endpoint) return null;
	return client.buildEndSessionUrl(provider.config, { id_token_hint: idToken, post_logout_redirect_uri: `${publicOrigin()}/login` });
}
