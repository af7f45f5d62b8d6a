-- Retention (setting RETAIN_UNAPPROVED_DAYS): the raw workbook of a version that was never approved may be
-- removed. The application's role may not delete from version_files; it may only call this function, which
-- removes nothing but upload.xlsx, and only of a version the log never records as approved.

CREATE FUNCTION remove_unapproved_upload(v text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    WITH gone AS (
        DELETE FROM version_files
        WHERE version_id = v AND name = 'upload.xlsx'
          AND NOT EXISTS (SELECT 1 FROM log WHERE log.version_id = v AND log.action = 'approved')
        RETURNING 1
    )
    SELECT count(*) > 0 FROM gone
$$;
REVOKE ALL ON FUNCTION remove_unapproved_upload(text) FROM PUBLIC;
