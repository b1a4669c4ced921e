/**
 * One look for every chart, level colour and export: the browser's charts and the PDF draw from
 * here, so the report on paper matches the page. Plain data only (no DOM, no server imports), so
 * both sides can import it. The global stylesheet repeats the level colours as CSS custom
 * properties for markup; chart-style.spec.ts keeps it equal to this file.
 */

/** ColorBrewer RdYlBu, 6 classes, for levels 0–5: safe for colour-blind readers; the number is always printed too. */
export const LEVEL_COLOURS = ['#d73027', '#fc8d59', '#fee090', '#e0f3f8', '#91bfdb', '#4575b4'] as const;
/** Text on each level's colour: white on the two dark ends, black on the pale middle. */
export const LEVEL_INK = ['#ffffff', '#000000', '#000000', '#000000', '#000000', '#ffffff'] as const;

/** Okabe–Ito: distinguishable for colour-blind readers; dashes differ too, so colour is never alone. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9'];
export const SERIES_DASHES: number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [12, 6]];
export const TARGET_COLOUR = '#7f7f7f';

/** Text and grid lines on paper and light screens; the DARK_ ones where the reader prefers a dark scheme. */
export const INK = '#1b1f24';
export const SOFT_INK = '#4d5966';
export const GRID = '#d0d7de';
export const PAPER = '#ffffff';
export const DARK_INK = '#e6edf3';
export const DARK_GRID = '#3a4552';

/** The font the server registers from the bundled DejaVu files, for charts and PDF alike. */
export const PRINT_FONT = 'DejaVu Sans';

/**
 * Line and text sizes of the radar on a screen and in print. The print radar is drawn on an
 * 800-pixel canvas and shrunk into the PDF, so its dashes are twice as long to look the same.
 */
export const RADAR_SIZES = {
	screen: { dashScale: 1, point: 3, line: 2, label: 11, narrowLabel: 9 },
	print: { dashScale: 2, point: 5, line: 3, label: 18, tick: 18, legend: 20 }
};

export type RadarSeries = {
	label: string;
	data: (number | null)[];
	/** current round filled, previous dashed, target grey; series for comparing several side by side. */
	style: 'current' | 'previous' | 'target' | 'series';
	color?: string;
	dash?: number[];
};

const ROLES = {
	current: { color: SERIES_COLOURS[0], dash: [], fill: true },
	previous: { color: SERIES_COLOURS[1], dash: [6, 4], fill: false },
	target: { color: TARGET_COLOUR, dash: [2, 3], fill: false },
	series: { color: SERIES_COLOURS[0], dash: [], fill: false }
} satisfies Record<RadarSeries['style'], { color: string; dash: number[]; fill: boolean }>;

/** Chart.js datasets for a radar, the same on screen and on paper but for the sizes. */
export function radarDatasets(series: RadarSeries[], sizes: { dashScale: number; point: number; line: number } = RADAR_SIZES.screen) {
	return series.map((s) => {
		const role = ROLES[s.style];
		const color = s.color ?? role.color;
		return {
			label: s.label,
			data: [...s.data],
			borderColor: color,
			// 26 hex = 15 % opacity: the area shows without hiding the grid behind it.
			backgroundColor: role.fill ? `${color}26` : 'transparent',
			borderDash: (s.dash ?? role.dash).map((d) => d * sizes.dashScale),
			fill: role.fill,
			pointBackgroundColor: color,
			pointRadius: s.style === 'target' ? 0 : sizes.point,
			borderWidth: sizes.line,
			spanGaps: true
		};
	});
}
