import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/lib/server/db/seed';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres';
import { freePort, SERVER_NODE_FLAGS, startServer, stopServer, type Running } from '../helpers/server';

/** One GET without keep-alive or fetch's retries: the status (0 for a failure) and how long it took. */
function timedGet(url: string, cookie = ''): Promise<{ status: number; ms: number; error?: string }> {
	const started = performance.now();
	return new Promise((resolve) => {
		const req = http.get(url, { headers: { cookie }, agent: false }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
		});
		req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: 0, ms: performance.now() - started, error: e.code ?? e.message }));
		req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
	});
}

async function signInCookie(base: string, email = 'admin@example.com'): Promise<string> {
	const res = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email, password: DEMO_PASSWORD })
	});
	const cookie = res.headers.get('set-cookie')?.split(';')[0];
	if (!cookie) throw new Error(`sign-in failed: ${res.status}`);
	return cookie;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL outage', () => {
	let pg: PrivatePostgres;
	let server: Running;
	beforeAll(async () => {
		pg = await startPrivatePostgres();
		server = await startServer({ DATABASE_URL: pg.url, SEED_DEMO: '1' });
	});
	afterAll(async () => {
		await stopServer(server, true);
		pg.destroy();
	});

	it('answers 503 with Retry-After within 2 s while the database is down, and 200 again within 2 s of its return', async () => {
		const cookie = await signInCookie(server.url);
		expect((await timedGet(`${server.url}/technologies`, cookie)).status).toBe(200);
		const seen: { at: number; page: number; ready: number; ms: number }[] = [];
		const begin = performance.now();
		let done = false;
		const sampler = (async () => {
			while (!done) {
				const [page, ready] = await Promise.all([timedGet(`${server.url}/technologies`, cookie), timedGet(`${server.url}/readyz`)]);
				seen.push({ at: performance.now() - begin, page: page.status, ready: ready.status, ms: Math.max(page.ms, ready.ms) });
				await sleep(100);
			}
		})();
		await sleep(500);
		pg.stop();
		const stoppedAt = performance.now() - begin;
		await sleep(10_000);
		pg.start();
		const startedAt = performance.now() - begin;
		await sleep(4000);
		done = true;
		await sampler;

		const during = seen.filter((s) => s.at > stoppedAt + 100 && s.at < startedAt);
		const statuses = [...new Set(during.flatMap((s) => [s.page, s.ready]))].sort();
		const worst = Math.max(...seen.map((s) => s.ms));
		const recovered = seen.find((s) => s.at > startedAt && s.page === 200 && s.ready === 200);
		process.stdout.write(
			`outage: statuses ${statuses.join(',')}, worst latency ${Math.round(worst)} ms over ${seen.length} samples, ` +
				`recovered ${recovered ? Math.round(recovered.at - startedAt) : 'never'} ms after PostgreSQL was back\n`
		);
		expect(statuses).toEqual([503]);
		expect(worst).toBeLessThan(2000);
		expect(recovered!.at - startedAt).toBeLessThan(2000);
		const res = await fetch(`${server.url}/technologies`, { headers: { cookie } });
		expect(res.status).toBe(200);
	});

	it('answers a page with an explanation and a script with JSON while down', async () => {
		pg.stop();
		try {
			const cookie = await signInCookie(server.url).catch(() => '');
			const page = await fetch(`${server.url}/technologies`, { headers: { cookie } });
			expect(page.status).toBe(503);
			expect(page.headers.get('retry-after')).toBe('5');
			expect(await page.text()).toContain('cannot reach its database');
			const api = await fetch(`${server.url}/portfolio/radar.json`, { headers: { accept: 'application/json' } });
			expect(api.status).toBe(503);
			expect(await api.json()).toMatchObject({ status: 503, error: { message: expect.stringContaining('database') } });
			expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		} finally {
			pg.start();
		}
	});
});

describe('start with the database down', () => {
	it('keeps running, says 503, and becomes ready once PostgreSQL starts', async () => {
		const pg = await startPrivatePostgres();
		pg.stop();
		const server = await startServer({ DATABASE_URL: pg.url, SEED_DEMO: '1' }, { until: '/healthz' });
		try {
			expect((await timedGet(`${server.url}/readyz`)).status).toBe(503);
			expect((await timedGet(`${server.url}/login`)).status).toBe(503);
			pg.start();
			const deadline = Date.now() + 15_000;
			let ready = 0;
			while (Date.now() < deadline && ready !== 200) {
				ready = (await timedGet(`${server.url}/readyz`)).status;
				await sleep(200);
			}
			expect(ready).toBe(200);
			expect(server.output.join('')).toMatch(/attempt 1\b/);
		} finally {
			await stopServer(server, true);
			pg.destroy();
		}
	});
});

describe('SIGTERM', () => {
	it('drains: /readyz says 503 at once, requests already sent all get answers, and the process exits 0', async () => {
		const server = await startServer({ SHUTDOWN_DRAIN_MS: '1500' });
		const cookie = await signInCookie(server.url);
		let stopSending = false;
		const results: { status: number; error?: string }[] = [];
		// Ten clients as a load balancer would run them: they stop sending once /readyz says 503.
		const clients = Array.from({ length: 10 }, async () => {
			while (!stopSending) results.push(await timedGet(`${server.url}/technologies`, cookie));
		});
		await sleep(500);
		const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
		const signalled = performance.now();
		server.child.kill('SIGTERM');
		let readySaid = 0;
		while (readySaid !== 503) {
			readySaid = (await timedGet(`${server.url}/readyz`)).status;
		}
		const readyAfter = performance.now() - signalled;
		stopSending = true;
		await Promise.all(clients);
		const code = await exited;
		const took = performance.now() - signalled;
		const resets = results.filter((r) => r.status === 0);
		process.stdout.write(
			`SIGTERM: ${results.length} requests, ${resets.length} resets, readyz 503 after ${Math.round(readyAfter)} ms, exit ${code} after ${Math.round(took)} ms\n`
		);
		expect(resets).toEqual([]);
		expect(results.every((r) => r.status === 200)).toBe(true);
		// The flag flips at once; the answer waits its turn behind the requests the server is busy with.
		expect(readyAfter).toBeLessThan(1500);
		expect(code).toBe(0);
		expect(took).toBeLessThan(15_000);
	});
});

describe('configuration', () => {
	it('under an https ORIGIN, static files and built assets carry Strict-Transport-Security as pages do', async () => {
		const server = await startServer({ ORIGIN: 'https://maturity.example.com' });
		try {
			const login = await fetch(`${server.url}/login`);
			const asset = /\/_app\/immutable\/[^"]+\.js/.exec(await login.text())![0];
			for (const address of ['/login', '/favicon.svg', asset]) {
				const answer = await fetch(`${server.url}${address}`);
				expect([address, answer.status, answer.headers.get('strict-transport-security')]).toEqual([
					address,
					200,
					'max-age=31536000; includeSubDomains'
				]);
			}
		} finally {
			await stopServer(server, true);
		}
	});

	it('refuses wrong values with one list and exit code 2', () => {
		const run = spawnSync(process.execPath, ['server.js'], {
			env: {
				...process.env,
				PORT: 'eighty',
				DATABASE_URL: 'mysql://x',
				DATABASE_PREPARED: 'yes',
				SHUTDOWN_DRAIN_MS: '-1',
				ORIGIN: 'https://x.example/app',
				SMTP_URL: 'mail.example.com:25',
				MAIL_FROM: 'nobody'
			},
			encoding: 'utf8'
		});
		expect(run.status).toBe(2);
		for (const name of ['PORT', 'DATABASE_URL', 'DATABASE_PREPARED', 'SHUTDOWN_DRAIN_MS', 'ORIGIN', 'SMTP_URL', 'MAIL_FROM'])
			expect(run.stderr).toContain(`${name}=`);
		expect(run.stderr).not.toMatch(/\n\s+at /);
	});

	it('an OIDC_ISSUER that answers but is no OpenID provider stops the start with the reason and exit code 2', async () => {
		const notAProvider = http.createServer((_req, res) => res.writeHead(404).end('Not found'));
		await new Promise<void>((resolve) => notAProvider.listen(0, '127.0.0.1', resolve));
		const issuer = `http://127.0.0.1:${(notAProvider.address() as { port: number }).port}/realms/ops`;
		try {
			const run = spawn(process.execPath, ['server.js'], {
				env: {
					...process.env,
					PORT: String(await freePort()),
					DATA_DIR: path.join(tmpdir(), `opsm-sso-${process.pid}`),
					OIDC_ISSUER: issuer,
					OIDC_CLIENT_ID: 'app'
				}
			});
			let stderr = '';
			run.stderr.on('data', (d) => (stderr += String(d)));
			const status = await new Promise<number | null>((resolve) => run.once('exit', resolve));
			expect(status).toBe(2);
			expect(stderr).toContain(`the single sign-on provider at ${issuer} could not be read`);
			expect(stderr).toContain('Check OIDC_ISSUER');
			expect(stderr).not.toMatch(/\n\s+at /);
		} finally {
			notAProvider.close();
		}
	});

	it('a provider that cannot be reached at start: the server serves passwords meanwhile and says single sign-on is unavailable', async () => {
		const closed = await freePort();
		const server = await startServer({ OIDC_ISSUER: `http://127.0.0.1:${closed}`, OIDC_CLIENT_ID: 'app' });
		try {
			const html = await (await fetch(`${server.url}/login`)).text();
			expect(html).toContain('is unavailable: its provider cannot be reached right now');
			expect(html).toContain('name="password"');
			expect((await fetch(`${server.url}/auth/oidc`, { redirect: 'manual' })).status).toBe(404);
		} finally {
			await stopServer(server, true);
		}
	});

	it('--check prints the effective configuration with secrets masked', () => {
		const run = spawnSync(process.execPath, ['server.js', '--check'], {
			env: {
				...process.env,
				DATABASE_URL: 'postgres://app:hunter2hunter2@db:5432/x',
				METRICS_TOKEN: 'a-long-secret-token-value',
				SMTP_URL: 'smtps://mailer:smtp-secret-pw@mail.example.com:465',
				PORT: ''
			},
			encoding: 'utf8'
		});
		expect(run.status).toBe(0);
		expect(run.stdout).toContain('PORT=3000');
		expect(run.stdout).toContain('DATABASE_URL=postgres://app:********@db:5432/x');
		expect(run.stdout).toContain('METRICS_TOKEN=********');
		expect(run.stdout).not.toContain('hunter2');
		expect(run.stdout).not.toContain('a-long-secret');
		expect(run.stdout).toContain('SMTP_URL=smtps://mailer:********@mail.example.com:465');
		expect(run.stdout).not.toContain('smtp-secret-pw');
	});

	it("starts as production does, with V8's young generation held at 16 MiB a half, and the docs say the same command", async () => {
		const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start;
		expect(SERVER_NODE_FLAGS).toEqual(['--max-semi-space-size=16']);
		for (const doc of ['README.md', 'docs/operate.md']) expect(readFileSync(doc, 'utf8'), doc).toContain(`\n${start} `);
		const token = 'a-long-secret-metrics-token';
		const server = await startServer({ METRICS_TOKEN: token });
		try {
			const cookie = await signInCookie(server.url);
			for (let i = 0; i < 20; i++) await (await fetch(`${server.url}/technologies/kafka?v=${i}`, { headers: { cookie } })).text();
			const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
			const young = Number(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m.exec(metrics)?.[1]);
			// Node 24's default lets it grow to 128 MiB, which the start and a few pages already reach past 32.
			expect(young).toBeGreaterThan(0);
			expect(young).toBeLessThanOrEqual(32 * 1024 * 1024);
		} finally {
			await stopServer(server, true);
		}
	});

	it('a second start does not rebuild', () => {
		const started = performance.now();
		const run = spawnSync(process.execPath, ['scripts/build-if-changed.js'], { encoding: 'utf8' });
		expect(run.status).toBe(0);
		expect(run.stdout).toContain('up to date');
		expect(performance.now() - started).toBeLessThan(3000);
	});
});
