import { describe, expect, it } from 'vitest';
import { baseUrl, signIn, useBrowser } from './browser';

const browser = useBrowser();

// Every page a signed-in admin can reach, with the data the demo gives it.
const PAGES = [
	'/',
	'/technologies',
	'/technologies/kafka',
	'/technologies/kafka/edit',
	'/technologies/new',
	'/technologies/import',
	'/rounds',
	'/rounds/2',
	'/rounds/2?confirm=close',
	'/rounds/2/assess/kafka?user=3',
	'/rounds/1/report',
	'/compare?t=kafka&t=postgresql&t=redis&t=mongodb&t=docker&t=nats',
	'/compare?mode=rounds&t=kafka',
	'/portfolio',
	'/portfolio/radar',
	'/backlog',
	'/methodology',
	'/admin',
	'/admin/users',
	'/admin/teams',
	'/admin/framework',
	'/admin/audit',
	'/admin/demo',
	'/admin/anonymity',
	'/admin/published-radar',
	'/initiatives',
	'/rounds/2/calibrate/kafka',
	'/account'
];

describe('layout on a phone and a desktop', () => {
	it.each([375, 1440])('no page scrolls sideways at %i px (wide tables scroll inside their own box)', async (width) => {
		const page = await browser.context.newPage();
		if (!(await browser.context.cookies()).some((c) => c.name === 'session')) await signIn(page, 'admin@example.com');
		await page.setViewportSize({ width, height: 900 });
		const sideways: string[] = [];
		for (const path of PAGES) {
			await page.goto(`${baseUrl()}${path}`);
			const { scroll, client } = await page.evaluate(() => ({
				scroll: document.documentElement.scrollWidth,
				client: document.documentElement.clientWidth
			}));
			if (scroll > client) sideways.push(`${path}: ${scroll} > ${client}`);
		}
		expect(sideways).toEqual([]);
		await page.close();
	});

	it('keeps every vector name of the radar inside the chart on a phone', async () => {
		const page = await browser.context.newPage();
		await page.setViewportSize({ width: 375, height: 812 });
		await page.goto(`${baseUrl()}/technologies/kafka`);
		await expect.poll(() => page.locator('.radar').getAttribute('data-labels-fit')).toBe('true');
		await page.close();
	});
});
