import type { Lifecycle } from '#lib/domain/catalog.ts';
import type { DEMO_TEAMS } from './people';

type DemoTechnology = {
	name: string;
	category: string;
	team: (typeof DEMO_TEAMS)[number];
	lifecycle: Lifecycle;
	target: number;
	description: string;
	/** Typical score per vector this quarter, in framework order (supportability … happiness). */
	profile: number[];
};

// Profiles are plausible, not measured: they exist so radars, gaps and disagreement show on first start.
export const DEMO_TECHNOLOGIES: DemoTechnology[] = [
	{
		name: 'PostgreSQL',
		category: 'database',
		team: 'Data Platform',
		lifecycle: 'production',
		target: 4,
		description: 'Primary relational database for product services.',
		profile: [4, 4, 3, 3, 4, 3, 5, 3, 3, 4, 5, 5, 4, 4, 4]
	},
	{
		name: 'Kubernetes',
		category: 'orchestration',
		team: 'Platform SRE',
		lifecycle: 'production',
		target: 4,
		description: 'Container platform that runs most workloads.',
		profile: [3, 3, 4, 3, 4, 3, 3, 4, 4, 3, 5, 4, 2, 4, 3]
	},
	{
		name: 'Kafka',
		category: 'messaging',
		team: 'Data Platform',
		lifecycle: 'production',
		target: 4,
		description: 'Event streaming backbone between services and analytics.',
		profile: [3, 2, 2, 2, 3, 2, 3, 2, 3, 3, 5, 4, 2, 3, 3]
	},
	{
		name: 'RabbitMQ',
		category: 'messaging',
		team: 'Platform SRE',
		lifecycle: 'production',
		target: 3,
		description: 'Task queues for the older services.',
		profile: [3, 3, 2, 3, 3, 2, 4, 2, 3, 3, 4, 5, 3, 3, 3]
	},
	{
		name: 'NATS',
		category: 'messaging',
		team: 'Data Platform',
		lifecycle: 'evaluating',
		target: 3,
		description: 'Lightweight messaging under evaluation for edge services.',
		profile: [1, 2, 2, 1, 2, 4, 4, 2, 3, 3, 3, 2, 4, 1, 4]
	},
	{
		name: 'Nagios',
		category: 'observability',
		team: 'Platform SRE',
		lifecycle: 'deprecated',
		target: 2,
		description: 'Legacy host and service checks, being replaced by Prometheus.',
		profile: [2, 1, 1, 2, 1, 1, 2, 1, 1, 2, 2, 5, 1, 3, 1]
	},
	{
		name: 'Prometheus',
		category: 'observability',
		team: 'Platform SRE',
		lifecycle: 'production',
		target: 4,
		description: 'Metrics collection and alerting.',
		profile: [4, 3, 3, 3, 4, 4, 4, 3, 4, 4, 5, 4, 3, 4, 4]
	},
	{
		name: 'Redis',
		category: 'database',
		team: 'Data Platform',
		lifecycle: 'production',
		target: 3,
		description: 'Caching and rate limiting.',
		profile: [3, 4, 2, 3, 3, 3, 5, 3, 4, 4, 5, 5, 5, 4, 5]
	},
	{
		name: 'MongoDB',
		category: 'database',
		team: 'Data Platform',
		lifecycle: 'production',
		target: 3,
		description: 'Document store behind the catalogue and content services.',
		profile: [2, 3, 2, 2, 2, 2, 4, 2, 3, 3, 4, 4, 3, 5, 3]
	},
	{
		name: 'Docker',
		category: 'containers',
		team: 'Delivery Tooling',
		lifecycle: 'production',
		target: 3,
		description: 'Image builds and local development environments.',
		profile: [3, 4, 3, 3, 3, 3, 4, 4, 5, 4, 5, 5, 4, 5, 5]
	},
	{
		name: 'Terraform',
		category: 'infrastructure-as-code',
		team: 'Delivery Tooling',
		lifecycle: 'production',
		target: 3,
		description: 'Provisioning of cloud infrastructure.',
		profile: [3, 3, 3, 3, 3, 3, 3, 4, 3, 4, 5, 4, 3, 4, 4]
	},
	{
		name: 'Jenkins',
		category: 'ci-cd',
		team: 'Delivery Tooling',
		lifecycle: 'production',
		target: 3,
		description: 'Build and deployment pipelines for most repositories.',
		profile: [2, 2, 2, 2, 2, 1, 2, 3, 2, 2, 4, 5, 2, 4, 1]
	}
];

/** Vectors where one respondent sees things very differently: these get a calibration flag. */
export const DEMO_DISAGREEMENTS: [technology: string, vector: string][] = [
	['Kafka', 'recoverability'],
	['Kubernetes', 'ease_of_use'],
	['MongoDB', 'currency'],
	['Jenkins', 'automation'],
	['PostgreSQL', 'documentation']
];

export const DEMO_COMMENTS: Record<string, [vector: string, comment: string, evidence: string][]> = {
	Kafka: [
		[
			'recoverability',
			'We have never restored a topic from backup; mirror-maker is the only plan.',
			'https://wiki.example.com/kafka/disaster-recovery'
		],
		['operability', 'Partition rebalancing is still a manual, late-night job.', ''],
		['documentation', 'Runbook covers broker restarts but not consumer lag incidents.', 'https://wiki.example.com/kafka/runbook']
	],
	Nagios: [
		['ease_of_use', 'Config files nobody dares to touch; three people understand the templates.', ''],
		['happiness', 'Everyone is waiting for the Prometheus migration to finish.', '']
	],
	PostgreSQL: [
		[
			'recoverability',
			'PITR restores tested every quarter; last test took 42 minutes.',
			'https://wiki.example.com/postgres/restore-drill-2026'
		],
		['documentation', 'Good onboarding docs, but the replication section is out of date.', '']
	],
	Kubernetes: [
		['ease_of_use', 'Great once you know it; newcomers struggle with networking and RBAC.', ''],
		['automation', 'Clusters are created from Terraform + Argo CD without tickets.', 'https://git.example.com/platform/clusters']
	],
	Jenkins: [['currency', 'Still on an LTS from two years ago; plugin upgrades keep breaking builds.', '']]
};

/** People asked to score a technology their team does not own: they use it, and see it differently. */
export const DEMO_CROSS_TEAM: Record<string, { email: string; bias: number }[]> = {
	Kafka: [{ email: 'sam.sre@example.com', bias: -1 }]
};
