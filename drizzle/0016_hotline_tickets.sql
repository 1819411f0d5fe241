CREATE TABLE "hotline_tickets" (
	"ticket" text PRIMARY KEY NOT NULL,
	"event_id" integer,
	"channel" text NOT NULL,
	"called_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"pending" jsonb,
	"phone_cipher" text,
	"received_at" timestamp with time zone NOT NULL,
	"located_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "hotline_tickets" ADD CONSTRAINT "hotline_tickets_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hotline_tickets_event_idx" ON "hotline_tickets" USING btree ("event_id");