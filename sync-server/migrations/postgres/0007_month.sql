-- The Dinsos month (issue 21 §2), as SQLite's migration 0012: the Kepala OPD role, the period
-- of each proposal, a desa period's musdes/SPTJM, its photos and its ratification.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('enumerator', 'supervisor', 'admin', 'kepala_opd'));

CREATE TABLE period_items (
    kind       text        NOT NULL,
    item_id    text        NOT NULL,
    desa_code  text        NOT NULL,
    period     text        NOT NULL,
    label      text        NOT NULL DEFAULT '',
    arrived_at timestamptz NOT NULL,
    agreed     boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (kind, item_id)
);
CREATE INDEX period_items_by_desa ON period_items (desa_code, period, kind, item_id);

CREATE TABLE desa_periods (
    desa_code       text NOT NULL,
    period          text NOT NULL,
    agreement       text CHECK (agreement IN ('musdes', 'sptjm')),
    held_on         text,                -- YYYY-MM-DD
    document_number text,
    attendance      integer,
    note            text NOT NULL DEFAULT '',
    recorded_by     text,
    recorded_at     timestamptz,
    checked_by      text,
    checked_at      timestamptz,
    approved_by     text,
    approved_at     timestamptz,
    PRIMARY KEY (desa_code, period)
);

CREATE TABLE desa_period_photos (
    desa_code text        NOT NULL,
    period    text        NOT NULL,
    sha256    text        NOT NULL,
    added_by  text        NOT NULL,
    added_at  timestamptz NOT NULL,
    PRIMARY KEY (desa_code, period, sha256)
);
