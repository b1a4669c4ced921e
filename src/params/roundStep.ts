import type { ParamMatcher } from '@sveltejs/kit';

/** The steps of a round's life the API offers: POST /rounds/{id}/open and /close. */
export const match = ((param: string): param is 'open' | 'close' => param === 'open' || param === 'close') satisfies ParamMatcher;
