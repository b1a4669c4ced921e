import { describe, expect, it } from 'vitest';
import { render } from './render';
import { digestMail, LISTED, roundOpenedMail } from './templates';

const links = { origin: 'https://maturity.example.com' };
const round = { id: 7, name: 'Q4 <b>2026</b>', dueDate: '2026-12-15' };

describe('emails', () => {
	it('escape whatever people typed in the HTML, and keep it as typed in the text', () => {
		const out = render(roundOpenedMail(links, round, [{ technology: '<img src=x onerror=alert(1)>', slug: 'x' }]));
		expect(out.html).not.toContain('<img');
		expect(out.html).not.toContain('<b>2026');
		expect(out.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
		expect(out.text).toContain('<img src=x onerror=alert(1)>');
		expect(out.text).toContain('The round “Q4 <b>2026</b>” is open. Please score these by 15 Dec 2026:');
	});

	it(`list at most ${LISTED} assessments and send the reader to the dashboard for the rest`, () => {
		const items = Array.from({ length: 1000 }, (_, i) => ({ technology: `Tech ${i}`, slug: `tech-${i}` }));
		const out = render(roundOpenedMail(links, round, items));
		expect(out.subject).toBe('Round opened: you are asked to score 1000 technologies');
		expect(out.text.match(/\/rounds\/7\/assess\//g)?.length).toBe(LISTED);
		expect(out.text).toContain('See all 1000 on your dashboard:\nhttps://maturity.example.com/');
		expect(render(roundOpenedMail(links, round, items.slice(0, 3))).text).not.toContain('See all');
	});

	it('the digest is a table in HTML and aligned lines in text', () => {
		const out = render(digestMail(links, round, [{ technology: 'Kafka', submitted: 1, assigned: 3, waitingFor: ['Ana', 'Ben'] }]));
		expect(out.subject).toBe('Weekly digest: “Q4 <b>2026</b>”, 1 of 3 responses submitted');
		expect(out.text).toContain('Technology | Submitted | Not submitted yet\nKafka | 1 of 3 | Ana, Ben');
		expect(out.html).toMatch(/<table[^>]*>.*<td[^>]*>Kafka<\/td>/);
	});
});
