import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of this process, served at /metrics. No metric carries a path, an email
 * or a query: labels are route ids and small fixed sets, so the series stay few.
 */
function createMetrics() {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry });
	const registers = [registry];
	return {
		registry,
		httpDuration: new Histogram({
			name: 'http_request_duration_seconds',
			help: 'Time from request to response headers, by route id, method and status',
			labelNames: ['route', 'method', 'status'] as const,
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers
		}),
		dbQueryDuration: new Histogram({
			name: 'opsmaturity_db_query_duration_seconds',
			help: 'Time from sending a query (including any wait for a connection) to its answer',
			labelNames: ['outcome'] as const,
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
			registers
		}),
		dbPoolSize: new Gauge({
			name: 'opsmaturity_db_pool_size',
			help: 'Connections the database client may open (PostgreSQL pool max; 1 for the embedded database)',
			registers
		}),
		dbQueriesInFlight: new Gauge({
			name: 'opsmaturity_db_queries_in_flight',
			help: 'Queries sent and not yet answered, including those waiting for a free connection',
			registers
		}),
		dbTransactionsOpen: new Gauge({
			name: 'opsmaturity_db_transactions_open',
			help: 'Transactions in progress; each holds one pool connection until it ends',
			registers
		}),
		loginFailures: new Counter({
			name: 'opsmaturity_login_failures_total',
			help: 'Refused sign-ins: wrong email or password, or refused by the rate limit',
			labelNames: ['reason'] as const,
			registers
		}),
		pageCache: new Counter({
			name: 'opsmaturity_page_cache_total',
			help: 'Requests for a cached page (page-cache.ts): served as stored (hit), or rendered and stored (miss)',
			labelNames: ['outcome'] as const,
			registers
		}),
		autosaves: new Counter({
			name: 'opsmaturity_autosaves_total',
			help: 'Saves of draft answers (the assessment form autosaves), by outcome',
			labelNames: ['outcome'] as const,
			registers
		}),
		exports: new Counter({
			name: 'opsmaturity_exports_total',
			help: 'Export downloads, by file and by whether the whole body was sent',
			labelNames: ['export', 'outcome'] as const,
			registers
		}),
		exportDuration: new Histogram({
			name: 'opsmaturity_export_duration_seconds',
			help: 'Time to produce an export, until its last byte was handed to the connection',
			labelNames: ['export'] as const,
			buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
			registers
		})
	};
}

export type Metrics = ReturnType<typeof createMetrics>;

// One registry per process: a module evaluated again (dev server reloads, test files) must not
// register the same metric names twice, which prom-client refuses.
const KEY = Symbol.for('opsmaturity.metrics');
const holder = globalThis as typeof globalThis & { [KEY]?: Metrics };
export const metrics: Metrics = (holder[KEY] ??= createMetrics());

/**
 * Times an export from the start of its handler to the end of its body: PDF and XLSX stream, so
 * the handler returning says little. A body the client abandons is counted as `cancelled`.
 */
export async function measureExport(name: string, produce: () => Promise<Response>): Promise<Response> {
	const started = performance.now();
	const response = await produce();
	let settled = false;
	const done = (outcome: 'complete' | 'failed' | 'cancelled') => {
		// A cancel ends a pending read as if the body were complete: the first outcome is the one.
		if (settled) return;
		settled = true;
		metrics.exports.inc({ export: name, outcome });
		if (outcome === 'complete') metrics.exportDuration.observe({ export: name }, (performance.now() - started) / 1000);
	};
	if (!response.ok || !response.body) {
		if (response.ok) done('complete');
		return response;
	}
	const reader = response.body.getReader();
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done: finished, value } = await reader.read();
				if (finished) {
					done('complete');
					controller.close();
				} else controller.enqueue(value);
			} catch (error) {
				done('failed');
				controller.error(error);
			}
		},
		cancel(reason) {
			done('cancelled');
			return reader.cancel(reason);
		}
	});
	return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
