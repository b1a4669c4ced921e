import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LEVEL_COLOURS, LEVEL_INK, radarDatasets, RADAR_SIZES, SERIES_COLOURS, SERIES_DASHES } from './chart-style';
import { MAX_SERIES } from './domain/compare';

// The stylesheet cannot import TypeScript, so it repeats the palette; this keeps the copy honest.
const css = readFileSync(new URL('../app.css', import.meta.url), 'utf8');
const declared = (selector: string, property: string) =>
	new RegExp(`${selector.replace('.', '\\.')}\\s*\\{[^}]*?${property}:\\s*(#[0-9a-f]{6})`, 'i').exec(css)?.[1]?.toLowerCase();

describe('chart style', () => {
	it.each(LEVEL_COLOURS.map((colour, level) => [level, colour, LEVEL_INK[level]]))(
		'level %i is %s with %s text in app.css too',
		(level, colour, ink) => {
			expect(declared(':root', `--level-${level}`)).toBe(colour);
			expect(declared(`.level-${level}`, 'color')).toBe(ink);
		}
	);

	it('has a colour and a dash for every series the compare page can show', () => {
		expect(SERIES_COLOURS.length).toBeGreaterThanOrEqual(MAX_SERIES);
		expect(SERIES_DASHES.length).toBeGreaterThanOrEqual(MAX_SERIES);
	});

	it('draws the print radar with the screen dashes scaled to its larger canvas', () => {
		const series = [{ label: 'Previous', data: [1, null], style: 'previous' as const }];
		const [screen] = radarDatasets(series);
		const [print] = radarDatasets(series, RADAR_SIZES.print);
		expect(print.borderDash).toEqual(screen.borderDash.map((d) => d * 2));
		expect(print.borderColor).toBe(screen.borderColor);
		expect(screen).toMatchObject({ borderColor: SERIES_COLOURS[1], fill: false, pointRadius: 3, spanGaps: true });
	});
});
