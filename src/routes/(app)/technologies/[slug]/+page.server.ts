import { error, fail, redirect } from '@sveltejs/kit';
import { can, requireCapability } from '$lib/server/auth/policy';
import { formFailure, requestedRound } from '$lib/server/forms';
import { listBacklog } from '$lib/server/queries/backlog';
import { getFramework } from '$lib/server/queries/framework';
import { technologyRounds } from '$lib/server/queries/rounds';
import { assignablePeople } from '$lib/server/queries/round-scope';
import { chooseResultsRound } from '$lib/domain/round-choice';
import { computeResults, technologyComments } from '$lib/server/queries/results';
import { deleteTechnology, getTechnology, updateTechnology } from '$lib/server/queries/technologies';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const tech = await getTechnology(event.params.slug);
	if (!tech) error(404, 'No technology has this address.');
	const canEdit = can(user, 'editCatalog');
	const seeRespondents = can(user, 'seeRespondents');
	// Newest first; drafts have no answers yet.
	const [techRounds, computed] = await Promise.all([technologyRounds(tech.id), computeResults({ technologyId: tech.id })]);
	const results = new Map(computed.map((r) => [r.roundId, r]));
	const rounds = techRounds.filter((r) => r.state !== 'draft').map((r) => ({ ...r, rated: results.get(r.id)?.rating ? 1 : 0 }));
	const { round: selected, previous } = chooseResultsRound(rounds, requestedRound(event.url));
	const [framework, comments, backlog, people] = await Promise.all([
		getFramework(selected?.frameworkVersionId),
		selected ? technologyComments(selected.id, tech.id) : Promise.resolve([]),
		listBacklog({ technologyId: tech.id, includeMet: true }),
		can(user, 'editBacklog') ? assignablePeople() : Promise.resolve([])
	]);
	return {
		technology: tech,
		canEdit,
		rounds: rounds.map((r) => ({ id: r.id, name: r.name, state: r.state })),
		selected: selected ? { ...selected, result: results.get(selected.id) ?? null } : null,
		previous: previous ? { id: previous.id, name: previous.name, result: results.get(previous.id) ?? null } : null,
		trend: [...rounds].reverse().map((r) => ({ label: r.name, rating: results.get(r.id)?.rating?.rating ?? null })),
		vectors: framework.vectors,
		levels: framework.levels,
		// Members see what was said, not who said it.
		comments: comments.map((c) => ({ ...c, name: seeRespondents ? c.name : null })),
		// A met item leaves the open list; it is listed apart with the level it reached.
		backlog: { open: backlog.filter((b) => !b.metRoundName), met: backlog.filter((b) => b.metRoundName) },
		people
	};
};

export const actions: Actions = {
	delete: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		// Deleting cannot be undone: the first press asks, the second (with confirm=yes) deletes.
		if ((await event.request.formData()).get('confirm') !== 'yes') return fail(409, { confirmDelete: true });
		const result = await deleteTechnology(user.id, tech.id);
		if (result === 'has-responses')
			return formFailure(
				409,
				`${tech.name} has assessment responses, so deleting it would lose history. Retire it instead: it stays in past results but leaves new rounds.`
			);
		redirect(303, '/technologies');
	},
	retire: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		const { id, version, teamName: _team, ...fields } = tech;
		const result = await updateTechnology(user.id, id, version, { ...fields, lifecycle: 'retired' });
		if (result === 'stale') return formFailure(409, 'Someone changed this technology just now. Reload and try again.');
		return { retired: true };
	}
};
