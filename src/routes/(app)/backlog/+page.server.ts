import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { isWebLink } from '#lib/domain/assessment.ts';
import { ITEM_STATUSES, FIBONACCI } from '#lib/domain/remediation.ts';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { backlogFilterFrom } from '#lib/server/forms/backlog-filter.ts';
import { FOREIGN_KEY_VIOLATION } from '#lib/server/db/client.ts';
import { fieldFailure, guardedWrite, id, MAX_ID, parseForm, parseId, text } from '#lib/server/forms/index.ts';
import { backlogSummary, listBacklog, updateItem } from '#lib/server/queries/backlog.ts';

import { getFramework } from '#lib/server/queries/framework.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import { assignablePeople } from '#lib/server/queries/round-scope.ts';
import { listTechnologies } from '#lib/server/queries/technologies.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import { backlogWithheldNote } from '#lib/domain/anonymity.ts';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 100;

/** The export takes the filter but every page of it. */
function exportQuery(url: URL) {
	const params = new URLSearchParams(url.searchParams);
	params.delete('page');
	const search = params.toString();
	return search ? `?${search}` : '';
}

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const [{ query, filter: asked }, reader] = await Promise.all([backlogFilterFrom(event.url), readerOf(user)]);
	// Items read off a rating below the anonymity threshold are left out for one who may not see names; the summary counts them.
	const filter = { ...asked, reader };
	const canEdit = can(user, 'editBacklog');
	const [items, summary, technologies, teams, framework, people] = await Promise.all([
		listBacklog(filter, { limit: PAGE_SIZE, offset: (query.page - 1) * PAGE_SIZE }),
		backlogSummary(filter),
		listTechnologies(),
		listTeams(),
		getFramework(),
		canEdit ? assignablePeople() : Promise.resolve([])
	]);
	return {
		items,
		summary,
		withheld: summary.withheld ? backlogWithheldNote(summary.withheld, reader.threshold) : null,
		query,
		canEdit,
		people,
		technologies: technologies.map((t) => ({ slug: t.slug, name: t.name })),
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		vectors: framework.vectors.map((v) => ({ key: v.key, name: v.name })),
		exportQuery: exportQuery(event.url),
		pages: Math.max(1, Math.ceil(summary.items / PAGE_SIZE))
	};
};

const editSchema = z.object({
	itemId: id('Item'),
	version: z.coerce.number().int().min(1).max(MAX_ID),
	title: text('Title', 300),
	size: z.coerce.number().refine((n) => (FIBONACCI as readonly number[]).includes(n), 'Size must be one of 1, 2, 3, 5, 8, 13, 21.'),
	status: z.enum(ITEM_STATUSES, { error: 'Choose a status.' }),
	assigneeId: z
		.string()
		.optional()
		.refine((v) => !v || parseId(v) !== null, 'Choose someone from the list.')
		.transform((v) => (v ? parseId(v) : null)),
	ticketUrl: z
		.string()
		.trim()
		.max(500, 'Ticket link is too long.')
		.refine((v) => v === '' || isWebLink(v, 500), 'Ticket link must be a web address starting with http:// or https://.')
		.optional()
		.transform((v) => v ?? '')
});

export const actions: Actions = {
	update: async (event) => {
		const user = requireCapability(event, 'editBacklog');
		const form = await event.request.formData();
		const { data, failure } = parseForm(editSchema, form);
		if (failure) return failure;
		const { itemId, version, ...edit } = data;
		const result = await guardedWrite(form, () => updateItem(user.id, itemId, version, edit), {
			[FOREIGN_KEY_VIOLATION]: ['assigneeId', 'That person no longer exists.']
		});
		if (result.failure) return result.failure;
		if (result.value === 'not-found') error(404, 'That backlog item no longer exists.');
		if (result.value === 'stale')
			return fieldFailure(
				form,
				'form',
				'Someone else changed this item since you loaded the page. Reload to see their change; yours was not saved.',
				409
			);
		return { updatedItem: itemId };
	}
};
