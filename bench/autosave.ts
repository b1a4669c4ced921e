import postgres from 'postgres';
import { startServer, stopServer } from '../tests/helpers/server';
import { summary } from './stats';

const SAVES = 200;
const KEYS = [
	'architecture',
	'currency',
	'community',
	'maturity',
	'ubiquity',
	'usability',
	'automation',
	'deployability',
	'ease_of_use',
	'happiness',
	'supportability',
	'operability',
	'recoverability',
	'documentation',
	'stability'
];

async function signIn(base: string, email: string) {
	const res = await fetch(`${base}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email, password: 'opsmaturity-demo' })
	});
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('session='));
	if (!cookie) throw new Error(`sign-in failed: ${res.status}`);
	return cookie.split(';')[0];
}

/** What the browser's autosave sends: the whole form, one changed score, the last version. */
async function measureSaves(base: string): Promise<number[]> {
	const cookie = await signIn(base, 'member@example.com');
	const url = `${base}/rounds/2/assess/mongodb?/save`;
	const times: number[] = [];
	let version = 0;
	for (let i = 0; i < SAVES; i++) {
		const body = new FormData();
		body.set('version', String(version));
		for (const [n, key] of KEYS.entries()) {
			body.append('vector', key);
			body.set(`score.${key}`, String((n + i) % 6));
			body.set(`comment.${key}`, n === 0 ? `Autosave ${i}` : '');
			body.set(`evidence.${key}`, '');
		}
		const started = performance.now();
		const res = await fetch(url, { method: 'POST', body, headers: { cookie, origin: base, 'x-sveltekit-action': 'true' } });
		const result = JSON.parse(await res.text()) as { type: string; data: string };
		times.push(performance.now() - started);
		if (result.type !== 'success') throw new Error(`save ${i} failed: ${JSON.stringify(result)}`);
		// The action's data is devalue-encoded; the version is the only number that changes per save.
		version += 1;
	}
	return times;
}

export async function benchAutosave(pgUrl?: string) {
	const lines: string[] = [];
	const lite = await startServer({});
	try {
		lines.push(summary('autosave round-trip, PGlite', await measureSaves(lite.url)));
	} finally {
		await stopServer(lite, true);
	}
	if (pgUrl) {
		const name = `opsm_bench_${process.pid}`;
		const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
		await admin.unsafe(`create database ${name}`);
		const u = new URL(pgUrl);
		u.pathname = `/${name}`;
		const pg = await startServer({ DATABASE_URL: u.toString(), SEED_DEMO: '1' });
		try {
			lines.push(summary('autosave round-trip, PostgreSQL', await measureSaves(pg.url)));
		} finally {
			await stopServer(pg, true);
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	}
	return lines;
}
