import { z } from 'zod';
import { isCalendarDate } from './format';
import { hasControlCharacters } from './text';

/**
 * End-of-life data in the shape of the endoflife.date API (`/api/<product>.json`): one entry per
 * release cycle. `eol` and `support` are a date, or a boolean when no date is known (true: it has
 * ended; false: no end announced). Fields we do not read (`lts`, `link`, …) are let through.
 */
const date = z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD that exists');
const dateOrFlag = z.union([date, z.boolean()]);
const name = (max: number) =>
	z
		.union([z.string().max(max), z.number()])
		.transform(String)
		.refine((v) => !hasControlCharacters(v), 'cannot contain control characters');
const Cycle = z.looseObject({
	cycle: name(100).refine((v) => v.length > 0, 'cannot be empty'),
	eol: dateOrFlag,
	latest: name(100).optional(),
	support: dateOrFlag.optional(),
	releaseDate: date.optional()
});
export const EndOfLifeFile = z
	.array(Cycle)
	.min(1)
	.max(2000)
	.meta({ id: 'EndOfLifeCycles', description: 'The release cycles of one product, as endoflife.date’s API gives them.' });
export type EndOfLifeCycle = z.output<typeof Cycle>;

/**
 * The cycle a running version belongs to: the one named exactly, else the longest cycle that is a
 * leading part of it at a dot ("14" for "14.2", "1.29" for "1.29.3"); none when nothing matches.
 */
export function cycleOf(cycles: EndOfLifeCycle[], running: string): EndOfLifeCycle | null {
	const version = running.trim().replace(/^v/i, '');
	let best: EndOfLifeCycle | null = null;
	for (const c of cycles) {
		const name = c.cycle.replace(/^v/i, '');
		if (version !== name && !version.startsWith(`${name}.`)) continue;
		if (!best || name.length > best.cycle.length) best = c;
	}
	return best;
}

const DAY = 86_400_000;

/**
 * What a cycle says about a running version, as a dated fact: the end-of-life date (for a cycle that
 * has ended without a date, the day before `today`, so it reads as past), and a sentence that says
 * where the figure came from.
 */
export function endOfLifeFact(cycle: EndOfLifeCycle, running: string, today: Date): { date: string | null; detail: string } {
	const latest = cycle.latest ? `; latest ${cycle.latest}` : '';
	if (typeof cycle.eol === 'string') return { date: cycle.eol, detail: `runs ${running}, cycle ${cycle.cycle} ends ${cycle.eol}${latest}` };
	if (cycle.eol === false) return { date: null, detail: `runs ${running}, cycle ${cycle.cycle}: no end of life announced${latest}` };
	const before = new Date(today.getTime() - DAY).toISOString().slice(0, 10);
	return { date: before, detail: `runs ${running}, cycle ${cycle.cycle} has ended (no date given)${latest}` };
}
