import { getRequestEvent } from '$app/server';
import { env } from '#lib/server/env.ts';
import { perDatabase } from './prepared';

/**
 * The part of this request's page version (read with its session, session.ts) that every reader shares: the last
 * transaction that wrote what pages show, and the server's start. Outside a signed-in GET request (a job, a test calling
 * a load, a form action), none.
 */
function sharedPageVersion(): string | undefined {
	let event;
	try {
		event = getRequestEvent();
	} catch {
		return undefined;
	}
	// A form action may write, then its page's load runs in the same request: past the version its session read.
	if (event.request.method !== 'GET') return undefined;
	return event.locals.pageVersion && sharedPart(event.locals.pageVersion);
}

/** A page version without the person's own part (their drafts): `<last shown write>@<server start>`. */
export const sharedPart = (pageVersion: string) => pageVersion.replace(/:[^@]*@/, '@');

/**
 * A value read from the database and kept, per database, while the page version stays the one it was read under:
 * the same guarantee as the page cache (page-cache.ts), for derived figures several pages need whatever their
 * address. The version is read before the value, so what is kept is never older than its version. A round list with
 * its counts cost 16–21 ms of a 40 ms portfolio at 1,000 technologies × 20 respondents. PAGE_CACHE=0 turns it off.
 */
export function keptPerPageVersion<T>(read: () => Promise<T>) {
	const kept = perDatabase(() => ({ version: '', value: undefined as Promise<T> | undefined }));
	return (version = sharedPageVersion()): Promise<T> => {
		if (!version || env.PAGE_CACHE === '0') return read();
		const slot = kept();
		if (slot.version === version && slot.value) return slot.value;
		const value = read();
		Object.assign(slot, { version, value });
		// A failed read is not kept: the next request asks again.
		value.catch(() => {
			if (slot.value === value) slot.value = undefined;
		});
		return value;
	};
}
