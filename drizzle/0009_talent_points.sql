CREATE TABLE "certificates" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"name" text NOT NULL,
	"number" text,
	"issuer" text,
	"issued_on" date NOT NULL,
	"expires_on" date,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificates_dates_check" CHECK ("certificates"."expires_on" is null or "certificates"."expires_on" > "certificates"."issued_on")
);
--> statement-breakpoint
CREATE TABLE "reserve_pool_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"pool_key" text NOT NULL,
	"person_id" integer NOT NULL,
	"nominated_on" date NOT NULL,
	"reason" text NOT NULL,
	"nominated_by" text NOT NULL,
	"left_on" date,
	"leave_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reserve_pool_members_dates_check" CHECK ("reserve_pool_members"."left_on" is null or "reserve_pool_members"."left_on" >= "reserve_pool_members"."nominated_on")
);
--> statement-breakpoint
CREATE TABLE "reserve_pools" (
	"key" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"description" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "talent_tiers" (
	"id" serial PRIMARY KEY NOT NULL,
	"talent_id" integer NOT NULL,
	"tier" text NOT NULL,
	"since" date NOT NULL,
	"until" date,
	"reason" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "talent_tiers_tier_check" CHECK ("talent_tiers"."tier" in ('lead', 'strong', 'young')),
	CONSTRAINT "talent_tiers_dates_check" CHECK ("talent_tiers"."until" is null or "talent_tiers"."until" > "talent_tiers"."since")
);
--> statement-breakpoint
CREATE TABLE "talents" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"grid_id" integer NOT NULL,
	"field" text,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_records" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"course" text NOT NULL,
	"hours" numeric(6, 1) NOT NULL,
	"held_on" date NOT NULL,
	"organiser" text,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_records_hours_check" CHECK ("training_records"."hours" > 0)
);
--> statement-breakpoint
CREATE TABLE "points_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"kind" text NOT NULL,
	"rule_key" text,
	"reason" text,
	"points" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"actor_user_id" integer,
	"actor" text NOT NULL,
	"source_ref" text,
	CONSTRAINT "points_entries_kind_check" CHECK ("points_entries"."kind" in ('award', 'adjustment', 'redemption')),
	CONSTRAINT "points_entries_points_check" CHECK ("points_entries"."points" <> 0),
	CONSTRAINT "points_entries_sign_check" CHECK (("points_entries"."kind" = 'redemption' and "points_entries"."points" < 0) or ("points_entries"."kind" = 'award' and "points_entries"."points" > 0) or "points_entries"."kind" = 'adjustment'),
	CONSTRAINT "points_entries_why_check" CHECK ("points_entries"."rule_key" is not null or "points_entries"."reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "points_rules" (
	"key" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"points" integer NOT NULL,
	"daily_cap" integer,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_rules_points_check" CHECK ("points_rules"."points" > 0),
	CONSTRAINT "points_rules_cap_check" CHECK ("points_rules"."daily_cap" is null or "points_rules"."daily_cap" >= "points_rules"."points")
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_pool_members" ADD CONSTRAINT "reserve_pool_members_pool_key_reserve_pools_key_fk" FOREIGN KEY ("pool_key") REFERENCES "public"."reserve_pools"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reserve_pool_members" ADD CONSTRAINT "reserve_pool_members_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "talent_tiers" ADD CONSTRAINT "talent_tiers_talent_id_talents_id_fk" FOREIGN KEY ("talent_id") REFERENCES "public"."talents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "talents" ADD CONSTRAINT "talents_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "talents" ADD CONSTRAINT "talents_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_records" ADD CONSTRAINT "training_records_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_rule_key_points_rules_key_fk" FOREIGN KEY ("rule_key") REFERENCES "public"."points_rules"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "certificates_person_idx" ON "certificates" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reserve_pool_members_current_unique" ON "reserve_pool_members" USING btree ("pool_key","person_id") WHERE "reserve_pool_members"."left_on" is null;--> statement-breakpoint
CREATE INDEX "reserve_pool_members_person_idx" ON "reserve_pool_members" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "talent_tiers_current_unique" ON "talent_tiers" USING btree ("talent_id") WHERE "talent_tiers"."until" is null;--> statement-breakpoint
CREATE INDEX "talent_tiers_talent_idx" ON "talent_tiers" USING btree ("talent_id","since");--> statement-breakpoint
CREATE UNIQUE INDEX "talents_person_unique" ON "talents" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "talents_grid_idx" ON "talents" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "training_records_person_idx" ON "training_records" USING btree ("person_id","held_on");--> statement-breakpoint
CREATE INDEX "points_entries_person_idx" ON "points_entries" USING btree ("person_id","points");--> statement-breakpoint
CREATE INDEX "points_entries_rule_day_idx" ON "points_entries" USING btree ("person_id","rule_key","day");