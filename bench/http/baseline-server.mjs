// The physical limit for Opsmaturity's hot paths on this stack: a bare node:http server + postgres.js doing the
// same database work as the app, with no framework. Two routes:
//   GET  /page      session lookup by SHA-256 of the cookie token + one technology row + a small HTML string
//   POST /autosave  version-checked update of one score plus its audit row, in one statement
//                   (UPDATE ... WHERE version = $v RETURNING version; 409 when stale)
// Usage, from the project root: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench PORT=4100 node bench/http/baseline-server.mjs
// (run baseline-seed.mjs first; it prints the session token for the cookie `session=<token>`)
import http from 'node:http';
import { createHash } from 'node:crypto';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL || 'postgres:///bench', { max: 10 });
const port = Number(process.env.PORT || 4100);

function token(req) {
	const m = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie || '');
	return m ? m[1] : null;
}

const server = http.createServer(async (req, res) => {
	try {
		const t = token(req);
		if (!t) {
			res.writeHead(401).end();
			return;
		}
		const id = createHash('sha256').update(t).digest('hex');
		const [s] = await sql`select u.id, u.name, s.expires_at from bl_session s join bl_user u on u.id = s.user_id where s.id = ${id}`;
		if (!s || s.expires_at < new Date()) {
			res.writeHead(401).end();
			return;
		}
		if (req.method === 'GET') {
			const [tech] = await sql`select name, rating from bl_technology where slug = ${'kafka'}`;
			res
				.writeHead(200, { 'content-type': 'text/html' })
				.end(`<!doctype html><title>${tech.name}</title><h1>${tech.name}</h1><p>${s.name}: ${tech.rating}</p>`);
		} else {
			let body = '';
			for await (const chunk of req) body += chunk;
			const { vector, score, version } = JSON.parse(body);
			const rows = await sql`
        with u as (update bl_score set score = ${score}, version = version + 1
                   where user_id = ${s.id} and vector = ${vector} and version = ${version} returning version),
             a as (insert into bl_audit (user_id, vector, score) select ${s.id}, ${vector}, ${score} from u)
        select version from u`;
			if (rows.length) {
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]));
				return;
			}
			// stale: tell the client the current version, as the app does
			const [cur] = await sql`select version from bl_score where user_id = ${s.id} and vector = ${vector}`;
			res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ version: cur?.version ?? 0 }));
		}
	} catch (e) {
		res.writeHead(500).end(String(e));
	}
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => sql.end().then(() => process.exit(0))));
