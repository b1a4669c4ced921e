import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, openBrowser, signIn, useBrowser } from './browser';

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
});
