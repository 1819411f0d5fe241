CREATE SEQUENCE "public"."event_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" serial PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"event_id" integer,
	"uploaded_by" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_idempotency_keys" (
	"client" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"event_id" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_timeline" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" integer NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"actor_user_id" integer,
	"actor_name" text NOT NULL,
	"actor_role" text,
	"at" timestamp with time zone NOT NULL,
	"note" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"source" text NOT NULL,
	"category_code" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"address" text,
	"grid_id" integer NOT NULL,
	"grid_path" text NOT NULL,
	"grid_chain" jsonb NOT NULL,
	"reporter_user_id" integer,
	"reporter_name" text,
	"reporter_phone_cipher" text,
	"reporter_phone_hash" text,
	"urgency" text DEFAULT 'normal' NOT NULL,
	"state" text DEFAULT 'reported' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"difficulty" text DEFAULT 'general' NOT NULL,
	"claimed_by" integer,
	"field_check_user_id" integer,
	"assigned_department_id" integer,
	"handling_grid_id" integer,
	"handling_grid_path" text,
	"self_handled" boolean DEFAULT false NOT NULL,
	"suspended_from" text,
	"pending_request" jsonb,
	"hotline_ticket" text,
	"possible_duplicate_of" integer,
	"duplicate_flag" boolean DEFAULT false NOT NULL,
	"suggestion" jsonb,
	"rating" integer,
	"rating_comment" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "events_source_check" CHECK ("events"."source" in ('patrol', 'resident', 'hotline', 'whistle', 'iot', 'meeting', 'proactive')),
	CONSTRAINT "events_difficulty_check" CHECK ("events"."difficulty" in ('general', 'difficult', 'complex')),
	CONSTRAINT "events_rating_check" CHECK ("events"."rating" is null or "events"."rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_idempotency_keys" ADD CONSTRAINT "event_idempotency_keys_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_timeline" ADD CONSTRAINT "event_timeline_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_category_code_event_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."event_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_reporter_user_id_users_id_fk" FOREIGN KEY ("reporter_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_field_check_user_id_users_id_fk" FOREIGN KEY ("field_check_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_assigned_department_id_organisations_id_fk" FOREIGN KEY ("assigned_department_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_handling_grid_id_grids_id_fk" FOREIGN KEY ("handling_grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_possible_duplicate_of_events_id_fk" FOREIGN KEY ("possible_duplicate_of") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_hash_idx" ON "attachments" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "attachments_event_idx" ON "attachments" USING btree ("event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "event_idempotency_keys_unique" ON "event_idempotency_keys" USING btree ("client","key");--> statement-breakpoint
CREATE INDEX "event_timeline_event_idx" ON "event_timeline" USING btree ("event_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_number_unique" ON "events" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "events_hotline_ticket_unique" ON "events" USING btree ("hotline_ticket");--> statement-breakpoint
CREATE INDEX "events_grid_path_idx" ON "events" USING btree ("grid_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "events_state_idx" ON "events" USING btree ("state");--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "events_duplicate_idx" ON "events" USING btree ("category_code","lat");--> statement-breakpoint
CREATE INDEX "events_department_idx" ON "events" USING btree ("assigned_department_id");--> statement-breakpoint
CREATE INDEX "events_reporter_idx" ON "events" USING btree ("reporter_user_id");