import { createSession, generateToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { saveDraft } from '../../src/lib/server/queries/draft-save';
import { createRoundRow, createTechnologyRow, createUserRow } from './factories';

/** A person with a session, and the page version their next request would read (session.ts). */
export async function signedInPerson(role: 'member' | 'lead' = 'member') {
	const user = await createUserRow(role);
	const token = generateToken();
	await createSession(token, user.id);
	return { user, token, version: async () => (await validateSessionToken(token))!.pageVersion };
}

/** An open round asking `authorId` about one new technology, and a draft save of one answer, as autosave makes it. */
export async function draftOf(authorId: number) {
	const tech = await createTechnologyRow(`Drafted ${Date.now()} ${Math.random()}`);
	const open = await createRoundRow('open', [{ technologyId: tech.id, userIds: [authorId] }]);
	const save = (expected: number, score: number) =>
		saveDraft({ roundId: open.id, userId: authorId, slug: tech.slug }, expected, {
			stability: { score, dontKnow: false, comment: '', evidenceUrl: '' }
		});
	return { tech, open, save };
}
