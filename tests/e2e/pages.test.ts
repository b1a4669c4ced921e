import { describe, expect, it } from 'vitest';
import { baseUrl, expectAccessiblePage, expectNoAxeViolations, openBrowser, signIn, useBrowser } from './browser';

const browser = useBrowser();

// The administration pages are in admin-pages.test.ts: the two halves run side by side.
describe('every page as an admin', () => {
	it.each([
		['/', 'Welcome, Ada Admin'],
		['/technologies', 'Technologies'],
		['/technologies/kafka', 'Kafka'],
		['/technologies/kafka/edit', 'Edit Kafka'],
		['/technologies/new', 'New technology'],
		['/technologies/import', 'Import technologies'],
		['/rounds', 'Assessment rounds'],
		['/rounds/2', ' Q'],
		['/rounds/2?confirm=close', ' Q'],
		['/rounds/2/assess/kafka?user=3', 'Kafka'],
		['/rounds/2/calibrate/kafka', 'Calibrate Kafka']
	])('%s renders and passes axe', (path, heading) => expectAccessiblePage(browser.context, 'admin@example.com', path, heading));
});

describe('a lead runs a round', () => {
	it('creates a round, adds a technology, opens it and sees progress', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${baseUrl()}/rounds`);
		await page.getByLabel('Name').fill(`E2E ${Date.now()}`);
		await page.getByRole('button', { name: 'Create round' }).click();
		await page.waitForURL(/\/rounds\/\d+$/);
		await page.getByRole('checkbox', { name: 'Terraform' }).check();
		await page.getByRole('button', { name: 'Add to round' }).click();
		await expect.poll(() => page.getByRole('link', { name: 'Terraform' }).count()).toBe(1);
		await page.getByRole('button', { name: 'Open round…' }).click();
		// Opening emails people, so it asks first (tests/e2e/round-scoping.test.ts checks what it says).
		await page.getByRole('button', { name: /^Open (and send|now)$/ }).click();
		await expect.poll(() => page.getByRole('link', { name: 'Close round…' }).count()).toBe(1);
		await expect.poll(() => page.getByText(/0 of 3\s+responses submitted/).count()).toBe(1);
		await expectNoAxeViolations(page);
		await page.close();
	});
});

describe('error pages', () => {
	it('keep the navigation, say something useful, and a refused download is a page of ours', async () => {
		const viewer = await openBrowser();
		const page = await viewer.context.newPage();
		await signIn(page, 'viewer@example.com');
		const missing = await page.goto(`${baseUrl()}/technologies/no-such-thing`);
		expect(missing!.status()).toBe(404);
		expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
		expect(await page.getByText('Not found', { exact: true }).count()).toBe(1);
		await expectNoAxeViolations(page);

		const refused = await page.goto(`${baseUrl()}/rounds/1/report/report.xlsx`);
		expect(refused!.status()).toBe(403);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/^403: /);
		expect(await page.getByRole('link', { name: 'Back to the dashboard' }).count()).toBe(1);
		await viewer.close();
	});
});

describe('irreversible actions ask first', () => {
	it('deleting a technology takes a second, explicit yes', async () => {
		const page = await browser.context.newPage();
		await page.goto(`${baseUrl()}/technologies/new`);
		await page.getByLabel('Name').fill('Throwaway');
		await page.getByLabel('Category').fill('testing');
		await page.getByRole('button', { name: 'Create technology' }).click();
		await page.waitForURL(/\/technologies\/throwaway$/);
		await page.getByRole('button', { name: 'Delete Throwaway…' }).click();
		await expect.poll(() => page.getByRole('heading', { name: 'Delete Throwaway for good?' }).count()).toBe(1);
		expect(page.url()).toMatch(/\/technologies\/throwaway/);
		await expectNoAxeViolations(page);
		await page.getByRole('button', { name: 'Yes, delete Throwaway' }).click();
		await page.waitForURL(/\/technologies$/);
		await page.close();
	});
});
