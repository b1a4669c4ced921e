import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, expectNoAxeViolations, signInWithForm } from './browser';
import { freePort, startServer, stopServer, type Running } from '../helpers/server';
import { CLIENT_ID, CLIENT_SECRET, startOidcProvider } from '../helpers/oidc-provider';
import { startSmtp } from '../helpers/smtp';

/**
 * The whole way in for someone new: an admin invites them, the invitation arrives by email, they
 * join through the company's OpenID provider in Chromium and land on their first assessment.
 * The provider (oidc-provider) and the mail server (smtp-server) are real, on loopback.
 */
let app: Running;
let op: Awaited<ReturnType<typeof startOidcProvider>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	smtp = await startSmtp();
	op = await startOidcProvider(origin, {
		newbie: { email: 'new.sre@example.com', email_verified: true, name: 'Nia New' },
		unverified: { email: 'nobody@example.com', email_verified: false }
	});
	app = await startServer(
		{
			OIDC_ISSUER: op.issuer,
			OIDC_CLIENT_ID: CLIENT_ID,
			OIDC_CLIENT_SECRET: CLIENT_SECRET,
			OIDC_SCOPES: 'openid email profile groups',
			OIDC_LABEL: 'Example SSO',
			SMTP_URL: smtp.url,
			MAIL_FROM: 'Opsmaturity <maturity@example.com>'
		},
		{ port }
	);
});

afterAll(async () => {
	await stopServer(app);
	await op?.close();
	await smtp?.close();
});

/** The provider's own development screens: any login name, then consent. */
async function signInAtProvider(page: Page, login: string) {
	await page.waitForURL((url) => url.origin === op.issuer);
	await page.locator('input[name="login"]').fill(login);
	await page.locator('input[name="password"]').fill('any');
	await page.locator('button[type="submit"]').click();
	await page.getByRole('button', { name: 'Continue' }).click();
}

describe('joining with single sign-on', () => {
	it('invited by email, signs in through the provider and lands on the first assessment', async () => {
		const adminBrowser = await openBrowser();
		try {
			const page = await adminBrowser.context.newPage();
			await signInWithForm(page, 'admin@example.com', undefined, app.url);
			await page.goto(`${app.url}/admin/users`);
			const inviteForm = page.locator('form[action="?/invite"]');
			await inviteForm.getByLabel('Email').fill('new.sre@example.com');
			await inviteForm.getByRole('checkbox', { name: 'Platform SRE' }).check();
			await inviteForm.getByRole('button', { name: 'Create invitation' }).click();
			await expect
				.poll(() => page.getByRole('status').filter({ hasText: 'Invitation for' }).textContent())
				.toContain('An email with this link is on its way');
		} finally {
			await adminBrowser.close();
		}
		// Other mail goes out too (the demo round's digest and reminders, scanned at start): find the invitation.
		await expect.poll(() => smtp.received.some((m) => m.to[0] === 'new.sre@example.com'), { timeout: 20_000 }).toBe(true);
		const mail = smtp.received.find((m) => m.to[0] === 'new.sre@example.com')!;
		expect(mail.mail.subject).toBe('You are invited to Opsmaturity');
		const link = /http:\/\/127\.0\.0\.1:\d+\/invite\/[A-Za-z0-9_-]+/.exec(mail.mail.text ?? '')![0];

		const newcomer = await openBrowser();
		try {
			const page = await newcomer.context.newPage();
			await page.goto(link);
			await page.getByRole('link', { name: 'Join with Example SSO' }).click();
			await signInAtProvider(page, 'newbie');
			await page.waitForURL(/\/rounds\/\d+\/assess\/[a-z0-9-]+$/, { timeout: 20_000 });
			await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBeTruthy();
			await page.goto(`${app.url}/account`);
			await expect.poll(() => page.getByText('You sign in with single sign-on').count()).toBe(1);
			await expectNoAxeViolations(page);

			// Signing out continues at the provider, which asks to end its session too.
			await page.goto(`${app.url}/logout`);
			await page.getByRole('button', { name: /sign out/i }).click();
			await page
				.waitForURL((url) => url.origin === op.issuer, { waitUntil: 'commit', timeout: 10_000 })
				.catch(() => {
					throw new Error(`signing out stayed at ${page.url()}`);
				});
			expect(new URL(page.url()).pathname).toBe('/session/end');
		} finally {
			await newcomer.close();
		}
	});

	it('an account without a verified email gets a page that says why, and no account', async () => {
		const b = await openBrowser();
		try {
			const page = await b.context.newPage();
			await page.goto(`${app.url}/login`);
			await expectNoAxeViolations(page);
			await page.getByRole('link', { name: 'Sign in with Example SSO' }).click();
			await signInAtProvider(page, 'unverified');
			await page.waitForURL((url) => url.pathname === '/auth/oidc/callback');
			expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign-in did not complete');
			expect(await page.textContent('body')).toContain('no verified email address');
			await expectNoAxeViolations(page);
		} finally {
			await b.close();
		}
	});
});
