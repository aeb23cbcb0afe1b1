-- 0002: households, their revisions (current, superseded, conflicts), reviews, the photos they
-- reference, and the change log pull pages over.
-- Append-only: never edit this file once shipped; add 0003_*.sql instead.

CREATE TABLE households (
    id             TEXT    PRIMARY KEY,           -- HouseholdId (UUID)
    desa_code      TEXT    NOT NULL,              -- of the current revision (or the prelist)
    head_revision  TEXT,                          -- current revision id; NULL: prelist only
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    review_state   TEXT    NOT NULL CHECK (review_state IN ('assigned', 'submitted', 'approved', 'rejected')),
    open_conflicts INTEGER NOT NULL DEFAULT 0,
    incomplete     INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1)),
    head_name      TEXT    NOT NULL DEFAULT '',
    prelist_id     TEXT    UNIQUE,
    assignment     TEXT,                          -- JSON of the Assignment (prelist households)
    assigned_to    TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) STRICT;

CREATE INDEX households_by_desa ON households (desa_code, id);

-- Every stored revision; `revision` is unique so a revision is stored at most once.
CREATE TABLE revisions (
    seq             INTEGER PRIMARY KEY,
    revision        TEXT    NOT NULL UNIQUE,
    household_id    TEXT    NOT NULL REFERENCES households (id),
    base_revision   TEXT,
    content_sha256  TEXT    NOT NULL,
    op              TEXT    NOT NULL CHECK (op IN ('upsert', 'delete')),
    change_json     TEXT    NOT NULL,             -- JSON of the Change, as hashed
    device_id       TEXT    NOT NULL,
    username        TEXT    NOT NULL,
    saved_at        TEXT    NOT NULL,
    received_at     TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('current', 'superseded', 'conflict', 'resolved_away')),
    conflict_reason TEXT,
    incomplete      INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1))
) STRICT;

CREATE INDEX revisions_by_household ON revisions (household_id, seq);

-- A revision id that arrived again with other content: kept for people to look at.
CREATE TABLE revision_collisions (
    id             INTEGER PRIMARY KEY,
    revision       TEXT    NOT NULL,
    household_id   TEXT    NOT NULL,
    content_sha256 TEXT    NOT NULL,
    change_json    TEXT    NOT NULL,
    device_id      TEXT    NOT NULL,
    username       TEXT    NOT NULL,
    received_at    TEXT    NOT NULL,
    UNIQUE (revision, content_sha256)
) STRICT;

-- Photos a stored revision waits for.
CREATE TABLE revision_missing_photos (
    revision TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (sha256, revision)
) STRICT;

CREATE INDEX revision_missing_by_revision ON revision_missing_photos (revision);

-- Photos that completed while the server ran (closes the race between a push checking the
-- blob store and a photo completing).
CREATE TABLE photos_complete (
    sha256       TEXT PRIMARY KEY,
    completed_at TEXT NOT NULL
) STRICT;

-- Which households reference which photos (any stored revision): photo read scoping.
CREATE TABLE household_photos (
    sha256       TEXT NOT NULL,
    household_id TEXT NOT NULL,
    PRIMARY KEY (sha256, household_id)
) STRICT;

-- Who pushed to a household: they receive its reviews and conflicts.
CREATE TABLE household_pushers (
    household_id TEXT NOT NULL,
    username     TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (household_id, username)
) STRICT;

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    household_id TEXT    NOT NULL REFERENCES households (id),
    revision     TEXT    NOT NULL,
    decision     TEXT    NOT NULL CHECK (decision IN ('approved', 'rejected')),
    note         TEXT,
    reviewer     TEXT    NOT NULL,
    decided_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX reviews_by_household ON reviews (household_id, id);

-- The change log: one row per pullable item, keyed by (kind, item_key). A changed item is
-- deleted and inserted again, so it gets a new, larger sequence (AUTOINCREMENT never reuses).
CREATE TABLE changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL CHECK (kind IN ('assignment', 'review', 'conflict')),
    item_key     TEXT    NOT NULL,
    household_id TEXT    NOT NULL,
    desa_code    TEXT    NOT NULL,
    assigned_to  TEXT    COLLATE NOCASE,
    payload      TEXT    NOT NULL,                -- JSON of the PullItem
    UNIQUE (kind, item_key)
) STRICT;
