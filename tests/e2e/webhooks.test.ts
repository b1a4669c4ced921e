import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyDelivery } from '../../src/lib/domain/webhooks';
import { baseUrl, expectNoAxeViolations, signIn, useBrowser } from './browser';

const browser = useBrowser();

/** A receiver on loopback, as an admin's own service would be, checking each signature. */
const deliveries: { event: string; verdict: string }[] = [];
let secret = '';
const receiver = http.createServer((req, res) => {
	let body = '';
	req.on('data', (c) => (body += c));
	req.on('end', () => {
		const verdict = verifyDelivery(secret, String(req.headers['opsmaturity-signature']), body, Math.floor(Date.now() / 1000));
		deliveries.push({ event: String(req.headers['opsmaturity-event']), verdict });
		res.statusCode = verdict === 'ok' ? 204 : 401;
		res.end();
	});
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe('webhooks, as an admin sets one up', () => {
	it('a test delivery goes through the job queue to a receiver on loopback, signed, and shows in the log', async () => {
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/opsmaturity`;
		const page = await browser.context.newPage();
		await signIn(page, 'admin@example.com');
		await page.goto(`${baseUrl()}/admin/webhooks`);
		await expectNoAxeViolations(page);
		// Loopback is refused until an admin allows private addresses.
		await page.getByRole('textbox', { name: 'Address' }).fill(url);
		await page.getByLabel(/A round opens/).check();
		await page.getByRole('button', { name: 'Add webhook' }).click();
		await expect.poll(() => page.getByText(/private network/).count()).toBeGreaterThan(0);
		await page.getByLabel(/Allow webhooks to this server/).check();
		await page.getByRole('button', { name: 'Save' }).click();
		await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
		await page.getByRole('textbox', { name: 'Address' }).fill(url);
		await page.getByLabel(/A round opens/).check();
		await page.getByRole('button', { name: 'Add webhook' }).click();
		secret = (await page.locator('code.secret').textContent()) ?? '';
		expect(secret).toMatch(/^whsec_/);
		await page.getByRole('button', { name: 'Send a test' }).click();
		await expect.poll(() => deliveries.length, { timeout: 15_000 }).toBeGreaterThan(0);
		expect(deliveries[0]).toEqual({ event: 'ping', verdict: 'ok' });
		await expect
			.poll(async () => (await page.reload(), page.getByRole('cell', { name: /Delivered, answered 204/ }).count()), { timeout: 10_000 })
			.toBe(1);
		await expectNoAxeViolations(page);
	});
});
