ALTER TABLE "framework_vector" ADD COLUMN "critical" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "framework_version" ADD COLUMN "critical_margin" smallint DEFAULT 1 NOT NULL;