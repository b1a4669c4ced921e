/** Rules of one respondent's answers, independent of storage. */
import { isWellFormedText } from './text';

export const COMMENT_MAX = 2000;
export const EVIDENCE_MAX = 2000;

export type Answer = {
	score: number | null;
	dontKnow: boolean;
	comment: string;
	evidenceUrl: string;
};

export const EMPTY_ANSWER: Answer = { score: null, dontKnow: false, comment: '', evidenceUrl: '' };

export function isAnswered(a: Answer | undefined): boolean {
	return !!a && (a.dontKnow || a.score !== null);
}

export type Progress = { answered: number; total: number; missing: string[] };

/** How far a response is, and which vectors (keys, in framework order) still need an answer. */
export function progressOf(vectorKeys: string[], answers: Record<string, Answer | undefined>): Progress {
	const missing = vectorKeys.filter((k) => !isAnswered(answers[k]));
	return { answered: vectorKeys.length - missing.length, total: vectorKeys.length, missing };
}

/** The choice a form sends for one vector: '' = not answered yet, '0'–'5', or '?' = don't know. */
export function parseChoice(raw: string): Pick<Answer, 'score' | 'dontKnow'> | null {
	if (raw === '') return { score: null, dontKnow: false };
	if (raw === '?') return { score: null, dontKnow: true };
	if (/^[0-5]$/.test(raw)) return { score: Number(raw), dontKnow: false };
	return null;
}

export function choiceOf(a: Answer | undefined): string {
	if (!a) return '';
	if (a.dontKnow) return '?';
	return a.score === null ? '' : String(a.score);
}

/**
 * A plain web link, the one rule for evidence, ticket and documentation links: http(s) only (no
 * javascript:, data: or other schemes that run or embed), written out as `http(s)://host…` the
 * way the database's own check reads it, with no spaces, control characters or backslashes
 * (`http:/\\host` parses as a URL but is not what was meant, and the database refuses it).
 */
export function isWebLink(raw: string, max = EVIDENCE_MAX): boolean {
	// eslint-disable-next-line no-control-regex
	if (raw.length > max || !/^https?:\/\/[^\s\u0000-\u001f\u007f\\]+$/i.test(raw)) return false;
	// The URL parser would turn half a surrogate pair into %EF%BF%BD; the text kept is the one sent.
	if (!isWellFormedText(raw)) return false;
	try {
		const url = new URL(raw);
		return (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname;
	} catch {
		return false;
	}
}

export type AnswerChange = { before: Answer; after: Answer };

/** Vectors whose answer differs between two sets, for the audit trail. */
export function changedAnswers(before: Record<string, Answer>, after: Record<string, Answer>): Record<string, AnswerChange> {
	const changes: Record<string, AnswerChange> = {};
	for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
		const b = before[key] ?? EMPTY_ANSWER;
		const a = after[key] ?? EMPTY_ANSWER;
		if (b.score !== a.score || b.dontKnow !== a.dontKnow || b.comment !== a.comment || b.evidenceUrl !== a.evidenceUrl)
			changes[key] = { before: b, after: a };
	}
	return changes;
}

/** Evidence links follow the one web-link rule. */
export const isEvidenceUrl = (raw: string) => isWebLink(raw);
