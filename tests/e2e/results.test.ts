import { describe, expect, it } from 'vitest';
import { median } from '../../src/lib/domain/aggregate';
import { useOwnServer } from '../helpers/server';
import { expectNoAxeViolations, openBrowser, signIn, useBrowser } from './browser';

// This file closes the demo's open round, so it runs on a server of its own.
const server = useOwnServer();
const browser = useBrowser();
const OPEN_ROUND = 2;

describe('results of the demo Kafka assessment', () => {
	it("draws the radar and shows medians equal to the respondents' submitted answers", async () => {
		// The start-up banner names the address actually served (ORIGIN is 127.0.0.1 here, not localhost).
		expect(server.output.join('')).toContain(`Open ${server.url}`);
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com', undefined, server.url);
		await page.goto(`${server.url}/technologies/kafka?round=${OPEN_ROUND}`);
		await expectNoAxeViolations(page);
		// A drawn chart has coloured pixels on its canvas.
		await expect
			.poll(() =>
				page.evaluate(() => {
					const c = document.querySelector('.radar canvas') as HTMLCanvasElement | null;
					if (!c || !c.width) return 0;
					const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
					let painted = 0;
					for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
					return painted;
				})
			)
			.toBeGreaterThan(1000);

		const shown: Record<string, string> = {};
		for (const row of await page.locator('tr[data-vector]').all()) {
			shown[(await row.getAttribute('data-vector'))!] = (await row.locator('td').first().innerText())
				.split('\n')[0]
				.replace('below target', '')
				.trim();
		}

		// The same numbers, recomputed from each respondent's answers as the lead reads them.
		const assess = await browser.context.newPage();
		await assess.goto(`${server.url}/rounds/${OPEN_ROUND}/assess/kafka`);
		const respondents = await assess.getByRole('navigation', { name: 'Respondents' }).getByRole('link').all();
		const hrefs = await Promise.all(respondents.map((l) => l.getAttribute('href')));
		const scores: Record<string, number[]> = {};
		for (const href of hrefs) {
			await assess.goto(`${server.url}/rounds/${OPEN_ROUND}/assess/kafka${href}`);
			if (!(await assess.getByText(/\(submitted\)/).count())) continue;
			for (const set of await assess.locator('fieldset[data-vector]').all()) {
				const value = await set
					.locator('input[type=radio]:checked')
					.getAttribute('value')
					.catch(() => null);
				if (value && value !== '?') (scores[(await set.getAttribute('data-vector'))!] ??= []).push(Number(value));
			}
		}
		expect(Object.keys(shown)).toHaveLength(15);
		for (const [key, text] of Object.entries(shown)) expect(text).toBe(String(median(scores[key] ?? []) ?? '—'));
		await page.close();
		await assess.close();
	});

	it('a backlog row saved on a technology page says so in the row, and the page keeps its round', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com', undefined, server.url);
		await page.goto(`${server.url}/technologies/kafka?round=${OPEN_ROUND}`);
		const row = page.locator('table.backlog tbody tr').first();
		// The page carries no edit form until one is asked for.
		expect(await page.getByRole('button', { name: 'Save item' }).count()).toBe(0);
		await row.getByText('Next actions and edit').click();
		await row.getByRole('link', { name: 'Edit this item' }).click();
		await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('title');
		expect(page.url()).toBe(`${server.url}/technologies/kafka?round=${OPEN_ROUND}`);
		// A URL the browser lets through and the server refuses.
		await row.getByLabel('Ticket link').fill('javascript:alert(1)');
		await row.getByRole('button', { name: 'Save item' }).click();
		// The row's action is /backlog's: its refusal lands in the row, not beside this page's own buttons.
		await expect.poll(() => row.locator('.error').first().textContent()).toMatch(/\S/);
		expect(await page.locator('.notice.error').count()).toBe(0);
		await row.getByLabel('Ticket link').fill('https://jira.example.com/browse/OPS-7');
		await row.getByRole('button', { name: 'Save item' }).click();
		await expect.poll(() => row.getByRole('status').textContent()).toBe('Saved');
		expect(page.url()).toBe(`${server.url}/technologies/kafka?round=${OPEN_ROUND}`);
		await page.close();
	});

	it('without JavaScript, a backlog row’s edit link serves the page with that row’s form, which saves', async () => {
		const plain = await openBrowser({ javaScript: false });
		const page = await plain.context.newPage();
		await signIn(page, 'lead@example.com', undefined, server.url);
		await page.goto(`${server.url}/technologies/kafka?round=${OPEN_ROUND}`);
		const row = page.locator('table.backlog tbody tr').nth(1);
		await row.getByText('Next actions and edit').click();
		await row.getByRole('link', { name: 'Edit this item' }).click();
		expect(new URL(page.url()).searchParams.get('round')).toBe(String(OPEN_ROUND));
		expect(await page.getByRole('button', { name: 'Save item' }).count()).toBe(1);
		const edited = page.locator('table.backlog tbody tr').nth(1);
		await edited.getByLabel('Ticket link').fill('https://jira.example.com/browse/OPS-8');
		await edited.getByRole('button', { name: 'Save item' }).click();
		await page.waitForLoadState();
		expect(await page.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(1);
		await plain.close();
	});

	it('a backlog edit survives closing the round, which updates items instead of duplicating them', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${server.url}/backlog?technology=kafka&met=1`);
		await expectNoAxeViolations(page);
		const before = await page.locator('table.backlog tbody tr').count();
		const first = page.locator('table.backlog tbody tr').first();
		const title = (await first.locator('td').nth(1).innerText()).split('\n')[0];
		await first.getByText('Next actions and edit').click();
		await first.getByRole('link', { name: 'Edit this item' }).click();
		await first.getByLabel('Status').selectOption('in_progress');
		await first.getByLabel('Ticket link').fill('https://jira.example.com/browse/OPS-42');
		await first.getByRole('button', { name: 'Save item' }).click();
		await expect.poll(() => first.getByRole('status').textContent()).toBe('Saved');

		// Closing takes a confirmation step that lists the drafts that will not count; without JavaScript too.
		const plain = await openBrowser({ javaScript: false });
		const noJs = await plain.context.newPage();
		await signIn(noJs, 'lead@example.com', undefined, server.url);
		await noJs.goto(`${server.url}/rounds/${OPEN_ROUND}`);
		await noJs.getByRole('link', { name: 'Close round…' }).click();
		const confirm = noJs.getByRole('region', { name: /^Close / });
		expect(await confirm.innerText()).toMatch(/responses are not submitted\. Drafts do not count/);
		// The demo's member has half-filled Kafka and Redis.
		expect(await confirm.getByRole('listitem').allInnerTexts()).toEqual(
			expect.arrayContaining([expect.stringMatching(/^Mia Member, Kafka: \d+ answered, not submitted$/)])
		);
		await confirm.getByRole('button', { name: /^Close .* now$/ }).click();
		await noJs.waitForLoadState();
		expect(await noJs.locator('.state').innerText()).toBe('closed');
		await plain.close();

		await page.goto(`${server.url}/backlog?technology=kafka&met=1`);
		const rows = page.locator('table.backlog tbody tr');
		expect(await rows.count()).toBe(before);
		const edited = rows.filter({ hasText: title.replace(/^Kafka · /, '') });
		expect(await edited.count()).toBe(1);
		expect(await edited.locator('td').nth(5).innerText()).toBe('In progress');
		expect(await edited.getByRole('link', { name: 'ticket' }).getAttribute('href')).toBe('https://jira.example.com/browse/OPS-42');
		await page.close();
	});
});
