import { eq } from 'drizzle-orm';
import type { Tx } from '#lib/server/db/client.ts';
import {
	answer,
	assignment,
	frameworkVector,
	frameworkVersion,
	response,
	round,
	roundTechnology,
	technology
} from '#lib/server/db/schema/index.ts';
import { slugify } from '#lib/domain/catalog.ts';
import { regenerateBacklog } from '#lib/server/queries/backlog.ts';
import { refreshResults } from '#lib/server/queries/results.ts';
import { DEMO_COMMENTS, DEMO_CROSS_TEAM, DEMO_DISAGREEMENTS, DEMO_TECHNOLOGIES } from './catalog';
import { DEMO_PEOPLE } from './people';

/** mulberry32: a tiny seeded generator, so every demo database is the same. */
function random(seed: number) {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const clamp = (n: number) => Math.max(0, Math.min(5, n));

export function quarterName(date: Date) {
	return `${date.getUTCFullYear()} Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

function quarterStart(date: Date, offset: number) {
	const q = Math.floor(date.getUTCMonth() / 3) + offset;
	return new Date(Date.UTC(date.getUTCFullYear(), q * 3, 1));
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Twelve technologies, last quarter's round (closed, everyone submitted) and this quarter's
 * (open, partly answered). The demo member has unfinished assessments in the open round.
 */
export async function seedDemoAssessments(tx: Tx, people: { teamId: Map<string, number>; userId: Map<string, number> }, now = new Date()) {
	const rand = random(20261123);
	const [framework] = await tx.select({ id: frameworkVersion.id }).from(frameworkVersion).orderBy(frameworkVersion.version).limit(1);
	const vectors = (
		await tx
			.select({ key: frameworkVector.key })
			.from(frameworkVector)
			.where(eq(frameworkVector.frameworkVersionId, framework.id))
			.orderBy(frameworkVector.position)
	).map((v) => v.key);

	const techs = await tx
		.insert(technology)
		.values(
			DEMO_TECHNOLOGIES.map((t) => ({
				slug: slugify(t.name),
				name: t.name,
				category: t.category,
				teamId: people.teamId.get(t.team)!,
				lifecycle: t.lifecycle,
				targetLevel: t.target,
				description: t.description,
				links: { docs: `https://wiki.example.com/${slugify(t.name)}`, runbook: `https://wiki.example.com/${slugify(t.name)}/runbook` }
			}))
		)
		.returning({ id: technology.id, name: technology.name });
	const techId = new Map(techs.map((t) => [t.name, t.id]));
	const teamMembers = (team: string) =>
		DEMO_PEOPLE.filter((p) => p.role !== 'viewer' && p.teams.includes(team as never)).map((p) => p.email);

	const previous = quarterStart(now, -1);
	const current = quarterStart(now, 0);
	const rounds = await tx
		.insert(round)
		.values([
			{
				name: quarterName(previous),
				frameworkVersionId: framework.id,
				state: 'closed',
				dueDate: isoDate(new Date(current.getTime() - 86_400_000)),
				openedAt: previous,
				closedAt: current,
				createdAt: previous,
				createdBy: people.userId.get('lead@example.com')
			},
			{
				name: quarterName(current),
				frameworkVersionId: framework.id,
				state: 'open',
				dueDate: isoDate(new Date(quarterStart(now, 1).getTime() - 14 * 86_400_000)),
				openedAt: current,
				createdAt: current,
				createdBy: people.userId.get('lead@example.com')
			}
		])
		.returning({ id: round.id });

	for (const [r, isCurrent] of [
		[rounds[0].id, false],
		[rounds[1].id, true]
	] as const) {
		// NATS is new this quarter; everything else was assessed last quarter too.
		const scope = DEMO_TECHNOLOGIES.filter((t) => isCurrent || t.name !== 'NATS');
		await tx.insert(roundTechnology).values(scope.map((t) => ({ roundId: r, technologyId: techId.get(t.name)! })));
		for (const tech of scope) {
			const guests = DEMO_CROSS_TEAM[tech.name] ?? [];
			const respondents = [...teamMembers(tech.team), ...guests.map((g) => g.email)];
			await tx
				.insert(assignment)
				.values(respondents.map((email) => ({ roundId: r, technologyId: techId.get(tech.name)!, userId: people.userId.get(email)! })));
			// Last quarter most technologies sat a little lower: improvement shows as a trend.
			const base = isCurrent ? tech.profile : tech.profile.map((s) => clamp(s - (rand() < 0.35 ? 1 : 0)));
			for (const [n, email] of respondents.entries()) {
				const progress = demoProgress(isCurrent, email, tech.name, n);
				if (progress === 'none') continue;
				const answered = progress === 'partial' ? 6 + Math.floor(rand() * 5) : vectors.length;
				const [resp] = await tx
					.insert(response)
					.values({
						roundId: r,
						technologyId: techId.get(tech.name)!,
						userId: people.userId.get(email)!,
						state: progress === 'submitted' ? 'submitted' : 'draft',
						version: 1,
						submittedAt: progress === 'submitted' ? (isCurrent ? now : current) : null
					})
					.returning({ id: response.id });
				const comments = new Map((isCurrent && n === 0 ? (DEMO_COMMENTS[tech.name] ?? []) : []).map(([k, c, e]) => [k, { c, e }]));
				const rows = vectors.slice(0, answered).map((key, i) => {
					const jitter = rand();
					const disagree = DEMO_DISAGREEMENTS.some(([t, v]) => t === tech.name && v === key) && n === respondents.length - 1;
					const dontKnow = !disagree && jitter > 0.95;
					const bias = guests.find((g) => g.email === email)?.bias ?? 0;
					const score = clamp(base[i] + bias + (disagree ? (base[i] >= 3 ? -2 : 2) : jitter < 0.15 ? -1 : jitter < 0.3 ? 1 : 0));
					const note = comments.get(key);
					return {
						responseId: resp.id,
						vectorKey: key,
						score: dontKnow ? null : score,
						dontKnow,
						comment: note?.c ?? '',
						evidenceUrl: note?.e ?? ''
					};
				});
				await tx.insert(answer).values(rows);
			}
		}
		await refreshResults(tx, { roundId: r });
		// As a lead would: the backlog from last quarter's close, then refreshed from this quarter's answers.
		await regenerateBacklog(tx, r, null);
	}
	return { technologyIds: techs.map((t) => t.id), roundIds: rounds.map((r) => r.id) };
}

/** Who has done what: last quarter everyone submitted; this quarter the picture is mixed. */
function demoProgress(isCurrent: boolean, email: string, tech: string, n: number): 'submitted' | 'partial' | 'none' {
	if (!isCurrent) return 'submitted';
	if (email === 'member@example.com')
		return ['Kafka', 'Redis'].includes(tech) ? 'partial' : ['PostgreSQL', 'Kubernetes'].includes(tech) ? 'submitted' : 'none';
	if (tech === 'NATS' && n > 1) return 'none';
	if (tech === 'Jenkins' && email === 'eva.tools@example.com') return 'partial';
	return 'submitted';
}
