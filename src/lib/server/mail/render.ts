/**
 * One description of an email, rendered twice: plain text for every reader, HTML for the rest.
 * Templates say what to tell; this module alone decides how, so the two never drift apart and
 * every piece of text that came from a person is escaped in the HTML.
 */
import { escapeHtml } from '#lib/domain/text.ts';

export type Block =
	| { paragraph: string }
	| { list: { text: string; href?: string }[] }
	| { table: { head: string[]; rows: string[][] } }
	| { action: { label: string; href: string } };

export type Composed = { subject: string; blocks: Block[]; footer: string };
export type Rendered = { subject: string; text: string; html: string };

function textOf(block: Block): string {
	if ('paragraph' in block) return block.paragraph;
	if ('list' in block) return block.list.map((i) => `- ${i.text}${i.href ? `\n  ${i.href}` : ''}`).join('\n');
	if ('table' in block) return [block.table.head, ...block.table.rows].map((r) => r.join(' | ')).join('\n');
	return `${block.action.label}:\n${block.action.href}`;
}

const link = (href: string, label: string) => `<a href="${escapeHtml(href)}" style="color:#0b5cad">${escapeHtml(label)}</a>`;
const cell = (tag: 'th' | 'td', s: string) =>
	`<${tag} style="text-align:left;padding:4px 8px;border-bottom:1px solid #ddd">${escapeHtml(s)}</${tag}>`;

function htmlOf(block: Block): string {
	if ('paragraph' in block) return `<p>${escapeHtml(block.paragraph)}</p>`;
	if ('list' in block)
		return `<ul>${block.list.map((i) => `<li>${i.href ? link(i.href, i.text) : escapeHtml(i.text)}</li>`).join('')}</ul>`;
	if ('table' in block) {
		const head = `<tr>${block.table.head.map((h) => cell('th', h)).join('')}</tr>`;
		const rows = block.table.rows.map((r) => `<tr>${r.map((c) => cell('td', c)).join('')}</tr>`).join('');
		return `<table style="border-collapse:collapse">${head}${rows}</table>`;
	}
	const { href, label } = block.action;
	return `<p><a href="${escapeHtml(href)}" style="display:inline-block;padding:8px 14px;background:#0b5cad;color:#fff;border-radius:4px;text-decoration:none">${escapeHtml(label)}</a></p>`;
}

export function render({ subject, blocks, footer }: Composed): Rendered {
	const text = `${blocks.map(textOf).join('\n\n')}\n\n-- \n${footer}\n`;
	const html =
		`<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b;max-width:40em">` +
		`${blocks.map(htmlOf).join('')}<hr style="border:0;border-top:1px solid #ddd"><p style="color:#555;font-size:0.9em">${escapeHtml(footer)}</p></body></html>`;
	return { subject, text, html };
}
