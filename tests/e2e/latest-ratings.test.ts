import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, signIn, useBrowser } from './browser';

/**
 * Issue 25, item 4: portfolio views show each technology's latest closed rating, marked with its
 * round. Read only: nothing here changes data other files rely on, and it holds whichever rounds
 * other files have closed meanwhile.
 */
const browser = useBrowser();
const LATEST = 'Latest per technology';

describe('the portfolio heatmap by default', () => {
	it('marks every row with the closed round its rating comes from, and how long ago', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'viewer@example.com');
		await page.goto(`${baseUrl()}/portfolio`);

		const round = page.getByLabel('Round', { exact: true });
		// The first choice, with no value: no single round.
		expect(await round.inputValue()).toBe('');
		const options = await round.locator('option').allTextContents();
		expect(options[0].trim()).toBe(LATEST);
		// The closed rounds: neither the default choice nor an open one.
		const closed = options.map((o) => o.trim()).filter((o) => o !== LATEST && !o.endsWith('(open, provisional)'));
		expect(closed.length).toBeGreaterThan(0);

		const heatmap = page.getByRole('table', { name: /Median per vector for each technology/ });
		await expect.poll(() => heatmap.getByRole('columnheader', { name: 'Rated in' }).count()).toBe(1);
		// Row groups: head, body, foot.
		const rows = await heatmap.getByRole('rowgroup').nth(1).getByRole('row').all();
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			const name = await row.getByRole('rowheader').innerText();
			// Cells after the row header: the rating, then where it comes from.
			const [from] = (await row.getByRole('cell').nth(1).innerText()).split('\n');
			const [roundName, age] = from.split(' · ');
			expect(closed, `${name} is rated in "${roundName}"`).toContain(roundName);
			expect(age, `${name}'s rating says how old it is`).toMatch(/^(today|\d+ (day|week|month|year)s? ago)$/);
		}
		await expectNoAxeViolations(page);

		// Picking one round stays possible, and the rows then all come from it.
		await round.selectOption({ label: closed[0] });
		await page.getByRole('button', { name: 'Apply' }).click();
		await page.waitForURL(/round=\d+/);
		const sources = async () => {
			const texts: string[] = [];
			for (const row of await heatmap.getByRole('rowgroup').nth(1).getByRole('row').all())
				texts.push((await row.getByRole('cell').nth(1).innerText()).split(' · ')[0]);
			return texts;
		};
		await expect.poll(async () => [...new Set(await sources())]).toEqual([closed[0]]);
		await page.close();
	});
});
