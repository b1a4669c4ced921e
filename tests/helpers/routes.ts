/**
 * Every load, form action and endpoint handler in src/routes, found from the files themselves
 * so that the access matrix and the fuzz suite reach a route the day it is added.
 */
type Handler = (event: never) => unknown;
type RouteModule = { load?: Handler; actions?: Record<string, Handler> } & Partial<Record<(typeof VERBS)[number], Handler>>;

const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const modules = import.meta.glob<RouteModule>(
	['/src/routes/**/+page.server.ts', '/src/routes/**/+layout.server.ts', '/src/routes/**/+server.ts'],
	{
		eager: true
	}
);

/** Routes whose handler behaves differently per value of a parameter: each value is its own entry. */
const VARIANTS: Record<string, { param: string; values: string[] }> = {
	'(app)/rounds/[id]/report/[file]': {
		param: 'file',
		values: ['report.pdf', 'report.xlsx', 'scores.csv', 'backlog.csv', 'report.json']
	},
	'api/v1/rounds/[id]/files/[file]': {
		param: 'file',
		values: ['report.pdf', 'scores.csv']
	},
	'api/v1/rounds/[id]/[step]': { param: 'step', values: ['open', 'close'] }
};

export type RouteEntry = {
	/** e.g. `(app)/rounds/[id] ?/close`, `(app)/portfolio/radar.csv GET`, `(app) layout load`. */
	key: string;
	kind: 'load' | 'action' | 'endpoint';
	/** Parameters this entry fixes (a variant), on top of the caller's. */
	params: Record<string, string>;
	/** The matcher of each parameter that has one (`[id=id]` → `{ id: 'id' }`): SvelteKit answers 404 before a value it refuses reaches the code. */
	matchers: Record<string, string>;
	/** The request path with the given parameters filled in. */
	path(params: Record<string, string>): string;
	run: Handler;
};

function urlPath(route: string, params: Record<string, string>) {
	const path = route
		.split('/')
		.filter((s) => s && !/^\(.*\)$/.test(s))
		.map((s) => s.replace(/^\[(\w+)(=\w+)?\]$/, (_, name: string) => encodeURIComponent((params[name] ?? name).toWellFormed())))
		.join('/');
	return `/${path}`;
}

export function routeEntries(): RouteEntry[] {
	const entries: RouteEntry[] = [];
	for (const [file, mod] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
		const match = /src\/routes\/?(.*?)\/?\+(page\.server|layout\.server|server)\.ts$/.exec(file)!;
		// Keys name routes without their parameter matchers: `rounds/[id]`, not `rounds/[id=id]`.
		const route = match[1].replace(/\[(\w+)=\w+\]/g, '[$1]');
		const matchers = Object.fromEntries([...match[1].matchAll(/\[(\w+)=(\w+)\]/g)].map((m) => [m[1], m[2]]));
		const handlers: Omit<RouteEntry, 'params' | 'matchers'>[] = [];
		const add = (label: string, kind: RouteEntry['kind'], run: Handler, suffix = '') =>
			handlers.push({ key: `${route || '/'} ${label}`, kind, run, path: (p) => urlPath(route, p) + suffix });
		if (match[2] === 'layout.server' && mod.load) add('layout load', 'load', mod.load);
		if (match[2] === 'page.server') {
			if (mod.load) add('load', 'load', mod.load);
			for (const [name, action] of Object.entries(mod.actions ?? {})) add(`?/${name}`, 'action', action, `?/${name}`);
		}
		if (match[2] === 'server') for (const verb of VERBS) if (mod[verb]) add(verb, 'endpoint', mod[verb]);
		const variant = VARIANTS[route];
		for (const h of handlers) {
			if (!variant) entries.push({ ...h, params: {}, matchers });
			else
				for (const value of variant.values) entries.push({ ...h, key: `${h.key} ${value}`, params: { [variant.param]: value }, matchers });
		}
	}
	return entries;
}
