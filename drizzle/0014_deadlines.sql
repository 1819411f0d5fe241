CREATE TABLE "event_deadlines" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" integer NOT NULL,
	"stage" text NOT NULL,
	"clock_type" text NOT NULL,
	"seconds" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"warn_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"state" text DEFAULT 'running' NOT NULL,
	"overdue" boolean DEFAULT false NOT NULL,
	"overdue_at" timestamp with time zone,
	"escalation_level" integer DEFAULT -1 NOT NULL,
	"finished_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"paused_seconds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "event_deadlines_state_check" CHECK ("event_deadlines"."state" in ('running', 'met', 'overdue', 'paused'))
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "supervised" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "supervised_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "event_deadlines" ADD CONSTRAINT "event_deadlines_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_deadlines_event_idx" ON "event_deadlines" USING btree ("event_id");