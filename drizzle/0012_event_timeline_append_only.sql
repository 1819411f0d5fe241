-- The event timeline is append-only (E3): no entry may be changed or removed, whoever asks.
CREATE FUNCTION event_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'event_timeline is append-only' USING ERRCODE = '42501';
END;
$$;--> statement-breakpoint
CREATE TRIGGER event_timeline_no_update BEFORE UPDATE OR DELETE ON event_timeline
  FOR EACH ROW EXECUTE FUNCTION event_timeline_append_only();--> statement-breakpoint
CREATE TRIGGER event_timeline_no_truncate BEFORE TRUNCATE ON event_timeline
  FOR EACH STATEMENT EXECUTE FUNCTION event_timeline_append_only();
