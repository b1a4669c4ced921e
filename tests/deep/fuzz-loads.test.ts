import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { useTestDatabase } from '../helpers/db';
import { createFuzzFixtures, fx } from '../helpers/fuzz-fixtures';
import { describeError, entries, outcomeOf, request, validParams } from '../helpers/fuzz-harness';
import { HOSTILE } from '../helpers/hostile';
import type { RouteEntry } from '../helpers/routes';
import { matchParam } from '../helpers/params.ts';

// Hostile path and query parameters to every load and endpoint: never a 5xx.
useTestDatabase();

/** Query parameters sent at once to a load that reads the whole query string: what filter forms and links send, and a name nothing reads. */
const QUERY = [
	'page',
	'user',
	'next',
	'removed',
	'round',
	'team',
	'q',
	'category',
	'lifecycle',
	'status',
	'sort',
	'dir',
	't',
	'r',
	'person',
	'entity',
	'from',
	'to',
	'confirm',
	'version',
	'mode',
	'technology',
	'level',
	'met',
	'waiting',
	'unknown'
];

/** Hostile requests sent to loads and endpoints, counted across the file. */
let executed = 0;

beforeAll(createFuzzFixtures);

afterAll(() => console.info(`fuzz: ${executed} hostile requests sent to loads and endpoints`));

describe('fuzz: hostile path and query parameters to every load and endpoint', () => {
	/** Which query parameters a handler reads by name, and `*` when it reads the whole query string. */
	async function queryReads(entry: RouteEntry, params: Record<string, string>, user: SessionUser | null) {
		const reads = new Set<string>();
		const event = request(entry, [], params, `?${new URLSearchParams(QUERY.map((q) => [q, '1']))}`, user) as unknown as { url: URL };
		const search = event.url.searchParams as unknown as Record<string | symbol, (...a: unknown[]) => unknown>;
		for (const m of ['get', 'getAll', 'has']) {
			const f = search[m].bind(search);
			Object.defineProperty(search, m, { value: (name: string, ...rest: unknown[]) => (reads.add(name), f(name, ...rest)) });
		}
		for (const m of ['entries', 'keys', 'values', 'forEach', 'toString', Symbol.iterator]) {
			const f = search[m].bind(search);
			Object.defineProperty(search, m, { value: (...a: unknown[]) => (reads.add('*'), f(...a)) });
		}
		const url = event.url;
		event.url = new Proxy(url, {
			get(target, p) {
				if (p === 'search' || p === 'href' || p === 'toString' || p === 'toJSON') reads.add('*');
				const v = Reflect.get(target, p) as unknown;
				return typeof v === 'function' ? v.bind(target) : v;
			}
		});
		await outcomeOf(entry, event).catch(() => null);
		return reads;
	}

	const loads = entries.filter((e) => e.kind !== 'action');
	const QUERY_VARIANT = 'report.json';

	it.each(loads.map((e) => [e.key, e] as const))('%s: never a 5xx', async (key, entry) => {
		const valid = { ...validParams(), ...entry.params };
		const users = key.startsWith('(auth)') ? [null, fx.admin] : [fx.admin];
		const failures: string[] = [];
		const send = async (label: string, params: Record<string, string>, query: string) => {
			for (const user of users) {
				executed++;
				try {
					const o = await outcomeOf(entry, request(entry, [], params, query, user));
					if (o.status >= 500) failures.push(`${label}: answered ${o.status}`);
				} catch (e) {
					failures.push(`${label}: ${describeError(e)}`);
				}
			}
		};
		const values = HOSTILE.flatMap((k) => {
			const v = k.value();
			return typeof v === 'string' ? [[k.name, v] as const] : [];
		});
		// Variants share one handler, which reads the query before the variant matters: their own
		// parameter is fuzzed on the first variant, the query on the cheapest to make.
		const variants = loads.filter((e) => e.run === entry.run);
		const queryVariant = variants.find((e) => Object.values(e.params).includes(QUERY_VARIANT)) ?? variants[0];

		// The path, one parameter at a time, the others valid.
		for (const param of [...key.matchAll(/\[(\w+)\]/g)].map((m) => m[1])) {
			if (param in entry.params && variants[0] !== entry) continue;
			const matcher = entry.matchers[param];
			for (const [name, value] of values) {
				// SvelteKit answers 404 itself when the parameter's matcher refuses the value.
				if (matcher && matchParam(matcher, value) === undefined) continue;
				await send(`path ${param} = ${name}`, { ...valid, [param]: value }, '');
			}
		}

		// The query, with a valid path: each parameter the handler reads by name on its own, and
		// every parameter at once to a handler that reads the whole query string.
		const reads = new Set<string>();
		if (queryVariant === entry) for (const user of users) for (const r of await queryReads(entry, valid, user)) reads.add(r);
		for (const read of reads) {
			for (const [name, value] of values) {
				const query = read === '*' ? QUERY.map((q) => [q, value]) : [[read, value]];
				await send(`${read === '*' ? 'every query parameter' : `?${read}`} = ${name}`, valid, `?${new URLSearchParams(query)}`);
			}
		}
		expect(failures, failures.join('\n')).toEqual([]);
	});
});

describe('fuzz: the total', () => {
	it('sent thousands of hostile requests', () => {
		expect(executed).toBeGreaterThan(1000);
	});
});
