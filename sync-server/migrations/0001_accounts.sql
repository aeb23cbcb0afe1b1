-- 0001: accounts, devices and per-device bearer tokens.
-- Append-only: never edit this file once shipped; add 0002_*.sql instead.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,               -- argon2id PHC string
    role          TEXT    NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'admin')),
    wilayah       TEXT    NOT NULL,               -- dotless region code prefix; '' = all (admins)
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL
) STRICT;

CREATE TABLE devices (
    user_id       INTEGER NOT NULL REFERENCES users (id),
    device_id     TEXT    NOT NULL,               -- client-generated UUID
    device_name   TEXT    NOT NULL,
    first_seen_at TEXT    NOT NULL,
    last_login_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, device_id)
) STRICT;

-- Only the SHA-256 of a token is stored; the token itself is shown once at login.
CREATE TABLE tokens (
    token_sha256 BLOB    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    device_id    TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    revoked_at   TEXT
) STRICT;

CREATE INDEX tokens_by_user_device ON tokens (user_id, device_id);
