-- The audit log is append-only: no row may be changed or removed, whoever asks.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();--> statement-breakpoint
-- Default level names (004 "五级"): district → street/town → area → community/unit grid → micro-grid,
-- with province and city above for the statistical division codes. Admins may rename or add levels.
INSERT INTO grid_levels (key, rank, name_zh, name_en) VALUES
  ('province', 10, '省', 'Province'),
  ('city', 20, '市', 'City'),
  ('district', 30, '区县', 'District'),
  ('street', 40, '街镇', 'Street/Town'),
  ('area', 50, '片区', 'Area'),
  ('community', 60, '村居(单元)网格', 'Community/unit grid'),
  ('microGrid', 70, '小微网格', 'Micro-grid');
