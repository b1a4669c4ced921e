import { EndOfLifeFile } from '#lib/domain/endoflife.ts';
import { factOf } from '#lib/domain/signals.ts';
import { getSignalKind, recordSignal } from '../queries/signals';
import { cycleOf, endOfLifeFact, type EndOfLifeCycle } from '#lib/domain/endoflife.ts';

/**
 * The end-of-life fact for a technology from its product's release cycles, or why there is none:
 * no running version recorded, or no cycle it belongs to.
 */
export function endOfLifeSignal(technology: { name: string; runningVersion: string }, cycles: EndOfLifeCycle[], today = new Date()) {
	if (!technology.runningVersion)
		return { problem: `${technology.name} has no running version recorded: set it on the technology, then send the file again.` };
	const cycle = cycleOf(cycles, technology.runningVersion);
	if (!cycle)
		return {
			problem: `No release cycle matches ${technology.name}'s running version ${technology.runningVersion} (cycles: ${cycles
				.slice(0, 10)
				.map((c) => c.cycle)
				.join(', ')}${cycles.length > 10 ? ', …' : ''}).`
		};
	const { date, detail } = endOfLifeFact(cycle, technology.runningVersion, today);
	return { number: null, date, detail };
}

/** Reads an uploaded end-of-life file and records the fact it gives `technology`, or says why it cannot. */
export async function recordEndOfLife(
	technology: { id: number; name: string; runningVersion: string },
	text: string,
	recordedBy: number | null
) {
	if (!text.trim()) return { problem: 'Choose a file: the one chosen is empty, or none was chosen.' };
	if (text.length > 1_000_000) return { problem: 'The file is larger than 1 MB.' };
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return { problem: 'The file is not JSON: download it from the endoflife.date API, e.g. /api/postgresql.json.' };
	}
	const cycles = EndOfLifeFile.safeParse(json);
	if (!cycles.success)
		return {
			problem: `The file is not a list of release cycles in endoflife.date's shape (each with cycle and eol): ${cycles.error.issues[0].message} at ${cycles.error.issues[0].path.join('.') || 'the top'}.`
		};
	const kind = await getSignalKind('end-of-life');
	if (!kind) return { problem: 'The signal kind end-of-life was removed: an admin must define it again.' };
	const sent = endOfLifeSignal(technology, cycles.data);
	if ('problem' in sent) return { problem: sent.problem! };
	const { observedAt } = await recordSignal({ technologyId: technology.id, kindId: kind.id, ...sent, source: 'endoflife', recordedBy });
	return { text: factOf(kind, { ...sent, observedAt, source: 'endoflife' }, new Date()).text };
}
