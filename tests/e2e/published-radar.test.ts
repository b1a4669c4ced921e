import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, signIn, useBrowser } from './browser';

const browser = useBrowser();

/** As Build Your Own Radar fetches it from its own page: another origin, no cookie. */
const fetchAsByor = (url: string) => fetch(url, { headers: { origin: 'https://radar.example.com' }, redirect: 'manual' });

describe('a published radar address, as an admin hands one to Build Your Own Radar', () => {
	it('serves the radar CSV to anyone holding it, without signing in, until it is revoked', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'admin@example.com');
		await page.goto(`${baseUrl()}/admin`);
		await page.getByRole('link', { name: 'Published radar' }).click();
		await page.waitForURL(/\/admin\/published-radar$/);
		await expectNoAxeViolations(page);

		// Unique per run: other journeys share this server.
		const name = `Architecture guild ${Date.now()}`;
		await page.getByLabel('Name', { exact: true }).fill(name);
		await page.getByRole('button', { name: 'Create address' }).click();
		const field = page.getByLabel('CSV address', { exact: true });
		await field.waitFor();
		const link = await field.inputValue();
		expect(link).toMatch(/^http:\/\/[^/]+\/published\/radar\/[a-z2-7]{32}\/opsmaturity-radar\.csv$/);
		expect(await page.getByLabel('JSON address', { exact: true }).inputValue()).toBe(link.replace(/\.csv$/, '.json'));
		// The clipboard may be out of reach in a headless browser; either way the button says what happened.
		await page.getByRole('button', { name: 'Copy CSV address' }).click();
		await expect.poll(() => page.getByText(/^(Copied\.|Could not copy)/).count()).toBeGreaterThan(0);
		await expectNoAxeViolations(page);

		const csv = await fetchAsByor(link);
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(csv.headers.get('access-control-allow-origin')).toBe('*');
		const parsed = Papa.parse<Record<string, string>>(await csv.text(), { header: true, skipEmptyLines: true });
		expect(parsed.meta.fields?.slice(0, 5)).toEqual(['name', 'ring', 'quadrant', 'isNew', 'description']);
		const json = await fetchAsByor(link.replace(/\.csv$/, '.json'));
		expect(json.status).toBe(200);
		expect(Array.isArray(await json.json())).toBe(true);

		// Shown once: a reload lists the address by its first characters only.
		await page.reload();
		await expect.poll(() => page.getByLabel('CSV address', { exact: true }).count()).toBe(0);
		const row = page.getByRole('row').filter({ hasText: name });
		await expect.poll(() => row.getByText('live', { exact: true }).count()).toBe(1);

		await row.getByRole('button', { name: `Revoke ${name}` }).click();
		await expect.poll(() => row.getByText(/^revoked /).count()).toBe(1);
		expect((await fetchAsByor(link)).status).toBe(404);
		expect((await fetchAsByor(link.replace(/\.csv$/, '.json'))).status).toBe(404);
	});
});
