// Prepares a demo-seeded app database for the HTTP benchmark: gives the demo member every technology of the first
// open round to score, clears their answers there, and prints "<round id> <slug> <slug> …" (ten slugs).
// Usage, from the project root: DATABASE_URL=postgres://… node bench/http/prepare.mjs   (PostgreSQL)
//                               DATA_DIR=/path node bench/http/prepare.mjs              (embedded; the app must be stopped)
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

const STATEMENTS = (round, member) => [
	`insert into assignment (round_id, technology_id, user_id)
	   select round_id, technology_id, ${member} from round_technology where round_id = ${round} on conflict do nothing`,
	`delete from answer where response_id in (select id from response where user_id = ${member} and round_id = ${round})`,
	`delete from response where user_id = ${member} and round_id = ${round}`
];

async function prepare(query) {
	const [open] = await query(`select id from round where state = 'open' order by id limit 1`);
	const [member] = await query(`select id from app_user where email = 'member@example.com'`);
	if (!open || !member) throw new Error('the database has no open round or no demo member: start the app once with SEED_DEMO=1');
	for (const statement of STATEMENTS(Number(open.id), Number(member.id))) await query(statement);
	const slugs = await query(
		`select t.slug from round_technology rt join technology t on t.id = rt.technology_id
		  where rt.round_id = ${Number(open.id)} order by t.slug limit 10`
	);
	return [open.id, ...slugs.map((s) => s.slug)].join(' ');
}

if (process.env.DATABASE_URL) {
	const sql = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
	console.log(await prepare((text) => sql.unsafe(text)));
	await sql.end();
} else {
	const pg = await PGlite.create({ dataDir: process.env.DATA_DIR });
	console.log(await prepare(async (text) => (await pg.query(text)).rows));
	await pg.close();
}
