CREATE TABLE "remediation_item" (
	"id" serial PRIMARY KEY NOT NULL,
	"technology_id" integer NOT NULL,
	"vector_key" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"actions" jsonb NOT NULL,
	"lane" text NOT NULL,
	"current_level" real,
	"target_level" smallint NOT NULL,
	"gap" real NOT NULL,
	"priority" real NOT NULL,
	"size" smallint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"assignee_id" integer,
	"ticket_url" text DEFAULT '' NOT NULL,
	"edited" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_round_id" integer,
	"updated_round_id" integer,
	"met_round_id" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "remediation_item_unique" UNIQUE("technology_id","vector_key","kind"),
	CONSTRAINT "remediation_item_status_check" CHECK ("remediation_item"."status" in ('open', 'in_progress', 'done', 'wont_do')),
	CONSTRAINT "remediation_item_kind_check" CHECK ("remediation_item"."kind" in ('gap', 'calibrate')),
	CONSTRAINT "remediation_item_size_check" CHECK ("remediation_item"."size" in (1, 2, 3, 5, 8, 13, 21)),
	CONSTRAINT "remediation_item_ticket_check" CHECK ("remediation_item"."ticket_url" = '' or "remediation_item"."ticket_url" ~* '^https?://')
);
--> statement-breakpoint
ALTER TABLE "remediation_item" ADD CONSTRAINT "remediation_item_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remediation_item" ADD CONSTRAINT "remediation_item_assignee_id_app_user_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remediation_item" ADD CONSTRAINT "remediation_item_created_round_id_round_id_fk" FOREIGN KEY ("created_round_id") REFERENCES "public"."round"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remediation_item" ADD CONSTRAINT "remediation_item_updated_round_id_round_id_fk" FOREIGN KEY ("updated_round_id") REFERENCES "public"."round"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remediation_item" ADD CONSTRAINT "remediation_item_met_round_id_round_id_fk" FOREIGN KEY ("met_round_id") REFERENCES "public"."round"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "remediation_item_priority_idx" ON "remediation_item" USING btree ("priority");