import { capabilitiesOf, requireCapability } from '#lib/server/auth/policy.ts';
import { demoAccountsExist } from '#lib/server/queries/demo-data.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	return {
		user: { name: user.name, role: user.role, email: user.email },
		can: capabilitiesOf(user),
		// Kept in process memory between checks (see demo-data.ts): no query per page.
		demoAccounts: await demoAccountsExist()
	};
};
