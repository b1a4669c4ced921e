import { z } from 'zod';
import {
	frameworkProblems,
	LANE_INFO,
	LANES,
	VECTOR_KEY_PATTERN,
	VECTOR_TEXT_MAX,
	vectorsInLaneOrder,
	type Framework,
	type Lane,
	type Vector
} from './framework';
import { DEFAULT_GUIDE, REMEDIATION } from './remediation-catalog';
import { hasControlCharacters } from './text';

/**
 * A framework version as an AWS Well-Architected custom lens (schema 2021-11-01), and back.
 * Lanes are pillars, vectors are questions, and each level 0–5 is a choice whose helpful resource
 * is the level's anchor and whose improvement plan is what the remediation asks for. The risk
 * rules follow the levels: 3 or more is no risk, 2 medium, anything less high.
 */

export const LENS_SCHEMA_VERSION = '2021-11-01';
/** The WA Tool refuses a lens file over 500 KB. */
export const LENS_MAX_BYTES = 500_000;

const choiceId = (key: string, level: number) => `${key}_l${level}`;
const fill = (text: string, vector: string) => text.replaceAll('{tech}', 'the technology').replaceAll('{vector}', vector);

/** A helpful resource or improvement plan: AWS allows 2,048 characters of text and of URL. */
const Resource = z.object({ displayText: z.string().max(2048), url: z.string().max(2048).optional() });

/** The "None of these" choice of AWS's lenses: its id ends in `_no`, and it has no improvement plan to offer. */
const isNoneOfThese = (choiceId: string) => choiceId.endsWith('_no');

/** The lens format as AWS documents it (Lens format specification, WA Tool user guide), in our words where it shows them to a person. */
const LensSchema = z
	.object({
		schemaVersion: z.literal(LENS_SCHEMA_VERSION, { error: `must be "${LENS_SCHEMA_VERSION}"` }),
		name: z.string().min(1).max(128),
		description: z.string().max(2048).optional(),
		pillars: z
			.array(
				z.object({
					id: z
						.string()
						.min(3)
						.max(128)
						.regex(/^[A-Za-z0-9_]+$/, 'only letters, digits and underscores'),
					name: z.string().min(1).max(128),
					questions: z
						.array(
							z.object({
								id: z
									.string()
									.min(1)
									.max(128)
									.regex(/^[A-Za-z0-9_]+$/, 'only letters, digits and underscores'),
								title: z.string().min(1).max(128),
								description: z.string().max(2048).optional(),
								choices: z
									.array(
										z
											.object({
												id: z.string().min(1).max(64),
												title: z.string().min(1).max(128),
												helpfulResource: Resource.optional(),
												improvementPlan: Resource.optional()
											})
											.refine((c) => c.improvementPlan || isNoneOfThese(c.id), {
												path: ['improvementPlan'],
												error: 'is required, except on a "None of these" choice (an id ending in _no)'
											})
									)
									.min(1)
									.max(15),
								riskRules: z
									.array(z.object({ condition: z.string().min(1).max(1024), risk: z.enum(['HIGH_RISK', 'MEDIUM_RISK', 'NO_RISK']) }))
									.min(1)
									.max(3)
									.refine((rules) => rules.some((r) => r.condition === 'default'), {
										error: 'needs a rule with the condition "default": AWS requires one for every question'
									})
							})
						)
						.min(1)
						.max(20)
				})
			)
			.min(1)
			.max(10)
	})
	.meta({ id: 'CustomLens' });

export type Lens = z.infer<typeof LensSchema>;

const improvement = (v: Vector, level: number) => {
	const guide = REMEDIATION[v.key] ?? DEFAULT_GUIDE;
	// Reaching a level needs the actions of the guide; at the top there is nothing left to plan.
	const text =
		level >= 5 ? `Keep ${v.name} at this level.` : `${fill(guide.story, v.name)}. ${guide.actions.map((a) => fill(a, v.name)).join(' ')}`;
	return text.slice(0, 2048);
};

export function frameworkToLens(framework: Pick<Framework, 'name' | 'version' | 'levels' | 'vectors'>): Lens {
	const vectors = vectorsInLaneOrder(framework.vectors);
	return {
		schemaVersion: LENS_SCHEMA_VERSION,
		name: `${framework.name} v${framework.version}`.slice(0, 128),
		description:
			`Scores each technology from 0 to 5 on the ${framework.name} vectors. Choose the highest level whose description holds. ${framework.levels
				.map((l, i) => `Level ${i}: ${l}`)
				.join(' ')}`.slice(0, 2048),
		pillars: LANES.filter((lane) => vectors.some((v) => v.lane === lane)).map((lane) => ({
			id: lane,
			name: LANE_INFO[lane].name,
			questions: vectors
				.filter((v) => v.lane === lane)
				.map((v) => ({
					id: v.key,
					title: `How mature is ${v.name}?`.slice(0, 128),
					description: v.description.slice(0, 2048),
					choices: v.anchors.map((anchor, level) => ({
						id: choiceId(v.key, level),
						title: `Level ${level}`,
						helpfulResource: { displayText: anchor.slice(0, 2048) },
						improvementPlan: { displayText: improvement(v, level) }
					})),
					riskRules: [
						{ condition: [3, 4, 5].map((l) => choiceId(v.key, l)).join(' || '), risk: 'NO_RISK' as const },
						{ condition: choiceId(v.key, 2), risk: 'MEDIUM_RISK' as const },
						{ condition: 'default', risk: 'HIGH_RISK' as const }
					]
				}))
		}))
	};
}

type Problem = { field: string; message: string };
export type LensReading = { ok: true; vectors: Vector[] } | { ok: false; errors: Problem[] };

const isLane = (id: unknown): id is Lane => (LANES as readonly unknown[]).includes(id);

/**
 * The reason a lens from elsewhere cannot become a framework version, said before any field:
 * its pillars are not the lanes. Read from whatever was sent, before the format is checked.
 */
function laneProblem(raw: unknown): Problem | null {
	const pillars = raw && typeof raw === 'object' ? (raw as { pillars?: unknown }).pillars : undefined;
	if (!Array.isArray(pillars)) return null;
	const ids = pillars.map((p) => (p && typeof p === 'object' ? (p as { id?: unknown }).id : undefined));
	const foreign = ids.filter((id) => !isLane(id)).map((id) => (typeof id === 'string' ? `"${id.slice(0, 40)}"` : '(no id)'));
	if (!foreign.length) return null;
	const named = foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? ', …' : '');
	return {
		field: 'pillars',
		message: `are not this framework's lanes (${named}). A lens becomes a framework version only in this framework's shape: pillars ${LANES.join(', ')}, each question a vector (its id the vector key) and its choices the levels <key>_l0 … <key>_l5, each described by its helpful resource.`
	};
}

/**
 * A lens read back as vectors, checked against the lens format and against what a framework
 * version needs, with every problem named by its place in the file, the structural one first.
 * Weights and critical marks are not in a lens: each vector keeps those it has in `current`
 * (else weight 1, not critical).
 */
export function lensToVectors(raw: unknown, current: Pick<Framework, 'levels' | 'vectors'>): LensReading {
	const lanes = laneProblem(raw);
	const parsed = LensSchema.safeParse(raw);
	const formatErrors = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'file', message: i.message }));
	if (lanes || !parsed.success) return { ok: false, errors: [...(lanes ? [lanes] : []), ...formatErrors] };
	const errors: Problem[] = [];
	/** What a vector holds must pass the framework editor's rules too: the lens format allows longer texts. */
	const fits = (field: string, text: string, max: number, multiline: boolean) => {
		if (text.length > max)
			errors.push({ field, message: `is ${text.length} characters long; in a framework version it may have at most ${max}` });
		else if (hasControlCharacters(text, { multiline })) errors.push({ field, message: 'cannot contain control characters' });
	};
	const vectors: Vector[] = [];
	parsed.data.pillars.forEach((pillar, p) => {
		pillar.questions.forEach((q, i) => {
			const at = `pillars.${p}.questions.${i}`;
			if (!VECTOR_KEY_PATTERN.test(q.id))
				errors.push({ field: `${at}.id`, message: 'must be a vector key: lower-case letters, digits and underscores, 2–40' });
			const anchors = [0, 1, 2, 3, 4, 5].map((level) => {
				const c = q.choices.findIndex((choice) => choice.id === choiceId(q.id, level));
				const anchor = (q.choices[c]?.helpfulResource?.displayText ?? '').trim();
				if (!anchor)
					errors.push({
						field: `${at}.choices`,
						message: `needs choice ${choiceId(q.id, level)} with a helpfulResource describing level ${level}`
					});
				else fits(`${at}.choices.${c}.helpfulResource.displayText`, anchor, VECTOR_TEXT_MAX.guidance, true);
				return anchor;
			});
			const name = q.title.replace(/^How mature is (.*)\?$/, '$1').trim();
			const description = (q.description ?? '').trim();
			fits(`${at}.title`, name, VECTOR_TEXT_MAX.name, false);
			fits(`${at}.description`, description, VECTOR_TEXT_MAX.description, true);
			const before = current.vectors.find((v) => v.key === q.id);
			vectors.push({
				key: q.id,
				name,
				description,
				lane: pillar.id as Lane,
				weight: before?.weight ?? 1,
				...(before?.critical ? { critical: true } : {}),
				anchors
			});
		});
	});
	if (!errors.length)
		for (const problem of frameworkProblems({ levels: current.levels, vectors })) errors.push({ field: 'pillars', message: problem });
	return errors.length ? { ok: false, errors } : { ok: true, vectors };
}
