import http from 'node:http';
import https from 'node:https';
import { guardedLookup, urlProblem, withDeadline } from './target';

const TIMEOUT_MS = 10_000;

/**
 * One GET of a small text document the server fetches for itself (end-of-life data), under the same
 * guard as webhooks: no private address unless the admin allowed them, no redirect followed, a
 * deadline, and at most `maxBytes` read. Resolves to the text, or to why there is none.
 */
export function getText(url: string, allowPrivate: boolean, maxBytes = 1_000_000): Promise<{ text: string } | { error: string }> {
	const refused = urlProblem(url, allowPrivate);
	if (refused) return Promise.resolve({ error: `refused: ${refused}` });
	return new Promise((resolve) => {
		const target = new URL(url);
		const client = target.protocol === 'https:' ? https : http;
		const request = client.get(
			target,
			{ headers: { accept: 'application/json', 'user-agent': 'Opsmaturity/1' }, lookup: guardedLookup(allowPrivate), timeout: TIMEOUT_MS },
			(response) => {
				if (response.statusCode !== 200) {
					response.destroy();
					return resolve({ error: `answered ${response.statusCode}` });
				}
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > maxBytes) {
						response.destroy();
						return resolve({ error: `larger than ${maxBytes.toLocaleString('en')} bytes` });
					}
					chunks.push(chunk);
				});
				response.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8') }));
				response.on('error', (error) => resolve({ error: error.message }));
			}
		);
		withDeadline(request, TIMEOUT_MS, (error) => resolve({ error }));
	});
}
