import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, openBrowser, signIn, useBrowser } from './browser';

// A lead scopes a new round by team in one click and opens it, told first how many people it emails.
// Each journey makes its own draft round: the demo rounds belong to other files' journeys.

const browser = useBrowser();
const TEAM = /^Team Delivery Tooling \((\d+)\)$/;

async function newRound(page: Page, prefix: string) {
	const name = `${prefix} ${Date.now()}`;
	await page.goto(`${baseUrl()}/rounds`);
	await page.getByLabel('Name').fill(name);
	await page.getByRole('button', { name: 'Create round' }).click();
	await page.waitForURL(/\/rounds\/\d+$/);
	return name;
}

/** The number a group button shows, e.g. 3 for "Team Delivery Tooling (3)". */
async function groupCount(page: Page) {
	const label = (await page.getByRole('button', { name: TEAM }).textContent()) ?? '';
	return Number(/\((\d+)\)/.exec(label)?.[1]);
}

describe('scoping and opening a round', () => {
	it('selects a team with one click, sees the count, and opens the round after being told who is emailed', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com');
		const name = await newRound(page, 'Scoping');
		// Until the page is live the group buttons add at once; wait for them to select instead.
		await expect.poll(() => page.getByText('Select:', { exact: true }).count()).toBe(1);
		const team = page.getByRole('button', { name: TEAM });
		const n = await groupCount(page);
		expect(n).toBeGreaterThan(0);
		await team.click();
		await expect.poll(() => team.getAttribute('aria-pressed')).toBe('true');
		await expect
			.poll(() =>
				page
					.getByRole('status')
					.filter({ hasText: `${n} ${n === 1 ? 'technology' : 'technologies'} selected` })
					.count()
			)
			.toBe(1);
		await expectNoAxeViolations(page);
		await page.getByRole('button', { name: 'Add to round' }).click();
		await expect.poll(() => page.getByText(`${n} of ${n} technologies`).count()).toBe(1);

		await page.getByRole('button', { name: 'Open round…' }).click();
		await expect.poll(() => page.getByRole('heading', { name: `Open ${name}?` }).count()).toBe(1);
		const question = await page.getByRole('region', { name: `Open ${name}?` }).innerText();
		const asked = Number(/Opening emails (\d+) (?:person|people) asked to score/.exec(question)?.[1]);
		expect(asked).toBeGreaterThan(0);
		// Nothing has changed yet.
		expect(await page.getByRole('link', { name: 'Close round…' }).count()).toBe(0);
		await expectNoAxeViolations(page);

		await page.getByRole('button', { name: 'Open and send' }).click();
		const people = `${asked} ${asked === 1 ? 'person' : 'people'}`;
		const sent = new RegExp(
			`Round opened\\. (${people} (was|were) emailed|No mail server is set up, so the messages to ${people} are waiting in the outbox)`
		);
		await expect.poll(() => page.getByRole('status').filter({ hasText: sent }).count()).toBe(1);
		await expect.poll(() => page.getByRole('link', { name: 'Close round…' }).count()).toBe(1);
		await expectNoAxeViolations(page);
		await page.close();
	});

	it('works without JavaScript: a team button adds the team, and opening asks with the number first', async () => {
		const plain = await openBrowser({ javaScript: false });
		try {
			const page = await plain.context.newPage();
			await signIn(page, 'lead@example.com');
			const name = await newRound(page, 'Scoping without JavaScript');
			const n = await groupCount(page);
			await page.getByRole('button', { name: TEAM }).click();
			await expect.poll(() => page.getByText(`${n} of ${n} technologies`).count()).toBe(1);
			await page.getByRole('button', { name: 'Open round…' }).click();
			await expect.poll(() => page.getByRole('heading', { name: `Open ${name}?` }).count()).toBe(1);
			expect(await page.getByText(/Opening emails \d+ (person|people) asked to score/).count()).toBe(1);
			// Left as a draft: asking changed nothing, and no other journey needs this round open.
			await page.getByRole('link', { name: 'Not yet' }).click();
			expect(await page.getByRole('button', { name: 'Open round…' }).count()).toBe(1);
		} finally {
			await plain.close();
		}
	});
});
