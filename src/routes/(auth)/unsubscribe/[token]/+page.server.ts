import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { MAIL_PREFERENCE_KEYS, MAIL_PREFERENCES } from '#lib/domain/mail-kinds.ts';
import { findByUnsubscribeToken, unsubscribe } from '#lib/server/queries/mail-preferences.ts';
import type { Actions, PageServerLoad } from './$types';

// The link in an email is the only credential here: it names one person and can only turn their emails off.
const GONE = 'This unsubscribe link is not valid. Sign in and choose your emails on your account page.';
const kindOf = (url: URL) => z.enum(MAIL_PREFERENCE_KEYS as [string, ...string[]]).safeParse(url.searchParams.get('kind')).data;
const labelOf = (key: string) => MAIL_PREFERENCES.find((p) => p.key === key)!.label;

export const load: PageServerLoad = async ({ params, url }) => {
	const kind = kindOf(url);
	const person = await findByUnsubscribeToken(params.token);
	if (!person || !kind) error(404, GONE);
	return { email: person.email, kind, label: labelOf(kind), already: person.optOut.includes(kind as never) };
};

export const actions: Actions = {
	/** Also what a mail client's one-click unsubscribe posts (RFC 8058), from outside the site. */
	default: async ({ params, url }) => {
		const kind = kindOf(url);
		if (!kind || !(await unsubscribe(params.token, kind as never))) error(404, GONE);
		return { unsubscribed: labelOf(kind) };
	}
};
