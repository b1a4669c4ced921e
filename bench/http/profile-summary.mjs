// Summarises a .cpuprofile of the built server by where the time went. Frames in the build are traced back through
// its source maps to their origin (Svelte, SvelteKit, devalue, the app's own code). Each sample is charged to the
// first kind found walking from the sampled function towards the root: "SQL driver" is time inside postgres.js or
// PGlite whoever called it, and time in Node's own code (writing a socket) goes to its caller.
// Usage: node bench/http/profile-summary.mjs <file.cpuprofile> [requests served] [ms to skip: the server's start]
import { readFileSync, existsSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Kinds in the order a frame is tested, on its origin file (after the source map) and function name. */
const KINDS = [
	['SQL driver (postgres.js, PGlite)', (file) => /node_modules\/(postgres|@electric-sql\/pglite)\//.test(file) || file.startsWith('wasm:')],
	['drizzle (query building, row mapping)', (file) => /node_modules\/drizzle-orm\//.test(file)],
	['logging (pino)', (file) => /node_modules\/(pino|sonic-boom|thread-stream|fast-redact)|src\/lib\/server\/log/.test(file)],
	['metrics (prom-client)', (file) => /node_modules\/prom-client/.test(file)],
	['page data serialization (devalue)', (file) => /node_modules\/devalue\//.test(file)],
	[
		'HTML to bytes, CSP hashes of inline scripts',
		(file, name) => /^(encode|encodeInto|digest|asyncDigest)$/.test(name) && /encoding|webcrypto|hash/.test(file)
	],
	['Svelte server render (components, runtime)', (file) => /node_modules\/svelte\/|\.svelte$/.test(file)],
	[
		'SvelteKit (routing, render_response, Request/Response)',
		(file) => /node_modules\/@sveltejs\/(kit|adapter-node)\/|build\/handler|build\/index/.test(file)
	],
	['other packages', (file) => /node_modules\//.test(file)],
	['app: hooks', (file) => /src\/hooks\.server|src\/lib\/server\/http\//.test(file)],
	['app: loads, queries, views, domain', (file) => /\/src\//.test(file)],
	['garbage collection', (file, name) => name === '(garbage collector)'],
	['V8 and native work outside JavaScript', (file, name) => name === '(program)'],
	['idle', (file, name) => name === '(idle)']
];

/** Node's own frames (node:…, natives) are charged to the nearest caller outside Node; this is time with none. */
const NODE_OWN = 'Node itself (event loop, sockets, timers), no caller in the app or a package';

const maps = new Map();
/** The origin file of a frame: through the build's source map where there is one. */
function origin(frame) {
	if (!frame.url.startsWith('file://')) return frame.url;
	const path = fileURLToPath(frame.url);
	if (!maps.has(path)) maps.set(path, existsSync(`${path}.map`) ? new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))) : null);
	const map = maps.get(path);
	const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
	return entry?.originalSource ?? path;
}

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const served = Number(process.argv[3]) || 0;
const skipUs = (Number(process.argv[4]) || 0) * 1000;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const kindOf = new Map();
function classify(id) {
	if (kindOf.has(id)) return kindOf.get(id);
	const frame = nodes.get(id).callFrame;
	const file = origin(frame);
	let kind = KINDS.find(([, test]) => test(file, frame.functionName))?.[0];
	if (!kind) kind = parent.has(id) ? classify(parent.get(id)) : NODE_OWN;
	kindOf.set(id, kind);
	return kind;
}
const totals = new Map();
let busy = 0;
let elapsed = 0;
profile.samples.forEach((id, i) => {
	const us = profile.timeDeltas[i] ?? 0;
	elapsed += us;
	if (elapsed < skipUs) return;
	const kind = classify(id);
	totals.set(kind, (totals.get(kind) ?? 0) + us);
	if (kind !== 'idle') busy += us;
});
console.log(
	`busy ${(busy / 1e6).toFixed(2)} s${served ? `, ${(busy / served / 1000).toFixed(2)} ms per request (${served} requests)` : ''}`
);
for (const [kind, us] of [...totals].sort((a, b) => b[1] - a[1])) {
	if (kind === 'idle') continue;
	const share = ((100 * us) / busy).toFixed(1).padStart(5);
	console.log(`${share} %  ${served ? `${(us / served / 1000).toFixed(3)} ms  ` : ''}${kind}`);
}
