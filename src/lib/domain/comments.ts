/** One respondent's comment or evidence link on one vector, as a report quotes it. */
export type QuotedAnswer = { respondent: string; score: number | null; dontKnow: boolean; comment: string; evidence: string };

/**
 * A comment as one line: "Name (3): “words” · evidence: url" for those who may see respondents,
 * the words alone after a bullet for everyone else (the caller blanks the name and score).
 */
export function quoteAnswer(c: QuotedAnswer): string {
	const who = c.respondent ? `${c.respondent}${c.score !== null ? ` (${c.score})` : c.dontKnow ? " (don't know)" : ''}: ` : '• ';
	const said = c.comment ? `“${c.comment}”` : '';
	const evidence = c.evidence ? `${c.comment ? ' · ' : ''}evidence: ${c.evidence}` : '';
	return `${who}${said}${evidence}`;
}
