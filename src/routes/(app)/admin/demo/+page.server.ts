import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, parseForm } from '#lib/server/forms/index.ts';
import { isDemoAccount, previewDemoRemoval, removeDemoData } from '#lib/server/queries/demo-removal.ts';
import type { LostRatings } from '#lib/server/queries/demo-plan.ts';
import type { Actions, PageServerLoad } from './$types';

const removeSchema = z.object({ confirm: z.literal('yes', { error: 'Review what will be removed, then confirm.' }) });
const DEMO_ACTOR =
	'You are signed in as a demo account, which this removes too. Invite your own admin account under Users, sign in with it, and remove the demo data from there.';

const names = (rows: { name: string }[]) => rows.map((r) => r.name);
const and = (words: string[]) => new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(words);

/** "The ratings of PostgreSQL and Redis from 2026 Q3 and 2026 Q4 come from demo rounds and will go." */
function lostRatingsSentence({ technologies, rounds }: LostRatings): string {
	const one = technologies.length * rounds.length === 1;
	const from = rounds.length === 1 ? 'a demo round' : 'demo rounds';
	return `The ${one ? 'rating' : 'ratings'} of ${and(technologies)} from ${and(rounds)} ${one ? 'comes' : 'come'} from ${from} and will go.`;
}

export const load: PageServerLoad = async (event) => {
	const admin = requireCapability(event, 'administer');
	const plan = await previewDemoRemoval();
	return {
		// The password hash stays on the server; the page needs names, reasons and counts.
		plan: plan && {
			remove: {
				rounds: names(plan.remove.rounds),
				technologies: names(plan.remove.technologies),
				teams: names(plan.remove.teams),
				people: names(plan.remove.people)
			},
			keep: plan.keep,
			lostRatings: plan.lostRatings.map(lostRatingsSentence),
			counts: plan.counts
		},
		signedInAsDemo: isDemoAccount(plan, admin.id),
		confirming: event.url.searchParams.get('confirm') === 'remove',
		removed: event.url.searchParams.has('removed')
	};
};

export const actions: Actions = {
	remove: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { failure } = parseForm(removeSchema, await event.request.formData());
		if (failure) return failure;
		const result = await removeDemoData(admin.id);
		if (result.outcome === 'demo-actor') return formFailure(409, DEMO_ACTOR);
		if (result.outcome === 'none') return formFailure(409, 'There is no demo data left to remove.');
		redirect(303, '/admin/demo?removed');
	}
};
