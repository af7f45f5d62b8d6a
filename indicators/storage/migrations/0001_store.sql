-- The store's tables (indicators/storage/postgres.py). Run by `python -m indicators store migrate`, never
-- implicitly. Every write of the application bumps store_state.change_counter in its own transaction, so
-- another server's cache key changes at the commit.

CREATE TABLE store_state (
    one            boolean PRIMARY KEY DEFAULT true CHECK (one),
    store_id       uuid    NOT NULL DEFAULT gen_random_uuid(),
    change_counter bigint  NOT NULL DEFAULT 0
);
INSERT INTO store_state DEFAULT VALUES;

-- One row per version: its record (meta.json in the folder store), written once.
CREATE TABLE versions (
    id         text        PRIMARY KEY CHECK (id ~ '^[0-9]{6}$'),
    sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    meta       json        NOT NULL,  -- json, not jsonb: kept as written, keys in their order
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX versions_by_sha256 ON versions (sha256);  -- the same bytes uploaded again

-- A version's files, byte for byte: upload.xlsx and tables/<name>.parquet.
CREATE TABLE version_files (
    version_id text   NOT NULL REFERENCES versions (id),
    name       text   NOT NULL,
    data       bytea  NOT NULL,
    sha256     text   NOT NULL,
    PRIMARY KEY (version_id, name)
);
-- Parquet and xlsx are compressed already: keep them out of line without trying to compress them again.
ALTER TABLE version_files ALTER COLUMN data SET STORAGE EXTERNAL;

-- Append-only: one row per action; the application's role may insert and read, never change or delete.
CREATE TABLE log (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id text,
    action     text        NOT NULL,
    event      json        NOT NULL,
    logged_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX log_by_version ON log (version_id, id);  -- one version's history (the review page)

-- Which version is approved: a single row, changed only under the store's lock.
CREATE TABLE approved (
    one        boolean     PRIMARY KEY DEFAULT true CHECK (one),
    version_id text        NOT NULL REFERENCES versions (id),
    pointer    json        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Small documents: accounts and roles, saved mappings (accounts.json, mappings/<key>.json in a folder).
CREATE TABLE documents (
    name       text        PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$'),
    data       bytea       NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
