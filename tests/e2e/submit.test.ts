import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useOwnServer } from '../helpers/server';
import { signIn, useBrowser } from './browser';

// These journeys submit the member's assessments, so they run on a server of their own.
const server = useOwnServer();
const browser = useBrowser();
const OPEN_ROUND = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openAssessment(slug: string) {
	const page = await browser.context.newPage();
	await signIn(page, 'member@example.com', undefined, server.url);
	await page.goto(`${server.url}/rounds/${OPEN_ROUND}/assess/${slug}`);
	await expect.poll(() => focusedName(page)).toMatch(/^score\./);
	return page;
}

const focusedName = (page: Page) =>
	page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name || document.activeElement?.textContent?.trim());
const status = (page: Page) => page.getByRole('status').first().innerText();
const allSaved = (page: Page) => expect.poll(() => status(page), { timeout: 10_000 }).toMatch(/^All changes saved/);

/**
 * Makes the race happen every time: the save of the last answer is held for a second, so the
 * submit starts while it is in flight, and the submit itself is held half a second, so any save
 * sent after the one held reaches the server first (on the old code that made the submit stale).
 */
async function slowLastSave(page: Page) {
	let holdNext = false;
	await page.route(
		(url) => url.search === '?/save',
		async (route) => {
			if (holdNext) {
				holdNext = false;
				await sleep(1000);
			}
			await route.continue();
		}
	);
	await page.route(
		(url) => url.search === '?/submit',
		async (route) => {
			await sleep(500);
			await route.continue();
		}
	);
	return () => (holdNext = true);
}

describe('the last step of scoring', () => {
	for (const [slug, how] of [
		['nagios', 'Enter'],
		['mongodb', 'a click']
	] as const) {
		it(`a submit by ${how} while the last answer is still saving waits for that save and is accepted`, async () => {
			const page = await openAssessment(slug);
			const holdNextSave = await slowLastSave(page);
			for (let i = 0; i < 14; i++) await page.keyboard.press('3');
			await allSaved(page);
			holdNextSave();
			await page.keyboard.press('4');
			expect(await focusedName(page)).toBe('Submit answers');
			await expect.poll(() => status(page)).toBe('Saving…');
			if (how === 'Enter') await page.keyboard.press('Enter');
			else await page.getByRole('button', { name: 'Submit answers' }).click();
			await expect.poll(() => page.getByText('You submitted these answers.').count(), { timeout: 10_000 }).toBe(1);
			expect(await page.getByText(/changed in another tab/).count()).toBe(0);
			await page.reload();
			expect(await page.getByText('You submitted these answers.').count()).toBe(1);
			await page.close();
		});
	}

	it('Enter on an answer moves on; a refused submit lists what is left in page order, and saving goes on without a false conflict', async () => {
		const page = await openAssessment('nats');
		for (let i = 0; i < 9; i++) await page.keyboard.press('2');
		await allSaved(page);
		const before = await focusedName(page);
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('Enter');
		expect(await focusedName(page)).toBe(before);
		expect(await page.getByText('Still to answer').count()).toBe(0);

		await page.getByRole('button', { name: 'Submit answers' }).click();
		await expect.poll(() => page.getByText(/\(6 left\)/).count()).toBe(1);
		const listed = await page
			.locator('.notice', { hasText: 'Still to answer' })
			.getByRole('link')
			.evaluateAll((links) => links.map((a) => a.getAttribute('href')!.slice(3)));
		const onScreen = await page.locator('fieldset[data-vector]').evaluateAll((sets) => sets.map((s) => (s as HTMLElement).dataset.vector!));
		expect(listed).toHaveLength(6);
		expect(listed).toEqual(onScreen.filter((key) => listed.includes(key)));

		await page.locator(`fieldset[data-vector="${listed[0]}"]`).getByRole('radio', { name: /^1:/ }).check();
		await allSaved(page);
		expect(await page.getByText(/changed in another tab/).count()).toBe(0);
		await page.close();
	});

	it('a submit refused because another tab changed the answers says so in the status bar and moves the keyboard to Reload', async () => {
		const page = await openAssessment('rabbitmq');
		for (let i = 0; i < 15; i++) await page.keyboard.press('3');
		await allSaved(page);
		const other = await openAssessment('rabbitmq');
		await other.locator('fieldset[data-index="0"]').getByRole('radio', { name: /^1:/ }).check();
		await allSaved(other);
		await other.close();

		await page.getByRole('button', { name: 'Submit answers' }).click();
		await expect.poll(() => status(page)).toMatch(/^Not saved: These answers were changed in another tab/);
		expect(await focusedName(page)).toBe('Reload latest answers');
		expect(await page.getByText('You submitted these answers.').count()).toBe(0);
		await page.close();
	});

	it('Enter in an evidence link moves to the next vector instead of submitting', async () => {
		const page = await openAssessment('redis');
		const submits: string[] = [];
		page.on('request', (r) => r.url().endsWith('?/submit') && submits.push(r.url()));
		const first = page.locator('fieldset[data-index="0"]');
		await first.getByText('Comment or evidence').click();
		await first.locator('input[type=url]').fill('https://wiki.example.com/runbook');
		await first.locator('input[type=url]').press('Enter');
		expect(await focusedName(page)).toMatch(/^score\./);
		expect(await focusedName(page)).not.toBe(`score.${await first.getAttribute('data-vector')}`);
		await allSaved(page);
		expect(submits).toEqual([]);
		expect(await page.getByText('Still to answer').count()).toBe(0);
		await page.close();
	});

	it('= keeps last round’s answer only where this round has none yet, and c opens the comment', async () => {
		const page = await openAssessment('kafka');
		expect(await page.locator('.keys').innerText()).toMatch(
			/= keeps last round's answer where this round has none yet.*c opens the comment/s
		);
		// One vector answered this round with something else than last round.
		const set = page
			.locator('fieldset[data-vector]')
			.filter({ has: page.locator('.previous') })
			.first();
		const shown = (await set.locator('.previous strong').innerText()).trim();
		const previous = shown === "don't know" ? '?' : shown;
		const other = previous === '1' ? '4' : '1';
		await set.locator(`input[type=radio][value="${other}"]`).check();
		await allSaved(page);
		expect(await set.locator('.previous').innerText()).not.toContain('press =');
		await set.locator('input[type=radio]:checked').focus();
		await page.keyboard.press('=');
		await sleep(600);
		expect(await set.locator('input[type=radio]:checked').getAttribute('value')).toBe(other);

		await set.locator('input[type=radio]:checked').focus();
		await page.keyboard.press('c');
		expect(await focusedName(page)).toBe(`comment.${await set.getAttribute('data-vector')}`);
		await page.keyboard.press('Escape');
		expect(await focusedName(page)).toBe(`score.${await set.getAttribute('data-vector')}`);

		await page.reload();
		expect(await set.locator('input[type=radio]:checked').getAttribute('value')).toBe(other);
		await page.close();
	});

	it('the keyboard legend is not shown on a touch screen', async () => {
		const page = await openAssessment('prometheus');
		expect(await page.locator('.keys').isVisible()).toBe(true);
		const cdp = await page.context().newCDPSession(page);
		await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
		await cdp.send('Emulation.setEmulatedMedia', {
			features: [
				{ name: 'pointer', value: 'coarse' },
				{ name: 'hover', value: 'none' }
			]
		});
		await expect.poll(() => page.locator('.keys').isVisible()).toBe(false);
		await page.close();
	});
});
