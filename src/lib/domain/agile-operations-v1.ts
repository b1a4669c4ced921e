import type { Framework } from './framework';

/**
 * Version 1: the Agile Operations framework, in our own words. Every vector reads "higher is
 * better"; Ease of use is the inverse of complexity, so a simple technology scores high.
 */
export const AGILE_OPERATIONS_V1: Framework = {
	version: 1,
	name: 'Agile Operations',
	levels: [
		'Unowned or unknown: nobody can look after it, or it is a one-person experiment. No real backups, recovery, security or documentation; not fit for production.',
		'Fragile: past research and maybe in production, but one or two people carry it and get pulled away whenever it breaks. Recovery is manual and uncertain, patches lag, knowledge is tribal, any SLA is missed.',
		'Known by a few: generally adopted but mostly run by hand. Some documentation, recovery and configuration management, little automation or self-service; error-prone and a regular source of pages and outages.',
		'Dependable core: where most production technology sits. Largely recoverable and fault tolerant, scripted and mostly under configuration management, patched with some regularity, SLAs usually met; upgrades still feel risky.',
		'Trusted and current: long in use, stable, kept current without outages, built into delivery pipelines and well tested. Failures are mostly absorbed; many people across the organisation know it well and it is on the roadmap.',
		'Invisible: most people can use, upgrade, support and recover it. Nearly everything is automated or self-service, environments come and go on demand, it is secure and compliant, and it almost never causes an incident.'
	],
	vectors: [
		{
			key: 'supportability',
			name: 'Supportability',
			lane: 'run',
			weight: 1,
			description:
				'The support model around the technology: who is on call, how problems escalate, what happens out of hours, and how well monitoring and instrumentation tell people that something is wrong.',
			anchors: [
				'No one supports it; problems are found by users and nobody is paged.',
				'One or two people help when asked; no on-call, no escalation path, little monitoring.',
				'A named team supports it in office hours; basic up/down monitoring; escalation is informal.',
				'On-call covers it around the clock with a documented escalation path and monitoring of key metrics.',
				'Support meets a defined SLA; alerts have tested thresholds and runbooks; escalations are rare.',
				'Instrumentation catches problems before users do; support is routine, measured and rarely needed out of hours.'
			]
		},
		{
			key: 'operability',
			name: 'Operability',
			lane: 'run',
			weight: 1,
			description:
				'How straightforward everyday operation is: starting and stopping services, changing configuration and finding the cause of a problem, and whether routine tasks need an expert.',
			anchors: [
				'Nobody knows how to operate it safely; every change is a gamble.',
				'Only its expert can operate it; configuration is hand-edited on the servers.',
				'Routine tasks are written down but manual; troubleshooting needs deep knowledge.',
				'Configuration is managed as code; common tasks are scripted; troubleshooting is usually quick.',
				'Any on-call engineer can run routine tasks from runbooks; logs and metrics make diagnosis easy.',
				'Operations are fully managed and repeatable; anyone with the right permission can do them safely.'
			]
		},
		{
			key: 'recoverability',
			name: 'Recoverability',
			lane: 'run',
			weight: 1,
			description:
				'How easily it comes back after a failure or a total loss. At the top end that means no downtime: it heals itself, and restores from backup are routine and tested.',
			anchors: [
				'No backups or recovery plan; a total loss would be permanent.',
				'Backups exist but restores are untested and would be manual and slow.',
				'A recovery procedure is written down and has been carried out at least once.',
				'Restores are tested on a schedule and meet a stated recovery time; failover is mostly manual.',
				'Failover is automatic for common failures; disaster recovery is documented and rehearsed.',
				'Failures heal without downtime; a full rebuild is automated and proven regularly.'
			]
		},
		{
			key: 'documentation',
			name: 'Documentation',
			lane: 'run',
			weight: 1,
			description:
				'Whether the knowledge needed to run and use it is written down somewhere people look: READMEs, runbooks, code comments, wikis. Good documentation is easy to find, relevant and kept up to date.',
			anchors: [
				'Nothing is written down; knowledge left with the people who built it.',
				'Scattered notes and vendor pages; most of it lives in one or two heads.',
				'Some documentation exists but is incomplete or out of date.',
				'Setup, architecture and common procedures are documented and mostly current.',
				'Runbooks, diagrams and how-tos are current, reviewed and easy to find.',
				'Documentation is maintained with every change and new people learn from it unaided.'
			]
		},
		{
			key: 'architecture',
			name: 'Architectural design maturity',
			lane: 'plan',
			weight: 1,
			description:
				'Whether the design is coherent and somebody owns it, and whether the systems it depends on and the ones depending on it are themselves stable and well designed.',
			anchors: [
				'No one owns the design; it grew by accident and depends on unknowns.',
				'The design is ad hoc; fragile dependencies cause regular trouble.',
				'A basic design exists but parts are inconsistent and not maintained.',
				'The design is documented, owned and reviewed; dependencies are known.',
				'The design fits the wider architecture and its upstream and downstream systems are stable.',
				'The design is exemplary and evolves deliberately; others copy it as a pattern.'
			]
		},
		{
			key: 'currency',
			name: 'Currency',
			lane: 'plan',
			weight: 1,
			description:
				'How up to date it is with patches, security fixes and releases. For software built in house, whether defects are tracked and fixed through an active process.',
			anchors: [
				'Unsupported or end-of-life version; nobody tracks patches.',
				'Several major versions behind with known security holes.',
				'Patched now and then when someone remembers; no process.',
				'A few releases behind at most; patches are applied on a regular cadence.',
				'Kept current through a routine, tested upgrade process without outages.',
				'Updates roll out continuously and automatically, security fixes within days.'
			]
		},
		{
			key: 'usability',
			name: 'Usability',
			lane: 'build',
			weight: 1,
			description:
				'For the developers and implementers who use it: whether its interfaces are easy and reliable to work with and whether the results of using it are predictable.',
			anchors: [
				'Using it from an application is unreliable and poorly understood.',
				'Interfacing works only with help from its expert; surprises are common.',
				'Usable with effort; the interface has known sharp edges.',
				'Teams integrate with it reliably using documented interfaces.',
				'Interfaces are clean and well understood; client libraries and examples exist.',
				'It is a pleasure to integrate with; behaviour is fully predictable.'
			]
		},
		{
			key: 'automation',
			name: 'Automation and self-service',
			lane: 'build',
			weight: 1,
			description:
				'How much operational work is done by code instead of by hand: provisioning, deployment, creating new instances, and whether teams can restart or upgrade their own stacks without asking operations.',
			anchors: [
				'Everything is done by hand by whoever is available.',
				'A few personal scripts exist; every request goes through a ticket.',
				'Provisioning is partly scripted; teams still wait on operations for most tasks.',
				'Provisioning and deployment are automated; some common tasks are self-service.',
				'Most routine requests are self-service through tooling or pipelines.',
				'Nearly all use cases are self-service; operations rarely touch a request.'
			]
		},
		{
			key: 'deployability',
			name: 'Deployability',
			lane: 'build',
			weight: 1,
			description:
				'How quickly and safely a change moves from development to production, including the testing it needs on the way: security, regression, compatibility and performance.',
			anchors: [
				'Nobody knows how to deploy it again; no environments besides production.',
				'Deployments are manual, rare and risky; testing is ad hoc.',
				'Deployment steps are scripted but slow; test environments drift from production.',
				'A pipeline deploys it with automated regression tests; releases are routine.',
				'Deployments are frequent and low risk, with security and performance checks built in.',
				'Any change can reach production in minutes; environments are created and destroyed on demand.'
			]
		},
		{
			key: 'stability',
			name: 'Stability',
			lane: 'run',
			weight: 1,
			description:
				'How often it fails, and whether its failures reach customers. Highly stable technology almost never fails and, when it does, users do not notice.',
			anchors: [
				'Fails constantly; outages are a normal week.',
				'Frequent failures, often customer-facing.',
				'Fails every few weeks; some failures reach customers.',
				'Occasional failures, usually contained; customer impact is rare.',
				'Failures are rare and nine times in ten absorbed by fault tolerance.',
				'Practically never fails in a way anyone outside operations notices.'
			]
		},
		{
			key: 'community',
			name: 'Community support/adoption',
			lane: 'plan',
			weight: 1,
			description:
				'How much the world outside the company backs it: an active open-source community shipping fixes, or a vendor with a broad customer base that will still be around in a few years.',
			anchors: [
				'Abandoned: no community, vendor gone or leaving the market.',
				'A small or fading community; fixes are slow or never arrive.',
				'Some community or vendor activity; answers are hard to find.',
				'An active community or a solid vendor; regular releases and support.',
				'Widely adopted; help, talent and third-party tools are easy to find.',
				'An industry standard with a thriving community and long-term backing.'
			]
		},
		{
			key: 'maturity',
			name: 'Maturity',
			lane: 'plan',
			weight: 1,
			description:
				'How long it has existed, in the world and in our estate. Something built in house last month is young however good it is; years of production use make it mature.',
			anchors: [
				'Brand new here and in the world; not yet proven anywhere.',
				'New to us; in production for weeks at most.',
				'In production for some months; still finding its limits.',
				'In production for about a year; its behaviour is well known.',
				'Several years of production use here and widely elsewhere.',
				'Long-established and battle-tested; its failure modes hold no surprises.'
			]
		},
		{
			key: 'ease_of_use',
			name: 'Ease of use',
			lane: 'build',
			weight: 1,
			description:
				'How easy it is to work with and understand: the inverse of complexity. A technology with many moving parts and arcane configuration scores low; a simple, obvious one scores high.',
			anchors: [
				'Baffling: nobody can explain how it works.',
				'Highly complex; only experts can make sense of it.',
				'Complex, with a steep learning curve for newcomers.',
				'Moderately complex; a competent engineer gets productive within days.',
				'Simple to understand; concepts are few and clear.',
				'Obvious at first sight; anyone can pick it up in an afternoon.'
			]
		},
		{
			key: 'ubiquity',
			name: 'Ubiquity',
			lane: 'plan',
			weight: 1,
			description:
				'How widely it is used across our infrastructure: how many installations and how many different purposes. A widely used technology earns investment; a one-off is a candidate for consolidation.',
			anchors: [
				'Not in use anywhere yet, or a single forgotten install.',
				'One installation serving one team.',
				'A few installations, set up inconsistently.',
				'Used by several teams in a consistent way.',
				'A standard choice for its purpose across most of the organisation.',
				'Everywhere it makes sense; the default nobody questions.'
			]
		},
		{
			key: 'happiness',
			name: 'Happiness',
			lane: 'build',
			weight: 1,
			description: 'The human side: whether the people who build on it and run it like working with it, or avoid it whenever they can.',
			anchors: [
				'People refuse to touch it.',
				'People are frustrated or afraid of it and many have been burned.',
				'Tolerated because there is no alternative.',
				'Neutral to positive; people use it without complaint.',
				'People like it and recommend it.',
				'People enjoy it and choose it gladly for new work.'
			]
		}
	]
};
