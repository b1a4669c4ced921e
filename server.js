// Entry point of `npm start` and of production (`node --max-semi-space-size=16 server.js`, docs/operate.md): checks the configuration,
// serves the built app, and shuts down in three steps so a load balancer never sees a reset.
import http from 'node:http';
import { describeConfig, readConfig } from './src/lib/server/env-check.js';
import { withTransportSecurity } from './src/lib/server/http/transport-security.js';

// SvelteKit 3 needs Node 22.17 or newer. `npm install` puts Node 24 in node_modules/.bin, which npm scripts use.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
	process.stderr.write(
		`Opsmaturity needs Node 22.17 or newer (24 LTS recommended); this is Node ${process.versions.node}. Start it with \`npm start\`, or \`node_modules/.bin/node server.js\` after \`npm install\`, or install Node 24.\n`
	);
	process.exit(2);
}

const { config, problems } = readConfig(process.env);
if (!config) {
	process.stderr.write(`Opsmaturity cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
	process.exit(2);
}
// adapter-node assumes https when it cannot tell the public origin, which would make every form
// post on a plain http://localhost fail the same-origin check. Default the origin to the local
// address; deployments behind a proxy set ORIGIN themselves.
if (!config.ORIGIN && !config.PROTOCOL_HEADER) process.env.ORIGIN = `http://localhost:${config.PORT}`;
process.env.BODY_SIZE_LIMIT = config.BODY_SIZE_LIMIT;
if (process.argv.includes('--check')) {
	process.stdout.write(`${describeConfig({ ...config, ORIGIN: process.env.ORIGIN ?? '(from PROTOCOL_HEADER)' })}\n`);
	process.exit(0);
}

// The app reads this flag: while set, /readyz answers 503 so the load balancer stops sending.
const SHUTDOWN = Symbol.for('opsmaturity.shutdown');
globalThis[SHUTDOWN] = { draining: false };

// Importing the handler runs the app's init (opening the database, or retrying in the background).
const { handler } = await import('./build/handler.js');
// Static files are answered before the hooks run: they get HSTS here (see transport-security.js).
const secured = withTransportSecurity(handler, { ORIGIN: process.env.ORIGIN, PROTOCOL_HEADER: config.PROTOCOL_HEADER });
const server = http.createServer((req, res) =>
	secured(req, res, () => {
		res.statusCode = 404;
		res.end('Not found');
	})
);
server.listen(config.PORT, config.HOST, () => {
	process.stdout.write(`Listening on http://${config.HOST}:${config.PORT}\n`);
});

/** Hard limit from the signal to exit, whatever in-flight work is left. */
const SHUTDOWN_LIMIT_MS = 15_000;
let stopping = false;

/**
 * 1. Drain: /readyz turns 503 while everything else is still served, for SHUTDOWN_DRAIN_MS.
 * 2. Stop accepting, end idle keep-alive connections, let requests in flight finish.
 * 3. Close the database (the app listens for sveltekit:shutdown) and exit 0.
 */
function shutdown(signal) {
	if (stopping) return;
	stopping = true;
	globalThis[SHUTDOWN].draining = true;
	process.stdout.write(`${signal}: draining for ${config.SHUTDOWN_DRAIN_MS} ms, then stopping\n`);
	const force = setTimeout(() => {
		process.stderr.write('Shutdown limit reached; closing the remaining connections\n');
		server.closeAllConnections();
	}, SHUTDOWN_LIMIT_MS - 1000);
	force.unref();
	setTimeout(() => {
		// Live event streams never finish on their own: the app ends them now, and browsers reconnect elsewhere.
		process.emit('opsmaturity:stopping');
		server.close(async () => {
			clearTimeout(force);
			await Promise.race([
				Promise.all(process.listeners('sveltekit:shutdown').map((listener) => listener(signal))),
				new Promise((resolve) => setTimeout(resolve, 2000))
			]);
			process.exit(0);
		});
		server.closeIdleConnections();
	}, config.SHUTDOWN_DRAIN_MS);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
