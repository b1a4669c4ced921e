import { describe, expect, inject, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, openBrowser, signInWithForm, useBrowser } from './browser';

const browser = useBrowser();

describe('signing in', () => {
	it('sends an anonymous visitor to login and back to where they were going', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${baseUrl()}/admin/teams`);
		expect(new URL(page.url()).pathname).toBe('/login');
		expect(new URL(page.url()).searchParams.get('next')).toBe('/admin/teams');
		await expectNoAxeViolations(page);
		await page.getByLabel('Email').fill('admin@example.com');
		await page.getByLabel('Password').fill('wrong password!');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');
		await page.getByLabel('Password').fill('opsmaturity-demo');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL('**/admin/teams');
		await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Teams');
		await expectNoAxeViolations(page);
		await page.close();
	});

	it('never follows next= off the site, signed in or not', async () => {
		const page = await browser.context.newPage();
		// Chromium drops the tab, which would turn the path into //evil.example.
		for (const next of ['/%09/evil.example', '/%5C/evil.example', '//evil.example', 'https://evil.example/x']) {
			await page.goto(`${baseUrl()}/login?next=${next}`);
			expect(new URL(page.url()).origin).toBe(new URL(baseUrl()).origin);
		}
		await page.close();
	});

	it('sets security headers and a protected session cookie', async () => {
		const res = await fetch(`${baseUrl()}/login`);
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
		const page = await browser.context.newPage();
		const [cookie] = (await browser.context.cookies()).filter((c) => c.name === 'session');
		expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
		const dash = await page.goto(`${baseUrl()}/`);
		expect(dash!.headers()['cache-control']).toBe('no-store');
		await page.close();
	});
});

describe('a server reached at another address than its ORIGIN', () => {
	it('refuses the form with a page that explains ORIGIN', async () => {
		const res = await fetch(`${baseUrl()}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: 'http://localhost:1234', 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: 'email=a%40b.c&password=x'
		});
		expect(res.status).toBe(403);
		const page = await res.text();
		expect(page).toContain('set the ORIGIN environment variable');
		expect(page).toContain(baseUrl());
	});
});

describe('requests that once ended in a 500', () => {
	it('an unreadable body or an odd action name gets 4xx with a message', async () => {
		const cookie = (await browser.context.cookies()).find((c) => c.name === 'session');
		const headers = { origin: baseUrl(), cookie: cookie ? `session=${cookie.value}` : '' };
		const asText = await fetch(`${baseUrl()}/rounds/2?/close`, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'text/plain' },
			body: 'confirm=yes'
		});
		expect(asText.status).toBe(415);
		const proto = await fetch(`${baseUrl()}/rounds/2?/__proto__`, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
			body: ''
		});
		expect(proto.status).toBe(404);
		const broken = await fetch(`${baseUrl()}/login`, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'multipart/form-data; boundary=zz' },
			body: 'not multipart at all'
		});
		expect(broken.status).toBe(400);
	});
});

describe('administration', () => {
	it('an admin invites a member who joins through the link', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${baseUrl()}/admin/users`);
		await expectNoAxeViolations(page);
		const email = `new.${Date.now()}@example.com`;
		const invite = page.getByRole('region', { name: 'Invite someone' });
		await invite.getByLabel('Email').fill(email);
		await invite.getByLabel('Role').selectOption('member');
		await invite.getByLabel('Data Platform').check();
		await invite.getByRole('button', { name: 'Create invitation' }).click();
		const link = await invite.getByLabel('Invitation link').inputValue();
		expect(link).toMatch(/\/invite\/[a-z2-7]{32}$/);
		await page.close();

		const guest = await openBrowser();
		const invitePage = await guest.context.newPage();
		await invitePage.goto(link);
		await expect.poll(() => invitePage.textContent('body')).toContain(email);
		await expectNoAxeViolations(invitePage);
		await invitePage.getByLabel('Your name').fill('Nora New');
		await invitePage.getByLabel('Password', { exact: true }).fill('a long enough password');
		await invitePage.getByLabel('Repeat password').fill('a long enough password');
		await invitePage.getByRole('button', { name: 'Create my account' }).click();
		await invitePage.waitForURL(`${baseUrl()}/`);
		await expect.poll(() => invitePage.getByRole('link', { name: 'Nora New' }).count()).toBe(1);
		const admin = await invitePage.goto(`${baseUrl()}/admin/users`);
		expect(admin!.status()).toBe(403);
		await guest.close();
	});
});

describe('first run', () => {
	it('an empty database sends the first visitor to setup, which then closes', async () => {
		const base = inject('emptyBaseUrl');
		const guest = await openBrowser();
		const page = await guest.context.newPage();
		await page.goto(`${base}/technologies`);
		expect(new URL(page.url()).pathname).toBe('/setup');
		await expectNoAxeViolations(page);
		await page.getByLabel('Your name').fill('First Admin');
		await page.getByLabel('Email').fill('first@example.com');
		await page.getByLabel('Password', { exact: true }).fill('first admin password');
		await page.getByLabel('Repeat password').fill('first admin password');
		await page.getByRole('button', { name: 'Create administrator' }).click();
		await page.waitForURL(`${base}/`);
		await page.goto(`${base}/setup`);
		expect(new URL(page.url()).pathname).toBe('/');
		await guest.close();
	});
});

describe('without JavaScript', () => {
	it('sign in and sign out work as plain forms', async () => {
		const nojs = await openBrowser({ javaScript: false });
		const page = await nojs.context.newPage();
		await signInWithForm(page, 'viewer@example.com');
		await expect.poll(() => page.getByText('viewer', { exact: true }).count()).toBeGreaterThan(0);
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL('**/login');
		await page.goto(`${baseUrl()}/`);
		expect(new URL(page.url()).pathname).toBe('/login');
		await nojs.close();
	});
});
