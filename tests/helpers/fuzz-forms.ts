import { and, eq, sql } from 'drizzle-orm';
import { env } from '#lib/server/env.ts';
import { RINGS } from '../../src/lib/domain/tech-radar';
import { db } from '../../src/lib/server/db';
import {
	apiToken,
	assignment,
	mailMessage,
	publishedRadar,
	remediationItem,
	response,
	roundTechnology,
	setting,
	technology,
	webhook
} from '../../src/lib/server/db/schema';
import { getAlertSetting, getAnonymity, getCadenceSetting, getSsoConfig, getWebhookPolicy } from '../../src/lib/server/queries/settings';
import { getSignalKind } from '../../src/lib/server/queries/signals';
import { getFramework } from '../../src/lib/server/queries/framework';
import { frameworkToLens } from '../../src/lib/domain/aws-lens';
import { createInvitation } from '../../src/lib/server/queries/users';
import { createPublishedRadar } from '../../src/lib/server/queries/published-radar';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { createRoundRow, createTeamRow, createTechnologyRow, TEST_PASSWORD } from './factories';
import { fx } from './fuzz-fixtures';
import { answers, importCsv, kindForm, next, password, technologyForm, VECTOR_KEYS, type Fields } from './fuzz-form-builders';
import { disagreeingTech, fuzzInitiative, fuzzWebhook, initiativeForm, sessionAt, sessionStep } from './fuzz-rows';

// The valid forms the fuzz suite (tests/deep/fuzz-actions.test.ts) starts from, built from fuzz-form-builders.ts; what they name is in fuzz-fixtures.ts.

/** What one request needs: its form, and where the defaults will not do, its path parameters and user. */
export type Prepared = { form: Fields; params?: Record<string, string>; query?: string; user?: SessionUser | null };

export const freshTech = async (name: string) => createTechnologyRow(`${name} ${next()}`, fx.team.id);

/** The assessment `admin` answers in `round`, put in the given state; its version is what the next save must name. */
export async function answerIn(state: 'draft' | 'submitted') {
	const key = { roundId: fx.round.id, technologyId: fx.tech.id, userId: fx.admin.id };
	await db()
		.insert(response)
		.values({ ...key, state })
		.onConflictDoUpdate({ target: [response.roundId, response.technologyId, response.userId], set: { state } });
	const [row] = await db()
		.select({ version: response.version })
		.from(response)
		.where(and(eq(response.roundId, key.roundId), eq(response.technologyId, key.technologyId), eq(response.userId, key.userId)));
	return String(row.version);
}

/** Every password check starts with a clean slate, so the limiter does not stop the fuzzing at the tenth. */
export const clearLimiter = () => db().execute(sql`delete from login_failure`);

/**
 * A valid form per action, built afresh for every request: names are unique, versions are read
 * from the database and whatever the action consumes (a team to delete, a round to close, an
 * invitation) is made anew. So a hostile value in one field gets past all the others and reaches
 * the deepest check, the write included. Field-less actions have an empty form.
 */
export const BASELINES: Record<string, (n: number) => Promise<Prepared>> = {
	'(app)/account ?/password': async () => {
		await clearLimiter();
		return { user: fx.pwUser, form: { current: TEST_PASSWORD, ...password } };
	},
	'(app)/account ?/mail': async () => ({ user: fx.pwUser, form: { wanted: ['round_opened', 'digest'] } }),
	'(app)/account/tokens ?/create': async (n) => ({ user: fx.pwUser, form: { name: `Fuzz token ${n}`, scope: 'read', days: '30' } }),
	'(app)/account/tokens ?/revoke': async (n) => {
		const [row] = await db()
			.insert(apiToken)
			.values({
				userId: fx.pwUser.id,
				name: `Fuzz doomed ${n}`,
				scope: 'read',
				tokenHash: `fuzz-${n}-${Math.random()}`,
				prefix: 'fuzz',
				expiresAt: new Date(Date.now() + 86_400_000)
			})
			.returning({ id: apiToken.id });
		return { user: fx.pwUser, form: { tokenId: String(row.id) } };
	},
	'(app)/admin/outbox ?/retry': async (n) => {
		// Sending again needs a mail server to send to; nothing listens here, and no queue runs in tests.
		env.SMTP_URL = 'smtp://127.0.0.1:9';
		const [row] = await db()
			.insert(mailMessage)
			.values({
				dedupeKey: `fuzz:${n}`,
				kind: 'digest',
				recipientEmail: 'fuzz@example.com',
				subject: 'S',
				textBody: 'T',
				htmlBody: 'H',
				status: 'failed'
			})
			.returning({ id: mailMessage.id });
		return { form: { messageId: String(row.id) } };
	},
	'(app)/admin/webhooks ?/create': async (n) => {
		// At most 20 webhooks: each valid variant may add one.
		await db().delete(webhook);
		return { form: { url: `https://hooks.example.com/fuzz/${n}`, events: ['round.opened', 'backlog.item.changed'] } };
	},
	'(app)/admin/published-radar ?/create': async (n) => {
		// At most 20 live addresses: each valid variant may add one.
		await db().delete(publishedRadar);
		return { form: { name: `Fuzz radar ${n}` } };
	},
	'(app)/admin/published-radar ?/revoke': async (n) => {
		// Refused variants leave theirs live: start from none, so the limit never refuses this one.
		await db().delete(publishedRadar);
		return { form: { addressId: String((await createPublishedRadar(fx.admin.id, `Fuzz doomed radar ${n}`))!.id) } };
	},
	'(app)/admin/webhooks ?/delete': async (n) => ({ form: { webhookId: String(await fuzzWebhook(n)) } }),
	'(app)/admin/webhooks ?/ping': async (n) => ({ form: { webhookId: String(await fuzzWebhook(n)) } }),
	'(app)/admin/webhooks ?/secret': async (n) => ({ form: { webhookId: String(await fuzzWebhook(n)) } }),
	'(app)/admin/webhooks ?/policy': async () => ({
		form: { version: String((await getWebhookPolicy()).version), allowPrivateTargets: 'on' }
	}),
	'(app)/admin/framework/lens ?/default': async () => ({ form: { lens: JSON.stringify(frameworkToLens(await getFramework())) } }),
	'(app)/admin/signals ?/createKind': async (n) => ({ form: { key: `fuzz-kind-${n}`, ...kindForm(n) } }),
	'(app)/admin/signals ?/saveKind': async (n) => {
		const kind = (await getSignalKind('incidents-90d'))!;
		return { form: { id: String(kind.id), version: String(kind.version), ...kindForm(n) } };
	},
	'(app)/admin/signals ?/saveAlertLabel': async (n) => ({
		form: { version: String((await getAlertSetting()).version), label: `technology_${n % 3}` }
	}),
	'(app)/admin/signals ?/saveCadence': async (n) => ({
		form: { version: String((await getCadenceSetting()).version), defaultDays: String(90 + (n % 90)) }
	}),
	'(app)/technologies/[slug] ?/endOfLife': async (n) => {
		const tech = await freshTech('Fuzz end of life');
		await db().update(technology).set({ runningVersion: '3.6.1' }).where(eq(technology.id, tech.id));
		return {
			params: { slug: tech.slug },
			form: { file: JSON.stringify([{ cycle: '3.6', eol: `20${30 + (n % 60)}-01-31`, latest: '3.6.2' }]) }
		};
	},
	'(app)/technologies/import/facts ?/default': async (n) => ({
		form: { file: `technology,kind,value,date,observed_at,detail\n${fx.tech.slug},incidents-90d,${n % 20},,,fuzz ${n}\n` }
	}),
	'(app)/admin/anonymity ?/save': async (n) => ({
		form: { version: String((await getAnonymity()).version), threshold: String(1 + (n % 5)) }
	}),
	'(app)/admin/sso ?/save': async (n) => ({
		form: {
			version: String((await getSsoConfig()).version),
			groupsClaim: 'groups',
			defaultRole: 'viewer',
			'group.0': `ops-${n}`,
			'role.0': 'lead',
			'team.0': String(fx.team.id)
		}
	}),
	'(app)/admin/demo ?/remove': async (n) => {
		const team = await createTeamRow(`Fuzz demo ${n}`);
		const record = { passwordHash: 'not a hash', userIds: [], teamIds: [team.id], technologyIds: [], roundIds: [] };
		await db()
			.insert(setting)
			.values({ key: 'demo-data', value: sql`${JSON.stringify(record)}::jsonb` })
			.onConflictDoUpdate({ target: setting.key, set: { value: sql`excluded.value` } });
		return { form: { confirm: 'yes' } };
	},
	'(app)/admin/framework ?/default': async (n) => ({ form: { ...fx.framework, name: `Fuzz framework ${n}`, note: 'Fuzzed' } }),
	'(app)/admin/teams ?/create': async (n) => ({ form: { name: `Fuzz team ${n}` } }),
	'(app)/admin/teams ?/rename': async (n) => ({ form: { teamId: String(fx.renamedTeam.id), name: `Fuzz team renamed ${n}` } }),
	'(app)/admin/teams ?/delete': async (n) => ({ form: { teamId: String((await createTeamRow(`Fuzz doomed team ${n}`)).id) } }),
	'(app)/admin/users ?/invite': async (n) => ({ form: { email: `fuzz${n}@example.com`, role: 'member', teamIds: String(fx.team.id) } }),
	'(app)/admin/users ?/update': async () => ({
		form: { userId: String(fx.target.id), role: 'member', active: 'on', teamIds: String(fx.team.id) }
	}),
	'(app)/backlog ?/update': async () => {
		const [item] = await db().select({ v: remediationItem.version }).from(remediationItem).where(eq(remediationItem.id, fx.itemId));
		return {
			form: {
				itemId: String(fx.itemId),
				version: String(item.v),
				title: 'T',
				status: 'open',
				size: '3',
				assigneeId: String(fx.member.id),
				ticketUrl: 'https://jira.example/X-1'
			}
		};
	},
	// Each starts from a technology of its own whose two respondents disagree, with a session at the step the action needs.
	'(app)/rounds/[id]/calibrate/[slug] ?/start': async (n) => ({ params: { slug: await disagreeingTech(n) }, form: {} }),
	'(app)/rounds/[id]/calibrate/[slug] ?/vote': async (n) => {
		const at = await sessionAt(n, 'voting');
		return { params: { slug: at.slug }, form: { session: String(at.session), vector: 'recoverability', score: '3' } };
	},
	'(app)/rounds/[id]/calibrate/[slug] ?/reveal': async (n) => sessionStep(await sessionAt(n, 'voting', true)),
	'(app)/rounds/[id]/calibrate/[slug] ?/revote': async (n) => sessionStep(await sessionAt(n, 'revealed')),
	'(app)/rounds/[id]/calibrate/[slug] ?/skip': async (n) => sessionStep(await sessionAt(n, 'voting')),
	'(app)/rounds/[id]/calibrate/[slug] ?/end': async (n) => sessionStep(await sessionAt(n, 'voting')),
	'(app)/rounds/[id]/calibrate/[slug] ?/agree': async (n) => {
		const step = sessionStep(await sessionAt(n, 'revealed'));
		return { ...step, form: { ...step.form, level: '3', note: 'Agreed after talking' } };
	},
	'(app)/initiatives ?/create': async (n) => ({ form: initiativeForm(n) }),
	'(app)/initiatives/[id] ?/update': async (n) => ({
		params: { id: String(await fuzzInitiative(n)) },
		form: { ...initiativeForm(n), version: '1' }
	}),
	'(app)/initiatives/[id] ?/delete': async (n) => ({
		params: { id: String(await fuzzInitiative(n)) },
		form: { version: '1', confirm: 'yes' }
	}),
	'(app)/portfolio/radar ?/config': async () => {
		const [row] = await db().select({ v: setting.version }).from(setting).where(eq(setting.key, 'tech-radar'));
		return {
			form: {
				version: String(row?.v ?? 0),
				...Object.fromEntries(['Data', 'Platforms', 'Delivery', 'Other'].map((q, i) => [`quadrant.${i}`, q])),
				...Object.fromEntries([0, 1, 2, 3, 4, 5].map((l) => [`ring.${l}`, RINGS[Math.max(0, 3 - Math.floor(l / 2))]])),
				'category.testing': '1'
			}
		};
	},
	'(app)/rounds ?/create': async (n) => ({ form: { name: `Fuzz round ${n}`, dueDate: '2027-01-31' } }),
	'(app)/rounds/[id] ?/details': async (n) => ({
		params: { id: String(fx.scopeRound.id) },
		form: { name: `Fuzz round renamed ${n}`, dueDate: '2027-02-28', reminderDays: '5' }
	}),
	'(app)/rounds/[id] ?/addTechnologies': async () => ({
		params: { id: String(fx.scopeRound.id) },
		form: { technologyIds: String(fx.tech.id) }
	}),
	'(app)/rounds/[id] ?/removeTechnology': async () => {
		await db().insert(roundTechnology).values({ roundId: fx.draftRound.id, technologyId: fx.tech.id }).onConflictDoNothing();
		return { params: { id: String(fx.draftRound.id) }, form: { technologyId: String(fx.tech.id) } };
	},
	'(app)/rounds/[id] ?/addRespondent': async () => ({
		params: { id: String(fx.scopeRound.id) },
		form: { technologyId: String(fx.tech.id), userId: String(fx.member.id) }
	}),
	'(app)/rounds/[id] ?/removeRespondent': async () => {
		await db()
			.insert(assignment)
			.values({ roundId: fx.scopeRound.id, technologyId: fx.tech.id, userId: fx.member.id })
			.onConflictDoNothing();
		return { params: { id: String(fx.scopeRound.id) }, form: { technologyId: String(fx.tech.id), userId: String(fx.member.id) } };
	},
	'(app)/rounds/[id] ?/open': async () => ({
		params: { id: String((await createRoundRow('draft', [{ technologyId: fx.tech.id, userIds: [] }])).id) },
		form: { confirm: '1' }
	}),
	'(app)/rounds/[id] ?/regenerate': async () => ({ params: { id: String(fx.scopeRound.id) }, form: {} }),
	'(app)/rounds/[id] ?/close': async () => ({
		params: { id: String((await createRoundRow('open', [{ technologyId: fx.tech.id, userIds: [] }])).id) },
		form: { confirm: 'yes' }
	}),
	// A round made closed now is the newest closed one, the only kind that reopens.
	'(app)/rounds/[id] ?/reopen': async () => ({
		params: { id: String((await createRoundRow('closed', [{ technologyId: fx.tech.id, userIds: [] }])).id) },
		form: { reason: 'a reason' }
	}),
	'(app)/rounds/[id]/assess/[slug] ?/save': async () => ({
		form: { version: await answerIn('draft'), vector: VECTOR_KEYS, ...answers() }
	}),
	'(app)/rounds/[id]/assess/[slug] ?/submit': async () => ({
		form: { version: await answerIn('draft'), vector: VECTOR_KEYS, ...answers() }
	}),
	'(app)/rounds/[id]/assess/[slug] ?/reopen': async () => ({ form: { version: await answerIn('submitted') } }),
	'(app)/technologies/[slug] ?/delete': async () => ({ params: { slug: (await freshTech('Fuzz doomed')).slug }, form: { confirm: 'yes' } }),
	'(app)/technologies/[slug] ?/retire': async () => ({ params: { slug: fx.retireTech.slug }, form: {} }),
	'(app)/technologies/[slug]/edit ?/default': async () => {
		// A hostile slug that is valid moves the technology: its current slug is the address.
		const [row] = await db()
			.select({ slug: technology.slug, v: technology.version })
			.from(technology)
			.where(eq(technology.id, fx.editTech.id));
		return {
			params: { slug: row.slug },
			form: { ...technologyForm(0), name: 'Fuzz edit target', slug: 'fuzz-edit-target', version: String(row.v) }
		};
	},
	'(app)/technologies/import ?/preview': async (n) => ({ form: { csv: importCsv(n) } }),
	'(app)/technologies/import ?/import': async (n) => ({ form: { csv: importCsv(n) } }),
	'(app)/technologies/new ?/default': async (n) => ({ form: technologyForm(n) }),
	'(auth)/invite/[token] ?/default': async (n) => ({
		user: null,
		params: { token: await createInvitation(fx.admin.id, { email: `invitee${n}@example.com`, role: 'member', teamIds: [] }) },
		form: { name: 'Invited', ...password }
	}),
	'(auth)/login ?/default': async () => {
		await clearLimiter();
		return { user: null, form: { email: fx.admin.email, password: TEST_PASSWORD, next: '/rounds' } };
	},
	'(auth)/logout ?/default': async () => ({ form: {} }),
	'(auth)/unsubscribe/[token] ?/default': async () => ({
		user: null,
		params: { token: fx.unsubscribeToken },
		query: '&kind=digest',
		form: {}
	}),
	// There are users already: a valid form reaches the first-admin insert, which declines, and signs in nobody.
	'(auth)/setup ?/default': async (n) => ({ user: null, form: { name: 'First', email: `first${n}@example.com`, ...password } })
};
