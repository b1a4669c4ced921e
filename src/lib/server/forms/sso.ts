import { z } from 'zod';
import { ROLES } from '#lib/domain/roles.ts';
import type { GroupMapping, SsoConfig } from '#lib/domain/sso.ts';
import { fieldErrors, MAX_ID, optionalText, type FieldErrors } from './index';

/** Rows a mapping form may post: plenty for a real organisation, and a bound on work. */
export const MAX_MAPPINGS = 100;

const row = z.object({
	group: optionalText('Group', 200).transform((v) => v ?? ''),
	role: z.union([z.enum(ROLES), z.literal('')], { error: 'Choose a role.' }),
	teamId: z.union([z.literal(''), z.coerce.number().int().min(1).max(MAX_ID)], { error: 'Choose a team.' })
});

const head = z.object({
	version: z.coerce.number({ error: 'Reload the page and try again.' }).int().min(0).max(MAX_ID),
	groupsClaim: z
		.string({ error: 'Name the claim.' })
		.trim()
		.regex(/^[A-Za-z0-9_:./-]{1,100}$/, 'Name the claim that holds the groups, such as groups or roles (letters, digits, _ : . / -).'),
	// Everyone the provider lets in gets this role: never admin, which only a named group may give.
	defaultRole: z.enum(['viewer', 'member', 'lead'], { error: 'Choose viewer, member or lead: admin is given only through a group.' })
});

/**
 * The mapping editor's form: `groupsClaim`, `defaultRole` and rows `group.N`, `role.N`, `team.N`.
 * A row with no group is blank and skipped; a group must give a role, a team or both, and only
 * existing teams can be named. Errors are keyed by field (`group.3`).
 */
export function parseSsoForm(form: FormData, teamIds: Set<number>): { config: SsoConfig; version: number } | { errors: FieldErrors } {
	const parsedHead = head.safeParse(
		Object.fromEntries(['version', 'groupsClaim', 'defaultRole'].map((k) => [k, form.get(k) ?? undefined]))
	);
	const errors: FieldErrors = parsedHead.success ? {} : fieldErrors(parsedHead.error);
	const indexes = [...new Set([...form.keys()].flatMap((k) => /^(group|role|team)\.(\d{1,3})$/.exec(k)?.[2] ?? []))].map(Number);
	if (indexes.length > MAX_MAPPINGS) errors.form = `At most ${MAX_MAPPINGS} mappings.`;
	const mappings: GroupMapping[] = [];
	const seen = new Set<string>();
	for (const i of indexes.sort((a, b) => a - b)) {
		const value = (k: string) => (typeof form.get(`${k}.${i}`) === 'string' ? form.get(`${k}.${i}`) : '');
		const parsed = row.safeParse({ group: value('group'), role: value('role'), teamId: value('team') });
		if (!parsed.success) {
			for (const [field, message] of Object.entries(fieldErrors(parsed.error)))
				errors[`${field === 'teamId' ? 'team' : field}.${i}`] = message;
			continue;
		}
		const { group, role, teamId } = parsed.data;
		if (!group) continue;
		if (seen.has(group)) errors[`group.${i}`] = 'This group is mapped twice; keep one row for it.';
		else if (!role && teamId === '') errors[`group.${i}`] = 'Give this group a role, a team, or both.';
		else if (teamId !== '' && !teamIds.has(teamId)) errors[`team.${i}`] = 'That team no longer exists.';
		seen.add(group);
		mappings.push({ group, role: role || null, teamId: teamId === '' ? null : teamId });
	}
	if (Object.keys(errors).length || !parsedHead.success) return { errors };
	return {
		version: parsedHead.data.version,
		config: { groupsClaim: parsedHead.data.groupsClaim, defaultRole: parsedHead.data.defaultRole, mappings }
	};
}
