import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, signIn, useBrowser } from './browser';

const browser = useBrowser();

/** The curl commands of the README's API section, exactly as written there. */
function readmeCommands(): string[] {
	const readme = readFileSync('README.md', 'utf8');
	const section = readme.slice(readme.indexOf('### API'), readme.indexOf('### Email'));
	return section.split('\n').filter((line) => line.startsWith('curl '));
}

describe('the API, as a person sets it up', () => {
	it('a token made at /account/tokens runs every curl example of the README', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com');
		await page.goto(`${baseUrl()}/account/tokens`);
		await expectNoAxeViolations(page);
		await page.getByLabel('Name').fill('README examples');
		await page.getByRole('button', { name: 'Create token' }).click();
		const token = await page.getByLabel('New token').inputValue();
		expect(token).toMatch(/^opsm_/);
		await page.reload();
		// Shown once: after a reload only its first characters are on the page.
		expect(await page.content()).not.toContain(token);
		expect(await page.getByRole('cell', { name: `opsm_${token.slice(5, 11)}…` }).count()).toBe(1);

		const commands = readmeCommands();
		expect(commands.length).toBeGreaterThanOrEqual(3);
		for (const command of commands) {
			const out = execFileSync('bash', ['-c', command], {
				env: { ...process.env, ORIGIN: baseUrl(), OPSM_TOKEN: token },
				encoding: 'utf8'
			});
			const body = out.includes('\r\n\r\n') ? out.slice(out.indexOf('\r\n\r\n') + 4) : out;
			expect(() => JSON.parse(body), command).not.toThrow();
			if (command.includes('-fsSi')) expect(out).toMatch(/etag: "\d+-[A-Za-z0-9_-]{16}"/i);
		}
		// The reference page shows every operation the OpenAPI document has.
		const document = await (await fetch(`${baseUrl()}/api/v1/openapi.json`)).json();
		const operations = Object.values(document.paths as Record<string, object>).flatMap((item) => Object.keys(item));
		await page.goto(`${baseUrl()}/api`);
		expect(await page.getByRole('heading', { level: 2 }).count()).toBe(operations.length);
		await expectNoAxeViolations(page);
	});
});
