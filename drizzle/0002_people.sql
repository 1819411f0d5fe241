CREATE TABLE "households" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"grid_id" integer NOT NULL,
	"building_id" integer,
	"building_unit_id" integer,
	"room" text,
	"head_person_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"grid_id" integer NOT NULL,
	"address" text,
	"credit_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_users" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"gender" text,
	"birth_date" date,
	"id_number_cipher" text,
	"id_number_hash" text,
	"phone_cipher" text,
	"phone_hash" text,
	"address" text,
	"political_status" text DEFAULT 'masses' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"household_id" integer,
	"building_id" integer,
	"building_unit_id" integer,
	"room" text,
	"grid_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_gender_check" CHECK ("persons"."gender" in ('male', 'female'))
);
--> statement-breakpoint
CREATE TABLE "positions" (
	"id" serial PRIMARY KEY NOT NULL,
	"grid_id" integer NOT NULL,
	"kind" text NOT NULL,
	"duty" text,
	"person_id" integer,
	"user_id" integer,
	"building_id" integer,
	"building_unit_id" integer,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "positions_holder_check" CHECK ("positions"."person_id" is not null or "positions"."user_id" is not null),
	CONSTRAINT "positions_dates_check" CHECK ("positions"."valid_to" is null or "positions"."valid_to" > "positions"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "special_group_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"group_key" text NOT NULL,
	"since" date,
	"until" date,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "special_groups" (
	"key" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"rank" integer DEFAULT 100 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_building_unit_id_building_units_id_fk" FOREIGN KEY ("building_unit_id") REFERENCES "public"."building_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_head_person_id_persons_id_fk" FOREIGN KEY ("head_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_users" ADD CONSTRAINT "person_users_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_users" ADD CONSTRAINT "person_users_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_building_unit_id_building_units_id_fk" FOREIGN KEY ("building_unit_id") REFERENCES "public"."building_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "positions" ADD CONSTRAINT "positions_building_unit_id_building_units_id_fk" FOREIGN KEY ("building_unit_id") REFERENCES "public"."building_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "special_group_members" ADD CONSTRAINT "special_group_members_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "special_group_members" ADD CONSTRAINT "special_group_members_group_key_special_groups_key_fk" FOREIGN KEY ("group_key") REFERENCES "public"."special_groups"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "households_number_unique" ON "households" USING btree ("grid_id","number");--> statement-breakpoint
CREATE INDEX "organisations_grid_idx" ON "organisations" USING btree ("grid_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "person_users_person_unique" ON "person_users" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "persons_grid_idx" ON "persons" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "persons_household_idx" ON "persons" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "persons_tags_idx" ON "persons" USING gin ("tags");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_id_number_hash_unique" ON "persons" USING btree ("id_number_hash");--> statement-breakpoint
CREATE INDEX "persons_phone_hash_idx" ON "persons" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "positions_grid_idx" ON "positions" USING btree ("grid_id","kind","valid_from");--> statement-breakpoint
CREATE INDEX "positions_person_idx" ON "positions" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "positions_user_idx" ON "positions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "special_group_members_current_unique" ON "special_group_members" USING btree ("person_id","group_key") WHERE "special_group_members"."until" is null;--> statement-breakpoint
CREATE INDEX "special_group_members_group_idx" ON "special_group_members" USING btree ("group_key","person_id");--> statement-breakpoint
-- The special groups of the glossary; an installation adds its own rows (e.g. 退役军人 veterans).
INSERT INTO special_groups (key, name_zh, name_en, rank) VALUES
  ('elderly_alone', '独居老人', 'Elderly living alone', 10),
  ('child_in_difficulty', '困境儿童', 'Child in difficulty', 20),
  ('bereaved_family', '失独家庭', 'Bereaved only-child family', 30),
  ('disabled', '残疾人', 'Person with disability', 40);
