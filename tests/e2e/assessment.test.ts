import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, openBrowser, signIn, useBrowser } from './browser';

const browser = useBrowser();
const OPEN_ROUND = 2; // the demo seed creates last quarter's round first, then this quarter's

async function checkedValue(page: Page, vectorName: string) {
	const group = page.getByRole('group', { name: new RegExp(`^\\d+ ${vectorName}`) });
	return group.locator('input[type=radio]:checked').getAttribute('value');
}

describe('scoring a technology', () => {
	it('a member scores all fifteen vectors with the keyboard, reloads, and submits', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'member@example.com');
		await page.goto(`${baseUrl()}/rounds/${OPEN_ROUND}/assess/mongodb`);
		await expectNoAxeViolations(page);
		await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement)?.name)).toBe('score.architecture');
		// Focus previews a level's meaning without looking chosen.
		const firstGuide = page.locator('[data-vector="architecture"] .guide');
		expect(await firstGuide.innerText()).toMatch(/^Level 0 would mean: /);

		const keys = ['3', '2', '4', '4', '?', '3', '2', '3', '1', '4', '2', '3', '2', '2', '3'];
		const started = Date.now();
		for (const key of keys) await page.keyboard.press(key);
		await expect.poll(() => page.getByRole('status').filter({ hasText: 'All changes saved' }).count(), { timeout: 10_000 }).toBe(1);
		const elapsed = Date.now() - started;
		process.stdout.write(`15 keystrokes scored and autosaved in ${elapsed} ms\n`);
		expect(elapsed).toBeLessThan(60_000);
		await expect.poll(() => page.getByText('15 of 15').count()).toBeGreaterThan(0);
		expect(await firstGuide.innerText()).toMatch(/^Chosen 3: /);
		const chosen = page.locator('[data-vector="architecture"] .choice:has(input:checked)');
		expect(await chosen.evaluate((e) => [getComputedStyle(e).borderTopWidth, getComputedStyle(e, '::before').content])).toEqual([
			'3px',
			'none'
		]);
		expect(await chosen.locator('span').evaluate((e) => getComputedStyle(e, '::before').content)).toBe('"✓ "');
		// After the last vector, focus waits on Submit.
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Submit answers');

		await page.reload();
		expect(await checkedValue(page, 'Architectural design maturity')).toBe('3');
		expect(await checkedValue(page, 'Ubiquity')).toBe('?');
		expect(await checkedValue(page, 'Stability')).toBe('3');
		await expect.poll(() => page.getByText('15 of 15').count()).toBeGreaterThan(0);

		await page.getByRole('button', { name: 'Submit answers' }).click();
		await expect.poll(() => page.getByText('You submitted these answers.').count()).toBe(1);
		await expectNoAxeViolations(page);
		await page.goto(`${baseUrl()}/`);
		expect(await page.getByRole('row', { name: /MongoDB/ }).count()).toBe(0);
		await page.close();
	});

	it('last round’s answers are at hand: = keeps each one, so fifteen keystrokes rescore a technology that has not changed', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'member@example.com');
		await page.goto(`${baseUrl()}/rounds/${OPEN_ROUND}/assess/prometheus`);
		const hint = page.locator('[data-vector="architecture"] .previous');
		expect(await hint.innerText()).toMatch(/^In .+ you answered (\d|don't know)\s+·\s+press = to keep it$/);
		const shown = (await hint.locator('strong').innerText()).trim();
		const before = shown === "don't know" ? '?' : shown;
		await expectNoAxeViolations(page);
		await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement)?.name)).toBe('score.architecture');
		for (let i = 0; i < 15; i++) await page.keyboard.press('=');
		await expect.poll(() => page.getByRole('status').filter({ hasText: 'All changes saved' }).count(), { timeout: 10_000 }).toBe(1);
		await expect.poll(() => page.getByText('15 of 15').count()).toBeGreaterThan(0);
		await page.reload();
		expect(await checkedValue(page, 'Architectural design maturity')).toBe(before);
		await page.close();
	});

	it('a save from a stale second tab is refused with a way to reload', async () => {
		const first = await browser.context.newPage();
		const second = await browser.context.newPage();
		for (const p of [first, second]) await p.goto(`${baseUrl()}/rounds/${OPEN_ROUND}/assess/redis`);
		await first
			.getByRole('group', { name: /^\d+ Happiness/ })
			.getByRole('radio', { name: /^5:/ })
			.check();
		await expect.poll(() => first.getByRole('status').filter({ hasText: 'All changes saved' }).count()).toBe(1);

		await second
			.getByRole('group', { name: /^\d+ Happiness/ })
			.getByRole('radio', { name: /^1:/ })
			.check();
		await expect.poll(() => second.getByRole('status').textContent()).toContain('changed in another tab');
		await second.getByRole('button', { name: 'Reload latest answers' }).click();
		await second.waitForLoadState();
		expect(await checkedValue(second, 'Happiness')).toBe('5');
		await first.close();
		await second.close();
	});

	it('without JavaScript, Save draft stores the answers', async () => {
		const nojs = await openBrowser({ javaScript: false });
		const page = await nojs.context.newPage();
		await signIn(page, 'member@example.com');
		await page.goto(`${baseUrl()}/rounds/${OPEN_ROUND}/assess/nats`);
		expect(await page.getByRole('status').first().innerText()).toMatch(/^Press Save draft to keep your answers/);
		const stability = page.getByRole('group', { name: /^\d+ Stability/ });
		await stability.getByRole('radio', { name: /^2:/ }).check();
		await stability.getByText('Comment or evidence').click();
		await stability.getByLabel('Comment').fill('Only a pilot so far.');
		await page.getByRole('button', { name: 'Save draft' }).click();
		await page.waitForLoadState();
		expect(await page.getByRole('status').first().innerText()).toMatch(/^Draft saved at \d\d:\d\d UTC\.$/);
		await page.goto(`${baseUrl()}/rounds/${OPEN_ROUND}/assess/nats`);
		expect(await checkedValue(page, 'Stability')).toBe('2');
		expect(
			await page
				.getByRole('group', { name: /^\d+ Stability/ })
				.getByLabel('Comment')
				.inputValue()
		).toBe('Only a pilot so far.');
		await page.getByRole('button', { name: 'Submit answers' }).click();
		await page.waitForLoadState();
		await expect.poll(() => page.getByText('Still to answer').count()).toBe(1);
		await nojs.close();
	});

	// Last: it submits whatever the member has left, which the tests above still need open.
	it('goes from the dashboard to a submitted assessment in 17 keystrokes; one more opens the next', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'member@example.com');
		const left = async () => Number(/(\d+) left/.exec(await page.locator('#mine ~ p strong').first().innerText())?.[1]);
		const before = await left();
		let keys = 0;
		const press = async (key: string) => {
			keys++;
			await page.keyboard.press(key);
		};
		const focused = () =>
			page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name || document.activeElement?.textContent?.trim());
		// Continue is focused on the dashboard: Enter opens the next unfinished assessment.
		await press('Enter');
		let fresh: number | undefined;
		for (let opened = 0; opened < 4 && fresh === undefined; opened++) {
			await page.waitForURL(/\/assess\//);
			await expect.poll(focused).toMatch(/^score\./);
			const start = keys - 1; // the key that opened this assessment
			let scored = 0;
			while ((await focused())?.startsWith('score.')) {
				await press('3');
				scored++;
			}
			expect(await focused()).toBe('Submit answers');
			await press('Enter');
			await expect.poll(() => page.getByText('You submitted these answers.').count()).toBe(1);
			if (scored === 15) fresh = keys - start;
			// The next one is focused: a single key goes on.
			await expect.poll(focused).toMatch(/^Next: /);
			await press('Enter');
		}
		process.stdout.write(`dashboard → submitted (an untouched assessment): ${fresh} keystrokes\n`);
		expect(fresh).toBeLessThanOrEqual(18);
		await page.goto(`${baseUrl()}/`);
		expect(await left()).toBeLessThan(before);
		await page.close();
	});
});
