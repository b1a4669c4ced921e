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
		// Left of the chart the label ends at its spoke, right of it starts there, and centres on the vertical; each
		// stays inside the chart's box (the vector table starts right of it), in two lines at most, cut with an ellipsis.
		const centred = Math.abs(cos) < 0.1;
		const width = centred ? labelRoom * 2 : cos < 0 ? lx - x : x + size - lx;
		const left = centred ? lx - width / 2 : cos < 0 ? x : lx;
		const align = centred ? 'center' : cos < 0 ? 'right' : 'left';
		const options = { width, align, height: label * 2.5, ellipsis: true } as const;
		const height = Math.min(doc.heightOfString(text, options), label * 2.5);
		// Above the chart a label sits on its spoke's end, below it hangs from it, so a second line never covers the rings.
		const top = sin < -0.1 ? ly + label / 2 - height : sin > 0.1 ? ly - label / 2 : ly - height / 2;
		doc.text(text, left, top, options);
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

/** One swatch and name per series, centred above the chart, on as many lines as they need; returns the height taken. */
function legend(doc: Doc, x: number, y: number, size: number, series: RadarSeries[], k: number) {
	const font = RADAR_SIZES.print.legend * k;
	const box = font * 2;
	const gap = font;
	const line = font * 2;
	doc.font('body').fontSize(font);
	const sets = radarDatasets(series, RADAR_SIZES.print);
	// A name longer than the line is cut with an ellipsis; the items are laid out in lines first, then each centred.
	const widest = size - box - gap / 2;
	const items = sets.map((s) => ({ set: s, width: box + gap / 2 + Math.min(doc.widthOfString(s.label), widest) }));
	const lines: (typeof items)[] = [];
	for (const item of items) {
		const current = lines.at(-1);
		if (current && current.reduce((w, i) => w + i.width + gap, item.width) <= size) current.push(item);
		else lines.push([item]);
	}
	lines.forEach((items, row) => {
		const top = y + 1 + row * line;
		let left = x + (size - items.reduce((w, i) => w + i.width + gap, -gap)) / 2;
		for (const { set, width } of items) {
			doc.save().lineWidth(set.borderWidth * k);
			const dash = set.borderDash.map((d) => d * k);
			if (dash.length) doc.dash(dash[0], { space: dash[1] ?? dash[0] });
			if (set.fill) doc.rect(left, top, box, font).fillOpacity(0.15).fill(set.borderColor).fillOpacity(1);
			doc.rect(left, top, box, font).stroke(set.borderColor);
			doc.restore();
			// pdfkit cuts with an ellipsis only within a height: one line here.
			doc
				.fillColor(INK)
				.text(set.label, left + box + gap / 2, top, { width: width - box - gap / 2, height: doc.currentLineHeight(true), ellipsis: true });
			left += width + gap;
		}
	});
	return lines.length * line + font / 2;
}
