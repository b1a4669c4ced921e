/** A round is drafted (scope being set), open (answers being written), then closed (results final). */
export const ROUND_STATES = ['draft', 'open', 'closed'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

/** A respondent's answers to one technology in one round: a draft until submitted. */
export const RESPONSE_STATES = ['draft', 'submitted'] as const;
export type ResponseState = (typeof RESPONSE_STATES)[number];
