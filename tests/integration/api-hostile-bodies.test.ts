import { beforeAll, describe, expect, it } from 'vitest';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { db } from '../../src/lib/server/db';
import { auditLog } from '../../src/lib/server/db/schema';
import { changeRoundState } from '../../src/lib/server/queries/round-state';
import { useTestDatabase } from '../helpers/db';
import { createRoundRow, createTechnologyRow, submitResponseRow } from '../helpers/factories';
import { api } from '../helpers/api-client';
import { createApiPeople } from '../helpers/api-people';

// Hostile JSON bodies to every write of the API: never a 5xx, nothing changed. The contract check in
// api-writes.test.ts counts none of these calls: every operation they reach, its journeys reach too.

useTestDatabase();

const VECTORS = AGILE_OPERATIONS_V1.vectors.map((v) => v.key);
let leadWrite: string, leadRead: string, memberWrite: string;

/** A real target for every write, as the journeys of api-writes.test.ts leave one: Kafka, a closed round that scoped it, a backlog item. */
beforeAll(async () => {
	const people = await createApiPeople();
	({ leadWrite, leadRead, memberWrite } = people);
	const kafka = await createTechnologyRow('Kafka', people.teamId);
	const round = await createRoundRow('open', [{ technologyId: kafka.id, userIds: [people.member.id] }]);
	await submitResponseRow(round.id, kafka.id, people.member.id, () => 1);
	expect(await changeRoundState(people.lead.id, round.id, 'closed')).toBe('ok');
});

describe('hostile bodies', () => {
	const BODIES: unknown[] = [
		null,
		0,
		'x',
		[],
		{},
		{ __proto__: { admin: true } },
		JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"x": 1}}}'),
		{ name: '\u0000', category: '\u202e', slug: '../../etc', items: [{}], technologies: [null], version: -1, answers: { x: null } },
		{ name: 'a'.repeat(10_000), version: 2 ** 53, answers: { [VECTORS[0]]: { score: 1e308, comment: 1 } }, items: 'x', technologies: {} },
		{
			status: 'done',
			assignee: '1',
			size: 4,
			ticketUrl: 'file:///etc/passwd',
			title: ['x'],
			targetLevel: '3',
			team: -1,
			dueDate: '2027-13-01'
		}
	];

	it('never get a 5xx, and never change anything', async () => {
		const [item] = (await api('GET', '/api/v1/backlog?includeMet=true&limit=1', { token: leadWrite })).body.items;
		const rounds = (await api('GET', '/api/v1/rounds', { token: leadRead })).body.items;
		const writes: [string, string][] = [
			['POST', '/api/v1/technologies'],
			['PATCH', '/api/v1/technologies'],
			['PATCH', '/api/v1/technologies/kafka'],
			['POST', '/api/v1/rounds'],
			['POST', `/api/v1/rounds/${rounds[0].id}/technologies`],
			['PUT', `/api/v1/rounds/${rounds[0].id}/technologies/kafka/response`],
			['POST', `/api/v1/rounds/${rounds[0].id}/technologies/kafka/response/submit`],
			['PATCH', `/api/v1/backlog/${item.id}`],
			['PUT', '/api/v1/technologies/kafka/signals/incidents-90d'],
			['PUT', '/api/v1/technologies/kafka/end-of-life'],
			['POST', '/api/v1/signals/alertmanager']
		];
		const before = await db().select().from(auditLog);
		for (const [method, path] of writes)
			for (const json of BODIES)
				for (const headers of [{ 'if-match': '*' }, {}] as Record<string, string>[]) {
					const out = await api(method, path, {
						token: path.endsWith('/response') || path.endsWith('submit') ? memberWrite : leadWrite,
						json,
						headers
					});
					// An empty patch is allowed, and changes nothing (checked below by the audit log).
					const allowed = out.status < 300 && method === 'PATCH' && JSON.stringify(json) === '{}';
					expect(out.status, `${method} ${path} ${JSON.stringify(json)}`).toBeLessThan(500);
					if (!allowed) expect(out.status, `${method} ${path} ${JSON.stringify(json)}`).toBeGreaterThanOrEqual(400);
				}
		expect(await db().select().from(auditLog)).toHaveLength(before.length);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});
