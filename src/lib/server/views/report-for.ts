import { error, type RequestEvent } from '@sveltejs/kit';
import { can } from '#lib/server/auth/policy.ts';
import { parseId, queryId } from '#lib/server/forms/index.ts';
import { roundReport, type ReportOptions } from '#lib/server/views/report.ts';

/**
 * The report for the round in the URL, optionally narrowed to `?team=`, with the figures the signed-in
 * user may see (see `ReportOptions`), with the sections `sections` picks; 404 for an unknown round.
 */
export async function reportFor(event: Pick<RequestEvent, 'params' | 'url' | 'locals'>, sections?: ReportOptions['sections']) {
	const roundId = parseId(event.params.id);
	const teamId = queryId
		.optional()
		.catch(undefined)
		.parse(event.url.searchParams.get('team') ?? undefined);
	const report = roundId ? await roundReport(roundId, { teamId, seesNames: can(event.locals.user, 'seeRespondents'), sections }) : null;
	if (!report) error(404, 'No such round.');
	return report;
}
