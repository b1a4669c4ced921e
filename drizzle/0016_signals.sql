CREATE TABLE "firing_alert" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"technology_id" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal" (
	"id" serial PRIMARY KEY NOT NULL,
	"technology_id" integer NOT NULL,
	"kind_id" integer NOT NULL,
	"value_number" double precision,
	"value_date" date,
	"detail" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"recorded_by" integer,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_kind" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"vector_key" text NOT NULL,
	"measure" text NOT NULL,
	"better" text NOT NULL,
	"thresholds" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signal_kind_key_unique" UNIQUE("key"),
	CONSTRAINT "signal_kind_key_check" CHECK ("signal_kind"."key" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
--> statement-breakpoint
ALTER TABLE "technology" ADD COLUMN "running_version" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "technology" ADD COLUMN "reassess_days" smallint;--> statement-breakpoint
ALTER TABLE "firing_alert" ADD CONSTRAINT "firing_alert_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal" ADD CONSTRAINT "signal_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal" ADD CONSTRAINT "signal_kind_id_signal_kind_id_fk" FOREIGN KEY ("kind_id") REFERENCES "public"."signal_kind"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal" ADD CONSTRAINT "signal_recorded_by_app_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "firing_alert_technology_idx" ON "firing_alert" USING btree ("technology_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signal_observation_idx" ON "signal" USING btree ("technology_id","kind_id","observed_at");--> statement-breakpoint
ALTER TABLE "technology" ADD CONSTRAINT "technology_reassess_check" CHECK ("technology"."reassess_days" between 7 and 1095);--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
	-- Facts show on pages, so a new one moves the page version as every other shown table does (0015); firing_alert
	-- only feeds the alert count, which arrives as a signal.
	FOREACH t IN ARRAY ARRAY['signal_kind', 'signal'] LOOP
		EXECUTE format(
			'CREATE CONSTRAINT TRIGGER page_version AFTER INSERT OR UPDATE OR DELETE ON public.%I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_version.changed()',
			t
		);
		EXECUTE format('CREATE TRIGGER page_version_truncate AFTER TRUNCATE ON public.%I FOR EACH STATEMENT EXECUTE FUNCTION page_version.changed()', t);
	END LOOP;
END $$;
