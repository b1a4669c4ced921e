// First views: autocannon on one page with a new query string on every request (?v=1, ?v=2, …), so no stored page
// can answer it. (autocannon's own -I cannot put its id in a URL given on the command line.)
// Usage: node bench/http/first-view-load.mjs URL COOKIE SECONDS CONNECTIONS
// Prints: "<req/s> req/s p50 <ms> ms p99 <ms> ms non2xx <n>", as run.sh's ac does, and the number of requests.
import { createRequire } from 'node:module';
const autocannon = createRequire(process.cwd() + '/')('autocannon');

const [url, cookie, seconds, connections] = process.argv.slice(2);
const { pathname, search } = new URL(url);
const separator = search ? '&' : '?';
let n = 0;
const result = await autocannon({
	url,
	connections: Number(connections || 10),
	duration: Number(seconds || 10),
	headers: { cookie },
	requests: [{ setupRequest: (request) => ({ ...request, path: `${pathname}${search}${separator}v=${++n}` }) }]
});
console.log(
	`${Math.round(result.requests.average)} req/s p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms non2xx ${result.non2xx} total ${result.requests.total}`
);
