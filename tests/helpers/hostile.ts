/**
 * Hostile values, by kind: what a fuzzer, a confused client or an attacker sends. `refused`
 * kinds are invalid in every field of every form (control characters, lengths past any limit,
 * a file where text belongs), so a form carrying them must store nothing at all. The others can
 * be legitimate text somewhere (a team may be called "null") and only must never break anything.
 */
export type HostileKind = { name: string; refused: boolean; value: () => string | Blob };

const kinds: [string, boolean, () => string | Blob][] = [
	['empty', false, () => ''],
	['spaces only', false, () => '   '],
	['NUL byte', true, () => '\u0000'],
	['NUL inside text', true, () => 'Kafka\u0000cluster'],
	['terminal escape', true, () => '\u001b[31mred\u001b[0m'],
	['bell and backspace', true, () => 'a\u0007b\u0008c'],
	['header injection', false, () => 'x\r\nSet-Cookie: session=stolen'],
	['100 000 characters', true, () => 'a'.repeat(100_000)],
	['five thousand digits', false, () => '9'.repeat(5000)],
	['right-to-left override', false, () => '\u202egnp.exe'],
	['zero-width space', false, () => '\u200b'],
	['astral characters', false, () => '🧨'.repeat(300)],
	['lone surrogate', false, () => 'x\ud800y'],
	['combining marks', false, () => 'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍'],
	['non-Latin-1 text', false, () => 'Ωμέγα 数据 مرحبا'],
	['minus one', false, () => '-1'],
	['zero', false, () => '0'],
	['largest 32-bit, naming nothing', false, () => '2147483647'],
	['past 32-bit', false, () => '2147483648'],
	['below 32-bit', false, () => '-2147483649'],
	['twenty digits', false, () => '99999999999999999999'],
	['overflowing float', false, () => '1e309'],
	['NaN', false, () => 'NaN'],
	['Infinity', false, () => 'Infinity'],
	['fraction', false, () => '1.5'],
	['hexadecimal', false, () => '0x10'],
	['padded number', false, () => ' 3 '],
	['SQL tautology', false, () => "1' OR '1'='1"],
	['SQL statement', false, () => "'; drop table app_user; --"],
	['script tag', false, () => '<script>alert(1)</script>'],
	['attribute breakout', false, () => '"><img src=x onerror=alert(1)>'],
	['spreadsheet formula', false, () => '=HYPERLINK("http://evil.example","x")'],
	['formula over lines', false, () => '=1+1\n"y"'],
	['at-sign formula', false, () => '@SUM(1;2)'],
	['javascript URL', false, () => 'javascript:alert(1)'],
	['slash-backslash URL', false, () => 'http:/\\evil.example/x'],
	['protocol-relative URL', false, () => '//evil.example'],
	['path traversal', false, () => '../../etc/passwd'],
	['percent-encoded NUL', false, () => '%00'],
	['double encoding', false, () => '%252e%252e%252f'],
	['__proto__', false, () => '__proto__'],
	['constructor', false, () => 'constructor'],
	['true', false, () => 'true'],
	['null', false, () => 'null'],
	['object string', false, () => '[object Object]'],
	['impossible date', false, () => '2026-02-30'],
	['far-future date', false, () => '9999-12-31'],
	['zero date', false, () => '0000-00-00'],
	['JSON object', false, () => '{"role":"admin"}'],
	['a file instead of text', true, () => new Blob(['not text'], { type: 'application/octet-stream' })]
];

export const HOSTILE: HostileKind[] = kinds.map(([name, refused, value]) => ({ name, refused, value }));

/** Field names a form never renders: what a hand-made post can send besides the fields it should. */
export const HOSTILE_NAMES: string[] = [
	'\u0000',
	'name\u0000',
	'n'.repeat(10_000),
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'hasOwnProperty',
	'valueOf',
	'🧨',
	'x\ud800',
	'name\r\nX-Injected: 1',
	'a[b][c]',
	'',
	' '
];
