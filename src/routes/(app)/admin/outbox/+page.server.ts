import { z } from 'zod';
import { MAIL_STATES } from '#lib/domain/mail-kinds.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, id, parseForm, queryFilter } from '#lib/server/forms/index.ts';
import { sendMail } from '#lib/server/jobs/mail-jobs.ts';
import { smtpConfigured } from '#lib/server/mail/config.ts';
import { listOutbox, requeueMail } from '#lib/server/queries/mail-outbox.ts';
import type { Actions, PageServerLoad } from './$types';

const filterSchema = z.object({ status: z.enum(MAIL_STATES).optional().catch(undefined), page: queryFilter.page });

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const filter = filterSchema.parse(Object.fromEntries([...event.url.searchParams].filter(([, v]) => v !== '')));
	const outbox = await listOutbox(filter);
	return {
		...outbox,
		page: filter.page,
		pages: Math.max(1, Math.ceil(outbox.total / outbox.pageSize)),
		status: filter.status ?? null,
		smtp: smtpConfigured()
	};
};

export const actions: Actions = {
	/** Puts a message that failed every attempt back in the queue, once the mail server is fixed. */
	retry: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(z.object({ messageId: id('Message') }), await event.request.formData());
		if (failure) return failure;
		if (!smtpConfigured()) return formFailure(409, 'No mail server is configured (SMTP_URL), so nothing can be sent.');
		if (!(await requeueMail(admin.id, data.messageId)))
			return formFailure(409, 'Only a message that failed can be sent again; this one is not failed (any more).');
		await sendMail([data.messageId]);
		return { retried: data.messageId };
	}
};
