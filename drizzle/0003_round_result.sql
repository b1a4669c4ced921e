CREATE TABLE "round_result" (
	"round_id" integer NOT NULL,
	"technology_id" integer NOT NULL,
	"result" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "round_result_round_id_technology_id_pk" PRIMARY KEY("round_id","technology_id")
);
--> statement-breakpoint
ALTER TABLE "round_result" ADD CONSTRAINT "round_result_round_id_round_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."round"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_result" ADD CONSTRAINT "round_result_technology_id_technology_id_fk" FOREIGN KEY ("technology_id") REFERENCES "public"."technology"("id") ON DELETE cascade ON UPDATE no action;