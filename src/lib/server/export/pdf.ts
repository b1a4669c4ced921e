import PDFDocument from 'pdfkit';
import { INK, LEVEL_COLOURS, LEVEL_INK, SERIES_COLOURS, SOFT_INK } from '#lib/chart-style.ts';
import { medianSeries } from '#lib/domain/aggregate.ts';
import { formatDate, plural } from '#lib/domain/format.ts';
import { LANE_INFO } from '#lib/domain/framework.ts';
import { itemLine, itemPriority } from '#lib/domain/remediation.ts';
import { withheldNote } from '#lib/domain/anonymity.ts';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';
import { FONT_BOLD, FONT_REGULAR } from './fonts';
import { commentsOf, initiativesOf, levelSwatch, MARGIN, readingGuide, type Doc } from './pdf-sections';
import { drawRadar } from './pdf-radar';

const TOC_LINES = 38;

/**
 * Writes the report page by page into a stream: cover, contents, one page per technology,
 * backlog appendix, initiatives. Nothing is buffered for later (no bufferPages), so memory stays flat with
 * the number of technologies; the caller pipes the document to the response as it grows.
 */
export function reportPdf(report: RoundReport, comments: Score[] = []): Doc {
	const doc = new PDFDocument({
		size: 'A4',
		margin: MARGIN,
		info: {
			Title: `Maturity report ${report.round.name}${report.team ? ` — ${report.team}` : ''}`,
			Author: 'Opsmaturity',
			Subject: 'Agile Operations maturity assessment'
		},
		autoFirstPage: false
	});
	doc.registerFont('body', FONT_REGULAR);
	doc.registerFont('bold', FONT_BOLD);
	let page = 0;
	const newPage = () => {
		doc.addPage();
		page++;
		// The footer sits inside the bottom margin; lifting the margin for it keeps pdfkit from starting a new page.
		const bottom = doc.page.margins.bottom;
		doc.page.margins.bottom = 0;
		doc
			.font('body')
			.fontSize(8)
			.fillColor(SOFT_INK)
			.text(`Opsmaturity · ${report.round.name} · page ${page}`, MARGIN, doc.page.height - 35, {
				width: doc.page.width - 2 * MARGIN,
				align: 'right',
				lineBreak: false
			});
		doc.page.margins.bottom = bottom;
		doc.fillColor(INK).font('body').fontSize(10).text('', MARGIN, MARGIN);
	};
	void writeAll(doc, report, comments, newPage).catch((e) => doc.emit('error', e));
	return doc;
}

async function writeAll(doc: Doc, report: RoundReport, comments: Score[], newPage: () => void) {
	const s = report.summary;
	const tocPages = Math.max(1, Math.ceil(report.technologies.length / TOC_LINES));
	// Cover, how to read it, contents, then one page per technology.
	const firstTechPage = 2 + tocPages + 1;

	newPage();
	doc.font('bold').fontSize(24).text(`Maturity report ${report.round.name}`);
	doc
		.font('body')
		.fontSize(11)
		.fillColor(SOFT_INK)
		.text(
			`${report.team ?? 'All teams'} · ${report.round.state === 'open' ? 'provisional, round still open' : report.round.state} · framework v${report.round.frameworkVersion} · generated ${formatDate(new Date())}`
		);
	doc.moveDown().fillColor(INK).fontSize(12);
	doc.text(`Technologies rated: ${s.rated} of ${s.technologies} in scope`);
	doc.text(`Responses submitted: ${s.submitted} of ${s.assigned}`);
	doc.text(
		`Average rating: ${s.average ?? 'not rated'}${s.previousAverage !== null && s.average !== null ? ` (${report.previous?.name}: ${s.previousAverage}, ${s.average - s.previousAverage >= 0 ? '+' : ''}${(s.average - s.previousAverage).toFixed(1)})` : ''}`
	);
	if (report.initiatives.length) {
		const count = (status: string) => report.initiatives.filter((i) => i.progress.status === status).length;
		doc.text(`Initiatives: ${count('overdue')} overdue, ${count('open')} in progress, ${count('met')} met (listed at the end)`);
	}
	doc.moveDown().font('bold').text('Level distribution').font('body');
	const max = Math.max(1, ...s.distribution, ...s.previousDistribution);
	for (let level = 0; level <= 5; level++) {
		const y = doc.y;
		levelSwatch(doc, level, y);
		doc.rect(MARGIN + 24, y + 2, (s.distribution[level] / max) * 200, 8).fill(SERIES_COLOURS[0]);
		doc.rect(MARGIN + 24, y + 10, (s.previousDistribution[level] / max) * 200, 3).fill(SERIES_COLOURS[1]);
		doc
			.fillColor(INK)
			.fontSize(10)
			.text(
				`${plural(s.distribution[level], 'technology', 'technologies')} in ${report.round.name}${report.previous ? `, ${s.previousDistribution[level]} in ${report.previous.name}` : ''}`,
				MARGIN + 240,
				y,
				{ lineBreak: false }
			);
		doc.text('', MARGIN, y + 18);
	}
	doc.moveDown().font('bold').text('Weakest vectors across the estate').font('body');
	for (const w of s.weakest) doc.text(`• ${w.name}: ${w.average}`);
	if (s.movers.up.length || s.movers.down.length) {
		doc.moveDown().font('bold').text('Moved most since the previous round').font('body');
		for (const m of [...s.movers.up, ...s.movers.down])
			doc.text(`• ${m.name}: ${m.from} → ${m.to} (${m.change > 0 ? '+' : ''}${m.change})`);
	}
	doc.moveDown().font('bold').text('Top remediation items').font('body').fontSize(9);
	for (const b of s.topBacklog.slice(0, 8))
		doc.text(`• [${itemPriority(b)}] ${b.technologyName}: ${b.title}`, { width: doc.page.width - 2 * MARGIN });
	if (s.backlogWithheld)
		doc
			.fillColor(SOFT_INK)
			.text(s.backlogWithheld, { width: doc.page.width - 2 * MARGIN })
			.fillColor(INK);

	readingGuide(doc, report, newPage);

	for (let p = 0; p < tocPages; p++) {
		newPage();
		doc
			.font('bold')
			.fontSize(16)
			.text(p === 0 ? 'Contents' : 'Contents (continued)')
			.moveDown(0.5)
			.font('body')
			.fontSize(10);
		report.technologies.slice(p * TOC_LINES, (p + 1) * TOC_LINES).forEach((t, i) => {
			const index = p * TOC_LINES + i;
			doc
				.text(`${t.name}  ·  ${t.result?.rating ? t.result.rating.rating.toFixed(1) : 'not rated'}`, { continued: true })
				.text(`  page ${firstTechPage + index}`, { align: 'right' });
		});
		if (p === tocPages - 1) doc.moveDown().text(`Backlog appendix  ·  page ${firstTechPage + report.technologies.length}`);
	}

	const byTechnology = new Map<string, Score[]>();
	for (const c of comments) byTechnology.set(c.slug, [...(byTechnology.get(c.slug) ?? []), c]);
	for (const t of report.technologies) {
		newPage();
		technologyPage(doc, report, t);
		commentsOf(doc, report, byTechnology.get(t.slug) ?? []);
		// Let the response stream drain and other requests run between pages.
		await new Promise((r) => setImmediate(r));
	}

	newPage();
	doc.font('bold').fontSize(16).text('Backlog appendix').moveDown(0.5).font('body').fontSize(9);
	for (const t of report.technologies) {
		if (!t.backlog.length) continue;
		if (doc.y > doc.page.height - 120) newPage();
		doc.font('bold').fontSize(10).text(t.name).font('body').fontSize(9);
		for (const b of t.backlog) {
			if (doc.y > doc.page.height - 80) newPage();
			doc.text(itemLine(b, true), {
				width: doc.page.width - 2 * MARGIN
			});
		}
		await new Promise((r) => setImmediate(r));
	}
	if (report.initiatives.length) initiativesOf(doc, report, newPage);
	doc.end();
}

function technologyPage(doc: Doc, report: RoundReport, t: RoundReport['technologies'][number]) {
	const rating = t.result?.rating;
	doc.font('bold').fontSize(18).fillColor(INK).text(t.name);
	doc
		.font('body')
		.fontSize(10)
		.fillColor(SOFT_INK)
		.text(`${t.category} · ${t.teamName ?? 'no owning team'} · target level ${t.targetLevel}`);
	doc.fillColor(INK).moveDown(0.3);
	if (!rating) {
		doc.fontSize(12).text(`Not rated in ${report.round.name}: no submitted answers.`);
		return;
	}
	doc
		.font('bold')
		.fontSize(14)
		.text(
			`Rating ${rating.rating.toFixed(1)} · level ${rating.level}${t.previous?.rating ? `  (${report.previous?.name}: ${t.previous.rating.rating.toFixed(1)})` : ''}`
		);
	doc
		.font('body')
		.fontSize(9)
		.text(report.levels[rating.level] ?? '', { width: doc.page.width - 2 * MARGIN });
	doc.text(
		`Coverage ${rating.vectorsWithData} of ${rating.vectors} vectors · ${t.result!.submitted} of ${t.result!.assigned} respondents submitted`
	);
	if (t.result!.withheld) {
		// As on the page: below the anonymity threshold the rating stands alone, no radar or vector table.
		doc
			.moveDown(0.5)
			.fillColor(SOFT_INK)
			.text(withheldNote(t.result!.withheld), { width: doc.page.width - 2 * MARGIN });
		doc.fillColor(INK).moveDown(0.5);
	} else vectorFigures(doc, report, t);
	factsSection(doc, report, t);
	doc.font('bold').fontSize(11).text('Open backlog items');
	doc.font('body').fontSize(9);
	const room = Math.floor((doc.page.height - 60 - doc.y) / 24);
	for (const b of t.backlog.slice(0, Math.max(0, room))) doc.text(`• ${itemLine(b)}`, { width: doc.page.width - 2 * MARGIN });
	if (t.backlog.length > room)
		doc
			.fillColor(SOFT_INK)
			.text(`… and ${t.backlog.length - room} more in the appendix.`)
			.fillColor(INK);
	if (t.backlogWithheld)
		doc
			.fillColor(SOFT_INK)
			.text(t.backlogWithheld, { width: doc.page.width - 2 * MARGIN })
			.fillColor(INK);
	else if (!t.backlog.length) doc.fillColor(SOFT_INK).text('None: every vector meets the target.').fillColor(INK);
}

/** The facts known about each vector, what they suggest, and where they disagree with the median by two levels. */
function factsSection(doc: Doc, report: RoundReport, t: RoundReport['technologies'][number]) {
	const vectors = report.vectors.filter((v) => t.facts[v.key]);
	if (!vectors.length) return;
	doc.font('bold').fontSize(11).fillColor(INK).text('Facts');
	doc.font('body').fontSize(9);
	for (const v of vectors) {
		const { facts, suggests, disagrees } = t.facts[v.key];
		for (const f of facts) {
			const suggestion = f.suggests === null ? '' : `; suggests ${f.suggests}`;
			doc.fillColor(INK).text(`• ${v.name}: ${f.text}${suggestion}`, { width: doc.page.width - 2 * MARGIN, continued: true });
			doc.fillColor(SOFT_INK).text(`  (${f.source}, ${f.age})`);
		}
		if (disagrees)
			doc
				.fillColor(INK)
				.font('bold')
				.text(`  ${v.name}: the facts suggest ${suggests}, two levels or more from the median: a calibration talk.`)
				.font('body');
	}
	doc.fillColor(INK).moveDown(0.5);
}

/** The radar and, to its right, the vector table. */
function vectorFigures(doc: Doc, report: RoundReport, t: RoundReport['technologies'][number]) {
	const top = doc.y + 4;
	const series = [
		{ label: report.round.name, data: medianSeries(report.vectors, t.result), style: 'current' as const },
		...(t.previous?.rating && !t.previous.withheld
			? [
					{
						label: report.previous!.name,
						data: medianSeries(report.vectors, t.previous),
						style: 'previous' as const
					}
				]
			: []),
		{ label: `Target ${t.targetLevel}`, data: report.vectors.map(() => t.targetLevel), style: 'target' as const }
	];
	drawRadar(
		doc,
		MARGIN,
		top,
		250,
		report.vectors.map((v) => v.name),
		series
	);

	// Vector table to the right of the radar.
	const x = MARGIN + 260;
	let y = top;
	doc
		.fontSize(8)
		.font('bold')
		.text('Vector', x, y)
		.text('Median', x + 150, y)
		.text('Spread', x + 195, y);
	y += 12;
	let lane = '';
	for (const v of report.vectors) {
		if (v.lane !== lane) {
			lane = v.lane;
			doc.font('bold').fillColor(SOFT_INK).text(LANE_INFO[v.lane].name, x, y);
			y += 11;
		}
		const a = t.result!.vectors[v.key];
		doc
			.font('body')
			.fillColor(INK)
			.text(v.name, x, y, { width: 145, height: doc.currentLineHeight(true), ellipsis: true });
		if (a?.median != null) {
			const level = Math.floor(a.median);
			doc
				.rect(x + 150, y - 1, 28, 10)
				.fill(LEVEL_COLOURS[level])
				.fillColor(LEVEL_INK[level])
				.text(String(a.median), x + 150, y, { width: 28, align: 'center' });
		} else doc.fillColor(SOFT_INK).text('—', x + 150, y, { width: 28, align: 'center' });
		const note = a?.calibratedFrom !== undefined ? ` calibrated (median was ${a.calibratedFrom ?? '—'})` : a?.disagreement ? ' !' : '';
		doc.fillColor(INK).text(a?.min != null ? `${a.min}–${a.max}${note}` : '—', x + 195, y, { lineBreak: false });
		y += 11;
	}
	doc.text('', MARGIN, Math.max(y, top + 255) + 8);
}
