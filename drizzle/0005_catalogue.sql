CREATE TABLE "calendar_days" (
	"day" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name_zh" text DEFAULT '' NOT NULL,
	"name_en" text DEFAULT '' NOT NULL,
	"periods" jsonb,
	"seeded" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_days_kind_check" CHECK ("calendar_days"."kind" in ('holiday', 'workday'))
);
--> statement-breakpoint
CREATE TABLE "deadline_policies" (
	"key" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"clock_type" text NOT NULL,
	"stages" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"warn_ratio" double precision,
	"warn_before_seconds" integer,
	"rank" integer DEFAULT 100 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deadline_policies_clock_check" CHECK ("deadline_policies"."clock_type" in ('continuous', 'working_hours', 'working_days', 'natural_days')),
	CONSTRAINT "deadline_policies_ratio_check" CHECK ("deadline_policies"."warn_ratio" is null or ("deadline_policies"."warn_ratio" > 0 and "deadline_policies"."warn_ratio" <= 1))
);
--> statement-breakpoint
CREATE TABLE "escalation_ladders" (
	"grid_code" text PRIMARY KEY NOT NULL,
	"preset" text,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"clock_type" text DEFAULT 'continuous' NOT NULL,
	"levels" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
