CREATE TABLE "event_categories" (
	"code" text PRIMARY KEY NOT NULL,
	"parent_code" text,
	"level" integer NOT NULL,
	"kind" text DEFAULT 'event' NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"deadline_policy" text,
	"filing_standards" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"closing_standards" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rank" integer DEFAULT 100 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_categories_level_check" CHECK (("event_categories"."level" = 1 and "event_categories"."parent_code" is null) or ("event_categories"."level" = 2 and "event_categories"."parent_code" is not null)),
	CONSTRAINT "event_categories_kind_check" CHECK ("event_categories"."kind" in ('event', 'component'))
);
--> statement-breakpoint
CREATE TABLE "department_users" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"organisation_id" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_categories" ADD CONSTRAINT "event_categories_parent_code_event_categories_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."event_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_users" ADD CONSTRAINT "department_users_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "department_users" ADD CONSTRAINT "department_users_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_categories_parent_idx" ON "event_categories" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "department_users_organisation_idx" ON "department_users" USING btree ("organisation_id");