import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseUrl, expectNoAxeViolations, signIn, useBrowser } from './browser';

const browser = useBrowser();

/**
 * The API examples of docs/api.md, as one script exactly as written there (later lines use what earlier
 * ones set), with a marker after each `curl` line so each answer can be checked on its own.
 */
function examplesScript(): { script: string; commands: string[] } {
	const page = readFileSync('docs/api.md', 'utf8');
	const section = page.slice(page.indexOf('## Examples'));
	const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n')));
	const lines = block.split('\n').filter((line) => line && !line.startsWith('#'));
	return {
		script: ['set -euo pipefail', ...lines.map((line) => (line.startsWith('curl ') ? `${line}\necho\necho '@@END@@'` : line))].join('\n'),
		commands: lines.filter((line) => line.startsWith('curl '))
	};
}

describe('the API, as a person sets it up', () => {
	it('a token made at /account/tokens runs every curl example of docs/api.md', async () => {
		const page = await browser.context.newPage();
		await signIn(page, 'lead@example.com');
		await page.goto(`${baseUrl()}/account/tokens`);
		await expectNoAxeViolations(page);
		await page.getByLabel('Name').fill('README examples');
		await page.getByLabel('Scope').selectOption('write');
		await page.getByRole('button', { name: 'Create token' }).click();
		const token = await page.getByLabel('New token').inputValue();
		expect(token).toMatch(/^opsm_/);
		await page.reload();
		// Shown once: after a reload only its first characters are on the page.
		expect(await page.content()).not.toContain(token);
		expect(await page.getByRole('cell', { name: `opsm_${token.slice(5, 11)}…` }).count()).toBe(1);

		const { script, commands } = examplesScript();
		expect(commands.length).toBeGreaterThanOrEqual(10);
		const out = execFileSync('bash', ['-c', script], { env: { ...process.env, ORIGIN: baseUrl(), OPSM_TOKEN: token }, encoding: 'utf8' });
		const answers = out.split('@@END@@\n').slice(0, -1);
		expect(answers).toHaveLength(commands.length);
		for (const [i, answer] of answers.entries()) {
			const body = answer.includes('\r\n\r\n') ? answer.slice(answer.indexOf('\r\n\r\n') + 4) : answer;
			expect(() => JSON.parse(body), commands[i]).not.toThrow();
			if (commands[i].includes('-fsSi')) expect(answer).toMatch(/etag: "\d+-[A-Za-z0-9_-]{16}"/i);
		}
		// The writes landed: the pipeline's score is in, and the backlog item moved.
		expect(out).toContain('"currency":{"score":4');
		expect(out).toContain('"ticketUrl":"https://jira.example.com/browse/OPS-42"');
		// The reference page shows every operation the OpenAPI document has.
		const document = await (await fetch(`${baseUrl()}/api/v1/openapi.json`)).json();
		const operations = Object.values(document.paths as Record<string, object>).flatMap((item) => Object.keys(item));
		await page.goto(`${baseUrl()}/api`);
		expect(await page.getByRole('heading', { level: 2 }).count()).toBe(operations.length);
		await expectNoAxeViolations(page);
	});
});
