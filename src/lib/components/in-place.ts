import type { SubmitFunction } from '$app/forms';

/**
 * `use:enhance={inPlace}`: the action's result lands on the page the person is on, filters and
 * paging in its query included. SvelteKit 3's default goes to the action's own address instead
 * (`?/save` drops the query; `/backlog?/update` from a technology page leaves it).
 */
export const inPlace: SubmitFunction =
	() =>
	async ({ update }) =>
		update({ navigate: false });
