-- 0012: the Dinsos month (issue 21 §2): the Kepala OPD role, the period each proposal belongs
-- to, the musdes/muskel or SPTJM of a desa's period, its photos, and the two-step ratification
-- that locks it.
-- Append-only: never edit this file once shipped; add the next one instead.

-- users.role gains 'kepala_opd': SQLite cannot change a CHECK, so the table is copied with
-- the same ids (SQLite's documented way: the migration runs with foreign_keys OFF, which
-- store/sqlite/mod.rs sets for this step, and checks the keys before COMMIT).
CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'admin', 'kepala_opd')),
    wilayah       TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL
) STRICT;
INSERT INTO users_new (id, username, password_hash, role, wilayah, disabled, created_at)
    SELECT id, username, password_hash, role, wilayah, disabled, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- The period an item (a proposal: kind 'household' = a usulan baru record; other kinds join
-- with their own name) belongs to, fixed when it first arrived: that month's period until the
-- cut-off day, the next one after it, and never a period already locked for its desa.
-- `agreed`: on the BNBA list of the desa's musdes/muskel (or SPTJM).
CREATE TABLE period_items (
    kind       TEXT    NOT NULL,
    item_id    TEXT    NOT NULL,
    desa_code  TEXT    NOT NULL,
    period     TEXT    NOT NULL,            -- YYYY-MM
    label      TEXT    NOT NULL DEFAULT '', -- what the dashboard lists (head of household)
    arrived_at TEXT    NOT NULL,
    agreed     INTEGER NOT NULL DEFAULT 0 CHECK (agreed IN (0, 1)),
    PRIMARY KEY (kind, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX period_items_by_desa ON period_items (desa_code, period, kind, item_id);

-- One desa's period: its agreement (musdes/muskel with berita acara, or an SPTJM) and the two
-- ratification steps. approved_at set = locked.
CREATE TABLE desa_periods (
    desa_code       TEXT    NOT NULL,
    period          TEXT    NOT NULL,
    agreement       TEXT    CHECK (agreement IN ('musdes', 'sptjm')),
    held_on         TEXT,                    -- YYYY-MM-DD
    document_number TEXT,                    -- nomor berita acara / SPTJM
    attendance      INTEGER,                 -- musdes only
    note            TEXT    NOT NULL DEFAULT '',
    recorded_by     TEXT,
    recorded_at     TEXT,
    checked_by      TEXT,
    checked_at      TEXT,
    approved_by     TEXT,
    approved_at     TEXT,
    PRIMARY KEY (desa_code, period)
) STRICT, WITHOUT ROWID;

-- Photos of the berita acara / SPTJM (blobs in the photo store).
CREATE TABLE desa_period_photos (
    desa_code TEXT NOT NULL,
    period    TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    added_by  TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (desa_code, period, sha256)
) STRICT, WITHOUT ROWID;
