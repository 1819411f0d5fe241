-- The points ledger is append-only: an entry is corrected by a new entry, never changed or removed.
CREATE FUNCTION points_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'points_entries is append-only' USING ERRCODE = '42501';
END;
$$;--> statement-breakpoint
CREATE TRIGGER points_entries_no_update BEFORE UPDATE OR DELETE ON points_entries
  FOR EACH ROW EXECUTE FUNCTION points_entries_append_only();--> statement-breakpoint
CREATE TRIGGER points_entries_no_truncate BEFORE TRUNCATE ON points_entries
  FOR EACH STATEMENT EXECUTE FUNCTION points_entries_append_only();--> statement-breakpoint
-- Balances are derived from the ledger, never stored (reports read this view; the service sums the same way).
CREATE VIEW points_balances AS
  SELECT person_id, sum(points)::int AS balance, count(*)::int AS entries, max(at) AS last_at
  FROM points_entries GROUP BY person_id;--> statement-breakpoint
-- Default rules of 000's 积分制; a street edits them through PUT /api/points/rules/{key}.
INSERT INTO points_rules (key, name_zh, name_en, points, daily_cap) VALUES
  ('volunteer_hour', '志愿服务（每小时）', 'Volunteer service (per hour)', 10, 80),
  ('deliberation', '参加议事协商', 'Taking part in a deliberation', 5, 10),
  ('report_event', '上报事件（经核实）', 'Reporting an event (verified)', 3, 9),
  ('activity', '参加社区活动', 'Taking part in a community activity', 5, 10),
  ('micro_wish', '认领微心愿', 'Claiming a micro-wish', 10, NULL);--> statement-breakpoint
-- 001: 优秀网格长 → 书记后备; more pools are added through PUT /api/talent/pools/{key}.
INSERT INTO reserve_pools (key, name_zh, name_en, description) VALUES
  ('community_secretary', '社区书记后备', 'Reserve community secretaries', '从优秀网格长中选拔的社区党组织书记后备人选'),
  ('grid_leader', '网格长后备', 'Reserve grid leaders', '从骨干网格员和志愿者中选拔的网格长后备人选');
