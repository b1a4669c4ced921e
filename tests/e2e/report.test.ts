import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, openBrowser, signIn, useBrowser } from './browser';
import { pixelsInColours } from '../helpers/poppler';

const browser = useBrowser();

describe('maturity report', () => {
	it('a lead opens the report and downloads every format', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com');
		await page.goto(`${baseUrl()}/rounds/2/report`);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Maturity report/);
		await expect.poll(() => page.locator('.radar[data-series]').count()).toBeGreaterThan(0);
		await expectNoAxeViolations(page);
		const expected: Record<string, [string, number]> = {
			'PDF report': ['.pdf', 100_000],
			'Excel workbook': ['.xlsx', 5_000],
			'Scores CSV': ['-scores.csv', 1_000],
			'Backlog CSV (Jira)': ['-backlog.csv', 1_000],
			'JSON (whole round)': ['.json', 1_000]
		};
		for (const [label, [suffix, minBytes]] of Object.entries(expected)) {
			const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).click()]);
			expect(download.suggestedFilename().endsWith(suffix)).toBe(true);
			const chunks: Buffer[] = [];
			for await (const chunk of (await download.createReadStream()) as AsyncIterable<Buffer>) chunks.push(chunk);
			expect(Buffer.concat(chunks).length).toBeGreaterThan(minBytes);
		}
		await page.close();
	});

	it('a viewer gets the PDF link only', async () => {
		const viewer = await openBrowser();
		const page = await viewer.context.newPage();
		await signIn(page, 'viewer@example.com');
		await page.goto(`${baseUrl()}/rounds/2/report`);
		expect(await page.getByRole('link', { name: 'PDF report' }).count()).toBe(1);
		expect(await page.getByRole('link', { name: 'Excel workbook' }).count()).toBe(0);
		const res = await page.request.get(`${baseUrl()}/rounds/2/report/scores.csv`);
		expect(res.status()).toBe(403);
		await viewer.close();
	});

	it('prints the whole round with comments, on A4 with every column and the level colours', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com');
		// 180 mm at 96 dpi: the width of A4 inside the report's 15 mm margins.
		await page.setViewportSize({ width: 680, height: 1000 });
		// Count the print dialogs instead of opening one.
		await page.addInitScript(() => {
			window.print = () => void (document.body.dataset.printed = String(Number(document.body.dataset.printed ?? 0) + 1));
		});
		// This quarter's round: its respondents left comments.
		await page.goto(`${baseUrl()}/rounds/2/report`);
		const total = Number(
			/of (\d+), page 1 of 2/.exec(await page.getByRole('navigation', { name: 'Pages of technologies' }).innerText())?.[1]
		);
		expect(await page.locator('section.technology').count()).toBe(10);
		// Printing the paged view by hand says what is missing.
		await page.emulateMedia({ media: 'print' });
		expect(await page.getByText(`This printout holds technologies 1–10 of ${total} only.`).isVisible()).toBe(true);
		await page.emulateMedia({ media: 'screen' });

		await page.getByRole('link', { name: 'Print the whole round' }).click();
		await expect.poll(() => page.evaluate(() => document.body.dataset.printed)).toBe('1');
		expect(new URL(page.url()).searchParams.has('print')).toBe(true);
		expect(await page.locator('section.technology').count()).toBe(total);
		expect(await page.getByRole('heading', { name: 'Comments and evidence' }).count()).toBeGreaterThan(0);
		await page.emulateMedia({ media: 'print' });
		expect(await page.getByText(/This printout holds/).isVisible()).toBe(false);
		const tooWide = await page.evaluate(
			() =>
				[...document.querySelectorAll('table, section, h1, p')].filter(
					(e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
				).length
		);
		expect(tooWide).toBe(0);
		expect(
			await page
				.locator('.level')
				.first()
				.evaluate((e) => getComputedStyle(e).printColorAdjust)
		).toBe('exact');

		// What Chromium actually prints: level colours on the summary and first technology pages, without "background graphics" turned on.
		const pdf = await page.pdf({ format: 'A4', printBackground: false, pageRanges: '1-3' });
		const dir = mkdtempSync(path.join(tmpdir(), 'opsm-print-'));
		writeFileSync(path.join(dir, 'report.pdf'), pdf);
		// Every printed page as an image, then the pixels in a level's colour.
		const levelColours = ['#d73027', '#fc8d59', '#fee090', '#91bfdb', '#4575b4'];
		const coloured = pixelsInColours(path.join(dir, 'report.pdf'), { first: 1, last: 3 }, 40, levelColours, 24);
		rmSync(dir, { recursive: true, force: true });
		expect(coloured).toBeGreaterThan(50);
		await page.close();
	});
});
