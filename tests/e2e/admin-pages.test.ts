import { describe, it } from 'vitest';
import { expectAccessiblePage, useBrowser } from './browser';

const browser = useBrowser();

// The other half of pages.test.ts's sweep: each page renders for an admin and passes axe.
describe('every page as an admin, continued', () => {
	it.each([
		['/methodology', 'Methodology'],
		['/admin', 'Administration'],
		['/admin/users', 'Users and invitations'],
		['/admin/teams', 'Teams'],
		['/admin/framework', 'Framework'],
		['/admin/audit', 'Audit log'],
		['/admin/demo', 'Demo data'],
		['/admin/anonymity', 'Anonymity'],
		['/admin/signals', 'Signals and cadence'],
		['/technologies/import/facts', 'Import facts'],
		['/initiatives', 'Initiatives'],
		['/account', 'Your account']
	])('%s renders and passes axe', (path, heading) => expectAccessiblePage(browser.context, 'admin@example.com', path, heading));
});
