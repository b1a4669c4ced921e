import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** prometheus-alertmanager is installed by .ci/run; a machine without it skips the test that needs it. */
export const hasAlertmanager = (() => {
	try {
		execFileSync('prometheus-alertmanager', ['--version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) with one webhook receiver pointing at
 * `webhook`, sending `token` as a bearer credential, grouping by alert name and technology and
 * notifying within a second of a change. `fire` and `resolve` post alerts through its API v2, as
 * Prometheus does.
 */
export async function startAlertmanager(webhook: string, token: string) {
	const dir = mkdtempSync(path.join(tmpdir(), 'alertmanager-'));
	const port = await freePort();
	writeFileSync(
		path.join(dir, 'alertmanager.yml'),
		[
			'route:',
			'  receiver: opsmaturity',
			"  group_by: ['alertname', 'technology']",
			'  group_wait: 100ms',
			'  group_interval: 1s',
			'  repeat_interval: 1h',
			'receivers:',
			'  - name: opsmaturity',
			'    webhook_configs:',
			`      - url: ${JSON.stringify(webhook)}`,
			'        send_resolved: true',
			'        http_config:',
			'          authorization:',
			'            type: Bearer',
			`            credentials: ${JSON.stringify(token)}`,
			''
		].join('\n')
	);
	const child = spawn(
		'prometheus-alertmanager',
		[
			`--config.file=${path.join(dir, 'alertmanager.yml')}`,
			`--storage.path=${dir}`,
			`--web.listen-address=127.0.0.1:${port}`,
			'--cluster.listen-address=',
			'--log.level=warn'
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] }
	);
	let log = '';
	child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
	const base = `http://127.0.0.1:${port}`;
	for (let i = 0; ; i++) {
		const ready = await fetch(`${base}/-/ready`).then(
			(r) => r.ok,
			() => false
		);
		if (ready) break;
		if (i > 100 || child.exitCode !== null) throw new Error(`Alertmanager did not start: ${log}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	const post = async (labels: Record<string, string>, endsAt?: Date) => {
		const res = await fetch(`${base}/api/v2/alerts`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify([{ labels, annotations: { summary: 'from the test' }, ...(endsAt ? { endsAt: endsAt.toISOString() } : {}) }])
		});
		if (!res.ok) throw new Error(`Alertmanager refused the alert: ${res.status} ${await res.text()}`);
	};
	return {
		fire: (labels: Record<string, string>) => post(labels),
		// An alert whose end has passed is resolved; Alertmanager says so in the group's next notification.
		resolve: (labels: Record<string, string>) => post(labels, new Date(Date.now() - 1000)),
		log: () => log,
		stop: async () => {
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
