// What backup and restore need to know about the tables, read from pg_catalog so that a table a
// later migration adds is backed up without anyone listing it. Plain JavaScript: see backup.js.

/**
 * @typedef {{
 *   name: string,
 *   columns: { name: string, type: string }[],
 *   primaryKey: string[],
 *   sequences: { column: string, sequence: string }[],
 *   parents: string[]
 * }} Table
 */

/** @param {string} name */
export const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

const PUBLIC = `n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`;

/**
 * Every table of the `public` schema, with its stored (not generated) columns in order, primary
 * key, serial/identity sequences and the tables its foreign keys point at.
 * @param {(text: string) => Promise<Record<string, any>[]>} query
 * @returns {Promise<Table[]>}
 */
export async function readCatalog(query) {
	const from = `from pg_class c join pg_namespace n on n.oid = c.relnamespace`;
	const columns = await query(
		`select c.relname as "table", a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
			pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) as sequence
		${from} join pg_attribute a on a.attrelid = c.oid
		where ${PUBLIC} and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
		order by c.relname, a.attnum`
	);
	const keys = await query(
		`select c.relname as "table", a.attname as name
		${from} join pg_constraint k on k.conrelid = c.oid and k.contype = 'p'
		cross join lateral unnest(k.conkey) with ordinality as u(attnum, position)
		join pg_attribute a on a.attrelid = c.oid and a.attnum = u.attnum
		where ${PUBLIC} order by c.relname, u.position`
	);
	const references = await query(
		`select distinct c.relname as "table", p.relname as parent
		${from} join pg_constraint k on k.conrelid = c.oid and k.contype = 'f' join pg_class p on p.oid = k.confrelid
		where ${PUBLIC}`
	);
	/** @type {Map<string, Table>} */
	const tables = new Map();
	for (const col of columns) {
		let table = tables.get(col.table);
		if (!table) tables.set(col.table, (table = { name: col.table, columns: [], primaryKey: [], sequences: [], parents: [] }));
		table.columns.push({ name: col.name, type: col.type });
		if (col.sequence) table.sequences.push({ column: col.name, sequence: col.sequence });
	}
	for (const key of keys) tables.get(key.table)?.primaryKey.push(key.name);
	for (const ref of references) if (ref.parent !== ref.table) tables.get(ref.table)?.parents.push(ref.parent);
	return [...tables.values()];
}

/**
 * Parents before children (a self-reference does not count), alphabetical where the order is free.
 * @param {Table[]} tables
 * @returns {Table[]}
 */
export function orderByForeignKeys(tables) {
	const byName = new Map(tables.map((t) => [t.name, t]));
	/** @type {Table[]} */
	const ordered = [];
	const placed = new Set();
	while (ordered.length < tables.length) {
		const ready = tables.filter((t) => !placed.has(t.name) && t.parents.every((p) => placed.has(p) || !byName.has(p)));
		if (!ready.length)
			throw new Error(
				`Foreign keys form a cycle between ${tables.filter((t) => !placed.has(t.name)).map((t) => t.name)}: no safe restore order.`
			);
		for (const t of ready.sort((a, b) => a.name.localeCompare(b.name))) {
			ordered.push(t);
			placed.add(t.name);
		}
	}
	return ordered;
}
