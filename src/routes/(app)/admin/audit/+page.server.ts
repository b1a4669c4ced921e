import { z } from 'zod';
import { requireRole } from '$lib/server/auth/guards';
import { listAudit } from '$lib/server/queries/audit';
import type { PageServerLoad } from './$types';

const pageParam = z.coerce.number().int().min(1).max(100_000).catch(1);

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
	const page = pageParam.parse(event.url.searchParams.get('page') ?? 1);
	return listAudit(page);
};
