// Closed-loop autosave load: C workers, each on its own response, each carrying its version forward.
// Usage: node autosave-load.mjs app|baseline BASE COOKIE SECONDS C [paths...]
//   app: POST BASE+path (?/save form action, JSON accept) with score.<vector>, version; reads the new version back.
//   baseline: POST BASE/autosave JSON {vector,score,version}.
// RATE=<n>: at most n saves a second in all (each worker waits out its share), instead of as many as it can.
// Prints: "<req/s> req/s p50 <ms> p99 <ms> errors <n>".
const [mode, base, cookie, secs, conc, ...paths] = process.argv.slice(2);
const C = Number(conc || 10),
	until = Date.now() + Number(secs || 10) * 1000;
const PACE_MS = process.env.RATE ? (C * 1000) / Number(process.env.RATE) : 0;
const lat = [];
let errors = 0;
const VECTOR = 'recoverability';
async function worker(i) {
	let version = 0,
		score = 0;
	const path = paths[i % Math.max(paths.length, 1)];
	while (Date.now() < until) {
		score = (score + 1) % 6;
		const t0 = performance.now();
		let res;
		if (mode === 'app') {
			const body = new URLSearchParams({
				version: String(version),
				vector: VECTOR,
				[`score.${VECTOR}`]: String(score),
				[`comment.${VECTOR}`]: '',
				[`evidence.${VECTOR}`]: ''
			});
			res = await fetch(base + path, {
				method: 'POST',
				body,
				headers: { cookie, accept: 'application/json', 'x-sveltekit-action': 'true', origin: base }
			});
			const text = await res.text();
			// devalue: {"type":"success","status":200,"data":"[{\"saved\":1,\"version\":2,...},true,5,...]"}
			let ok = res.ok && text.includes('"type":"success"');
			if (ok) {
				try {
					const d = JSON.parse(JSON.parse(text).data);
					version = d[d[0].version];
				} catch {
					ok = false;
				}
			}
			if (!ok) {
				errors++;
				if (errors < 3 && !text.includes('"status":409')) console.error('error', res.status, text.slice(0, 200));
				try {
					const d = JSON.parse(JSON.parse(text).data);
					version = d[d[0].version] ?? version;
				} catch {
					// not an action result (a 5xx page, say): keep the version and go on counting errors
				}
			}
		} else {
			res = await fetch(base + '/autosave', {
				method: 'POST',
				body: JSON.stringify({ vector: VECTOR + i, score, version }),
				headers: { cookie, 'content-type': 'application/json' }
			});
			const j = await res.json().catch(() => ({}));
			if (res.ok) version = j.version;
			else {
				errors++;
				if (j.version !== undefined) version = j.version;
			}
		}
		lat.push(performance.now() - t0);
		const wait = t0 + PACE_MS - performance.now();
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
	}
}
const start = Date.now();
await Promise.all(Array.from({ length: C }, (_, i) => worker(i)));
const el = (Date.now() - start) / 1000;
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
console.log(`${(lat.length / el).toFixed(0)} req/s p50 ${q(0.5)} ms p99 ${q(0.99)} ms errors ${errors}`);
