import postgres from 'postgres';

/** Runs `fn` on a new database on the benchmark's PostgreSQL server, dropped afterwards whatever happens. */
export async function withScratchDatabase<T>(pgUrl: string, name: string, fn: (url: string) => Promise<T>): Promise<T> {
	const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
	const database = `${name}_${process.pid}`;
	try {
		await admin.unsafe(`create database ${database}`);
		const url = new URL(pgUrl);
		url.pathname = `/${database}`;
		return await fn(url.toString());
	} finally {
		await admin.unsafe(`drop database if exists ${database} with (force)`);
		await admin.end();
	}
}
