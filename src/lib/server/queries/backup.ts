import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { env } from '#lib/server/env.ts';
import { db } from '#lib/server/db/index.ts';
import { writeBackup } from '#lib/server/db/backup.js';
import { secretsKeyFrom } from '#lib/server/db/secrets.js';
import { recordAudit } from './audit';

/**
 * A backup of the running database for an admin to download, audited. The snapshot is written to
 * a temporary file first and streamed from there: the database transaction lasts as long as the
 * dump, not as long as a slow download (on the embedded database it makes every other query wait).
 */
export async function backupForDownload(actorId: number) {
	const dir = await mkdtemp(path.join(tmpdir(), 'opsm-backup-'));
	try {
		const file = path.join(dir, 'backup.ndjson.gz');
		// With SECRETS_KEY, webhook secrets are sealed under it; without, left out (docs/operate.md, Backup and restore).
		const header = await writeBackup(db(), createWriteStream(file), { secretsKey: secretsKeyFrom(env.SECRETS_KEY) });
		const rows = header.tables.reduce((n, t) => n + t.rows, 0);
		await recordAudit(db(), { actorId, action: 'backup.download', entity: 'backup', after: { snapshot: header.createdAt, rows } });
		// Open, then remove: the open file stays readable until the download closes it, and nothing is left behind.
		const handle = await open(file);
		const { size } = await handle.stat();
		const stamp = header.createdAt.slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
		return {
			name: `opsmaturity-backup-${stamp}.ndjson.gz`,
			size,
			body: Readable.toWeb(handle.createReadStream()) as unknown as ReadableStream<Uint8Array>
		};
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
