/**
 * An audit entry as a person reads it: who did what to which thing, and each changed field as
 * before → after, with names in place of ids. Secrets that once went into an entry (hashes,
 * tokens) are never shown.
 */
export type AuditRow = {
	action: string;
	entity: string;
	entityId: string | null;
	before: AuditSnapshot | null;
	after: AuditSnapshot | null;
};

/** The fields of one side of a change, as stored in `audit_log.before` / `after` (JSON, so dates are strings). */
export type AuditSnapshot = Record<string, unknown>;

export type NameBook = {
	user: Map<number, string>;
	team: Map<number, string>;
	technology: Map<number, string>;
	round: Map<number, string>;
};

export type Change = { field: string; before: string; after: string };

const ACTIONS: Record<string, string> = {
	'backlog.regenerate': 'regenerated the backlog of',
	'backlog.update': 'edited backlog item',
	'backup.download': 'downloaded',
	'calibration.agree': 'recorded a level agreed in calibration for',
	'calibration.end': 'ended the calibration of',
	'calibration.start': 'started a calibration of',
	'demo.remove': 'removed',
	'framework.create': 'published framework version',
	'initiative.create': 'set',
	'initiative.delete': 'deleted',
	'initiative.update': 'changed',
	'invitation.accept': 'accepted invitation',
	'invitation.create': 'invited someone as',
	'mail.retry': 'sent again',
	'radar_link.create': 'published',
	'radar_link.revoke': 'revoked',
	'response.reopen': 'reopened answers of',
	'round.add-respondent': 'added a respondent to',
	'round.add-technologies': 'added technologies to',
	'round.close': 'closed',
	'round.create': 'created',
	'round.open': 'opened',
	'round.reopen': 'reopened',
	'round.remove-respondent': 'removed respondents from',
	'round.remove-technology': 'removed a technology from',
	'round.update': 'changed',
	'setting.update': 'changed the setting',
	'setup.admin': 'set up Opsmaturity as',
	'team.create': 'created',
	'team.delete': 'deleted',
	'team.rename': 'renamed',
	'technology.create': 'created',
	'technology.delete': 'deleted',
	'technology.import': 'imported',
	'technology.update': 'changed',
	'user.mail_preferences': 'changed the email choices of',
	'user.password': 'changed the password of',
	'user.sso_create': 'joined through single sign-on as',
	'user.sso_groups': 'had role or teams set by single sign-on groups:',
	'user.sso_link': 'linked a single sign-on identity to',
	'user.unsubscribe': 'unsubscribed by email link:',
	'user.update': 'changed'
};

const ENTITY_WORDS: Record<string, string> = {
	round: 'round',
	team: 'team',
	technology: 'technology',
	user: 'user',
	initiative: 'initiative',
	invitation: 'invitation',
	mail_message: 'email',
	remediation_item: 'item',
	framework_version: 'version',
	setting: '',
	demo_data: 'demo data',
	published_radar: 'radar address',
	backup: 'a backup'
};

// Which name book a field's ids belong to: technologyId(s) → technology, userId(s) → user, and so on.
const ID_FIELDS: Record<string, keyof NameBook> = {
	technologyId: 'technology',
	technologyIds: 'technology',
	userId: 'user',
	userIds: 'user',
	assigneeId: 'user',
	teamId: 'team',
	teamIds: 'team',
	createdBy: 'user',
	roundId: 'round'
};
const SECRET = /hash|token/i;

function show(field: string, value: unknown, names: NameBook): string {
	if (value === null || value === undefined || value === '') return '—';
	const book = ID_FIELDS[field];
	if (book) {
		const ids = Array.isArray(value) ? value : [value];
		return ids.map((id) => names[book].get(Number(id)) ?? `#${id}`).join(', ') || '—';
	}
	if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') || '—';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/** The name of the thing an entry is about: as it is called now, else as the entry recorded it (a deleted team). */
export function entityName(row: AuditRow, names: NameBook): string {
	const id = Number(row.entityId);
	const book = (['round', 'team', 'technology', 'user'] as const).find((b) => b === row.entity);
	const recorded = row.after?.name ?? row.before?.name;
	const known = (book && Number.isInteger(id) ? names[book].get(id) : undefined) ?? (typeof recorded === 'string' ? recorded : undefined);
	const word = ENTITY_WORDS[row.entity] ?? row.entity;
	return known ? `${word} ${known}`.trim() : row.entityId ? `${word} #${row.entityId}`.trim() : word;
}

/** Entries about many things at once, which name no one entity: said as how many. */
const COUNTED: Record<string, (after: AuditSnapshot) => string> = {
	'technology.import': (after) => {
		const n = Array.isArray(after.slugs) ? after.slugs.length : 0;
		return `${n} ${n === 1 ? 'technology' : 'technologies'}`;
	}
};

export function describeAudit(row: AuditRow, names: NameBook): { summary: string; changes: Change[] } {
	const before = row.before ?? {};
	const after = row.after ?? {};
	const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => !SECRET.test(f) && f !== 'id');
	const changes = fields
		.map((field) => ({
			field,
			before: field in before ? show(field, before[field], names) : '—',
			after: field in after ? show(field, after[field], names) : '—'
		}))
		.filter((c) => c.before !== c.after);
	const verb = ACTIONS[row.action] ?? row.action;
	const counted = row.entityId === null ? COUNTED[row.action]?.(after) : undefined;
	return { summary: `${verb} ${counted ?? entityName(row, names)}`.trim(), changes };
}

/** The ids an entry mentions, by name book, so a page can look them all up in a few queries. */
export function idsIn(rows: AuditRow[]): Record<keyof NameBook, Set<number>> {
	const out = { user: new Set<number>(), team: new Set<number>(), technology: new Set<number>(), round: new Set<number>() };
	for (const row of rows) {
		const id = Number(row.entityId);
		if (row.entity in out && Number.isInteger(id)) out[row.entity as keyof NameBook].add(id);
		for (const side of [row.before ?? {}, row.after ?? {}])
			for (const [field, value] of Object.entries(side)) {
				const book = ID_FIELDS[field];
				if (!book) continue;
				for (const v of Array.isArray(value) ? value : [value]) if (Number.isInteger(Number(v)) && v !== null) out[book].add(Number(v));
			}
	}
	return out;
}
