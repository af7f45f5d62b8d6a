-- Retention as the README states it, enforced by the database (issue 25): the application's role may remove
-- only what the setting RETAIN_UNAPPROVED_DAYS lets go: the raw workbook and the tables of a version that the log
-- never records as approved, whose status is draft or returned (never submitted), and that was stored longer ago
-- than the retention the owner set here (`store migrate` writes the owner's RETAIN_UNAPPROVED_DAYS; 0 keeps all).
-- The application's role may not change this table; it calls remove_unapproved(v), which returns the names removed.

CREATE TABLE retention (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    days integer NOT NULL CHECK (days >= 0)
);
INSERT INTO retention (days) VALUES (90);

DROP FUNCTION remove_unapproved_upload(text);

CREATE FUNCTION remove_unapproved(v text) RETURNS SETOF text
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DELETE FROM version_files AS f
    USING versions AS ver, retention AS r
    WHERE f.version_id = v AND ver.id = v
      AND (f.name = 'upload.xlsx' OR starts_with(f.name, 'tables/'))
      AND r.days > 0
      AND ver.created_at < now() - make_interval(days => r.days)
      AND NOT EXISTS (SELECT 1 FROM log WHERE log.version_id = v AND log.action = 'approved')
      AND coalesce(
            (SELECT l.action FROM log AS l
             WHERE l.version_id = v AND l.action IN ('created', 'submitted', 'returned', 'approved')
             ORDER BY l.id DESC LIMIT 1),
            'created') IN ('created', 'returned')
    RETURNING f.name
$$;
REVOKE ALL ON FUNCTION remove_unapproved(text) FROM PUBLIC;
