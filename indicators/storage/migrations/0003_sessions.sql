-- Signed-in sessions, one-time hand-off codes and the sign-in throttle's counters, shared by every app server
-- (indicators/access/sessions.py). Not the store's data: writing them never bumps store_state.change_counter,
-- and the application's role may change and delete them.

CREATE TABLE sessions (
    digest text             PRIMARY KEY,  -- SHA-256 of the session's token (the token itself is never kept)
    email  text             NOT NULL,
    until  double precision NOT NULL,     -- after this (Unix time) the record is of no use and may be swept
    record json             NOT NULL
);
CREATE INDEX sessions_by_email ON sessions (email);

CREATE TABLE throttle (
    key      text             PRIMARY KEY,  -- 'account:EMAIL|client:ADDRESS' or 'client:ADDRESS'
    failures integer          NOT NULL,
    last     double precision NOT NULL
);
