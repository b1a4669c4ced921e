import { z } from 'zod';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { roundComments } from '#lib/server/queries/report.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import { reportFor } from '#lib/server/views/report-for.ts';
import type { PageServerLoad } from './$types';

/** Technology sections per page: a round of 1,000 stays a page a browser opens at once; the PDF has them all. */
const PAGE_SIZE = 10;
/** Above this, one page with every chart is more than a browser lays out well: the PDF is the printout. */
const PRINT_LIMIT = 300;

/** Which technologies of `total` the report's page shows; printing shows all, up to `PRINT_LIMIT`. */
function reportPaging(total: number, asked: number, print: boolean) {
	const printable = total <= PRINT_LIMIT;
	const printing = printable && print;
	const pages = printing ? 1 : Math.max(1, Math.ceil(total / PAGE_SIZE));
	const page = Math.min(pages, asked);
	const first = printing ? 0 : (page - 1) * PAGE_SIZE;
	return { printable, printing, pages, page, first, count: printing ? total : PAGE_SIZE };
}

/**
 * The report, paged; or, with `?print`, the whole round with comments and evidence as the PDF has
 * them, so that printing the page gives the same deliverable.
 */
export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const asked = z.coerce
		.number()
		.int()
		.min(1)
		.catch(1)
		.parse(event.url.searchParams.get('page') ?? 1);
	// The summary spans the round; only the sections on this page are read in full.
	const pagingOf = (total: number) => reportPaging(total, asked, event.url.searchParams.has('print'));
	const [report, teams] = await Promise.all([reportFor(event, pagingOf), listTeams()]);
	const technologies = report.technologies;
	const { printing, printable, page, pages, first } = pagingOf(report.summary.technologies);
	const comments = printing
		? await roundComments(
				report.round.id,
				technologies.map((t) => t.id),
				can(user, 'seeRespondents')
			)
		: [];
	// The page's links keep every other parameter (the team) but set their own page.
	const query = new URLSearchParams(event.url.search);
	query.delete('page');
	query.delete('print');
	return {
		report,
		comments: comments.map(({ slug, vector, respondent, score, dontKnow, comment, evidence }) => ({
			slug,
			vector,
			respondent,
			score,
			dontKnow,
			comment,
			evidence
		})),
		printing: printing,
		printable,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		canDownloadData: can(user, 'downloadData'),
		query: query.size ? `?${query}` : '',
		page,
		pages,
		first,
		total: report.summary.technologies
	};
};
