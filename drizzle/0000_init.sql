CREATE TABLE "app_user" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "app_user_email_unique" UNIQUE("email"),
	CONSTRAINT "app_user_role_check" CHECK ("app_user"."role" in ('admin', 'lead', 'member', 'viewer')),
	CONSTRAINT "app_user_email_lower" CHECK ("app_user"."email" = lower("app_user"."email"))
);
--> statement-breakpoint
CREATE TABLE "invitation" (
	"id" serial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"team_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"created_by" integer,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitation_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "invitation_role_check" CHECK ("invitation"."role" in ('admin', 'lead', 'member', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "login_failure" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "user_team" (
	"user_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	CONSTRAINT "user_team_user_id_team_id_pk" PRIMARY KEY("user_id","team_id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" integer,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text,
	"before" jsonb,
	"after" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "framework_vector" (
	"id" serial PRIMARY KEY NOT NULL,
	"framework_version_id" integer NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"lane" text NOT NULL,
	"weight" real DEFAULT 1 NOT NULL,
	"position" integer NOT NULL,
	"anchors" jsonb NOT NULL,
	CONSTRAINT "framework_vector_key" UNIQUE("framework_version_id","key"),
	CONSTRAINT "framework_vector_lane_check" CHECK ("framework_vector"."lane" in ('plan', 'build', 'run')),
	CONSTRAINT "framework_vector_weight_check" CHECK ("framework_vector"."weight" > 0 and "framework_vector"."weight" <= 10)
);
--> statement-breakpoint
CREATE TABLE "framework_version" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"name" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"levels" jsonb NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "framework_version_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE TABLE "technology" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"team_id" integer,
	"lifecycle" text DEFAULT 'production' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"links" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"target_level" smallint DEFAULT 3 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "technology_slug_unique" UNIQUE("slug"),
	CONSTRAINT "technology_target_check" CHECK ("technology"."target_level" between 0 and 5),
	CONSTRAINT "technology_lifecycle_check" CHECK ("technology"."lifecycle" in ('evaluating', 'production', 'deprecated', 'retired')),
	CONSTRAINT "technology_slug_check" CHECK ("technology"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
--> statement-breakpoint
CREATE TABLE "answer" (
	"response_id" integer NOT NULL,
	"vector_key" text NOT NULL,
	"score" smallint,
	"dont_know" boolean DEFAULT false NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"evidence_url" text DEFAULT '' NOT NULL,
	CONSTRAINT "answer_response_id_vector_key_pk" PRIMARY KEY("response_id","vector_key"),
	CONSTRAINT "answer_score_range" CHECK ("answer"."score" is null or "answer"."score" between 0 and 5),
	CONSTRAINT "answer_dont_know_no_score" CHECK (not ("answer"."dont_know" and "answer"."score" is not null)),
	CONSTRAINT "answer_comment_length" CHECK (char_length("answer"."comment") <= 2000),
	CONSTRAINT "answer_evidence_scheme" CHECK ("answer"."evidence_url" = '' or "answer"."evidence_url" ~* '^https?://')
);
--> statement-breakpoint
CREATE TABLE "assignment" (
	"round_id" integer NOT NULL,
	"technology_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	CONSTRAINT "assignment_round_id_technology_id_user_id_pk" PRIMARY KEY("round_id","technology_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "response" (
	"id" serial PRIMARY KEY NOT NULL,
	"round_id" integer NOT NULL,
	"technology_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"submitted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "response_unique" UNIQUE("round_id","technology_id","user_id"),
	CONSTRAINT "response_state_check" CHECK ("response"."state" in ('draft', 'submitted'))
);
--> statement-breakpoint
CREATE TABLE "round" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"framework_version_id" integer NOT NULL,
	"due_date" date,
	"state" text DEFAULT 'draft' NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "round_name_unique" UNIQUE("name"),
	CONSTRAINT "round_state_check" CHECK ("round"."state" in ('draft', 'open', 'closed'))
);
--> statement-breakpoint
CREATE TABLE "round_technology" (
	"round_id" integer NOT NULL,
	"technology_id" integer NOT NULL,
	CONSTRAINT "round_technology_round_id_technology_id_pk" PRIMARY KEY("round_id","technology_id")
);
--> statement-breakpoint
ALTER TABLE "invitation" ADD CONSTRAINT "invitation_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_team" ADD CONSTRAINT "user_team_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_team" ADD CONSTRAINT "user_team_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_app_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_vector" ADD CONSTRAINT "framework_vector_framework_version_id_framework_version_id_fk" FOREIGN KEY ("framework_version_id") REFERENCES "public"."framework_version"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_version" ADD CONSTRAINT "framework_version_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technology" ADD CONSTRAINT "technology_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer" ADD CONSTRAINT "answer_response_id_response_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."response"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_scope_fk" FOREIGN KEY ("round_id","technology_id") REFERENCES "public"."round_technology"("round_id","technology_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response" ADD CONSTRAINT "response_round_id_round_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."round"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response" ADD CONSTRAINT "response_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response" ADD CONSTRAINT "response_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round" ADD CONSTRAINT "round_framework_version_id_framework_version_id_fk" FOREIGN KEY ("framework_version_id") REFERENCES "public"."framework_version"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round" ADD CONSTRAINT "round_created_by_app_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_technology" ADD CONSTRAINT "round_technology_round_id_round_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."round"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_technology" ADD CONSTRAINT "round_technology_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "login_failure_key_idx" ON "login_failure" USING btree ("key","failed_at");--> statement-breakpoint
CREATE INDEX "session_user_idx" ON "session" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "user_team_team_idx" ON "user_team" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "technology_team_idx" ON "technology" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "assignment_user_idx" ON "assignment" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "response_round_tech_idx" ON "response" USING btree ("round_id","technology_id");