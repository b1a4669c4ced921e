import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { round } from '../../src/lib/server/db/schema';
import { env } from '../../src/lib/server/env';
import { keptPerPageVersion, sharedPart } from '../../src/lib/server/db/kept';
import { listRoundsAt } from '../../src/lib/server/queries/rounds';
import { useTestDatabase } from '../helpers/db';
import { createRoundRow, createTechnologyRow } from '../helpers/factories';
import { signedInPerson } from '../helpers/page-version';

useTestDatabase();
afterEach(() => {
	delete env.PAGE_CACHE;
});

describe('values kept per page version', () => {
	it('reads once per version, again once it moves, every time outside a request or with PAGE_CACHE=0', async () => {
		let reads = 0;
		const kept = keptPerPageVersion(async () => ++reads);
		expect(await kept('v1')).toBe(1);
		expect(await kept('v1')).toBe(1);
		expect(await kept('v2')).toBe(2);
		expect(await kept()).toBe(3);
		expect(await kept()).toBe(4);
		env.PAGE_CACHE = '0';
		expect(await kept('v2')).toBe(5);
	});

	it('does not keep a failed read', async () => {
		let reads = 0;
		const kept = keptPerPageVersion(async () => {
			if (++reads === 1) throw new Error('database down');
			return reads;
		});
		await expect(kept('v1')).rejects.toThrow('database down');
		expect(await kept('v1')).toBe(2);
	});

	it('gives the round list anew after a round changes, and the same frozen list while nothing did', async () => {
		const tech = await createTechnologyRow(`Kept ${Date.now()}`);
		const created = await createRoundRow('draft', [{ technologyId: tech.id, userIds: [] }]);
		const { version } = await signedInPerson();
		// The shared part of the version, as the hooks pass it on to kept values.
		const versionNow = async () => sharedPart(await version());
		const before = await versionNow();
		const first = await listRoundsAt(before);
		expect(await listRoundsAt(await versionNow())).toBe(first);
		expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
		await db().update(round).set({ name: 'Renamed round' }).where(eq(round.id, created.id));
		const after = await versionNow();
		expect(after).not.toBe(before);
		expect((await listRoundsAt(after)).find((r) => r.id === created.id)?.name).toBe('Renamed round');
	});
});
