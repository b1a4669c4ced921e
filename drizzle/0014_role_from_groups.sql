ALTER TABLE "app_user" ADD COLUMN "role_from_groups" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Until now a sign-in took away any role that some group mapping gives; people who sign in through the
-- provider and hold such a role keep that rule, so nobody keeps a role the groups gave after leaving them.
UPDATE "app_user" SET "role_from_groups" = true
WHERE "id" IN (SELECT "user_id" FROM "user_identity")
	AND "role" IN (
		SELECT m->>'role' FROM "setting" s, jsonb_array_elements(s."value"->'mappings') m
		WHERE s."key" = 'sso' AND jsonb_typeof(s."value"->'mappings') = 'array'
	);
