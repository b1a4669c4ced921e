import { benchAutosave } from './autosave';

// PostgreSQL figures need a server: BENCH_DATABASE_URL (or TEST_DATABASE_URL) names one to create scratch databases in.
const pgUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;

const lines = await benchAutosave(pgUrl);
for (const line of lines) process.stdout.write(`${line}\n`);
if (!pgUrl) process.stdout.write('(set BENCH_DATABASE_URL=postgres://… for the PostgreSQL figures)\n');
