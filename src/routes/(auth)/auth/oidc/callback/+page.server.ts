import { error, redirect } from '@sveltejs/kit';
import { finishSignIn, flowCookie, oidcEnabled, type SignInFailure } from '#lib/server/auth/oidc.ts';
import { signIn } from '#lib/server/auth/session.ts';
import { nextAssessment } from '#lib/server/queries/my-assessments.ts';
import { signInFromProvider, type SsoAccount } from '#lib/server/queries/sso-accounts.ts';
import type { PageServerLoad } from './$types';

const HEADING = 'Sign-in did not complete';
const TRY_AGAIN = 'Go back to the sign-in page and try again.';

/** What the person reads for each way the provider's answer can fail; nothing is created in any of them. */
const MESSAGES: Record<SignInFailure | Exclude<SsoAccount, { ok: true }>['reason'], [number, string]> = {
	expired: [400, `This sign-in took too long, or its answer was already used. ${TRY_AGAIN}`],
	refused: [400, 'The sign-in provider did not let you in'],
	'code-used': [400, `The provider did not accept this sign-in's answer: it was already used, or belongs to another sign-in. ${TRY_AGAIN}`],
	'wrong-audience': [
		502,
		'The provider answered for another application, so nobody was signed in. Tell the people who run Opsmaturity: OIDC_CLIENT_ID may be wrong.'
	],
	unreachable: [503, `The sign-in provider could not be reached. ${TRY_AGAIN} If it keeps happening, the provider may be down.`],
	'unverified-email': [
		403,
		'Your account at the sign-in provider has no verified email address, so it cannot be matched to a person here. Ask your IT department to verify it.'
	],
	invalid: [502, `The provider's answer could not be verified, so nobody was signed in. ${TRY_AGAIN}`],
	inactive: [403, 'Your Opsmaturity account is deactivated. Ask an administrator if you need it again.'],
	taken: [409, 'Another person at your sign-in provider already uses this email address here. Ask an administrator to sort it out.'],
	'no-admin-yet': [
		409,
		'Opsmaturity has no administrator yet. The person setting it up creates the first one at /setup, with a password; single sign-on works after that.'
	],
	'break-glass': [403, 'This is the break-glass account: it signs in with its password only, never through the provider.']
};

const fail = (reason: keyof typeof MESSAGES, detail?: string): never => {
	const [status, message] = MESSAGES[reason];
	error(status, detail ? `${message}: ${detail.slice(0, 200)}.` : message, { heading: HEADING });
};

export const load: PageServerLoad = async (event) => {
	if (!oidcEnabled()) error(404, 'Single sign-on is not set up here.');
	const secure = event.url.protocol === 'https:';
	const cookie = flowCookie(secure);
	const result = await finishSignIn(event.url, event.cookies.get(cookie.name), event.getClientAddress());
	// The flow is used up unless this answer was not its own (a stray link): then the sign-in under way keeps its cookie.
	if (result.ok || result.failure !== 'expired')
		event.cookies.delete(cookie.name, { path: cookie.path, httpOnly: true, sameSite: 'lax', secure });
	if (!result.ok) return fail(result.failure, result.detail);
	const account = await signInFromProvider(result.identity);
	if (!account.ok) return fail(account.reason);
	await signIn(event, account.userId, result.identity.idToken);
	// Straight to the work waiting for them, unless they were on their way somewhere.
	const waiting = result.identity.next === '/' ? await nextAssessment(account.userId) : null;
	redirect(303, waiting ? `/rounds/${waiting.roundId}/assess/${waiting.slug}` : result.identity.next);
};
