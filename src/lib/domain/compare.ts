/** Side-by-side comparison of several radars (technologies, rounds or teams) vector by vector. */

export const MAX_SERIES = 6;

/** `key` names what a series stands for (a technology's slug, a round's id), so its colour can follow it. */
export type Series = { label: string; medians: Record<string, number | null>; key?: string };

export type CompareRow = {
	key: string;
	name: string;
	values: (number | null)[];
	/** Indexes of the series holding the highest median on this vector (ties share it). */
	best: number[];
	/** Highest minus lowest median among series with data; null with fewer than two. */
	spread: number | null;
};

export function compareRows(vectors: { key: string; name: string }[], series: Series[]): CompareRow[] {
	return vectors.map((v) => {
		const values = series.map((s) => s.medians[v.key] ?? null);
		const present = values.filter((x): x is number => x !== null);
		const top = present.length ? Math.max(...present) : null;
		return {
			key: v.key,
			name: v.name,
			values,
			best: top === null || present.length < 2 ? [] : values.flatMap((x, i) => (x === top ? [i] : [])),
			spread: present.length >= 2 ? top! - Math.min(...present) : null
		};
	});
}

/** Vectors where the series differ most, largest spread first. */
export function widestGaps(rows: CompareRow[], count = 3): CompareRow[] {
	return rows
		.filter((r) => r.spread !== null && r.spread > 0)
		.sort((a, b) => b.spread! - a.spread! || a.name.localeCompare(b.name))
		.slice(0, count);
}

/** `t=kafka,rabbitmq&t=nats` → ['kafka', 'rabbitmq', 'nats']: shared links and plain GET forms both work. */
export function parseList(values: string[], max = MAX_SERIES): string[] {
	const seen = new Set<string>();
	for (const v of values.flatMap((x) => x.split(','))) {
		const item = v.trim().toLowerCase();
		if (item && /^[a-z0-9-]{1,60}$/.test(item)) seen.add(item);
	}
	return [...seen].slice(0, max);
}

/**
 * A colour (palette index) for each series that stays with what it stands for, not with its place in
 * the selection: `preferred` is each series' own number (a technology's place in the catalog, a
 * round's id), taken modulo the palette. Two that fall on one colour: the later takes the next free
 * one, so no two series in one chart share a colour (with at most `size` series, one is always free).
 */
export function stableColours(preferred: number[], size = MAX_SERIES): number[] {
	const taken = new Set<number>();
	return preferred.map((p) => {
		let colour = ((p % size) + size) % size;
		while (taken.has(colour) && taken.size < size) colour = (colour + 1) % size;
		taken.add(colour);
		return colour;
	});
}
