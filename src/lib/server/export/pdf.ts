import PDFDocument from 'pdfkit';
import { INK, LEVEL_COLOURS, LEVEL_INK, SERIES_COLOURS, SOFT_INK } from '#lib/chart-style.ts';
import { medianSeries } from '#lib/domain/aggregate.ts';
import { formatDate, plural } from '#lib/domain/format.ts';
import { STATUS_LABELS } from '#lib/domain/initiatives.ts';
import { LANE_INFO } from '#lib/domain/framework.ts';
import { quoteAnswer } from '#lib/domain/comments.ts';
import { itemLine, itemPriority } from '#lib/domain/remediation.ts';
import { withheldNote } from '#lib/domain/anonymity.ts';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';
import { RadarRenderer } from './chart-image';
import { FONT_BOLD, FONT_REGULAR } from './fonts';

const TOC_LINES = 38;
const MARGIN = 50;

type Doc = InstanceType<typeof PDFDocument>;

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

	const radar = new RadarRenderer(report.vectors.map((v) => v.name));
	const byTechnology = new Map<string, Score[]>();
	for (const c of comments) byTechnology.set(c.slug, [...(byTechnology.get(c.slug) ?? []), c]);
	for (const t of report.technologies) {
		newPage();
		technologyPage(doc, report, t, radar);
		commentsOf(doc, report, byTechnology.get(t.slug) ?? []);
		// Let the response stream drain and other requests run between pages.
		await new Promise((r) => setImmediate(r));
	}
	radar.destroy();

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

/** A level's colour with its number on it, at the left margin: colour is never the only signal. */
function levelSwatch(doc: Doc, level: number, y: number) {
	doc
		.rect(MARGIN, y, 16, 12)
		.fill(LEVEL_COLOURS[level])
		.fillColor(LEVEL_INK[level])
		.fontSize(9)
		.text(String(level), MARGIN, y + 1, { width: 16, align: 'center' });
}

/**
 * The page a manager forwarding the report needs most: what the numbers mean and how they are
 * made, so that a reader who never opened Opsmaturity reads a 2.4 or a "calibrated" rightly.
 */
function readingGuide(doc: Doc, report: RoundReport, newPage: () => void) {
	newPage();
	const width = doc.page.width - 2 * MARGIN;
	const heading = (text: string) =>
		doc.moveDown(0.6).font('bold').fontSize(11).fillColor(INK).text(text, { width }).font('body').fontSize(10);
	doc.font('bold').fontSize(16).text('How to read this report', { width });
	doc.font('body').fontSize(10).moveDown(0.3);
	doc.text(
		`Engineers who run each technology scored it on ${report.vectors.length} vectors of the Agile Operations method, each from 0 to 5. Their answers, not an audit, are what this report sums up.`,
		{ width }
	);
	heading('The scale');
	for (const [level, meaning] of report.levels.entries()) {
		const y = doc.y;
		levelSwatch(doc, level, y);
		doc
			.fillColor(INK)
			.fontSize(10)
			.text(meaning, MARGIN + 24, y, { width: width - 24 });
		doc.text('', MARGIN, Math.max(doc.y, y + 14) + 2);
	}
	heading('How a rating is made');
	doc.text(
		'For each vector, the median of the submitted scores counts; "don\'t know" answers and unsubmitted drafts do not. The rating is the weighted mean of those medians, to one decimal, and the level is the whole number below it (a 2.8 is level 2).',
		{ width }
	);
	heading('Critical vectors');
	const critical = report.vectors.filter((v) => v.critical).map((v) => v.name);
	doc.text(
		critical.length
			? `${critical.join(', ')} ${critical.length === 1 ? 'is' : 'are'} critical: a technology's level is at most ${critical.length === 1 ? 'its' : "each one's"} median plus ${report.criticalMargin}, however high the rating, so a weak critical vector cannot hide behind strong ones.`
			: 'This framework version marks no vector as critical, so the level follows the rating alone.',
		{ width }
	);
	heading('Disagreement and "calibrated"');
	doc.text(
		'Where two scores of one vector are two or more levels apart, people see it differently and the vector is flagged for a calibration talk. When the respondents meet and agree on a level in a calibration session, that agreed level replaces the median, and the vector is marked "calibrated".',
		{ width }
	);
	heading('Coverage');
	doc.text(
		'Coverage counts the vectors that have at least one score: "coverage 13 of 15" means two vectors had only "don\'t know" answers or none, and the rating rests on the other thirteen. A low coverage makes a rating less certain.',
		{ width }
	);
	heading('Targets and the backlog');
	doc.text(
		"Each technology has a target level. Every vector whose median is below it becomes a backlog item, ordered by priority: the gap to the target times the vector's weight.",
		{ width }
	);
	if (report.round.state === 'open')
		doc.moveDown(0.6).text('This round is still open: the figures are provisional and may change until it closes.', { width });
}

/** Each initiative as this round measured it, overdue first. */
function initiativesOf(doc: Doc, report: RoundReport, newPage: () => void) {
	newPage();
	doc.font('bold').fontSize(16).text('Initiatives').moveDown(0.5);
	for (const i of report.initiatives) {
		if (doc.y > doc.page.height - 100) newPage();
		const p = i.progress;
		doc
			.font('bold')
			.fontSize(10)
			.fillColor(p.status === 'overdue' ? LEVEL_COLOURS[0] : INK)
			.text(`${STATUS_LABELS[p.status]}: ${i.name}`)
			.font('body')
			.fontSize(9)
			.fillColor(INK)
			.text(`${i.goal}. ${p.met} of ${p.total} met in ${report.round.name}${p.unmeasured ? `, ${p.unmeasured} not rated` : ''}.`, {
				width: doc.page.width - 2 * MARGIN
			});
		if (i.notMet.length)
			doc
				.fillColor(SOFT_INK)
				.text(`Not met yet: ${i.notMet.join(', ')}`, { width: doc.page.width - 2 * MARGIN })
				.fillColor(INK);
		doc.moveDown(0.4);
	}
}

function technologyPage(doc: Doc, report: RoundReport, t: RoundReport['technologies'][number], radar: RadarRenderer) {
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
	} else vectorFigures(doc, report, t, radar);
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

/** The radar and, to its right, the vector table. */
function vectorFigures(doc: Doc, report: RoundReport, t: RoundReport['technologies'][number], radar: RadarRenderer) {
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
	doc.image(radar.render(series), MARGIN, top, { width: 250, height: 250 });

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
		doc.font('body').fillColor(INK).text(v.name, x, y, { width: 145, lineBreak: false, ellipsis: true });
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

/**
 * What respondents wrote, per vector, under the technology's page: with names and scores for
 * those who may see respondents, the words alone for everyone else. Long lists flow onto further pages.
 */
function commentsOf(doc: Doc, report: RoundReport, comments: Score[]) {
	if (!comments.length) return;
	const width = doc.page.width - 2 * MARGIN;
	doc.moveDown(0.6).font('bold').fontSize(11).fillColor(INK).text('Comments and evidence', MARGIN, doc.y, { width });
	for (const v of report.vectors) {
		const said = comments.filter((c) => c.vector === v.key);
		if (!said.length) continue;
		doc.font('bold').fontSize(9).text(v.name, { width });
		doc.font('body');
		for (const c of said) doc.text(quoteAnswer(c), { width, indent: 8 });
	}
}
