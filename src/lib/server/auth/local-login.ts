import { env } from '#lib/server/env.ts';

/**
 * Passwords, when single sign-on is the way in. `LOCAL_LOGIN=0` turns them off for everyone but
 * the break-glass account (`BREAK_GLASS_EMAIL`), kept for the day the provider is down.
 */
export const localLoginEnabled = () => env.LOCAL_LOGIN !== '0';

export const breakGlassEmail = () => env.BREAK_GLASS_EMAIL?.trim().toLowerCase() || null;

export function mayUsePassword(email: string): boolean {
	return localLoginEnabled() || email.toLowerCase() === breakGlassEmail();
}
