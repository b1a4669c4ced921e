import { z } from 'zod';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { fieldFailure, formFailure, MAX_ID, parseForm, settingVersion } from '#lib/server/forms/index.ts';
import { cadenceSchema, signalKeySchema, signalKindSchema } from '#lib/server/forms/signals.ts';
import { getFramework } from '#lib/server/queries/framework.ts';
import { createSignalKind, listSignalKinds, updateSignalKind } from '#lib/server/queries/signals.ts';
import { getAlertSetting, getCadenceSetting, saveAlertSetting, saveCadenceSetting } from '#lib/server/queries/settings.ts';
import { listCategories } from '#lib/server/queries/technologies.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const [kinds, framework, alert, cadence, categories] = await Promise.all([
		listSignalKinds(),
		getFramework(),
		getAlertSetting(),
		getCadenceSetting(),
		listCategories()
	]);
	return { kinds, vectors: framework.vectors.map((v) => ({ key: v.key, name: v.name })), alert, cadence, categories };
};

const kindId = z.object({ id: z.coerce.number().int().min(1).max(MAX_ID), version: z.coerce.number().int().min(1).max(MAX_ID) });

async function vectorKeys() {
	return (await getFramework()).vectors.map((v) => v.key);
}

export const actions: Actions = {
	createKind: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const key = parseForm(signalKeySchema, form);
		if (key.failure) return key.failure;
		const { data, failure } = parseForm(signalKindSchema(await vectorKeys()), form);
		if (failure) return failure;
		if ((await createSignalKind(admin.id, key.data.key, data)) === 'taken')
			return fieldFailure(form, 'key', 'Another signal kind has this key.', 409);
		return { saved: key.data.key };
	},
	saveKind: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const which = parseForm(kindId, form);
		if (which.failure) return formFailure(400, 'The form is missing its kind; reload the page.');
		const { data, failure } = parseForm(signalKindSchema(await vectorKeys()), form);
		if (failure) return failure;
		const outcome = await updateSignalKind(admin.id, which.data.id, which.data.version, data);
		if (outcome === 'not-found') return formFailure(404, 'This signal kind no longer exists.');
		if (outcome === 'stale') return formFailure(409, 'Another admin changed this kind meanwhile; reload to see it.');
		return { saved: data.name };
	},
	saveAlertLabel: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(
			z.object({
				version: settingVersion,
				label: z
					.string()
					.trim()
					.regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/, 'A Prometheus label name: letters, digits and underscores, not starting with a digit.')
			}),
			await event.request.formData()
		);
		if (failure) return failure;
		if ((await saveAlertSetting(admin.id, data.version, { label: data.label })) === 'stale')
			return formFailure(409, 'Another admin changed this setting meanwhile; reload to see it.');
		return { saved: 'the alert label' };
	},
	saveCadence: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const version = parseForm(z.object({ version: settingVersion }), form);
		if (version.failure) return version.failure;
		const { data, failure } = parseForm(cadenceSchema(await listCategories()), form);
		if (failure) return failure;
		if ((await saveCadenceSetting(admin.id, version.data.version, data)) === 'stale')
			return formFailure(409, 'Another admin changed this setting meanwhile; reload to see it.');
		return { saved: 'the cadence' };
	}
};
