import { error, type RequestEvent } from '@sveltejs/kit';
import { parseId, queryId } from '$lib/server/forms';
import { roundReport } from '$lib/server/views/report';

/** The report for the round in the URL, optionally narrowed to `?team=`; 404 for an unknown round. */
export async function reportFor(event: Pick<RequestEvent, 'params' | 'url'>) {
	const roundId = parseId(event.params.id);
	const teamId = queryId
		.optional()
		.catch(undefined)
		.parse(event.url.searchParams.get('team') ?? undefined);
	const report = roundId ? await roundReport(roundId, { teamId }) : null;
	if (!report) error(404, 'No such round.');
	return report;
}
