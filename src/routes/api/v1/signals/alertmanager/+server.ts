import { z } from 'zod';
import { json } from '@sveltejs/kit';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, methodNotAllowed, Problem, readJson } from '#lib/server/api/endpoint.ts';
import { AlertmanagerSchema } from '#lib/server/api/signal-schemas.ts';
import { recordSent } from '#lib/server/api/signals.ts';
import { applyAlerts, getSignalKind, technologiesByLabel } from '#lib/server/queries/signals.ts';
import { technologyNames } from '#lib/server/queries/technologies.ts';
import { getAlertSetting } from '#lib/server/queries/settings.ts';

/** Alertmanager writes nanoseconds ("…:00.123456789Z"); a Date keeps milliseconds. */
const alertTime = (text: string) => {
	const time = new Date(text.replace(/(\.\d{3})\d+/, '$1'));
	return Number.isNaN(time.getTime()) ? new Date() : time;
};

/**
 * Alertmanager's webhook receiver. Each notification lists a group's alerts, firing and resolved;
 * the alerts still firing are counted per technology (named by the label the admin chose) and the
 * count is recorded as the `firing-alerts` fact of each technology the notification named.
 */
export const POST = endpoint('editCatalog', async ({ url, request }, user) => {
	parseQuery(z.object({}).strict(), url);
	const kind = await getSignalKind('firing-alerts');
	if (!kind) throw new Problem(409, 'Conflict', 'The signal kind firing-alerts was removed: an admin must define it again.');
	const body = await readJson(request, AlertmanagerSchema, 4 * 1024 * 1024);
	const { label } = await getAlertSetting();
	const named = body.alerts.filter((a) => a.labels[label]);
	const ids = await technologiesByLabel([...new Set(named.map((a) => a.labels[label]))]);
	const changes = named
		.filter((a) => ids.has(a.labels[label]))
		.map((a) => ({
			fingerprint: a.fingerprint,
			technologyId: ids.get(a.labels[label])!,
			firing: a.status === 'firing',
			startsAt: alertTime(a.startsAt)
		}));
	const counts = await applyAlerts(changes);
	const slugs = new Map((await technologyNames([...counts.keys()])).map((t) => [t.id, t.slug]));
	const technologies = [];
	for (const [technologyId, firing] of counts) {
		const detail = `${firing} alert${firing === 1 ? '' : 's'} firing, as Alertmanager reported`;
		await recordSent(technologyId, kind, { number: firing, date: null, detail }, 'alertmanager', user.id);
		technologies.push({ slug: slugs.get(technologyId)!, firing });
	}
	return json({ technologies, ignored: body.alerts.length - changes.length });
});

export const fallback = methodNotAllowed(['POST']);
