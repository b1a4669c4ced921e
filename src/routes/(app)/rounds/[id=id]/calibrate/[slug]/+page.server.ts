import { fail, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { optionalText, parseForm, settingVersion } from '#lib/server/forms/index.ts';
import { calibrationState } from '#lib/server/queries/calibration.ts';
import { castVote, leadStep, startCalibration, type LeadStep } from '#lib/server/queries/calibration-steps.ts';
import { calibrationAccess, refusalMessage } from '#lib/server/views/calibration.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { user, pair, lead } = await calibrationAccess(event);
	return { ...pair, lead, state: await calibrationState(pair, user.id, can(user, 'seeRespondents')) };
};

const level = z.coerce
	.number({ error: 'Choose a level from 0 to 5.' })
	.int('Choose a level from 0 to 5.')
	.min(0, 'Choose a level from 0 to 5.')
	.max(5, 'Choose a level from 0 to 5.');

const outcome = (result: { done: true } | { refused: string }) =>
	'refused' in result ? fail(409, { errors: { form: refusalMessage(result.refused) }, values: {} }) : { done: true };

/** A lead's step against the session version the page showed. */
async function step(event: RequestEvent, read: (form: FormData) => { data?: LeadStep; failure?: ReturnType<typeof fail> }) {
	requireCapability(event, 'manageRounds');
	const { user, pair } = await calibrationAccess(event as never);
	const form = await event.request.formData();
	const at = parseForm(z.object({ session: settingVersion, version: settingVersion }), form);
	if (at.failure) return at.failure;
	const parsed = read(form);
	if (parsed.failure) return parsed.failure;
	return outcome(await leadStep(user.id, pair, { sessionId: at.data.session, version: at.data.version }, parsed.data!));
}

const simple = (kind: 'reveal' | 'revote' | 'skip' | 'end') => (event: RequestEvent) => step(event, () => ({ data: { kind } }));

export const actions: Actions = {
	start: async (event) => {
		requireCapability(event, 'manageRounds');
		const { user, pair } = await calibrationAccess(event);
		return outcome(await startCalibration(user.id, pair));
	},
	vote: async (event) => {
		const { user, pair } = await calibrationAccess(event);
		const { data, failure } = parseForm(
			z.object({ session: settingVersion, vector: z.string().max(100), score: level }),
			await event.request.formData()
		);
		if (failure) return failure;
		return outcome(await castVote(user.id, pair, data.session, data.vector, data.score));
	},
	reveal: simple('reveal'),
	revote: simple('revote'),
	skip: simple('skip'),
	end: simple('end'),
	agree: (event) =>
		step(event, (form) => {
			const { data, failure } = parseForm(z.object({ level, note: optionalText('Note', 1000, { multiline: true }) }), form);
			return failure ? { failure } : { data: { kind: 'agree', level: data.level, note: data.note } };
		})
};
