CREATE TABLE "department_details" (
	"organisation_id" integer PRIMARY KEY NOT NULL,
	"name_en" text,
	"rank" integer DEFAULT 100 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "duty_matters" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"grid_id" integer,
	"category_code" text,
	"organisation_id" integer,
	"role" text DEFAULT 'lead' NOT NULL,
	"handling_level" text,
	"name" text NOT NULL,
	"basis" text,
	"note" text,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duty_matters_kind_check" CHECK ("duty_matters"."kind" in ('department', 'grid')),
	CONSTRAINT "duty_matters_role_check" CHECK ("duty_matters"."role" in ('lead', 'cooperate')),
	CONSTRAINT "duty_matters_category_check" CHECK ("duty_matters"."category_code" ~ '^[0-9]{2}([0-9]{2})?$'),
	CONSTRAINT "duty_matters_party_check" CHECK (("duty_matters"."kind" = 'department' and "duty_matters"."organisation_id" is not null) or
          ("duty_matters"."kind" = 'grid' and "duty_matters"."organisation_id" is null and "duty_matters"."role" = 'lead' and "duty_matters"."handling_level" is not null)),
	CONSTRAINT "duty_matters_dates_check" CHECK ("duty_matters"."valid_to" is null or "duty_matters"."valid_to" > "duty_matters"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "key_areas" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"grid_id" integer NOT NULL,
	"geometry" jsonb,
	"organisation_id" integer,
	"person_id" integer,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "department_details" ADD CONSTRAINT "department_details_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_matters" ADD CONSTRAINT "duty_matters_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_matters" ADD CONSTRAINT "duty_matters_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_matters" ADD CONSTRAINT "duty_matters_handling_level_grid_levels_key_fk" FOREIGN KEY ("handling_level") REFERENCES "public"."grid_levels"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_areas" ADD CONSTRAINT "key_areas_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_areas" ADD CONSTRAINT "key_areas_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_areas" ADD CONSTRAINT "key_areas_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "duty_matters_category_idx" ON "duty_matters" USING btree ("category_code");--> statement-breakpoint
CREATE INDEX "duty_matters_grid_idx" ON "duty_matters" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "duty_matters_organisation_idx" ON "duty_matters" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "key_areas_grid_idx" ON "key_areas" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "key_areas_organisation_idx" ON "key_areas" USING btree ("organisation_id");