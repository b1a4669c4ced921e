import { defineParams } from '@sveltejs/kit/params';
import { MAX_ID } from '#lib/domain/ids.ts';

// A matcher answers `undefined` for "no match"; whatever else it returns becomes the parameter.
export const params = defineParams({
	/**
	 * A row id in a path: a positive integer PostgreSQL's `integer` can hold, written plainly. Any
	 * other segment is no page at all (404 before any code runs), not a 500 from the database.
	 */
	id: (param) => (isRowId(param) ? param : undefined),
	/** The steps of a round's life the API offers: POST /rounds/{id}/open and /close. */
	roundStep: (param) => (param === 'open' || param === 'close' ? param : undefined)
});

export function isRowId(param: string): boolean {
	return /^[1-9]\d{0,9}$/.test(param) && Number(param) <= MAX_ID;
}
