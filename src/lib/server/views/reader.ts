import type { Reader } from '#lib/domain/anonymity.ts';
import { can } from '../auth/policy';
import type { SessionUser } from '../auth/session';
import { getAnonymity } from '../queries/settings';

/** `user` as a reader of figures (see `mayTellApart`): whether they may see names, and the anonymity threshold in force. */
export async function readerOf(user: Pick<SessionUser, 'role'> | null | undefined): Promise<Reader> {
	const { threshold } = await getAnonymity();
	return { seesNames: can(user, 'seeRespondents'), threshold };
}
