CREATE TABLE "calibrated_vector" (
	"round_id" integer NOT NULL,
	"technology_id" integer NOT NULL,
	"vector_key" text NOT NULL,
	"level" smallint NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"session_id" integer,
	"agreed_by" integer,
	"agreed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calibrated_vector_round_id_technology_id_vector_key_pk" PRIMARY KEY("round_id","technology_id","vector_key"),
	CONSTRAINT "calibrated_vector_level_check" CHECK ("calibrated_vector"."level" between 0 and 5)
);
--> statement-breakpoint
CREATE TABLE "calibration_session" (
	"id" serial PRIMARY KEY NOT NULL,
	"round_id" integer NOT NULL,
	"technology_id" integer NOT NULL,
	"lead_id" integer,
	"vector_keys" text[] NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"phase" text DEFAULT 'voting' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calibration_session_phase_check" CHECK ("calibration_session"."phase" in ('voting', 'revealed', 'ended'))
);
--> statement-breakpoint
CREATE TABLE "calibration_vote" (
	"session_id" integer NOT NULL,
	"vector_key" text NOT NULL,
	"user_id" integer NOT NULL,
	"score" smallint NOT NULL,
	"voted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calibration_vote_session_id_vector_key_user_id_pk" PRIMARY KEY("session_id","vector_key","user_id"),
	CONSTRAINT "calibration_vote_score_check" CHECK ("calibration_vote"."score" between 0 and 5)
);
--> statement-breakpoint
ALTER TABLE "calibrated_vector" ADD CONSTRAINT "calibrated_vector_round_id_round_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."round"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrated_vector" ADD CONSTRAINT "calibrated_vector_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrated_vector" ADD CONSTRAINT "calibrated_vector_session_id_calibration_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."calibration_session"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrated_vector" ADD CONSTRAINT "calibrated_vector_agreed_by_app_user_id_fk" FOREIGN KEY ("agreed_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_session" ADD CONSTRAINT "calibration_session_round_id_round_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."round"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_session" ADD CONSTRAINT "calibration_session_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_session" ADD CONSTRAINT "calibration_session_lead_id_app_user_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_vote" ADD CONSTRAINT "calibration_vote_session_id_calibration_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."calibration_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibration_vote" ADD CONSTRAINT "calibration_vote_user_id_app_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."app_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calibration_session_running_idx" ON "calibration_session" USING btree ("round_id","technology_id") WHERE "calibration_session"."phase" <> 'ended';--> statement-breakpoint
CREATE INDEX "round_result_technology_idx" ON "round_result" USING btree ("technology_id");