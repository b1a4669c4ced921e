import type { ParamMatcher } from '@sveltejs/kit';
import { MAX_ID } from '$lib/domain/ids';

/**
 * A row id in a path: a positive integer PostgreSQL's `integer` can hold, written plainly. Any
 * other segment is no page at all (404 before any code runs), not a 500 from the database.
 */
export const match = ((param: string) => /^[1-9]\d{0,9}$/.test(param) && Number(param) <= MAX_ID) satisfies ParamMatcher;
