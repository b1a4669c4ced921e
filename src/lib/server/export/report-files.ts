import { medianSeries } from '#lib/domain/aggregate.ts';
import { STATUS_LABELS } from '#lib/domain/initiatives.ts';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';

type Scores = Score[];

export const SCORE_COLUMNS = ['Round', 'Technology', 'Vector', 'Respondent', 'Score', "Don't know", 'Comment', 'Evidence', 'Submitted at'];

export function scoreRows(report: RoundReport, scores: Scores): (string | number | null)[][] {
	const names = new Map(report.vectors.map((v) => [v.key, v.name]));
	// Empty cells as null: a spreadsheet writer skips them, which matters at 300,000 rows.
	return scores.map((s) => [
		report.round.name,
		s.technology,
		names.get(s.vector) ?? s.vector,
		s.respondent,
		s.score,
		s.dontKnow ? 'yes' : null,
		s.comment || null,
		s.evidence || null,
		s.submittedAt
	]);
}

export const TECHNOLOGY_COLUMNS = (report: RoundReport) => [
	'Technology',
	'Team',
	'Category',
	'Rating',
	'Level',
	'Target',
	'Coverage',
	'Submitted',
	'Assigned',
	...report.vectors.map((v) => v.name),
	'Calibrated'
];

export function technologyRows(report: RoundReport): (string | number | null)[][] {
	return report.technologies.map((t) => [
		t.name,
		t.teamName ?? '',
		t.category,
		t.result?.rating?.rating ?? null,
		t.result?.rating?.level ?? null,
		t.targetLevel,
		t.result?.rating ? Math.round(t.result.rating.coverage * 100) / 100 : null,
		t.result?.submitted ?? 0,
		t.result?.assigned ?? 0,
		...medianSeries(report.vectors, t.result),
		// The medians above include levels agreed in calibration; this says which, and what they replaced.
		report.vectors
			.filter((v) => t.result?.vectors[v.key]?.calibratedFrom !== undefined)
			.map((v) => `${v.name} (median was ${t.result!.vectors[v.key].calibratedFrom ?? '—'})`)
			.join(', ')
	]);
}

export const INITIATIVE_COLUMNS = ['Initiative', 'Goal', 'Due on', 'Status', 'Met', 'Technologies', 'Not yet rated', 'Not met yet'];

/** Initiatives as this round measured them, one row each. */
export function initiativeRows(report: RoundReport): (string | number)[][] {
	return report.initiatives.map((i) => [
		i.name,
		i.goal,
		i.dueOn,
		STATUS_LABELS[i.progress.status],
		i.progress.met,
		i.progress.total,
		i.progress.unmeasured,
		i.notMet.join(', ')
	]);
}

export const JSON_SCHEMA = 'https://opsmaturity.example/schemas/round-report/v1';

/**
 * The whole round in a stable, versioned shape (`schema` names the version; fields are only ever
 * added within a version): framework, technologies with results, responses, backlog.
 */
export function roundJson(report: RoundReport, scores: Scores) {
	return {
		schema: JSON_SCHEMA,
		generatedAt: new Date().toISOString(),
		round: report.round,
		team: report.team,
		framework: { version: report.round.frameworkVersion, levels: report.levels, vectors: report.vectors },
		summary: { ...report.summary, topBacklog: undefined },
		technologies: report.technologies.map((t) => ({
			slug: t.slug,
			name: t.name,
			category: t.category,
			team: t.teamName,
			targetLevel: t.targetLevel,
			result: t.result && {
				rating: t.result.rating,
				assigned: t.result.assigned,
				submitted: t.result.submitted,
				vectors: t.result.vectors,
				// Set, with `vectors` empty, below the anonymity threshold for a reader who may not see names.
				withheld: t.result.withheld
			},
			previousRating: t.previous?.rating ?? null,
			// Per vector: the facts known when the file was made, what they suggest, and whether the median is two levels away.
			facts: t.facts,
			backlog: t.backlog.map((b) => ({
				title: b.title,
				kind: b.kind,
				vector: b.vectorKey,
				lane: b.lane,
				currentLevel: b.currentLevel,
				targetLevel: b.targetLevel,
				priority: b.priority,
				size: b.size,
				status: b.status,
				ticketUrl: b.ticketUrl || null
			}))
		})),
		initiatives: report.initiatives.map(({ name, goal, dueOn, progress, notMet }) => ({ name, goal, dueOn, ...progress, notMet })),
		responses: scores
	};
}
