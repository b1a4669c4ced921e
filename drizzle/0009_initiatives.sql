CREATE TABLE "initiative" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"vector_key" text,
	"target_level" smallint NOT NULL,
	"due_on" date NOT NULL,
	"category" text,
	"team_id" integer,
	"created_by" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "initiative_target_level_check" CHECK ("initiative"."target_level" between 0 and 5)
);
--> statement-breakpoint
ALTER TABLE "initiative" ADD CONSTRAINT "initiative_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "initiative" ADD CONSTRAINT "initiative_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;