// `node bench/matcher-import.mjs` after `npm run build`: what SvelteKit's per-request `import()` of the
// parameter matchers costs (the module is loaded already), against a memoized promise. Prints ns per call.
import path from 'node:path';

const file = path.resolve('build/server/entries/params.js');
await import(file);
let memo;
const ways = { 'import() per request': () => import(file), 'memoized promise': () => (memo ??= import(file)) };
for (const [name, call] of Object.entries(ways)) {
	for (let i = 0; i < 20_000; i++) await call();
	const started = process.hrtime.bigint();
	const n = 200_000;
	for (let i = 0; i < n; i++) await call();
	console.log(`${name}: ${(Number(process.hrtime.bigint() - started) / n).toFixed(0)} ns per call (Node ${process.versions.node})`);
}
