/** Percentile by nearest rank over a copy of the samples. */
export function percentile(samples: number[], p: number): number {
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank];
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

export function summary(label: string, samples: number[]) {
	return `${label}: median ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}, max ${ms(Math.max(...samples))} (n=${samples.length})`;
}
