import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, signIn, useBrowser } from './browser';

const browser = useBrowser();

describe('architect views', () => {
	it('compares three technologies picked in the catalog; the URL round-trips and the table matches each technology page', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'viewer@example.com');
		await page.goto(`${baseUrl()}/technologies`);
		for (const name of ['Kafka', 'RabbitMQ', 'Redis']) await page.getByRole('checkbox', { name: `Compare ${name}` }).check();
		await page.getByRole('button', { name: 'Compare selected' }).click();
		await page.waitForURL(/\/compare\?/);
		expect(new URL(page.url()).searchParams.getAll('t')).toEqual(['kafka', 'rabbitmq', 'redis']);
		await expect.poll(() => page.locator('.radar').getAttribute('data-series')).toBe('Kafka | RabbitMQ | Redis');
		await expectNoAxeViolations(page);

		const shared = page.url();
		const header = await page.locator('table.compare thead th').allInnerTexts();
		const row = await page
			.getByRole('row', { name: /^Recoverability/ })
			.locator('td')
			.allInnerTexts();
		const values = row.slice(0, 3).map((v) => v.replace(/[★\s]|\(best\)/g, ''));
		await page.goto(shared);
		expect(await page.locator('table.compare thead th').allInnerTexts()).toEqual(header);

		const round = await page.locator('#round').inputValue();
		for (const [i, slug] of ['kafka', 'rabbitmq', 'redis'].entries()) {
			await page.goto(`${baseUrl()}/technologies/${slug}?round=${round}`);
			const median = (await page.locator('tr[data-vector="recoverability"] td').first().innerText())
				.split('\n')[0]
				.replace('below target', '')
				.trim();
			expect(values[i]).toBe(median);
		}
		await page.close();
	});

	it('redraws the radar when the selection changes through the enhanced form, on compare and on a technology page', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${baseUrl()}/compare?t=kafka&t=postgresql&t=redis`);
		const radar = page.locator('.radar');
		await expect.poll(() => radar.getAttribute('data-series')).toBe('Kafka | PostgreSQL | Redis');
		// Client-side navigation keeps the chart component: it must draw the new series, not the old ones.
		await page.getByLabel('One technology across rounds').check();
		await page.getByRole('button', { name: 'Compare', exact: true }).click();
		await page.waitForURL(/mode=rounds/);
		await expect.poll(() => page.locator('table.compare thead th').count()).toBeGreaterThan(3);
		const rounds = (await page.locator('table.compare thead th').allInnerTexts()).slice(1, -1);
		expect(rounds).not.toContain('Kafka');
		await expect.poll(() => radar.getAttribute('data-series')).toBe(rounds.join(' | '));
		// The demo's two quarters, oldest first: the closed one and the open one.
		const [last, current] = rounds.slice(-2);

		await page.goto(`${baseUrl()}/technologies/kafka`);
		await expect.poll(() => radar.getAttribute('data-series')).toMatch(new RegExp(`^${last} \\| Target \\d$`));
		await page.locator('#round').selectOption({ label: `${current} (open, provisional)` });
		await page.getByRole('button', { name: 'Show' }).click();
		await page.waitForURL(/round=/);
		await expect.poll(() => radar.getAttribute('data-series')).toMatch(new RegExp(`^${current} \\| ${last} \\| Target \\d$`));
		await page.close();
	});

	it('sorts the portfolio heatmap by a vector', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${baseUrl()}/portfolio`);
		await expectNoAxeViolations(page);
		await page.getByRole('link', { name: 'Stability', exact: true }).click();
		await page.waitForURL(/sort=stability/);
		const column = await page.locator('table.heatmap thead tr:nth-child(2) th').allInnerTexts();
		// Row cells: the technology's name (th), its rating, the round it comes from, then one cell per vector.
		const child = column.findIndex((c) => c.trim() === 'Stability') + 4;
		const texts = await page.locator(`table.heatmap tbody tr > :nth-child(${child})`).allInnerTexts();
		const values = texts.map((v) => (v.trim().startsWith('—') ? Infinity : parseFloat(v)));
		// Each technology's latest closed rating, the default: NATS is rated only in the open round.
		expect(values).toHaveLength(11);
		expect(values.every((v) => !Number.isNaN(v))).toBe(true);
		expect(values).toEqual([...values].sort((a, b) => a - b));
		await page.close();
	});

	it('draws the tech radar and exports a Build Your Own Radar CSV with a row per technology', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${baseUrl()}/portfolio/radar`);
		await expectNoAxeViolations(page);
		expect(await page.locator('svg.radar-svg a').count()).toBe(11);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
		const text = await new Response((await download.createReadStream()) as unknown as ReadableStream).text();
		const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
		expect(parsed.meta.fields).toEqual(['name', 'ring', 'quadrant', 'isNew', 'description', 'status']);
		expect(parsed.data.map((r) => r.name).sort()).toEqual(
			['Docker', 'Jenkins', 'Kafka', 'Kubernetes', 'MongoDB', 'Nagios', 'PostgreSQL', 'Prometheus', 'RabbitMQ', 'Redis', 'Terraform'].sort()
		);
		await page.close();
	});
});
