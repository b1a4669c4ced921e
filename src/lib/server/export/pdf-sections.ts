import type PDFDocument from 'pdfkit';
import { INK, LEVEL_COLOURS, LEVEL_INK, SOFT_INK } from '#lib/chart-style.ts';
import { quoteAnswer } from '#lib/domain/comments.ts';
import { STATUS_LABELS } from '#lib/domain/initiatives.ts';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';

// The report PDF's sections that are not a technology's page: how to read it, initiatives, comments (pdf.ts writes the rest).

export const MARGIN = 50;
export type Doc = InstanceType<typeof PDFDocument>;

/** A level's colour with its number on it, at the left margin: colour is never the only signal. */
export function levelSwatch(doc: Doc, level: number, y: number) {
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
export function readingGuide(doc: Doc, report: RoundReport, newPage: () => void) {
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
export function initiativesOf(doc: Doc, report: RoundReport, newPage: () => void) {
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

/**
 * What respondents wrote, per vector, under the technology's page: with names and scores for
 * those who may see respondents, the words alone for everyone else. Long lists flow onto further pages.
 */
export function commentsOf(doc: Doc, report: RoundReport, comments: Score[]) {
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
