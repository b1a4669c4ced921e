ALTER TABLE "app_user" DROP CONSTRAINT "app_user_unsubscribe_token_unique";--> statement-breakpoint
ALTER TABLE "app_user" ADD COLUMN "unsubscribe_token_hash" text;--> statement-breakpoint
-- Only hashes stay at rest: links already delivered keep working, since the app compares SHA-256 hex of the token.
UPDATE "app_user" SET "unsubscribe_token_hash" = encode(sha256(convert_to("unsubscribe_token"::text, 'UTF8')), 'hex');--> statement-breakpoint
-- A sent message's List-Unsubscribe link has done its job; the stored copy was a working credential.
UPDATE "mail_message" SET "unsubscribe_url" = NULL WHERE "status" = 'sent';--> statement-breakpoint
ALTER TABLE "mail_message" ADD COLUMN "unsubscribe_token_hash" text;--> statement-breakpoint
ALTER TABLE "webhook" ADD COLUMN "inactive_reason" text;--> statement-breakpoint
ALTER TABLE "app_user" DROP COLUMN "unsubscribe_token";--> statement-breakpoint
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_unsubscribe_token_hash_unique" UNIQUE("unsubscribe_token_hash");--> statement-breakpoint
ALTER TABLE "mail_message" ADD CONSTRAINT "mail_message_unsubscribe_token_hash_unique" UNIQUE("unsubscribe_token_hash");