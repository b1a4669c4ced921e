import type { Lane } from './framework';
import { DEFAULT_GUIDE, REMEDIATION } from './remediation-catalog';

export const FIBONACCI = [1, 2, 3, 5, 8, 13, 21] as const;
export const ITEM_STATUSES = ['open', 'in_progress', 'done', 'wont_do'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export type ItemKind = 'gap' | 'calibrate';

const OWNER: Record<Lane, string> = { plan: 'architecture', build: 'engineering', run: 'operations' };

export type VectorResult = {
	key: string;
	name: string;
	lane: Lane;
	weight: number;
	anchors: string[];
	median: number | null;
	disagreement: boolean;
	/** The respondents already agreed a level in calibration: the disagreement was talked through. */
	calibrated?: boolean;
};

export type PlannedItem = {
	technologyId: number;
	vectorKey: string;
	kind: ItemKind;
	title: string;
	actions: string[];
	lane: Lane;
	currentLevel: number | null;
	targetLevel: number;
	gap: number;
	priority: number;
	size: number;
};

/** Smallest story-point value that covers the effort; larger gaps on harder vectors weigh more. */
export function sizeFor(gap: number, effort: number): number {
	const raw = Math.ceil(gap) * effort;
	return FIBONACCI.find((f) => f >= raw) ?? 21;
}

const fill = (text: string, tech: string, vector: string) => text.replaceAll('{tech}', tech).replaceAll('{vector}', vector.toLowerCase());

/**
 * What the backlog should hold for one technology after a round: an item for every vector whose
 * median is below target, and a "calibrate" item where respondents disagree, no gap item exists and
 * no level was agreed in calibration yet. A calibrated vector's median is the agreed level.
 */
export function plannedItems(technology: { id: number; name: string; targetLevel: number }, vectors: VectorResult[]): PlannedItem[] {
	const items: PlannedItem[] = [];
	for (const v of vectors) {
		if (v.median === null) continue;
		const guide = REMEDIATION[v.key] ?? DEFAULT_GUIDE;
		const gap = technology.targetLevel - v.median;
		if (gap > 0) {
			const next = Math.min(5, Math.floor(v.median) + 1);
			items.push({
				technologyId: technology.id,
				vectorKey: v.key,
				kind: 'gap',
				title: fill(guide.story, technology.name, v.name),
				actions: [`Reach level ${next}: ${v.anchors[next]}`, ...guide.actions.map((a) => fill(a, technology.name, v.name))],
				lane: v.lane,
				currentLevel: v.median,
				targetLevel: technology.targetLevel,
				gap,
				priority: Math.round(gap * v.weight * 100) / 100,
				size: sizeFor(gap, guide.effort)
			});
		} else if (v.disagreement && !v.calibrated) {
			items.push({
				technologyId: technology.id,
				vectorKey: v.key,
				kind: 'calibrate',
				title: `As ${OWNER[v.lane]}, we agree how ${technology.name} really does on ${v.name.toLowerCase()}, so that its score can be trusted`,
				actions: [
					`Bring the respondents together, compare the evidence behind the lowest and highest scores, and settle on a shared view before the next round.`
				],
				lane: v.lane,
				currentLevel: v.median,
				targetLevel: technology.targetLevel,
				gap: 0,
				priority: 0,
				size: 1
			});
		}
	}
	return items;
}

export type ExistingItem = {
	id: number;
	technologyId: number;
	vectorKey: string;
	kind: ItemKind;
	status: ItemStatus;
	edited: string[];
	metRoundId: number | null;
};

export type BacklogChanges = {
	create: PlannedItem[];
	update: { id: number; item: Partial<PlannedItem> & { metRoundId: null } }[];
	met: number[];
};

const itemKey = (i: { technologyId: number; vectorKey: string; kind: ItemKind }) => `${i.technologyId}|${i.vectorKey}|${i.kind}`;
const settled = (s: ItemStatus) => s === 'done' || s === 'wont_do';

/**
 * Reconciles the backlog with new results, idempotently: existing items are updated to the new
 * gap (keeping what people edited), new gaps become items, and items of the assessed
 * technologies whose gap closed are marked met. Items people settled (done, won't do) stay as they are.
 */
export function reconcileBacklog(planned: PlannedItem[], existing: ExistingItem[], assessedTechnologyIds: Set<number>): BacklogChanges {
	const byKey = new Map(existing.map((e) => [itemKey(e), e]));
	const wanted = new Set(planned.map(itemKey));
	const changes: BacklogChanges = { create: [], update: [], met: [] };
	for (const item of planned) {
		const found = byKey.get(itemKey(item));
		if (!found) {
			changes.create.push(item);
			continue;
		}
		if (settled(found.status)) continue;
		const update: Partial<PlannedItem> & { metRoundId: null } = { ...item, metRoundId: null };
		if (found.edited.includes('title')) delete update.title;
		if (found.edited.includes('size')) delete update.size;
		changes.update.push({ id: found.id, item: update });
	}
	for (const e of existing) {
		if (!assessedTechnologyIds.has(e.technologyId) || wanted.has(itemKey(e))) continue;
		if (!settled(e.status) && e.metRoundId === null) changes.met.push(e.id);
	}
	return changes;
}

export const STATUS_LABELS: Record<ItemStatus, string> = { open: 'Open', in_progress: 'In progress', done: 'Done', wont_do: "Won't do" };

type Shown = Pick<BacklogItem, 'kind' | 'status' | 'priority' | 'currentLevel' | 'targetLevel' | 'metRoundName' | 'metLevel'>;

/** A met item's gap closed in a later round: "Met" says so, where its planning status would still read "Open". */
export const itemStatusLabel = (item: Pick<Shown, 'status' | 'metRoundName'>) => (item.metRoundName ? 'Met' : STATUS_LABELS[item.status]);

/**
 * The levels an item is about. A calibrate item has no gap (its median already meets the target,
 * the answers just disagree), so "3 → 3" would read as a story with nothing to do.
 */
export function itemLevels(item: Shown): string {
	if (item.metRoundName) return `reached ${item.metLevel ?? '—'} (target ${item.targetLevel})`;
	if (item.currentLevel === null) return '—';
	if (item.kind === 'calibrate') return `${item.currentLevel} (target ${item.targetLevel})`;
	return `${item.currentLevel} → ${item.targetLevel}`;
}

/** Priority is gap × weight: a calibrate item has no gap, so it has no priority to show, rather than a 0.0 that reads as a rank. */
export const itemPriority = (item: Pick<Shown, 'kind' | 'priority'>) => (item.kind === 'calibrate' ? '—' : item.priority.toFixed(1));

/** One line of a report or its PDF: priority, size and, for the appendix, levels in brackets, then the title. */
export function itemLine(item: Shown & Pick<BacklogItem, 'size' | 'title'>, withLevels = false): string {
	const parts = [itemPriority(item), `${item.size} pts`, ...(withLevels ? [itemLevels(item)] : [])];
	return `[${parts.join(' · ')}] ${item.title}`;
}

/** A backlog item as lists, exports and edit forms see it. */
export type BacklogItem = {
	id: number;
	title: string;
	actions: string[];
	kind: ItemKind;
	vectorKey: string;
	lane: Lane;
	currentLevel: number | null;
	targetLevel: number;
	priority: number;
	size: number;
	status: ItemStatus;
	assigneeId: number | null;
	assigneeName: string | null;
	ticketUrl: string;
	version: number;
	metRoundName: string | null;
	metLevel: number | null;
	technologyName: string;
	technologySlug: string;
};
