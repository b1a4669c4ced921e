import { page } from '$app/state';

/** A link to the current page with some query parameters changed (null removes one); the others stay. */
export function queryLink(changes: Record<string, string | number | null>): string {
	// A throwaway copy to build a link, not state.
	const params = new URLSearchParams(page.url.search);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null) params.delete(key);
		else params.set(key, String(value));
	}
	return `?${params}`;
}
