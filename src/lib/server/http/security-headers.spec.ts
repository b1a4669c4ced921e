import { describe, expect, it } from 'vitest';
import { securityHeaders as handle } from './security-headers';
import { fakeCookies } from '../../../../tests/helpers/event';

const visit = (href: string) => {
	const url = new URL(href);
	const event = { url, request: new Request(url), cookies: fakeCookies(), locals: {}, getClientAddress: () => '127.0.0.1' };
	return handle({ event: event as never, resolve: async () => new Response('page') });
};

describe('security headers', () => {
	it('sends HSTS when served over https, and not over plain http', async () => {
		expect((await visit('https://maturity.example.com/login')).headers.get('strict-transport-security')).toBe(
			'max-age=31536000; includeSubDomains'
		);
		const plain = await visit('http://127.0.0.1:3000/login');
		expect(plain.headers.get('strict-transport-security')).toBeNull();
		expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
	});
});
