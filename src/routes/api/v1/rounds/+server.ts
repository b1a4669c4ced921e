import { z } from 'zod';
import { parseQuery } from '$lib/server/forms/api';
import { endpoint, json } from '$lib/server/http/api';
import { listRounds } from '$lib/server/queries/rounds';

export const GET = endpoint('read', async ({ url }) => {
	parseQuery(z.object({}).strict(), url);
	const rounds = await listRounds();
	return json({
		items: rounds.map((r) => ({
			id: r.id,
			name: r.name,
			state: r.state,
			dueDate: r.dueDate,
			frameworkVersion: r.frameworkVersion,
			technologies: r.technologies,
			assigned: r.assigned,
			submitted: r.submitted
		}))
	});
});
