import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';

export const DEMO_PASSWORD = 'opsmaturity-demo';
/** This worker's demo server (tests/e2e/server.ts). VITEST_POOL_ID runs from 1 to maxWorkers and is unique among the workers running at one time. */
export const baseUrl = () => inject('baseUrls')[Number(process.env.VITEST_POOL_ID ?? 1) - 1];

// Besides the flags DESIGN.md lists: keep Chromium's password manager and other Google services
// quiet. Submitting a login form can otherwise trigger look-ups that this offline machine stalls on.
const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
	'--password-store=basic',
	'--use-mock-keychain',
	'--disable-features=PasswordLeakDetection,PasswordManagerOnboarding,AutofillServerCommunication,OptimizationHints,Translate,MediaRouter'
];

/**
 * Debian's headless shell (package chromium-headless-shell, the same Chromium without its window system)
 * where it is installed: the full browser in headless mode still runs its tab strip and spent about a
 * fifth more CPU on the same pages (pages.test.ts: 72 s against 56 s).
 */
function chromiumPath() {
	if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
	return existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium';
}
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/** A fresh Chromium profile per call: its own cookies, so each is one person. */
export async function openBrowser(
	options: { javaScript?: boolean } = {}
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-chromium-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: chromiumPath(),
		headless: true,
		args: ARGS,
		javaScriptEnabled: options.javaScript ?? true,
		viewport: { width: 1280, height: 900 }
	});
	if (options.javaScript ?? true) waitForLivePages(context);
	return {
		context,
		close: async () => {
			await context.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** One browser for a whole test file, closed afterwards. */
export function useBrowser(options: { javaScript?: boolean } = {}) {
	const state = {} as { context: BrowserContext; close: () => Promise<void> };
	beforeAll(async () => Object.assign(state, await openBrowser(options)));
	afterAll(async () => state.close?.());
	return state;
}

/**
 * Signs in through the form. A freshly started Chromium has, rarely, sat on its first form
 * submission for over 30 s on this machine; a second attempt after 15 s keeps that from failing
 * a journey that has nothing to do with it.
 */
export async function signInWithForm(page: Page, email: string, password = DEMO_PASSWORD, base = baseUrl()) {
	for (let attempt = 1; ; attempt++) {
		await page.goto(`${base}/login`);
		await page.getByLabel('Email').fill(email);
		await page.getByLabel('Password').fill(password);
		try {
			// Wait for the redirect itself, not for every resource of the next page to finish loading.
			await Promise.all([
				page.waitForURL((url) => !url.pathname.startsWith('/login'), { waitUntil: 'commit', timeout: 15_000 }),
				page.getByRole('button', { name: 'Sign in' }).click()
			]);
			break;
		} catch (error) {
			if (attempt >= 2) throw error;
			process.stdout.write(`sign-in as ${email} did not navigate within 15 s; trying again\n`);
		}
	}
	await page.waitForLoadState('domcontentloaded');
}

/**
 * Signs in for journeys that are about something else: the same login action, posted from the
 * browser context (so the session cookie lands in it), then the dashboard. Sign-in through the
 * form itself is covered by the foundation journeys.
 */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD, base = baseUrl()) {
	const res = await page.context().request.post(`${base}/login`, {
		form: { email, password },
		// text/html, or SvelteKit answers the action as JSON instead of redirecting.
		headers: { origin: base, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(res.status()).toBe(303);
	await page.goto(`${base}/`);
	expect(new URL(page.url()).pathname).toBe('/');
}

/**
 * Has `page.goto` of every page of this context return once the page's scripts have taken over
 * (the root layout marks <html data-live>). Before that, hydration may reset what was typed or
 * opened; a person's first keystroke comes later than a test's, so tests wait as they would.
 */
function waitForLivePages(context: BrowserContext) {
	const newPage = context.newPage.bind(context);
	context.newPage = async () => {
		const page = await newPage();
		const goto = page.goto.bind(page);
		page.goto = async (url, options) => {
			const response = await goto(url, options);
			// Only a page SvelteKit starts in is ever marked (not a file, nor an error page rendered without the app).
			const starts = await page.evaluate(() => [...document.scripts].some((script) => script.textContent?.includes('kit.start(')));
			if (starts) await page.locator('html[data-live]').waitFor({ state: 'attached' });
			return response;
		};
		return page;
	};
}

/**
 * axe in one pass over the page (the library's legacy mode): its default runs each frame apart, then opens a
 * blank page to merge the results, 2.4x the time for the same verdicts (1.3 s against 3.2 s on a technology
 * page). The app has no frames, so nothing goes unchecked.
 */
export const axe = (page: Page) => new AxeBuilder({ page }).setLegacyMode();

/** Opens a page as the given person (signed in once per context), checks its status and heading, and runs axe. */
export async function expectAccessiblePage(context: BrowserContext, email: string, path: string, heading: string) {
	const page = await context.newPage();
	if (!(await context.cookies()).some((c) => c.name === 'session')) await signIn(page, email);
	const res = await page.goto(`${baseUrl()}${path}`);
	expect(res!.status()).toBe(200);
	expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(heading);
	await expectNoAxeViolations(page);
	await page.close();
}

export async function expectNoAxeViolations(page: Page) {
	const results = await axe(page).analyze();
	const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(summary).toEqual([]);
}
