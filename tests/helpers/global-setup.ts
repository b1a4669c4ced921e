import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase } from '../../src/lib/server/db/client';
import { useDatabase } from '../../src/lib/server/db';
import { ensureFramework } from '../../src/lib/server/queries/framework';

declare module 'vitest' {
	export interface ProvidedContext {
		pgliteTemplate: string;
		postgresTemplate: string;
		/** The project runs its files in one module graph per worker (isolate: false): they may share a database. */
		sharedModules: boolean;
	}
}

/**
 * Migrates once and hands every test file a copy: a PGlite data-dir dump, and on PostgreSQL
 * (TEST_DATABASE_URL) a template database that each file clones with CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-template-'));
	const pglite = await openDatabase({ kind: 'pglite' });
	await migrateDatabase({ kind: 'pglite' }, pglite);
	useDatabase(pglite);
	await ensureFramework();
	const dump = await (pglite.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client.dumpDataDir('none');
	const file = path.join(dir, 'template.tar');
	writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
	useDatabase(undefined);
	await pglite.close();
	project.provide('pgliteTemplate', file);

	const url = process.env.TEST_DATABASE_URL;
	let templateName = '';
	if (url) {
		templateName = `opsm_template_${process.pid}`;
		const admin = postgres(url, { max: 1, onnotice: () => {} });
		await admin.unsafe(`drop database if exists ${templateName}`);
		await admin.unsafe(`create database ${templateName}`);
		const templateUrl = withDatabase(url, templateName);
		const pg = await openDatabase({ kind: 'postgres', url: templateUrl, max: 2 });
		await migrateDatabase({ kind: 'postgres', url: templateUrl }, pg);
		useDatabase(pg);
		await ensureFramework();
		useDatabase(undefined);
		await pg.close();
		await admin.end();
	}
	project.provide('postgresTemplate', templateName);

	return async () => {
		rmSync(dir, { recursive: true, force: true });
		if (url && templateName) {
			const admin = postgres(url, { max: 1, onnotice: () => {} });
			await admin.unsafe(`drop database if exists ${templateName} with (force)`);
			await admin.end();
		}
	};
}

export function withDatabase(url: string, name: string) {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}
