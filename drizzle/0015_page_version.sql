CREATE INDEX "response_user_version_idx" ON "response" USING btree ("user_id","version");--> statement-breakpoint
-- The page cache's validator (src/lib/server/http/page-cache.ts): the last committed transaction that changed
-- something a stored page can show. Its own schema, so that backups (which copy the public one) never carry it
-- and a restore never winds it back.
CREATE SCHEMA "page_version";--> statement-breakpoint
CREATE TABLE "page_version"."shared" ("only" boolean PRIMARY KEY DEFAULT true CHECK ("only"), "xact" xid8 NOT NULL);--> statement-breakpoint
INSERT INTO "page_version"."shared" ("xact") VALUES (pg_current_xact_id());--> statement-breakpoint
-- Once per transaction: the row is locked until the commit, so writers take turns only at their ends (the row triggers
-- below run at commit), which cannot deadlock; the setting spares a bulk write one update per row. A TRUNCATE (a
-- restore with --force) takes it at once: statement triggers cannot wait for the commit, and it locks its tables anyway.
CREATE FUNCTION "page_version"."touch"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('page_version.touched', true) IS DISTINCT FROM pg_current_xact_id()::text THEN
		UPDATE "page_version"."shared" SET "xact" = pg_current_xact_id();
		PERFORM set_config('page_version.touched', pg_current_xact_id()::text, true);
	END IF;
END $$;--> statement-breakpoint
-- For a row written, and for a table emptied.
CREATE FUNCTION "page_version"."changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM "page_version"."touch"();
	RETURN NULL;
END $$;--> statement-breakpoint
-- A draft saved moves only its version and time on, and shows on its author's dashboard alone: the session reads
-- the author's response versions for that (session.ts). Anything else about a response shows to others.
CREATE FUNCTION "page_version"."response_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' AND NEW."state" = 'draft' THEN RETURN NULL; END IF;
	IF TG_OP = 'UPDATE' AND NEW."state" = 'draft'
		AND to_jsonb(NEW) - 'version' - 'updated_at' = to_jsonb(OLD) - 'version' - 'updated_at' THEN RETURN NULL; END IF;
	PERFORM "page_version"."touch"();
	RETURN NULL;
END $$;--> statement-breakpoint
-- A draft's answers change with its version (draft-save.ts bumps it in the same statement); a submitted response's show.
CREATE FUNCTION "page_version"."answer_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('page_version.touched', true) IS NOT DISTINCT FROM pg_current_xact_id()::text THEN RETURN NULL; END IF;
	IF EXISTS (
		SELECT FROM "public"."response" WHERE "id" = CASE WHEN TG_OP = 'DELETE' THEN OLD."response_id" ELSE NEW."response_id" END AND "state" <> 'draft'
	) THEN
		PERFORM "page_version"."touch"();
	END IF;
	RETURN NULL;
END $$;--> statement-breakpoint
-- Every table a page can show, but not those written often that no stored page reads (UNSEEN_TABLES in
-- page-cache.ts; a test keeps the two lists equal, and a table added later must be placed in one of them).
DO $$
DECLARE t text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
			AND c.relname NOT IN ('session', 'login_failure', 'oidc_flow', 'mail_message', 'webhook_delivery', 'audit_log', 'api_token')
	LOOP
		EXECUTE format(
			'CREATE CONSTRAINT TRIGGER page_version AFTER INSERT OR UPDATE OR DELETE ON public.%I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION page_version.%I()',
			t, CASE t WHEN 'response' THEN 'response_changed' WHEN 'answer' THEN 'answer_changed' ELSE 'changed' END
		);
		EXECUTE format('CREATE TRIGGER page_version_truncate AFTER TRUNCATE ON public.%I FOR EACH STATEMENT EXECUTE FUNCTION page_version.changed()', t);
	END LOOP;
END $$;
