CREATE TABLE "whistle_notes" (
	"id" serial PRIMARY KEY NOT NULL,
	"whistle_id" integer NOT NULL,
	"party_id" integer,
	"author_user_id" integer,
	"author_name" text NOT NULL,
	"note" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whistle_parties" (
	"id" serial PRIMARY KEY NOT NULL,
	"whistle_id" integer NOT NULL,
	"kind" text NOT NULL,
	"department_id" integer,
	"grid_id" integer,
	"status" text DEFAULT 'summoned' NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"responded_at" timestamp with time zone,
	"responder_user_id" integer,
	"handler_user_id" integer,
	"handler_name" text,
	CONSTRAINT "whistle_parties_kind_check" CHECK ("whistle_parties"."kind" in ('department', 'grid')),
	CONSTRAINT "whistle_parties_status_check" CHECK ("whistle_parties"."status" in ('summoned', 'accepted', 'overdue')),
	CONSTRAINT "whistle_parties_target_check" CHECK (("whistle_parties"."kind" = 'department' and "whistle_parties"."department_id" is not null and "whistle_parties"."grid_id" is null)
        or ("whistle_parties"."kind" = 'grid' and "whistle_parties"."grid_id" is not null and "whistle_parties"."department_id" is null))
);
--> statement-breakpoint
CREATE TABLE "whistle_rating_ballots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" integer,
	"grid_id" integer,
	"score" smallint NOT NULL,
	"comment" text,
	"rated_on" date NOT NULL,
	CONSTRAINT "whistle_rating_ballots_score_check" CHECK ("whistle_rating_ballots"."score" between 1 and 5),
	CONSTRAINT "whistle_rating_ballots_target_check" CHECK (("whistle_rating_ballots"."department_id" is null) <> ("whistle_rating_ballots"."grid_id" is null))
);
--> statement-breakpoint
CREATE TABLE "whistle_rating_tokens" (
	"whistle_id" integer NOT NULL,
	"party_id" integer NOT NULL,
	CONSTRAINT "whistle_rating_tokens_whistle_id_party_id_pk" PRIMARY KEY("whistle_id","party_id")
);
--> statement-breakpoint
CREATE TABLE "whistle_ratings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" integer,
	"grid_id" integer,
	"score" smallint NOT NULL,
	"comment" text,
	"rated_on" date NOT NULL,
	CONSTRAINT "whistle_ratings_score_check" CHECK ("whistle_ratings"."score" between 1 and 5),
	CONSTRAINT "whistle_ratings_target_check" CHECK (("whistle_ratings"."department_id" is null) <> ("whistle_ratings"."grid_id" is null))
);
--> statement-breakpoint
CREATE TABLE "whistles" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"grid_path" text NOT NULL,
	"whistler_user_id" integer NOT NULL,
	"whistler_name" text NOT NULL,
	"reason" text NOT NULL,
	"urgent" boolean DEFAULT false NOT NULL,
	"respond_by" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "whistles_state_check" CHECK ("whistles"."state" in ('open', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "whistle_notes" ADD CONSTRAINT "whistle_notes_whistle_id_whistles_id_fk" FOREIGN KEY ("whistle_id") REFERENCES "public"."whistles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_notes" ADD CONSTRAINT "whistle_notes_party_id_whistle_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."whistle_parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_notes" ADD CONSTRAINT "whistle_notes_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_parties" ADD CONSTRAINT "whistle_parties_whistle_id_whistles_id_fk" FOREIGN KEY ("whistle_id") REFERENCES "public"."whistles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_parties" ADD CONSTRAINT "whistle_parties_department_id_organisations_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_parties" ADD CONSTRAINT "whistle_parties_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_parties" ADD CONSTRAINT "whistle_parties_responder_user_id_users_id_fk" FOREIGN KEY ("responder_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_parties" ADD CONSTRAINT "whistle_parties_handler_user_id_users_id_fk" FOREIGN KEY ("handler_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_rating_ballots" ADD CONSTRAINT "whistle_rating_ballots_department_id_organisations_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_rating_ballots" ADD CONSTRAINT "whistle_rating_ballots_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_rating_tokens" ADD CONSTRAINT "whistle_rating_tokens_whistle_id_whistles_id_fk" FOREIGN KEY ("whistle_id") REFERENCES "public"."whistles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_rating_tokens" ADD CONSTRAINT "whistle_rating_tokens_party_id_whistle_parties_id_fk" FOREIGN KEY ("party_id") REFERENCES "public"."whistle_parties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_ratings" ADD CONSTRAINT "whistle_ratings_department_id_organisations_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistle_ratings" ADD CONSTRAINT "whistle_ratings_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whistles" ADD CONSTRAINT "whistles_whistler_user_id_users_id_fk" FOREIGN KEY ("whistler_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "whistle_notes_whistle_idx" ON "whistle_notes" USING btree ("whistle_id");--> statement-breakpoint
CREATE INDEX "whistle_parties_whistle_idx" ON "whistle_parties" USING btree ("whistle_id");--> statement-breakpoint
CREATE UNIQUE INDEX "whistle_parties_department_unique" ON "whistle_parties" USING btree ("whistle_id","department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "whistle_parties_grid_unique" ON "whistle_parties" USING btree ("whistle_id","grid_id");--> statement-breakpoint
CREATE INDEX "whistle_ratings_department_idx" ON "whistle_ratings" USING btree ("department_id","rated_on");--> statement-breakpoint
CREATE INDEX "whistle_ratings_grid_idx" ON "whistle_ratings" USING btree ("grid_id","rated_on");--> statement-breakpoint
CREATE INDEX "whistles_event_idx" ON "whistles" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "whistles_grid_path_idx" ON "whistles" USING btree ("grid_path" text_pattern_ops);