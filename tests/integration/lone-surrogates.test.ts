import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { db } from '../../src/lib/server/db';
import { answer, auditLog, remediationItem, round, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { planTechnologyImport } from '../../src/lib/server/views/technology-import';
import * as lens from '../../src/routes/(app)/admin/framework/lens/+page.server';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';
import { api, tokenFor, type ApiAnswer } from '../helpers/api-client';

useTestDatabase();

/** Half of a surrogate pair, as JSON writes it: `JSON.stringify` sends `"\ud800"`, which JSON.parse reads back as the lone half. */
const HALF = '\ud800';
const VECTOR = AGILE_OPERATIONS_V1.vectors[0].key;
let lead: SessionUser, member: SessionUser, admin: SessionUser;
let leadWrite: string, memberWrite: string;
let slug: string, techId: number, openRoundId: number;

beforeAll(async () => {
	const team = await createTeamRow('Surrogates');
	[lead, member, admin] = [
		await createUserRow('lead'),
		await createUserRow('member', { teamIds: [team.id] }),
		await createUserRow('admin')
	];
	[leadWrite, memberWrite] = [await tokenFor(lead, 'write'), await tokenFor(member, 'write')];
	const tech = await createTechnologyRow('Surrogate Kafka', team.id);
	[slug, techId] = [tech.slug, tech.id];
	openRoundId = (await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }])).id;
});

/** A 400 problem+json that names `field` and says the text is not text. */
function refusedNaming(out: ApiAnswer, field: string) {
	expect(out.status, JSON.stringify(out.body)).toBe(400);
	expect(out.headers.get('content-type')).toBe('application/problem+json');
	expect(out.body.errors).toContainEqual({ field, message: expect.stringContaining('not valid text') });
}

const audits = async () => (await db().select({ id: auditLog.id }).from(auditLog)).length;

describe('a lone UTF-16 surrogate in a JSON body is refused, naming the field, and nothing is stored', () => {
	it('POST /api/v1/technologies', async () => {
		const before = await audits();
		refusedNaming(await api('POST', '/api/v1/technologies', { token: leadWrite, json: { name: `Ghost${HALF}`, category: 'x' } }), 'name');
		refusedNaming(
			await api('POST', '/api/v1/technologies', {
				token: leadWrite,
				json: { name: 'Ghost', category: 'x', links: { docs: `https://x.example/${HALF}` } }
			}),
			'links.docs'
		);
		expect(await db().select().from(technology).where(eq(technology.category, 'x'))).toEqual([]);
		expect(await audits()).toBe(before);
	});

	it('PATCH /api/v1/technologies/{slug}', async () => {
		const read = await api('GET', `/api/v1/technologies/${slug}`, { token: leadWrite });
		const patch = (json: unknown) =>
			api('PATCH', `/api/v1/technologies/${slug}`, { token: leadWrite, json, headers: { 'if-match': read.headers.get('etag')! } });
		refusedNaming(await patch({ name: HALF }), 'name');
		refusedNaming(await patch({ description: `line one\n\udc00` }), 'description');
		const [stored] = await db().select().from(technology).where(eq(technology.id, techId));
		expect(stored).toMatchObject({ name: 'Surrogate Kafka', version: read.body.version });
	});

	it('POST /api/v1/rounds, which stored U+FFFD instead', async () => {
		refusedNaming(await api('POST', '/api/v1/rounds', { token: leadWrite, json: { name: `Q1 ${HALF}` } }), 'name');
		expect((await db().select({ name: round.name }).from(round)).map((r) => r.name)).not.toContain('Q1 \ufffd');
	});

	it('PUT …/response and POST …/response/submit', async () => {
		const path = `/api/v1/rounds/${openRoundId}/technologies/${slug}/response`;
		const answers = { [VECTOR]: { score: 3, comment: `fine ${HALF}` } };
		refusedNaming(await api('PUT', path, { token: memberWrite, json: { version: 0, answers } }), `answers.${VECTOR}.comment`);
		refusedNaming(await api('POST', `${path}/submit`, { token: memberWrite, json: { version: 0, answers } }), `answers.${VECTOR}.comment`);
		// A key is text too.
		const key = await api('PUT', path, { token: memberWrite, json: { version: 0, answers: { [`x${HALF}`]: { score: 1 } } } });
		refusedNaming(key, 'answers.x\ufffd');
		expect(await db().select().from(answer)).toEqual([]);
		expect((await api('GET', path, { token: memberWrite })).body).toMatchObject({ version: 0, answers: {} });
	});

	it('PATCH /api/v1/backlog/{id}', async () => {
		const closing = (await createRoundRow('open', [{ technologyId: techId, userIds: [lead.id] }])).id;
		await submitResponseRow(closing, techId, lead.id, () => 1);
		expect((await api('POST', `/api/v1/rounds/${closing}/close`, { token: leadWrite })).status).toBe(200);
		const [item] = (await api('GET', `/api/v1/backlog?technology=${slug}&limit=1`, { token: leadWrite })).body.items;
		const etag = (await api('GET', `/api/v1/backlog/${item.id}`, { token: leadWrite })).headers.get('etag')!;
		const patch = (json: unknown) => api('PATCH', `/api/v1/backlog/${item.id}`, { token: leadWrite, json, headers: { 'if-match': etag } });
		refusedNaming(await patch({ title: `As ops ${HALF}` }), 'title');
		refusedNaming(await patch({ ticketUrl: `https://jira.example/${HALF}` }), 'ticketUrl');
		const [stored] = await db().select().from(remediationItem).where(eq(remediationItem.id, item.id));
		expect(stored).toMatchObject({ title: item.title, version: item.version });
	});
});

describe('the same rule on the other paths text comes in by', () => {
	it('a custom lens (JSON file): refused naming the field, no framework version made', async () => {
		const raw = JSON.stringify({ schemaVersion: '2021-11-01', name: `Lens ${HALF}`, pillars: [] });
		const out = await run(lens.actions.default, fakeEvent({ user: admin, form: { lens: raw }, url: '/admin/framework/lens' }));
		expect(out).toMatchObject({ kind: 'failure', status: 400 });
		expect(out.kind === 'failure' && (out.data as unknown as { problems: unknown[] }).problems).toEqual([
			{ field: 'name', message: expect.stringContaining('not valid text') }
		]);
	});

	it('a Backstage catalog (YAML escapes): the row is refused with its field', async () => {
		const yaml = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ghost\n  title: "Ghost \\ud800"\nspec:\n  type: service\n  owner: nobody\n`;
		const plan = await planTechnologyImport(yaml);
		const messages = JSON.stringify(plan);
		expect(messages).toContain('not valid text');
		expect(plan.lines?.every((l) => l.action === 'error') ?? true).toBe(true);
	});
});
