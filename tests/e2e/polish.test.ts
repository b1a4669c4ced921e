import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axe, baseUrl, openBrowser, signIn, useBrowser } from './browser';

/** Issue 25, item 12: what only a browser shows. Nothing here changes data other files rely on. */
const browser = useBrowser();

async function asAdmin(): Promise<Page> {
	const page = await browser.context.newPage();
	if (!(await browser.context.cookies()).some((c) => c.name === 'session')) await signIn(page, 'admin@example.com');
	return page;
}

/** A browser of its own (another person, or no JavaScript), signed in; closed by the caller. */
async function apart(email: string, javaScript = true) {
	const other = await openBrowser({ javaScript });
	const page = await other.context.newPage();
	await signIn(page, email);
	return { page, close: other.close };
}

const squeeze = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

describe('wide tables', () => {
	it.each(['/technologies/kafka', '/rounds/1/report'])(
		'on a phone, %s scrolls each wide table in a box the keyboard reaches',
		async (path) => {
			const page = await asAdmin();
			await page.setViewportSize({ width: 375, height: 812 });
			await page.goto(`${baseUrl()}${path}`);
			const results = await axe(page).withRules(['scrollable-region-focusable', 'landmark-unique']).analyze();
			expect(results.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
			await page.close();
		}
	);

	it('"Lanes by team" fits its column at 1440 px', async () => {
		const page = await asAdmin();
		await page.setViewportSize({ width: 1440, height: 900 });
		await page.goto(`${baseUrl()}/portfolio`);
		const box = page.getByRole('region', { name: 'Table of lane averages by team' });
		const fit = await box.evaluate((el) => {
			const section = el.closest('section')!.getBoundingClientRect();
			const table = el.querySelector('table')!.getBoundingClientRect();
			return { scrolls: el.scrollWidth > el.clientWidth, inside: table.right <= section.right + 1 && section.right <= innerWidth };
		});
		expect(fit).toEqual({ scrolls: false, inside: true });
		await page.close();
	});
});

describe('compare', () => {
	it.each([true, false])(
		'shows the Rounds choices once "across rounds" is chosen, before any submit (JavaScript: %s)',
		async (javaScript) => {
			const { page, close } = await apart('admin@example.com', javaScript);
			await page.goto(`${baseUrl()}/compare`);
			const rounds = page.getByRole('group', { name: /^Rounds, for one technology across rounds/ });
			expect(await rounds.isVisible()).toBe(false);
			await page.getByLabel('One technology across rounds').check();
			await expect.poll(() => rounds.isVisible()).toBe(true);
			expect(await rounds.getByRole('checkbox').count()).toBeGreaterThanOrEqual(2);
			await close();
		}
	);

	it('keeps a technology in one colour whatever else is compared with it', async () => {
		const page = await asAdmin();
		const colourOfKafka = async (query: string) => {
			await page.goto(`${baseUrl()}/compare?${query}`);
			return page
				.getByRole('columnheader', { name: 'Kafka' })
				.locator('.swatch')
				.evaluate((el) => getComputedStyle(el).borderTopColor);
		};
		const first = await colourOfKafka('t=kafka&t=postgresql');
		expect(await colourOfKafka('t=docker&t=kafka')).toBe(first);
		expect(await colourOfKafka('t=docker&t=jenkins&t=kafka&t=redis')).toBe(first);
		await page.close();
	});
});

describe('the framework editor', () => {
	it('is compact: each vector is one line until opened', async () => {
		const page = await asAdmin();
		await page.goto(`${baseUrl()}/admin/framework`);
		expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(4000);
		await page.close();
	});

	it.each([true, false])('after a failed save, starts the keyboard at what went wrong (JavaScript: %s)', async (javaScript) => {
		const { page, close } = await apart('admin@example.com', javaScript);
		await page.goto(`${baseUrl()}/admin/framework`);
		const stability = page.locator('details.vector', { hasText: 'Stability' });
		await stability.locator('summary').click();
		await stability.getByLabel('Weight').fill('99');
		// The note saying what the version changes is left empty, too.
		await page.getByRole('button', { name: /^Save as v/ }).click();
		const summary = page.locator('#error-summary');
		await summary.waitFor();
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
		expect(squeeze(await summary.textContent())).toContain('Nothing was saved: 2 fields need fixing');
		expect(await summary.getByRole('link', { name: /^Stability: Weight: / }).count()).toBe(1);
		expect(await stability.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
		await close();
	});
});

describe('copy buttons', () => {
	it('copy a new token and an invitation link to the clipboard', async () => {
		await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
		const page = await asAdmin();
		await page.goto(`${baseUrl()}/account/tokens`);
		await page.getByLabel('Name').fill(`Copy test ${Date.now()}`);
		await page.getByRole('button', { name: 'Create token' }).click();
		const token = await page.getByLabel('New token').inputValue();
		await page.getByRole('button', { name: 'Copy the token' }).click();
		await expect
			.poll(() =>
				page
					.getByRole('status')
					.filter({ hasText: /^Copied\.$/ })
					.count()
			)
			.toBe(1);
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

		await page.goto(`${baseUrl()}/admin/users`);
		const invite = page.getByRole('region', { name: 'Invite someone' });
		await invite.getByLabel('Email').fill(`copy.${Date.now()}@example.com`);
		await invite.getByRole('button', { name: 'Create invitation' }).click();
		const link = await invite.getByLabel('Invitation link').inputValue();
		await invite.getByRole('button', { name: 'Copy the link' }).click();
		await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(link);
		await page.close();
	});

	it('are not drawn without JavaScript, where they could not work', async () => {
		const { page, close } = await apart('admin@example.com', false);
		await page.goto(`${baseUrl()}/account/tokens`);
		await page.getByLabel('Name').fill(`No script ${Date.now()}`);
		await page.getByRole('button', { name: 'Create token' }).click();
		await page.getByLabel('New token').waitFor();
		expect(await page.getByRole('button', { name: 'Copy the token' }).count()).toBe(0);
		await close();
	});
});

describe('wording', () => {
	it('puts a space before each "·"', async () => {
		const { page, close } = await apart('member@example.com');
		const due = squeeze(await page.getByRole('heading', { level: 3 }).filter({ hasText: 'due' }).first().textContent());
		expect(due).toMatch(/\S · due \S/);
		await page.goto(`${baseUrl()}/technologies/kafka`);
		const links = page.locator('p', { has: page.getByRole('link', { name: 'Runbook', exact: true }) });
		expect(squeeze(await links.textContent())).toContain('Documentation · Runbook');
		await close();
	});
});
