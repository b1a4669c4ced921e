import { REMINDER_DAYS, type ReminderDays } from '#lib/domain/mail-kinds.ts';
import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, guardedWrite, id, idList, optionalDate, parseForm, parseId, queryFilter, text } from '#lib/server/forms/index.ts';
import { getRoundWithProgress, ROUND_NAME_TAKEN, updateRound, type RoundChange } from '#lib/server/queries/rounds.ts';
import {
	addRespondent,
	addTechnologies,
	assignablePeople,
	removeRespondents,
	removeTechnology,
	roundScope,
	SCOPE_PAGE_SIZE,
	technologiesOutsideRound
} from '#lib/server/queries/round-scope.ts';
import { changeRoundState, regenerateRoundBacklog, unsubmittedResponses } from '#lib/server/queries/round-state.ts';
import { roundOpenedAudience } from '#lib/server/queries/mail-occasions.ts';
import { smtpConfigured } from '#lib/server/mail/config.ts';
import { ratingsDue } from '#lib/server/views/due.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const roundId = (event: { params: { id: string } }) => parseId(event.params.id) ?? error(404, 'No such round.');

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const r = await getRoundWithProgress(roundId(event));
	if (!r) error(404, 'No such round.');
	const query = z
		.object({
			page: queryFilter.page,
			q: queryFilter.text(80),
			waiting: z.literal('1').optional().catch(undefined)
		})
		.parse(Object.fromEntries(event.url.searchParams));
	const scopeQuery = { page: query.page, search: query.q?.trim() ?? '', waiting: query.waiting === '1' };
	const canManage = can(user, 'manageRounds') && r.state !== 'closed';
	// Closing is a two-step action (a plain link, so it works without JavaScript): first see what will not count.
	const confirmClose = canManage && r.state === 'open' && event.url.searchParams.get('confirm') === 'close';
	const [scope, outside, people, unsubmitted] = await Promise.all([
		roundScope(r.id, scopeQuery),
		canManage
			? Promise.all([technologiesOutsideRound(r.id), ratingsDue()]).then(([list, due]) =>
					list.map((t) => ({ ...t, due: !!due.get(t.id)?.isDue }))
				)
			: [],
		canManage ? assignablePeople() : [],
		confirmClose ? unsubmittedResponses(r.id) : null
	]);
	// Who was asked is for those who may see respondents; everyone else sees counts, and their own row.
	const seeRespondents = can(user, 'seeRespondents');
	return {
		round: r,
		scope: scope.technologies.map((t) => ({
			...t,
			asked: t.respondents.length,
			respondents: seeRespondents ? t.respondents : t.respondents.filter((p) => p.userId === user.id)
		})),
		seeRespondents,
		canScore: can(user, 'score'),
		query: { ...scopeQuery, page: scope.page, pages: Math.max(1, Math.ceil(scope.matching / SCOPE_PAGE_SIZE)), matching: scope.matching },
		outside,
		people,
		canManage,
		canReopen: can(user, 'administer') && r.state === 'closed',
		seeOutbox: can(user, 'administer'),
		unsubmitted,
		canDownloadData: can(user, 'downloadData'),
		userId: user.id
	};
};

const MESSAGES: Record<Exclude<RoundChange, 'ok'> | 'not-assignable', string> = {
	'not-found': 'That is no longer part of this round.',
	closed: 'This round is closed; nothing in it can change.',
	'not-draft': 'Once a round is open, technologies can be added but not removed.',
	'not-assignable': 'Only active people who are not viewers can be asked to score.'
};

/** Every management action: the manage-rounds capability, a valid form, then the change itself. */
function manage<S extends z.ZodType>(
	schema: S,
	change: (actorId: number, roundId: number, data: z.output<S>) => Promise<string>,
	refusals: Parameters<typeof guardedWrite>[2] = {}
) {
	return async (event: RequestEvent) => {
		const user = requireCapability(event, 'manageRounds');
		const form = await event.request.formData();
		const { data, failure } = parseForm(schema, form);
		if (failure) return failure;
		const { value: result, failure: refused } = await guardedWrite(form, () => change(user.id, roundId(event), data), refusals);
		if (refused) return refused;
		if (result !== 'ok') return formFailure(409, MESSAGES[result as keyof typeof MESSAGES] ?? result);
		return { done: true };
	};
}

const OPEN_REFUSALS = {
	empty: 'Add at least one technology before opening the round.',
	'wrong-state': 'Only a draft round can be opened.'
};

const techAndUser = z.object({ technologyId: id('Technology'), userId: id('Person') });

export const actions: Actions = {
	details: manage(
		z.object({
			name: text('Name', 80),
			dueDate: optionalDate,
			reminderDays: z
				.enum(['off', ...REMINDER_DAYS.map(String)], { error: 'Choose when to remind people.' })
				.transform((v) => (v === 'off' ? null : (Number(v) as ReminderDays)))
				// A form without the field (an older page) leaves the setting as it is.
				.optional()
		}),
		(actor, rid, d) => updateRound(actor, rid, d),
		ROUND_NAME_TAKEN
	),
	// Ticked technologies, and a whole group from a "Select" button pressed without JavaScript.
	addTechnologies: manage(
		z
			.object({
				technologyIds: idList('Technology'),
				all: z.literal('1', { error: 'Choose technologies from the list.' }).optional(),
				due: z.literal('1', { error: 'Choose technologies from the list.' }).optional(),
				team: id('Team').optional(),
				category: text('Category', 50).optional()
			})
			.refine((d) => d.technologyIds.length > 0 || d.all || d.due || d.team || d.category, {
				message: 'Choose at least one technology.',
				path: ['technologyIds']
			}),
		async (actor, rid, d) => {
			// Everything due: never rated, or past its cadence, as of now.
			const due = d.due ? [...(await ratingsDue()).values()].filter((t) => t.isDue).map((t) => t.id) : [];
			return addTechnologies(actor, rid, [...d.technologyIds, ...due], { all: !!d.all, teamId: d.team, category: d.category });
		}
	),
	removeTechnology: manage(z.object({ technologyId: id('Technology') }), (actor, rid, d) => removeTechnology(actor, rid, d.technologyId)),
	addRespondent: manage(techAndUser, (actor, rid, d) => addRespondent(actor, rid, d.technologyId, d.userId)),
	removeRespondent: manage(
		z.object({ technologyId: id('Technology'), userId: idList('Person').refine((l) => l.length > 0, 'Tick the people to remove.') }),
		(actor, rid, d) => removeRespondents(actor, rid, d.technologyId, d.userId)
	),
	// Opening emails everyone asked to score, so the first request only says how many; the
	// confirmation it shows posts again with confirm=1. Both steps work without JavaScript.
	open: async (event: RequestEvent) => {
		const user = requireCapability(event, 'manageRounds');
		const rid = roundId(event);
		const { data, failure } = parseForm(z.object({ confirm: z.literal('1').optional().catch(undefined) }), await event.request.formData());
		if (failure) return failure;
		const before = await roundOpenedAudience(rid);
		if (!before) error(404, 'No such round.');
		if (before.state !== 'draft') return formFailure(409, OPEN_REFUSALS['wrong-state']);
		if (before.technologies === 0) return formFailure(409, OPEN_REFUSALS.empty);
		if (!data.confirm) return { confirmOpen: { toEmail: before.toEmail, optedOut: before.optedOut, held: !smtpConfigured() } };
		const outcome = await changeRoundState(user.id, rid, 'open');
		if (outcome === 'not-found') error(404, 'No such round.');
		if (outcome !== 'ok') return formFailure(409, OPEN_REFUSALS[outcome === 'empty' ? 'empty' : 'wrong-state']);
		const after = (await roundOpenedAudience(rid))!;
		return { opened: { emailed: after.recorded - after.held, held: after.held, optedOut: after.optedOut } };
	},
	regenerate: async (event: RequestEvent) => {
		const user = requireCapability(event, 'manageRounds');
		const counts = await regenerateRoundBacklog(user.id, roundId(event));
		if (counts === 'not-found') error(404, 'No such round.');
		if (counts === 'not-open')
			return formFailure(409, 'Only an open round’s backlog can be regenerated; a closed round’s was settled when it closed.');
		return { regenerated: counts };
	},
	close: manage(
		z.object({ confirm: z.literal('yes', { error: 'Review who has not submitted, then confirm closing the round.' }) }),
		async (actor, rid) => {
			const r = await changeRoundState(actor, rid, 'closed');
			return r === 'wrong-state' ? 'Only an open round can be closed.' : r;
		}
	),
	reopen: async (event: RequestEvent) => {
		const user = requireCapability(event, 'administer');
		const { data, failure } = parseForm(z.object({ reason: text('Reason', 500) }), await event.request.formData());
		if (failure) return failure;
		const r = await changeRoundState(user.id, roundId(event), 'reopen', data.reason);
		if (r === 'not-found') error(404, 'No such round.');
		if (r === 'newer-closed') return formFailure(409, 'A newer round has closed since; only the newest closed round can be reopened.');
		if (r !== 'ok') return formFailure(409, 'Only a closed round can be reopened.');
		return { reopened: true };
	}
};
