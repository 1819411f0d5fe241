CREATE TABLE "force_categories" (
	"key" text PRIMARY KEY NOT NULL,
	"preset" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"description_zh" text,
	"dispatch_group" text,
	"rank" integer DEFAULT 100 NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "force_categories_dispatch_group_check" CHECK ("force_categories"."dispatch_group" is null or "force_categories"."dispatch_group" in ('own', 'law_enforcement', 'street_support', 'social_mobilisation'))
);
--> statement-breakpoint
CREATE TABLE "force_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"category_key" text NOT NULL,
	"grid_id" integer NOT NULL,
	"person_id" integer,
	"user_id" integer,
	"duty" text,
	"since" date NOT NULL,
	"until" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "force_members_holder_check" CHECK ("force_members"."person_id" is not null or "force_members"."user_id" is not null),
	CONSTRAINT "force_members_dates_check" CHECK ("force_members"."until" is null or "force_members"."until" > "force_members"."since")
);
--> statement-breakpoint
CREATE TABLE "co_building_contacts" (
	"unit_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"role" text,
	CONSTRAINT "co_building_contacts_unit_id_person_id_pk" PRIMARY KEY("unit_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "co_building_strengths" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"type" text NOT NULL,
	"description" text NOT NULL,
	"quantity" numeric(12, 2),
	"measure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "co_building_strengths_type_check" CHECK ("co_building_strengths"."type" in ('venues', 'volunteers', 'expertise', 'funds', 'other'))
);
--> statement-breakpoint
CREATE TABLE "co_building_units" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"grid_id" integer NOT NULL,
	"address" text,
	"agreement_signed_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "in_service_registrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"work_unit" text NOT NULL,
	"grid_id" integer NOT NULL,
	"registered_on" date NOT NULL,
	"ended_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "party_alliance_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"alliance_id" integer NOT NULL,
	"unit_id" integer,
	"organisation_id" integer,
	"joined_on" date NOT NULL,
	"left_on" date,
	CONSTRAINT "party_alliance_members_one_check" CHECK (("party_alliance_members"."unit_id" is null) <> ("party_alliance_members"."organisation_id" is null))
);
--> statement-breakpoint
CREATE TABLE "party_alliances" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"grid_id" integer NOT NULL,
	"lead_organisation_id" integer,
	"founded_on" date,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "party_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"organisation_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"role" text NOT NULL,
	"joined_party_on" date,
	"since" date NOT NULL,
	"until" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "party_members_dates_check" CHECK ("party_members"."until" is null or "party_members"."until" > "party_members"."since")
);
--> statement-breakpoint
CREATE TABLE "party_organisations" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"parent_id" integer,
	"depth" integer NOT NULL,
	"path" text NOT NULL,
	"grid_id" integer NOT NULL,
	"building_id" integer,
	"household_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_on" date,
	CONSTRAINT "party_organisations_kind_check" CHECK ("party_organisations"."kind" in ('community_committee', 'grid_branch', 'special_branch', 'building_group', 'member_household'))
);
--> statement-breakpoint
CREATE TABLE "service_records" (
	"id" serial PRIMARY KEY NOT NULL,
	"registration_id" integer NOT NULL,
	"served_on" date NOT NULL,
	"hours" numeric(5, 1) NOT NULL,
	"description" text NOT NULL,
	"grid_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_records_hours_check" CHECK ("service_records"."hours" > 0 and "service_records"."hours" <= 24)
);
--> statement-breakpoint
ALTER TABLE "force_members" ADD CONSTRAINT "force_members_category_key_force_categories_key_fk" FOREIGN KEY ("category_key") REFERENCES "public"."force_categories"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "force_members" ADD CONSTRAINT "force_members_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "force_members" ADD CONSTRAINT "force_members_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "force_members" ADD CONSTRAINT "force_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "co_building_contacts" ADD CONSTRAINT "co_building_contacts_unit_id_co_building_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."co_building_units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "co_building_contacts" ADD CONSTRAINT "co_building_contacts_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "co_building_strengths" ADD CONSTRAINT "co_building_strengths_unit_id_co_building_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."co_building_units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "co_building_units" ADD CONSTRAINT "co_building_units_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "in_service_registrations" ADD CONSTRAINT "in_service_registrations_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "in_service_registrations" ADD CONSTRAINT "in_service_registrations_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_alliance_members" ADD CONSTRAINT "party_alliance_members_alliance_id_party_alliances_id_fk" FOREIGN KEY ("alliance_id") REFERENCES "public"."party_alliances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_alliance_members" ADD CONSTRAINT "party_alliance_members_unit_id_co_building_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."co_building_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_alliance_members" ADD CONSTRAINT "party_alliance_members_organisation_id_party_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."party_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_alliances" ADD CONSTRAINT "party_alliances_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_alliances" ADD CONSTRAINT "party_alliances_lead_organisation_id_party_organisations_id_fk" FOREIGN KEY ("lead_organisation_id") REFERENCES "public"."party_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_organisation_id_party_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."party_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_members" ADD CONSTRAINT "party_members_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organisations" ADD CONSTRAINT "party_organisations_parent_id_party_organisations_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."party_organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organisations" ADD CONSTRAINT "party_organisations_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organisations" ADD CONSTRAINT "party_organisations_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organisations" ADD CONSTRAINT "party_organisations_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_records" ADD CONSTRAINT "service_records_registration_id_in_service_registrations_id_fk" FOREIGN KEY ("registration_id") REFERENCES "public"."in_service_registrations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_records" ADD CONSTRAINT "service_records_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "force_categories_preset_idx" ON "force_categories" USING btree ("preset","rank");--> statement-breakpoint
CREATE INDEX "force_members_grid_idx" ON "force_members" USING btree ("grid_id","category_key");--> statement-breakpoint
CREATE INDEX "force_members_person_idx" ON "force_members" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "co_building_strengths_unit_idx" ON "co_building_strengths" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "co_building_units_grid_idx" ON "co_building_units" USING btree ("grid_id");--> statement-breakpoint
CREATE UNIQUE INDEX "co_building_units_name_unique" ON "co_building_units" USING btree ("grid_id","name");--> statement-breakpoint
CREATE INDEX "in_service_registrations_grid_idx" ON "in_service_registrations" USING btree ("grid_id");--> statement-breakpoint
CREATE UNIQUE INDEX "in_service_registrations_current_unique" ON "in_service_registrations" USING btree ("person_id") WHERE "in_service_registrations"."ended_on" is null;--> statement-breakpoint
CREATE INDEX "party_alliance_members_alliance_idx" ON "party_alliance_members" USING btree ("alliance_id");--> statement-breakpoint
CREATE INDEX "party_alliances_grid_idx" ON "party_alliances" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "party_members_organisation_idx" ON "party_members" USING btree ("organisation_id","since");--> statement-breakpoint
CREATE INDEX "party_members_person_idx" ON "party_members" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "party_members_current_unique" ON "party_members" USING btree ("organisation_id","person_id") WHERE "party_members"."until" is null;--> statement-breakpoint
CREATE INDEX "party_organisations_grid_idx" ON "party_organisations" USING btree ("grid_id","kind");--> statement-breakpoint
CREATE INDEX "party_organisations_parent_idx" ON "party_organisations" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "party_organisations_path_idx" ON "party_organisations" USING btree ("path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "service_records_registration_idx" ON "service_records" USING btree ("registration_id","served_on");