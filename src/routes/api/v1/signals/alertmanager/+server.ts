import { z } from 'zod';
import { json } from '@sveltejs/kit';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, methodNotAllowed, Problem, readJson } from '#lib/server/api/endpoint.ts';
import { AlertmanagerSchema } from '#lib/server/api/signal-schemas.ts';
import { applyAlerts, getSignalKind, technologiesByLabel } from '#lib/server/queries/signals.ts';
import { technologyNames } from '#lib/server/queries/technologies.ts';
import { getAlertSetting } from '#lib/server/queries/settings.ts';
import { isStorableTime } from '#lib/domain/format.ts';

/** Alertmanager writes nanoseconds ("…:00.123456789Z"); a Date keeps milliseconds. */
const alertTime = (text: string) => {
	const time = new Date(text.replace(/(\.\d{3})\d+/, '$1'));
	return isStorableTime(time) ? time : new Date();
};

/**
 * Alertmanager's webhook receiver. Each notification lists a group's alerts, firing and resolved;
 * the alerts still firing are counted per technology (named by the label the admin chose) and the
 * count is recorded as the `firing-alerts` fact of each technology the notification named.
 */
export const POST = endpoint('editCatalog', async ({ url, request }, user) => {
	parseQuery(z.object({}).strict(), url);
	const [kind, { label }] = await Promise.all([getSignalKind('firing-alerts'), getAlertSetting()]);
	if (!kind) throw new Problem(409, 'Conflict', 'The signal kind firing-alerts was removed: an admin must define it again.');
	const body = await readJson(request, AlertmanagerSchema, 4 * 1024 * 1024);
	// Own labels only: a label named "constructor" must not find Object's.
	const named = body.alerts.flatMap((a) => (Object.hasOwn(a.labels, label) && a.labels[label] ? [{ ...a, names: a.labels[label] }] : []));
	const ids = await technologiesByLabel([...new Set(named.map((a) => a.names))]);
	const changes = named
		.filter((a) => ids.has(a.names))
		.map((a) => ({
			fingerprint: a.fingerprint,
			technologyId: ids.get(a.names)!,
			firing: a.status === 'firing',
			startsAt: alertTime(a.startsAt)
		}));
	const counts = await applyAlerts(changes, kind.id, user.id);
	const slugs = new Map((await technologyNames([...counts.keys()])).map((t) => [t.id, t.slug]));
	const technologies = [...counts].map(([id, firing]) => ({ slug: slugs.get(id)!, firing }));
	return json({ technologies, ignored: body.alerts.length - changes.length });
});

export const fallback = methodNotAllowed(['POST']);
