import type { SessionInfo, SessionUser } from '#lib/server/auth/session.ts';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: SessionInfo | null;
			/** Set first thing for every request (hooks: observe); in its log lines, its x-request-id header and its error page. */
			requestId: string;
			/** Read with the session: which change of what pages show it saw (page-cache.ts), the page cache's validator. */
			pageVersion?: string;
			/** Set by handleError: whatever this request rendered shows a failure, and is not kept by the page cache. */
			failed?: boolean;
			/** On /api/v1: the personal access token the request was authenticated with, or why there is none. */
			apiTokenId?: number;
			apiAuth?: 'missing' | 'invalid';
		}
		interface Error {
			message: string;
			id?: string;
			/** A heading for the error page where the status alone would say less (a sign-in that did not complete). */
			heading?: string;
		}
	}
}

export {};
