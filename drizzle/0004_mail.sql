CREATE TABLE "mail_message" (
	"id" serial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"recipient_user_id" integer,
	"recipient_email" text NOT NULL,
	"round_id" integer,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"unsubscribe_url" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_message_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "mail_message_kind_check" CHECK ("mail_message"."kind" in ('invitation', 'round_opened', 'reminder', 'overdue', 'digest', 'report_ready')),
	CONSTRAINT "mail_message_status_check" CHECK ("mail_message"."status" in ('queued', 'sending', 'sent', 'failed', 'held'))
);
--> statement-breakpoint
ALTER TABLE "app_user" ADD COLUMN "mail_opt_out" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "app_user" ADD COLUMN "unsubscribe_token" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "round" ADD COLUMN "reminder_days" smallint DEFAULT 2;--> statement-breakpoint
-- Rounds already under way when email arrives stay quiet until a lead turns reminders on: no overdue mailing at the upgrade.
UPDATE "round" SET "reminder_days" = NULL WHERE "state" <> 'draft';--> statement-breakpoint
ALTER TABLE "mail_message" ADD CONSTRAINT "mail_message_recipient_user_id_app_user_id_fk" FOREIGN KEY ("recipient_user_id") REFERENCES "public"."app_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_message" ADD CONSTRAINT "mail_message_round_id_round_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."round"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_message_created_idx" ON "mail_message" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "mail_message_pending_idx" ON "mail_message" USING btree ("status","created_at") WHERE "mail_message"."status" in ('queued', 'sending', 'failed');--> statement-breakpoint
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_unsubscribe_token_unique" UNIQUE("unsubscribe_token");--> statement-breakpoint
ALTER TABLE "round" ADD CONSTRAINT "round_reminder_days_check" CHECK ("round"."reminder_days" in (2, 5, 7));