import { openApiDocument } from '#lib/server/api/openapi.ts';
import type { PageServerLoad } from './$types';

type Param = { name: string; in: string; required?: boolean; description?: string; schema?: { type?: string; enum?: string[] } };
type Operation = { operationId: string; summary: string; parameters?: Param[]; responses: Record<string, { description: string }> };

/** The API reference, read from the same OpenAPI document the API serves: it cannot describe another API. */
export const load: PageServerLoad = async () => {
	const doc = openApiDocument();
	const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
		Object.entries(item as Record<string, Operation>).map(([method, op]) => ({
			method: method.toUpperCase(),
			path: `/api/v1${path}`,
			id: op.operationId,
			summary: op.summary,
			parameters: (op.parameters ?? []).map((p) => ({
				name: p.name,
				in: p.in,
				required: !!p.required,
				type: p.schema?.enum ? p.schema.enum.join(' | ') : (p.schema?.type ?? ''),
				description: p.description ?? ''
			})),
			responses: Object.entries(op.responses).map(([status, r]) => ({ status, description: r.description }))
		}))
	);
	return { title: doc.info.title, description: doc.info.description ?? '', operations };
};
