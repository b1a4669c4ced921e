/**
 * Our own wording of what each vector's remediation asks for: a user story and concrete next
 * actions (the Run-lane actions follow common operational acceptance criteria), plus how much
 * effort one level of improvement on that vector usually takes (1 small … 3 large).
 */
export type RemediationGuide = { story: string; actions: string[]; effort: 1 | 2 | 3 };

export const REMEDIATION: Record<string, RemediationGuide> = {
	supportability: {
		story:
			'As operations, we get paged for {tech} through a defined escalation path with an agreed SLA, so that problems are handled before users report them',
		actions: [
			'Name the on-call rotation and the escalation path for {tech}, including out of hours.',
			'Agree a support SLA with the teams that depend on it and publish it.',
			'Add alerts on the key health metrics with thresholds that have been tested.'
		],
		effort: 2
	},
	operability: {
		story: 'As operations, we can run routine {tech} tasks from runbooks without its expert, so that day-to-day work is safe and quick',
		actions: [
			'Keep {tech} configuration in version control, separate from code, and apply it with tooling.',
			'Write runbooks for the five most common operational tasks and try each with someone new.',
			'Make logs and metrics for troubleshooting reachable from one dashboard.'
		],
		effort: 2
	},
	recoverability: {
		story:
			'As operations, we can restore {tech} from backup within an agreed recovery time, so that a total loss is an inconvenience and not a disaster',
		actions: [
			'Define recovery time and recovery point objectives for {tech}.',
			'Write the disaster-recovery procedure down and run a restore test; record how long it took.',
			'Schedule restore tests and automate failover for the common failures.'
		],
		effort: 3
	},
	documentation: {
		story:
			'As an engineer new to {tech}, I find current setup, architecture and runbook pages in one place, so that I can help without asking around',
		actions: [
			'Collect existing notes into one maintained page per topic: setup, architecture, operations.',
			'Add a review date to each page and an owner who keeps it current.',
			'Update documentation as part of the definition of done for every change.'
		],
		effort: 1
	},
	architecture: {
		story: 'As architecture, we own a documented, reviewed design for {tech} and its dependencies, so that changes fit the wider estate',
		actions: [
			'Draw the current design of {tech} with its upstream and downstream dependencies.',
			'Name an owner for the design and review it against the architecture roadmap.',
			'Replace or stabilise the weakest dependency.'
		],
		effort: 3
	},
	currency: {
		story:
			'As architecture, we keep {tech} within a supported release on a regular patch cadence, so that security fixes reach production quickly',
		actions: [
			'Record the running versions of {tech} and how far behind the supported release they are.',
			'Agree a patch cadence and an upgrade path, tested in a non-production environment first.',
			'Automate dependency and security update notices.'
		],
		effort: 2
	},
	usability: {
		story: 'As an engineer, I integrate with {tech} through documented, predictable interfaces, so that using it does not need its expert',
		actions: [
			'Publish supported client libraries and a working example for the main use cases.',
			'Document the interface contracts and their known sharp edges.',
			'Collect integration problems from teams and fix the most common one.'
		],
		effort: 2
	},
	automation: {
		story:
			'As an engineering team, we provision and change our own {tech} instances through self-service, so that nobody waits on a ticket',
		actions: [
			'Script provisioning of {tech} end to end as infrastructure as code.',
			'Offer the three most requested operations (create, restart, resize) as self-service.',
			'Measure how many requests still need a ticket and remove the largest cause.'
		],
		effort: 3
	},
	deployability: {
		story:
			'As an engineering team, we ship changes to {tech} through a pipeline with automated tests, so that releases are routine and low risk',
		actions: [
			'Build a pipeline that deploys {tech} changes to a test environment identical to production.',
			'Add automated regression, security and performance checks to the pipeline.',
			'Make environments disposable: create and destroy them on demand.'
		],
		effort: 2
	},
	stability: {
		story: 'As operations, we remove the main causes of {tech} failures, so that incidents become rare and do not reach customers',
		actions: [
			'List the incidents of the last quarter for {tech} and their root causes.',
			'Fix or add fault tolerance for the most frequent cause.',
			'Set a stability objective and alert when it is at risk.'
		],
		effort: 3
	},
	community: {
		story: 'As architecture, we know how well {tech} is backed outside the company, so that we do not bet on a fading product',
		actions: [
			'Review release activity, vendor health and support options for {tech}.',
			'Engage with the community or vendor on the issues that affect us.',
			'If backing is weak, plan an alternative on the roadmap.'
		],
		effort: 1
	},
	maturity: {
		story:
			'As architecture, we limit {tech} to uses that match its maturity, so that a young technology does not carry critical load too early',
		actions: [
			'Record how long {tech} has run here and where it is critical.',
			'Define the criteria it must meet before taking more critical workloads.',
			'Track production experience and revisit the assessment next round.'
		],
		effort: 1
	},
	ease_of_use: {
		story:
			'As an engineer, I can understand and work with {tech} without deep specialist knowledge, so that its complexity stops slowing us down',
		actions: [
			'Hide the complex parts of {tech} behind sensible defaults or a thin platform layer.',
			'Run a short hands-on session for the people who use it.',
			'Remove unused features and configuration that add confusion.'
		],
		effort: 2
	},
	ubiquity: {
		story: 'As architecture, we settle where {tech} is the standard choice, so that installations are consistent and worth investing in',
		actions: [
			'Inventory every installation of {tech} and how each is set up.',
			'Decide whether it is the standard for its purpose or should be consolidated away.',
			'Bring the installations onto one consistent configuration.'
		],
		effort: 2
	},
	happiness: {
		story: 'As an engineering team, we remove the worst frustrations of working with {tech}, so that people stop avoiding it',
		actions: [
			'Ask the people who use {tech} for their top three frustrations.',
			'Fix the most common frustration and tell them it is fixed.',
			'Ask again next round and compare.'
		],
		effort: 1
	}
};

export const DEFAULT_GUIDE: RemediationGuide = {
	story: 'As the owning team, we raise {vector} for {tech}, so that it stops holding the technology back',
	actions: [
		'Agree with the respondents what the next level of {vector} looks like for {tech}.',
		'Plan the smallest change that reaches it and schedule it.'
	],
	effort: 2
};
