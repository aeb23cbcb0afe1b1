-- 0003: browser sessions of the supervisor dashboard (docs/dashboard.md).
-- Append-only: never edit this file once shipped; add 0004_*.sql instead.

-- Only the SHA-256 of the session cookie is stored. Times are Unix seconds (UTC).
CREATE TABLE web_sessions (
    id_sha256    BLOB    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf         TEXT    NOT NULL,               -- per-session token every form carries
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;

CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
