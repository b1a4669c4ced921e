import { it } from 'vitest';
import { benchApi } from './api';
import { benchAutosave } from './autosave';
import { benchBackup } from './backup';
import { benchMail } from './mail';
import { benchResultsEverywhere } from './results';

// Runs inside vitest only so that `#lib` resolves as in the app; it asserts nothing and prints figures.
// PostgreSQL figures need a server: BENCH_DATABASE_URL (or TEST_DATABASE_URL) names one to create scratch databases in.
const pgUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
const only = process.env.BENCH_ONLY;
const print = (lines: string[]) => lines.forEach((l) => process.stdout.write(`${l}\n`));

it.runIf(!only || only === 'autosave')('autosave round-trip', async () => print(await benchAutosave(pgUrl)));
it.runIf(!only || only === 'results')('results and pages at 1,000 technologies', async () => {
	print(await benchResultsEverywhere(pgUrl));
	if (!pgUrl) process.stdout.write('(set BENCH_DATABASE_URL=postgres://… for the PostgreSQL figures)\n');
});
it.runIf(!only || only === 'backup')('backup and restore at 1,000 technologies', async () => print(await benchBackup(pgUrl)));
it.runIf(!only || only === 'mail')('emails when a round of 1,000 technologies × 20 respondents opens', async () =>
	print(await benchMail(pgUrl))
);
it.runIf(!only || only === 'api')('API latency: listing 1,000 technologies and saving answers', async () => print(await benchApi(pgUrl)));
