import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { hashToken } from '#lib/server/auth/session.ts';
import { db } from '#lib/server/db/index.ts';
import { rowsOf, type Database, type Tx } from '#lib/server/db/client.ts';
import { preferenceOf, type MailKind } from '#lib/domain/mail-kinds.ts';
import { publicOrigin, smtpConfigured } from '#lib/server/mail/config.ts';
import { render, type Composed } from '#lib/server/mail/render.ts';
import {
	dueDigestMail,
	type DueRow,
	calibrationStartedMail,
	digestMail,
	invitationMail,
	reminderMail,
	reportReadyMail,
	roundOpenedMail,
	type AssessmentLink,
	type DigestRow,
	type Links
} from '#lib/server/mail/templates.ts';
import type { Role } from '#lib/domain/roles.ts';
import { recordMail, withoutInvitationLinks, type NewMail } from './mail-outbox';

/**
 * Who is told what, and when. Each function decides the messages of one occasion, renders them
 * and records them in the outbox under a key naming the occasion, so deciding again records
 * nothing new. People who turned a kind off on /account, and deactivated accounts, are skipped
 * in the SQL. The returned ids are the messages to hand to the sender.
 */

type Recipient = { userId: number; email: string };
type RoundRow = { id: number; name: string; dueDate: string | null };

const links = (): Links => ({ origin: publicOrigin() });

/**
 * Each message carries a token of its own in its unsubscribe link, and only the token's hash is
 * kept for good (see `settleMail`): no stored copy, and so no backup, holds a link that works.
 */
function mailTo(kind: MailKind, dedupeKey: string, to: Recipient, roundId: number | null, composed: Composed): NewMail {
	const preference = preferenceOf(kind);
	const token = preference ? randomUUID() : null;
	return {
		dedupeKey,
		kind,
		recipientUserId: to.userId,
		recipientEmail: to.email,
		roundId,
		rendered: render(composed),
		unsubscribeUrl: token ? `${publicOrigin()}/unsubscribe/${token}?kind=${preference}` : null,
		unsubscribeTokenHash: token ? hashToken(token) : null
	};
}

/** Active people who have not turned this kind of email off. */
const wants = (kind: MailKind) => sql.raw(`u.active and not ('${preferenceOf(kind)}' = any(u.mail_opt_out))`);

const recipientColumns = sql.raw(`u.id as "userId", u.email`);

async function roundRow(tx: Tx | Database, roundId: number): Promise<RoundRow | undefined> {
	const [row] = rowsOf<RoundRow>(await tx.execute(sql`select id, name, due_date::text as "dueDate" from round where id = ${roundId}`));
	return row;
}

/** Groups rows of (person, item) by person, keeping the order the SQL gave. */
function byRecipient<T extends Recipient, I>(rows: T[], item: (row: T) => I): { to: Recipient; items: I[] }[] {
	const groups = new Map<number, { to: Recipient; items: I[] }>();
	for (const row of rows) {
		let group = groups.get(row.userId);
		if (!group) groups.set(row.userId, (group = { to: { userId: row.userId, email: row.email }, items: [] }));
		group.items.push(item(row));
	}
	return [...groups.values()];
}

export async function recordInvitationMail(
	tx: Tx,
	invitation: { id: number; email: string; role: Role; inviter: string; link: string; expiresAt: Date }
): Promise<number[]> {
	const mail: NewMail = {
		dedupeKey: `invitation:${invitation.id}`,
		kind: 'invitation',
		recipientUserId: null,
		recipientEmail: invitation.email,
		roundId: null,
		rendered: render(
			invitationMail(links(), {
				inviter: invitation.inviter,
				role: invitation.role,
				link: invitation.link,
				expiresAt: invitation.expiresAt
			})
		),
		unsubscribeUrl: null,
		unsubscribeTokenHash: null
	};
	const held = !smtpConfigured();
	if (held)
		mail.rendered = {
			...mail.rendered,
			text: withoutInvitationLinks(mail.rendered.text),
			html: withoutInvitationLinks(mail.rendered.html)
		};
	return recordMail(tx, [mail], held);
}

type AssignmentRow = Recipient & AssessmentLink;

/** "Round opened": one message per person, listing every technology they are asked to score. */
export async function recordRoundOpenedMail(tx: Tx, roundId: number): Promise<number[]> {
	const round = await roundRow(tx, roundId);
	if (!round) return [];
	const rows = rowsOf<AssignmentRow>(
		await tx.execute(sql`
			select ${recipientColumns}, t.name as technology, t.slug
			from assignment a join app_user u on u.id = a.user_id join technology t on t.id = a.technology_id
			where a.round_id = ${roundId} and ${wants('round_opened')}
			order by u.id, t.name`)
	);
	const mails = byRecipient(rows, (r) => ({ technology: r.technology, slug: r.slug })).map(({ to, items }) =>
		mailTo('round_opened', `round_opened:${roundId}:${to.userId}`, to, roundId, roundOpenedMail(links(), round, items))
	);
	return recordMail(tx, mails, !smtpConfigured());
}

/**
 * Who a round's opening emails, by the same rule as `recordRoundOpenedMail`: what a lead is told
 * before opening. Once opened, `recorded` and `held` count the messages that opening put in the
 * outbox (the dedupe key allows one per person and round, so these are that opening's).
 */
export async function roundOpenedAudience(roundId: number) {
	const [row] = rowsOf<{ state: string; technologies: number; toEmail: number; optedOut: number; recorded: number; held: number }>(
		await db().execute(sql`
			select r.state,
				(select count(*)::int from round_technology rt where rt.round_id = r.id) as technologies,
				count(distinct u.id) filter (where ${wants('round_opened')})::int as "toEmail",
				count(distinct u.id) filter (where u.active and not (${wants('round_opened')}))::int as "optedOut",
				(select count(*)::int from mail_message m where m.round_id = r.id and m.kind = 'round_opened') as recorded,
				(select count(*)::int from mail_message m where m.round_id = r.id and m.kind = 'round_opened' and m.status = 'held') as held
			from round r
			left join assignment a on a.round_id = r.id
			left join app_user u on u.id = a.user_id
			where r.id = ${roundId}
			group by r.id, r.state`)
	);
	return row;
}

/** "Report ready" when a round closes: to everyone asked to score in it and to the leads of its technologies' teams. */
export async function recordReportReadyMail(tx: Tx, roundId: number): Promise<number[]> {
	const round = await roundRow(tx, roundId);
	if (!round) return [];
	const rows = rowsOf<Recipient & { technologies: number }>(
		await tx.execute(sql`
			with scope as (select technology_id from round_technology where round_id = ${roundId}),
			people as (
				select user_id from assignment where round_id = ${roundId}
				union
				select ut.user_id from user_team ut join technology t on t.team_id = ut.team_id join scope s on s.technology_id = t.id
				join app_user l on l.id = ut.user_id and l.role in ('lead', 'admin')
			)
			select ${recipientColumns}, (select count(*)::int from scope) as technologies
			from people p join app_user u on u.id = p.user_id
			where ${wants('report_ready')}
			order by u.id`)
	);
	const mails = rows.map((r) =>
		mailTo('report_ready', `report_ready:${roundId}:${r.userId}`, r, roundId, reportReadyMail(links(), round, r.technologies))
	);
	return recordMail(tx, mails, !smtpConfigured());
}

type PendingRow = AssignmentRow & { roundId: number; roundName: string; dueDate: string; overdue: boolean };

/**
 * Reminders of open rounds whose due date is within the round's reminder days of `today`, and
 * overdue notices once it has passed: one of each per person and due date, for the assessments
 * they have not submitted.
 */
export async function recordReminders(today: string): Promise<number[]> {
	const rows = rowsOf<PendingRow>(
		await db().execute(sql`
			select ${recipientColumns}, t.name as technology, t.slug, r.id as "roundId", r.name as "roundName",
				r.due_date::text as "dueDate", r.due_date < ${today}::date as overdue
			from round r
			join assignment a on a.round_id = r.id
			join app_user u on u.id = a.user_id
			join technology t on t.id = a.technology_id
			left join response resp on resp.round_id = a.round_id and resp.technology_id = a.technology_id and resp.user_id = a.user_id
			where r.state = 'open' and r.due_date is not null and r.reminder_days is not null
				and ${today}::date >= r.due_date - r.reminder_days
				and coalesce(resp.state, 'draft') <> 'submitted'
				and ${wants('reminder')}
				-- Once recorded, an occasion is not rendered again at every scan while the round stays overdue.
				and not exists (
					select 1 from mail_message m
					where m.dedupe_key = (case when r.due_date < ${today}::date then 'overdue' else 'reminder' end) || ':' || r.id || ':' || u.id || ':' || r.due_date::text
				)
			order by r.id, u.id, t.name`)
	);
	const mails: NewMail[] = [];
	for (const roundId of new Set(rows.map((r) => r.roundId))) {
		const ofRound = rows.filter((r) => r.roundId === roundId);
		const { roundName, dueDate, overdue } = ofRound[0];
		const round = { id: roundId, name: roundName, dueDate };
		const kind = overdue ? 'overdue' : 'reminder';
		for (const { to, items } of byRecipient(ofRound, (r) => ({ technology: r.technology, slug: r.slug })))
			mails.push(mailTo(kind, `${kind}:${roundId}:${to.userId}:${dueDate}`, to, roundId, reminderMail(links(), round, items, overdue)));
	}
	return recordMail(db(), mails, !smtpConfigured());
}

type DigestSourceRow = Recipient & DigestRow & { roundId: number; roundName: string; dueDate: string | null };

/**
 * The weekly digest: for each round that was already open when the week began (`weekStarted`),
 * each lead (or admin) in a team that owns technologies in it gets their teams' technologies with
 * progress and who has not submitted. `week` names the week (2026-W49), so a second scan in the
 * same week records nothing.
 */
export async function recordDigests(week: string, weekStarted: Date): Promise<number[]> {
	const rows = rowsOf<DigestSourceRow>(
		await db().execute(sql`
			with progress as (
				select a.round_id, a.technology_id, count(*)::int as assigned,
					count(*) filter (where resp.state = 'submitted')::int as submitted,
					coalesce(array_agg(w.name order by w.name) filter (where coalesce(resp.state, 'draft') <> 'submitted'), '{}') as "waitingFor"
				from assignment a
				join round r on r.id = a.round_id and r.state = 'open' and r.opened_at < ${weekStarted.toISOString()}::timestamptz
				join app_user w on w.id = a.user_id
				left join response resp on resp.round_id = a.round_id and resp.technology_id = a.technology_id and resp.user_id = a.user_id
				group by a.round_id, a.technology_id
			)
			select ${recipientColumns}, r.id as "roundId", r.name as "roundName", r.due_date::text as "dueDate",
				t.name as technology, p.assigned, p.submitted, p."waitingFor"
			from progress p
			join round r on r.id = p.round_id
			join technology t on t.id = p.technology_id
			join user_team ut on ut.team_id = t.team_id
			join app_user u on u.id = ut.user_id and u.role in ('lead', 'admin')
			where ${wants('digest')}
				and not exists (select 1 from mail_message m where m.dedupe_key = 'digest:' || r.id || ':' || u.id || ':' || ${week})
			order by r.id, u.id, t.name`)
	);
	const mails: NewMail[] = [];
	for (const roundId of new Set(rows.map((r) => r.roundId))) {
		const ofRound = rows.filter((r) => r.roundId === roundId);
		const round = { id: roundId, name: ofRound[0].roundName, dueDate: ofRound[0].dueDate };
		for (const { to, items } of byRecipient(ofRound, (r) => ({
			technology: r.technology,
			submitted: r.submitted,
			assigned: r.assigned,
			waitingFor: r.waitingFor
		})))
			mails.push(mailTo('digest', `digest:${roundId}:${to.userId}:${week}`, to, roundId, digestMail(links(), round, items)));
	}
	return recordMail(db(), mails, !smtpConfigured());
}

/**
 * "Calibration started": one message per respondent who takes part (asked and submitted), except
 * the lead who started it, under the same choice on /account as a round's opening: both ask them
 * to take part.
 */
export async function recordCalibrationStartedMail(
	tx: Tx,
	session: { id: number; roundId: number; technologyId: number; leadId: number; vectors: string[] }
): Promise<number[]> {
	const round = await roundRow(tx, session.roundId);
	if (!round) return [];
	const rows = rowsOf<Recipient & { technology: string; slug: string; lead: string | null }>(
		await tx.execute(sql`
			select ${recipientColumns}, t.name as technology, t.slug, (select name from app_user where id = ${session.leadId}) as lead
			from assignment a
			join response resp on resp.round_id = a.round_id and resp.technology_id = a.technology_id and resp.user_id = a.user_id
				and resp.state = 'submitted'
			join app_user u on u.id = a.user_id
			join technology t on t.id = a.technology_id
			where a.round_id = ${session.roundId} and a.technology_id = ${session.technologyId} and u.id <> ${session.leadId}
				and ${wants('calibration_started')}
			order by u.id`)
	);
	const mails = rows.map((r) =>
		mailTo(
			'calibration_started',
			`calibration:${session.id}:${r.userId}`,
			r,
			session.roundId,
			calibrationStartedMail(links(), round, { technology: r.technology, slug: r.slug, lead: r.lead, vectors: session.vectors })
		)
	);
	return recordMail(tx, mails, !smtpConfigured());
}

/**
 * The weekly digest's other half: each lead (or admin) in a team that owns technologies whose
 * ratings became due for reassessment last week gets them listed, once per `week`.
 */
export async function recordDueDigests(week: string, became: DueRow[]): Promise<number[]> {
	if (!became.length) return [];
	const rows = rowsOf<Recipient & { technologyId: number }>(
		await db().execute(sql`
			select distinct ${recipientColumns}, t.id as "technologyId", t.name
			from technology t
			join user_team ut on ut.team_id = t.team_id
			join app_user u on u.id = ut.user_id and u.role in ('lead', 'admin')
			where t.id = any(${sql.param(became.map((b) => b.technologyId))}::int[]) and ${wants('digest')}
				and not exists (select 1 from mail_message m where m.dedupe_key = 'digest-due:' || u.id || ':' || ${week})
			order by u.id, t.name`)
	);
	const byId = new Map(became.map((b) => [b.technologyId, b]));
	const mails = byRecipient(rows, (r) => byId.get(Number(r.technologyId))!).map(({ to, items }) =>
		mailTo('digest', `digest-due:${to.userId}:${week}`, to, null, dueDigestMail(links(), items))
	);
	return recordMail(db(), mails, !smtpConfigured());
}
