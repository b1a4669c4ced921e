import { GRID, INK, radarDatasets, RADAR_SIZES, SOFT_INK, type RadarSeries } from '#lib/chart-style.ts';
import type { Doc } from './pdf-sections';

/**
 * The app's radar drawn as lines and text in the PDF itself, with the look of the page's chart: same colours, dashes,
 * fill and points (radarDatasets), rings for levels 1–5, a spoke and a label per vector, the legend above. Drawing it
 * as a picture instead (Chart.js on a server canvas, then a JPEG per technology) cost 13 ms and 70 KB per page: 13 s
 * and most of the 55 MB of a 1,000-technology report.
 */
const LEVELS = 5;
/** The print sizes are for an 800-pixel canvas; the PDF draws the radar in `size` points. */
const scaleOf = (size: number) => size / 800;

export function drawRadar(doc: Doc, x: number, y: number, size: number, labels: string[], series: RadarSeries[]) {
	const k = scaleOf(size);
	const legendHeight = legend(doc, x, y, size, series, k);
	const labelRoom = 28 * k * 4;
	const radius = (size - legendHeight) / 2 - labelRoom;
	const cx = x + size / 2;
	const cy = y + legendHeight + (size - legendHeight) / 2;
	// The first vector straight up, then clockwise, as Chart.js places them.
	const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / labels.length;
	const at = (i: number, value: number) => [
		cx + Math.cos(angle(i)) * radius * (value / LEVELS),
		cy + Math.sin(angle(i)) * radius * (value / LEVELS)
	];

	doc
		.save()
		.lineWidth(k * 1.5)
		.strokeColor(GRID)
		.undash();
	for (let level = 1; level <= LEVELS; level++)
		polygon(
			doc,
			labels.map((_, i) => at(i, level))
		).stroke();
	for (let i = 0; i < labels.length; i++) {
		const [ex, ey] = at(i, LEVELS);
		doc.moveTo(cx, cy).lineTo(ex, ey).stroke();
	}
	doc.restore();

	const tick = RADAR_SIZES.print.tick * k;
	doc.font('body').fontSize(tick).fillColor(SOFT_INK);
	for (let level = 0; level <= LEVELS; level++) {
		const [, ty] = at(0, level);
		doc.text(String(level), cx - 20, ty - tick / 2, { width: 40, align: 'center', lineBreak: false });
	}

	const label = RADAR_SIZES.print.label * k;
	doc.fontSize(label).fillColor(INK);
	labels.forEach((text, i) => {
		const [lx, ly] = at(i, LEVELS + 0.35);
		const [cos, sin] = [Math.cos(angle(i)), Math.sin(angle(i))];
		const width = labelRoom * 2;
		// Left of the chart the label ends at its spoke, right of it starts there, and centres on the vertical;
		// above the chart it sits on its spoke's end, below it hangs from it, so a second line never covers the rings.
		const left = Math.abs(cos) < 0.1 ? lx - width / 2 : cos < 0 ? lx - width : lx;
		const align = Math.abs(cos) < 0.1 ? 'center' : cos < 0 ? 'right' : 'left';
		const height = doc.heightOfString(text, { width });
		const top = sin < -0.1 ? ly + label / 2 - height : sin > 0.1 ? ly - label / 2 : ly - height / 2;
		doc.text(text, left, top, { width, align });
	});

	for (const set of radarDatasets(series, RADAR_SIZES.print)) {
		const points = set.data.map((v, i) => (v === null ? null : at(i, v))).filter((p): p is number[] => p !== null);
		if (!points.length) continue;
		const dash = set.borderDash.map((d) => d * k);
		doc
			.save()
			.lineWidth(set.borderWidth * k)
			.lineJoin('round');
		if (dash.length) doc.dash(dash[0], { space: dash[1] ?? dash[0] });
		if (set.fill) {
			polygon(doc, points).fillOpacity(0.15).fill(set.borderColor);
			doc.fillOpacity(1);
		}
		polygon(doc, points).stroke(set.borderColor);
		doc.undash();
		if (set.pointRadius) for (const [px, py] of points) doc.circle(px, py, set.pointRadius * k).fill(set.borderColor);
		doc.restore();
	}
	doc.fillColor(INK);
}

/** A closed path through `points`, ready to stroke or fill. */
function polygon(doc: Doc, points: number[][]) {
	points.forEach(([px, py], i) => (i === 0 ? doc.moveTo(px, py) : doc.lineTo(px, py)));
	return doc.closePath();
}

/** One swatch and name per series, centred on a line above the chart; returns the height it took. */
function legend(doc: Doc, x: number, y: number, size: number, series: RadarSeries[], k: number) {
	const font = RADAR_SIZES.print.legend * k;
	const box = font * 2;
	const gap = font;
	doc.font('body').fontSize(font);
	const sets = radarDatasets(series, RADAR_SIZES.print);
	const widths = sets.map((s) => box + gap / 2 + doc.widthOfString(s.label));
	let left = x + (size - widths.reduce((sum, w) => sum + w + gap, -gap)) / 2;
	sets.forEach((s, i) => {
		doc.save().lineWidth(s.borderWidth * k);
		const dash = s.borderDash.map((d) => d * k);
		if (dash.length) doc.dash(dash[0], { space: dash[1] ?? dash[0] });
		if (s.fill)
			doc
				.rect(left, y + 1, box, font)
				.fillOpacity(0.15)
				.fill(s.borderColor)
				.fillOpacity(1);
		doc.rect(left, y + 1, box, font).stroke(s.borderColor);
		doc.restore();
		doc.fillColor(INK).text(s.label, left + box + gap / 2, y + 1, { lineBreak: false });
		left += widths[i] + gap;
	});
	return font * 2.5;
}
