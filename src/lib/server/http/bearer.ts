import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether an Authorization header carries exactly `Bearer <expected>`. Both sides are hashed
 * first, so the comparison takes the same time whatever the length or the first wrong byte.
 */
export function bearerMatches(header: string | null, expected: string): boolean {
	const given = /^Bearer ([^\s]+)$/i.exec(header?.trim() ?? '')?.[1] ?? '';
	return timingSafeEqual(digest(given), digest(expected)) && given.length > 0;
}
