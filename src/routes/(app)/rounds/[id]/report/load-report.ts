import { error, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { roundReport } from '$lib/server/report/data';

/** The report for the round in the URL, optionally narrowed to `?team=`; 404 for an unknown round. */
export async function reportFor(event: Pick<RequestEvent, 'params' | 'url'>) {
	const roundId = Number(event.params.id);
	const teamId = z.coerce
		.number()
		.int()
		.positive()
		.max(2_147_483_647)
		.optional()
		.catch(undefined)
		.parse(event.url.searchParams.get('team') ?? undefined);
	const report = Number.isInteger(roundId) && roundId > 0 && roundId <= 2_147_483_647 ? await roundReport(roundId, { teamId }) : null;
	if (!report) error(404, 'No such round.');
	return report;
}
