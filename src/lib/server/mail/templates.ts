import { formatDate, plural } from '#lib/domain/format.ts';
import type { Role } from '#lib/domain/roles.ts';
import type { Block, Composed } from './render';

/** Where links in emails point: the public address of the app. */
export type Links = { origin: string };

const preferencesFooter = ({ origin }: Links) =>
	`You receive this because you take part in maturity assessments. Choose which emails you get at ${origin}/account.`;

export type AssessmentLink = { technology: string; slug: string };
type RoundRef = { id: number; name: string; dueDate: string | null };

/** Past this many, an email lists the first ones and sends the reader to their dashboard for the rest. */
export const LISTED = 25;

const assessmentList = (links: Links, round: RoundRef, items: AssessmentLink[]): Block[] => [
	{
		list: items
			.slice(0, LISTED)
			.map((i) => ({ text: i.technology, href: `${links.origin}/rounds/${round.id}/assess/${encodeURIComponent(i.slug)}` }))
	},
	...(items.length > LISTED
		? [{ action: { label: `See all ${items.length} on your dashboard`, href: `${links.origin}/` } } satisfies Block]
		: [])
];
const dueLine = (round: RoundRef) => (round.dueDate ? ` by ${formatDate(round.dueDate)}` : '');

export function invitationMail(links: Links, input: { inviter: string; role: Role; link: string; expiresAt: Date }): Composed {
	return {
		subject: 'You are invited to Opsmaturity',
		blocks: [
			{ paragraph: `${input.inviter} invited you to Opsmaturity as ${input.role === 'admin' ? 'an' : 'a'} ${input.role}.` },
			{ paragraph: 'Opsmaturity is where operations teams rate how mature the technologies they run are, and plan what to improve.' },
			{ action: { label: 'Accept the invitation', href: input.link } },
			{ paragraph: `The link works once, until ${formatDate(input.expiresAt)}.` }
		],
		footer: `Not expecting this? Ignore it: nothing happens until the link is used. ${links.origin}`
	};
}

export function roundOpenedMail(links: Links, round: RoundRef, items: AssessmentLink[]): Composed {
	return {
		subject: `Round opened: you are asked to score ${plural(items.length, 'technology', 'technologies')}`,
		blocks: [
			{ paragraph: `The round “${round.name}” is open. Please score these${dueLine(round)}:` },
			...assessmentList(links, round, items),
			{ paragraph: 'Each takes a few minutes: fifteen vectors, a level from 0 to 5 each. Drafts are saved as you go.' }
		],
		footer: preferencesFooter(links)
	};
}

export function reminderMail(links: Links, round: RoundRef, items: AssessmentLink[], overdue: boolean): Composed {
	const what = plural(items.length, 'assessment');
	return {
		subject: overdue ? `Overdue: ${what} in “${round.name}”` : `Reminder: ${what} due${dueLine(round)}`,
		blocks: [
			{
				paragraph: overdue
					? `The round “${round.name}” was due on ${formatDate(round.dueDate ?? '')}, and these are not submitted yet:`
					: `The round “${round.name}” is due${dueLine(round)}, and these are not submitted yet:`
			},
			...assessmentList(links, round, items),
			{ paragraph: 'Whatever you saved as a draft is still there.' }
		],
		footer: preferencesFooter(links)
	};
}

export type DigestRow = { technology: string; submitted: number; assigned: number; waitingFor: string[] };

export function digestMail(links: Links, round: RoundRef, rows: DigestRow[]): Composed {
	const submitted = rows.reduce((n, r) => n + r.submitted, 0);
	const assigned = rows.reduce((n, r) => n + r.assigned, 0);
	return {
		subject: `Weekly digest: “${round.name}”, ${submitted} of ${assigned} responses submitted`,
		blocks: [
			{
				paragraph: `Progress of “${round.name}”${round.dueDate ? `, due ${formatDate(round.dueDate)}` : ''}, for the technologies of your teams:`
			},
			{
				table: {
					head: ['Technology', 'Submitted', 'Not submitted yet'],
					rows: rows.map((r) => [r.technology, `${r.submitted} of ${r.assigned}`, r.waitingFor.join(', ') || '—'])
				}
			},
			{ action: { label: 'Open the round', href: `${links.origin}/rounds/${round.id}` } }
		],
		footer: preferencesFooter(links)
	};
}

export type DueRow = { technologyId: number; technology: string; slug: string; ratedIn: string; dueOn: string };

/** Ratings that became due for reassessment last week, for the technologies of the reader's teams. */
export function dueDigestMail(links: Links, rows: DueRow[]): Composed {
	return {
		subject: `Weekly digest: ${plural(rows.length, 'rating', 'ratings')} became due for reassessment`,
		blocks: [
			{ paragraph: 'These ratings of your teams’ technologies passed their reassessment cadence last week:' },
			{
				table: {
					head: ['Technology', 'Rated in', 'Due since'],
					rows: rows.map((r) => [r.technology, r.ratedIn, formatDate(r.dueOn)])
				}
			},
			{ paragraph: 'When you scope the next round, “Everything due” adds them in one step.' },
			{ action: { label: 'See everything due', href: `${links.origin}/technologies?age=due` } }
		],
		footer: preferencesFooter(links)
	};
}

export function reportReadyMail(links: Links, round: RoundRef, technologies: number): Composed {
	return {
		subject: `“${round.name}” closed: the report is ready`,
		blocks: [
			{
				paragraph: `The round “${round.name}” is closed. Ratings, radars and the remediation backlog of its ${plural(technologies, 'technology', 'technologies')} are final.`
			},
			{ action: { label: 'Read the report', href: `${links.origin}/rounds/${round.id}/report` } }
		],
		footer: preferencesFooter(links)
	};
}

export type CalibrationRef = { technology: string; slug: string; lead: string | null; vectors: string[] };

/** A calibration session started: the respondents re-vote together, so they need to know it is on now. */
export function calibrationStartedMail(links: Links, round: RoundRef, session: CalibrationRef): Composed {
	return {
		subject: `Calibration of ${session.technology} has started: join now`,
		blocks: [
			{
				paragraph: `${session.lead ?? 'A lead'} started a calibration session for ${session.technology} in the round “${round.name}”. The answers to ${plural(session.vectors.length, 'vector')} are two or more levels apart: ${session.vectors.join(', ')}.`
			},
			{
				paragraph:
					'Everyone who answered re-votes in secret; the votes are revealed together, you talk it through, and the lead records the level you agree.'
			},
			{ action: { label: 'Join the session', href: `${links.origin}/rounds/${round.id}/calibrate/${encodeURIComponent(session.slug)}` } },
			{ paragraph: 'If it has ended by the time you open it, the page shows the levels agreed.' }
		],
		footer: preferencesFooter(links)
	};
}
