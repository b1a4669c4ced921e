// The environment the server reads, checked in one place before anything starts: a wrong value
// is one clear list of problems and exit code 2, never a stack trace half-way through start-up.
// Plain JavaScript so that server.js can use it without a build.
import { z } from 'zod';
import { parseSecretsKey, SECRETS_KEY_RULE } from './db/secrets.js';

const header = z
	.string()
	.regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name such as x-forwarded-for')
	.transform((v) => v.toLowerCase());
/** @param {number} min @param {number} max */
const integer = (min, max) =>
	z
		.string()
		.regex(/^\d+$/, 'must be a whole number')
		.transform(Number)
		.refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

/** Every variable, with what it means when unset. Unknown variables are ignored. */
const shape = {
	PORT: integer(1, 65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	ORIGIN: z
		.url({ protocol: /^https?$/, error: 'must be the public URL, such as https://maturity.example.com' })
		.refine((v) => new URL(v).pathname === '/' && !v.endsWith('/'), 'must be scheme, host and port only, with no path or trailing slash')
		.optional(),
	PROTOCOL_HEADER: header.optional(),
	HOST_HEADER: header.optional(),
	ADDRESS_HEADER: header.optional(),
	XFF_DEPTH: integer(1, 20).optional(),
	BODY_SIZE_LIMIT: z
		.string()
		.regex(/^(\d+[KMG]?|Infinity)$/, 'must be a size such as 512K, 10M or Infinity')
		.default('512K'),
	DATABASE_URL: z
		.string()
		.refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'must be a postgres:// or postgresql:// URL')
		.optional(),
	DATABASE_PREPARED: z
		.enum(['0', '1'], { error: 'must be 1 (keep statements prepared) or 0 (behind a pooler that cannot keep them)' })
		.default('1'),
	DATA_DIR: z.string().min(1).default('./data'),
	PAGE_CACHE: z.enum(['0', '1'], { error: 'must be 1 (keep rendered pages while nothing changed) or 0 (render every page)' }).default('1'),
	SEED_DEMO: z.enum(['0', '1'], { error: 'must be 0 (never seed) or 1 (seed any empty database)' }).optional(),
	SHUTDOWN_DRAIN_MS: integer(0, 60_000).default(5000),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
	METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters: it is a bearer secret').optional(),
	SMTP_URL: z
		.string()
		.refine(
			(v) => /^smtps?:\/\//.test(v) && URL.canParse(v),
			'must be an smtp:// or smtps:// URL, such as smtps://user:password@mail.example.com'
		)
		.optional(),
	MAIL_FROM: z
		.string()
		.regex(/^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address, such as Opsmaturity <maturity@example.com>')
		.optional(),
	OIDC_ISSUER: z
		.url({ protocol: /^https?$/, error: "must be the provider's issuer URL, such as https://login.example.com/realms/ops" })
		.refine((v) => {
			const url = new URL(v);
			return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
		}, 'must use https (plain http only for a provider on this machine)')
		.optional(),
	OIDC_CLIENT_ID: z.string().max(200).optional(),
	OIDC_CLIENT_SECRET: z.string().max(500).optional(),
	OIDC_SCOPES: z
		.string()
		.refine((v) => v.split(/\s+/).includes('openid'), 'must include openid, such as "openid email profile groups"')
		.optional(),
	OIDC_LABEL: z.string().max(60, 'must be at most 60 characters').optional(),
	LOCAL_LOGIN: z.enum(['0', '1'], { error: 'must be 1 (passwords allowed) or 0 (single sign-on only)' }).default('1'),
	BREAK_GLASS_EMAIL: z.email({ error: 'must be the email of the administrator who may still use a password' }).optional(),
	SECRETS_KEY: z
		.string()
		.refine((v) => !!parseSecretsKey(v), SECRETS_KEY_RULE)
		.optional(),
	// Each live stream holds a socket: the total stays well under a common limit of 1,024 open files.
	EVENT_STREAMS_PER_PERSON: integer(1, 100).default(8),
	EVENT_STREAMS_MAX: integer(1, 100_000).default(500)
};

/** Settings that only make sense together. */
const schema = z.object(shape).superRefine((c, ctx) => {
	if (c.OIDC_ISSUER && !c.OIDC_CLIENT_ID) ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'is needed with OIDC_ISSUER' });
	if (c.OIDC_CLIENT_ID && !c.OIDC_ISSUER) ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'is needed with OIDC_CLIENT_ID' });
	if (c.LOCAL_LOGIN === '0' && !c.OIDC_ISSUER)
		ctx.addIssue({
			code: 'custom',
			path: ['LOCAL_LOGIN'],
			message: 'can be 0 only with single sign-on (OIDC_ISSUER): nobody could sign in'
		});
});

const SECRETS = new Set(['METRICS_TOKEN', 'OIDC_CLIENT_SECRET', 'SECRETS_KEY']);

/**
 * The configuration the environment gives, or the list of everything wrong with it. Empty
 * strings count as unset, as most process managers write them for "no value".
 * @param {Record<string, string | undefined>} env
 */
export function readConfig(env) {
	const given = Object.fromEntries(Object.keys(shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
	const result = schema.safeParse(given);
	if (result.success) return { config: result.data, problems: [] };
	return {
		config: null,
		problems: result.error.issues.map((i) => `${String(i.path[0])}=${JSON.stringify(given[String(i.path[0])] ?? '')}: ${i.message}`)
	};
}

/**
 * The configuration as `--check` prints it: secrets and database passwords masked.
 * @param {Record<string, unknown>} config
 */
export function describeConfig(config) {
	return Object.entries(config)
		.map(([key, value]) => {
			let shown = String(value);
			if (SECRETS.has(key)) shown = '********';
			if (key === 'DATABASE_URL' || key === 'SMTP_URL') {
				const url = new URL(shown);
				if (url.password) url.password = '********';
				shown = url.toString();
			}
			return `${key}=${shown}`;
		})
		.join('\n');
}
