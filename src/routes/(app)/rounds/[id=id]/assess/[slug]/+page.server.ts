import { error, fail } from '@sveltejs/kit';
import { can, requireCapability, type Capability } from '#lib/server/auth/policy.ts';
import { parseAnswerForm } from '#lib/server/forms/answers.ts';
import { formFailure, parseId, parseVersion, type FieldErrors } from '#lib/server/forms/index.ts';
import { getFramework } from '#lib/server/queries/framework.ts';
import {
	getResponse,
	isAssigned,
	previousAnswers,
	reopenResponse,
	respondentsOf,
	submitResponse,
	type SaveOutcome
} from '#lib/server/queries/responses.ts';
import { choiceOf } from '#lib/domain/assessment.ts';
import { mayTellApart } from '#lib/domain/anonymity.ts';
import { storedResults } from '#lib/server/queries/stored-results.ts';
import { getAnonymity } from '#lib/server/queries/settings.ts';
import { nextAssessment } from '#lib/server/queries/my-assessments.ts';
import { isSlug } from '#lib/domain/catalog.ts';
import { saveDraft } from '#lib/server/queries/draft-save.ts';
import { pinnedFrameworkVersion, roundAndTechnology } from '#lib/server/queries/rounds.ts';
import { metrics } from '#lib/server/metrics.ts';
import { factsOf } from '#lib/server/queries/signals.ts';
import { factsByVector } from '#lib/domain/signals.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function context(event: RequestEvent | Parameters<PageServerLoad>[0], capability: Capability) {
	const user = requireCapability(event, capability);
	const roundId = parseId(event.params.id);
	const found = roundId && isSlug(event.params.slug) ? await roundAndTechnology(roundId, event.params.slug) : undefined;
	if (!found) error(404, 'No such assessment.');
	const { round, technology } = found;
	return { user, round, technology, key: { roundId: round.id, technologyId: technology.id, userId: user.id } };
}

export const load: PageServerLoad = async (event) => {
	const { user, round, technology, key } = await context(event, 'read');
	// An id PostgreSQL could not hold is nobody's.
	const requested = parseId(event.url.searchParams.get('user') ?? user.id) ?? -1;
	const seeRespondents = can(user, 'seeRespondents');
	if (requested !== user.id && !seeRespondents) error(403, 'You can only see your own answers.');
	const subject = { ...key, userId: requested };
	const assigned = await isAssigned(subject);
	if (!assigned && !seeRespondents) error(403, `You are not asked to score ${technology.name} in ${round.name}.`);
	const own = subject.userId === user.id;
	const [framework, response, respondents, previous, counted, facts] = await Promise.all([
		getFramework(round.frameworkVersionId),
		getResponse(subject),
		seeRespondents ? respondentsOf(round.id, technology.id) : Promise.resolve([]),
		// Only one's own earlier answers, and only while they can still be kept.
		own && assigned && round.state === 'open' ? previousAnswers(subject) : Promise.resolve(null),
		own ? Promise.resolve(null) : Promise.all([storedResults(round.id, [technology.id]), getAnonymity()]),
		factsOf([technology.id])
	]);
	// Someone else's comments follow the rule of every page and file (domain/anonymity): those who may
	// see names read them at any count, as the data files give them; one's own are always one's own.
	const commentsShown =
		!counted || mayTellApart(counted[0][0]?.submitted ?? 0, { seesNames: seeRespondents, threshold: counted[1].threshold });
	const answers = commentsShown
		? response.answers
		: Object.fromEntries(Object.entries(response.answers).map(([k, a]) => [k, { ...a, comment: '', evidenceUrl: '' }]));
	// Once this one is submitted, the next unfinished one is a key press away.
	const next = own && response.state === 'submitted' ? await nextAssessment(user.id, round.id) : null;
	return {
		round: { id: round.id, name: round.name, state: round.state, dueDate: round.dueDate },
		technology: { name: technology.name, slug: technology.slug, category: technology.category, description: technology.description },
		vectors: framework.vectors,
		// In view while people score; they never set a score.
		facts: factsByVector(facts.get(technology.id) ?? []),
		response: { state: response.state, version: response.version, answers, updatedAt: response.updatedAt },
		// Someone demoted to viewer keeps their assignment on record but can no longer write.
		editable: own && assigned && can(user, 'score') && round.state === 'open' && response.state === 'draft',
		canReopen: own && assigned && can(user, 'score') && round.state === 'open' && response.state === 'submitted',
		own,
		// A lead opening a technology they do not score themselves gets a respondent picker, not an empty form.
		spectator: own && !assigned,
		subjectName: own ? user.name : (respondents.find((p) => p.userId === subject.userId)?.name ?? 'Unknown'),
		respondents,
		next,
		previous: previous && {
			round: previous.round,
			choices: Object.fromEntries(Object.entries(previous.answers).map(([k, a]) => [k, choiceOf(a)]))
		}
	};
};

const REFUSED: Record<string, [number, string]> = {
	'round-not-open': [409, 'This round is not open, so answers cannot change.'],
	'not-assigned': [403, 'You are not asked to score this technology in this round.'],
	submitted: [409, 'These answers are submitted. Reopen them to make changes.']
};

function answerOutcome(outcome: SaveOutcome, values: Record<string, string>) {
	if (outcome.status === 'saved') return { saved: true, version: outcome.version, state: outcome.state, savedAt: new Date().toISOString() };
	if (outcome.status === 'stale')
		return fail(409, {
			stale: true,
			version: outcome.version,
			errors: {
				form: 'These answers were changed in another tab or device since this page loaded. Reload to see the latest answers; nothing was overwritten.'
			} as FieldErrors,
			values
		});
	if (outcome.status === 'incomplete')
		return fail(400, {
			missing: outcome.missing,
			version: outcome.version,
			errors: {
				form: `Answer every vector before submitting (${outcome.missing.length} left). Your answers so far are saved.`
			} as FieldErrors,
			values
		});
	const [status, message] = REFUSED[outcome.status];
	return formFailure(status, message, values);
}

/** The vector keys of the round's framework, and the answers the form carries (or what is wrong with them). */
async function parseAnswers(event: RequestEvent, frameworkVersionId: number) {
	const form = await event.request.formData();
	const framework = await getFramework(frameworkVersionId);
	const vectorKeys = framework.vectors.map((v) => v.key);
	const values = Object.fromEntries([...form].filter(([, v]) => typeof v === 'string')) as Record<string, string>;
	return { vectorKeys, values, parsed: parseAnswerForm(form, vectorKeys) };
}

/**
 * An autosave: the hottest write. The round's framework is known from memory, and the one
 * statement of `saveDraft` finds the technology by slug and checks round, assignment and version.
 */
async function saveAction(event: RequestEvent) {
	const user = requireCapability(event, 'score');
	const roundId = parseId(event.params.id);
	const versionId = roundId && isSlug(event.params.slug) ? await pinnedFrameworkVersion(roundId) : undefined;
	if (!roundId || !versionId) error(404, 'No such assessment.');
	const { values, parsed } = await parseAnswers(event, versionId);
	if (!parsed.ok) {
		metrics.autosaves.inc({ outcome: 'invalid' });
		return fail(400, { errors: parsed.errors, values });
	}
	const outcome = await saveDraft({ roundId, slug: event.params.slug, userId: user.id }, parsed.version, parsed.answers);
	if (outcome.status === 'no-technology') error(404, 'No such assessment.');
	metrics.autosaves.inc({ outcome: outcome.status });
	return answerOutcome(outcome, values);
}

async function submitAction(event: RequestEvent) {
	const { round, key } = await context(event, 'score');
	const { vectorKeys, values, parsed } = await parseAnswers(event, round.frameworkVersionId);
	if (!parsed.ok) return fail(400, { errors: parsed.errors, values });
	const outcome = await submitResponse(key, { expectedVersion: parsed.version, answers: parsed.answers, vectorKeys });
	return answerOutcome(outcome, values);
}

export const actions: Actions = {
	save: saveAction,
	submit: submitAction,
	reopen: async (event) => {
		const { key } = await context(event, 'score');
		const form = await event.request.formData();
		const version = parseVersion(form.get('version'));
		if (version === null) return formFailure(400, 'The form is missing its version; reload the page.');
		return answerOutcome(await reopenResponse(key, version), {});
	}
};
