import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/lib/domain/roles';
import { SCOPES, mayHoldScope } from '../../src/lib/domain/api-scopes';
import { useTestDatabase } from '../helpers/db';
import { createUserRow } from '../helpers/factories';
import { api, tokenFor } from '../helpers/api-client';

useTestDatabase();

// Who reaches which operation: the pages' policy, capped by the token's scope; and methods an operation does not have.
describe('token scopes × roles', () => {
	// What each capability needs, the same table the pages use: the scope caps the role.
	const CASES: { what: string; call: (token: string) => ReturnType<typeof api>; needs: Role }[] = [
		{ what: 'list technologies', call: (t) => api('GET', '/api/v1/technologies?limit=1', { token: t }), needs: 'viewer' },
		{
			what: 'create a technology',
			call: (t) => api('POST', '/api/v1/technologies', { token: t, json: { name: '', category: '' } }),
			needs: 'lead'
		},
		{ what: 'create a round', call: (t) => api('POST', '/api/v1/rounds', { token: t, json: { name: '' } }), needs: 'lead' },
		{
			what: 'save answers',
			call: (t) => api('PUT', '/api/v1/rounds/999999/technologies/kafka/response', { token: t, json: {} }),
			needs: 'member'
		},
		{
			what: 'download raw scores',
			call: (t) => api('GET', '/api/v1/rounds/999999/files/scores.csv', { token: t }),
			needs: 'lead'
		}
	];
	const RANK: Role[] = ['viewer', 'member', 'lead', 'admin'];

	it('allows exactly what the owner’s role allows within the token’s scope', async () => {
		for (const role of RANK) {
			const owner = await createUserRow(role);
			for (const scope of SCOPES.filter((s) => mayHoldScope(role, s))) {
				const token = await tokenFor(owner, scope);
				const acting = scope === 'read' ? 'viewer' : scope === 'write' && role === 'admin' ? 'lead' : role;
				for (const c of CASES) {
					const out = await c.call(token);
					const allowed = RANK.indexOf(acting) >= RANK.indexOf(c.needs);
					// Allowed calls get past the guard to their own refusal (400 or 404 here), never 403.
					expect(out.status === 403, `${role} with a ${scope} token: ${c.what} → ${out.status}`).toBe(!allowed);
				}
			}
		}
	});
});

describe('methods', () => {
	it('a method a path does not have is 405 problem+json naming those it has', async () => {
		const out = await api('DELETE', '/api/v1/technologies/kafka', { token: await tokenFor(await createUserRow('lead'), 'write') });
		expect(out).toMatchObject({ status: 405, body: { title: 'Method Not Allowed' } });
		expect(out.headers.get('allow')).toBe('GET, PATCH');
		expect(out.headers.get('content-type')).toBe('application/problem+json');
	});
});
