CREATE TABLE "patrols" (
	"id" serial PRIMARY KEY NOT NULL,
	"worker_user_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"grid_path" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"route" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"places" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"visited_person_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"findings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" integer NOT NULL,
	"category_code" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"solution" text NOT NULL,
	"grid_id" integer NOT NULL,
	"grid_path" text NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"typical" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "patrols" ADD CONSTRAINT "patrols_worker_user_id_users_id_fk" FOREIGN KEY ("worker_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patrols" ADD CONSTRAINT "patrols_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "patrols_grid_path_idx" ON "patrols" USING btree ("grid_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "patrols_worker_idx" ON "patrols" USING btree ("worker_user_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_event_unique" ON "cases" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "cases_grid_path_idx" ON "cases" USING btree ("grid_path" text_pattern_ops);