/**
 * The emails the product sends. Each kind but the invitation can be turned off per person on
 * /account; the invitation goes to someone without an account yet, so there is no one to ask.
 */
export const MAIL_KINDS = ['invitation', 'round_opened', 'calibration_started', 'reminder', 'overdue', 'digest', 'report_ready'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** The choices on /account: reminders and overdue notices are one choice, as people think of them. */
export const MAIL_PREFERENCES = [
	{
		key: 'round_opened',
		label: 'A round asks me to score, or a calibration session I take part in starts',
		kinds: ['round_opened', 'calibration_started']
	},
	{ key: 'reminder', label: 'Reminders before the due date, and when overdue', kinds: ['reminder', 'overdue'] },
	{ key: 'digest', label: 'Weekly digest of open rounds (leads)', kinds: ['digest'] },
	{ key: 'report_ready', label: 'A round closed and its report is ready', kinds: ['report_ready'] }
] as const satisfies readonly { key: string; label: string; kinds: readonly MailKind[] }[];
export type MailPreference = (typeof MAIL_PREFERENCES)[number]['key'];
export const MAIL_PREFERENCE_KEYS = MAIL_PREFERENCES.map((p) => p.key) as MailPreference[];

/** The preference that governs a kind of message; undefined for the invitation. */
export function preferenceOf(kind: MailKind): MailPreference | undefined {
	return MAIL_PREFERENCES.find((p) => (p.kinds as readonly MailKind[]).includes(kind))?.key;
}

/** How many days before the due date a round reminds people; null is off. */
export const REMINDER_DAYS = [2, 5, 7] as const;
export type ReminderDays = (typeof REMINDER_DAYS)[number];

export const MAIL_STATES = ['queued', 'sending', 'sent', 'failed', 'held'] as const;
export type MailState = (typeof MAIL_STATES)[number];
