import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, signIn, useBrowser } from './browser';

const browser = useBrowser();
const OPEN_ROUND = 2;

describe('facts beside opinions', () => {
	it('a lead imports a fact as CSV, and it shows beside its vector on the scoring form, with its source and age', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com');
		await page.goto(`${baseUrl()}/technologies/import/facts`);
		await page.getByLabel('CSV file').setInputFiles({
			name: 'facts.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from('technology,kind,value,date,observed_at,detail\nkafka,last-restore-test,,2024-01-15,,restore drill OPS-9\n')
		});
		await page.getByRole('button', { name: 'Import' }).click();
		await expect.poll(() => page.getByRole('status').first().innerText()).toBe('Recorded 1 fact.');

		// The member's form, as their lead sees it: the fact sits inside the vector it informs.
		await page.goto(`${baseUrl()}/rounds/${OPEN_ROUND}/assess/kafka?user=3`);
		const recoverability = page.getByRole('group', { name: /^\d+ Recoverability/ });
		const fact = recoverability.getByTestId('facts');
		await expect.poll(() => fact.innerText()).toMatch(/Last successful restore test: \d+ days ago \(2024-01-15\); suggests 0/);
		expect(await fact.innerText()).toMatch(/CSV upload, today: restore drill OPS-9/);
		expect(
			await page
				.getByRole('group', { name: /^\d+ Stability/ })
				.getByTestId('facts')
				.count()
		).toBe(0);
		await expectNoAxeViolations(page);

		// And on the technology page, beside the vector's median.
		await page.goto(`${baseUrl()}/technologies/kafka`);
		const row = page.locator('tr[data-vector="recoverability"]');
		expect(await row.locator('[data-fact="last-restore-test"]').innerText()).toMatch(/suggests 0/);
		await page.close();
	});
});
