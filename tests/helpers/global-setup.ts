import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
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

type Templates = { pglite: string; postgres: string; remove: () => Promise<void> };
const MADE = Symbol.for('opsmaturity.test.templates');

/**
 * Migrates once and hands every test file a copy: a PGlite data-dir dump, and on PostgreSQL
 * (TEST_DATABASE_URL) a template database that each file clones with CREATE DATABASE … TEMPLATE.
 * Once per run, not per project: the four database projects each made their own, 26 s before the
 * first file of `npm run test:pg` started.
 */
export default async function setup(project: TestProject) {
	const made = globalThis as { [MADE]?: Promise<Templates> };
	const first = !made[MADE];
	const templates = await (made[MADE] ??= makeTemplates());
	project.provide('pgliteTemplate', templates.pglite);
	project.provide('postgresTemplate', templates.postgres);
	if (!first) return;
	// Teardown runs after every project's files; a watch-mode restart then makes them anew.
	return async () => {
		delete made[MADE];
		await templates.remove();
	};
}

async function makeTemplates(): Promise<Templates> {
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-template-'));
	const url = process.env.TEST_DATABASE_URL;
	const postgresName = url ? `opsm_template_${process.pid}` : '';
	// The embedded database migrates in this process, PostgreSQL mostly in its server: side by side.
	const settled = await Promise.allSettled([
		migrated({ kind: 'pglite' }),
		url ? created(url, postgresName).then((at) => migrated({ kind: 'postgres', url: at })) : undefined
	]);
	const failed = settled.find((r) => r.status === 'rejected');
	if (failed) {
		await Promise.all(settled.map((r) => (r.status === 'fulfilled' ? r.value?.close() : undefined)));
		throw failed.reason;
	}
	const [pglite, pg] = settled.map((r) => (r as PromiseFulfilledResult<DatabaseHandle | undefined>).value);
	if (!pglite) throw new Error('the embedded template did not open');
	for (const handle of [pglite, pg]) {
		if (!handle) continue;
		useDatabase(handle);
		await ensureFramework();
		useDatabase(undefined);
	}
	const dump = await (pglite.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client.dumpDataDir('none');
	const file = path.join(dir, 'template.tar');
	writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
	await Promise.all([pglite.close(), pg?.close()]);
	return {
		pglite: file,
		postgres: postgresName,
		remove: async () => {
			rmSync(dir, { recursive: true, force: true });
			if (url) {
				const admin = postgres(url, { max: 1, onnotice: () => {} });
				await admin.unsafe(`drop database if exists ${postgresName} with (force)`);
				await admin.end();
			}
		}
	};
}

async function migrated(options: { kind: 'pglite' } | { kind: 'postgres'; url: string }) {
	const handle = await openDatabase(options.kind === 'pglite' ? options : { ...options, max: 2 });
	await migrateDatabase(options, handle);
	return handle;
}

/** An empty database of that name on the server of `url` (dropped first if a run left it); its URL. */
async function created(url: string, name: string) {
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	await admin.unsafe(`drop database if exists ${name}`);
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	return withDatabase(url, name);
}

export function withDatabase(url: string, name: string) {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}
