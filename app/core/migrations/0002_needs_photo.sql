-- Pendata client store, schema 2: a household whose photo bytes are lost on the device.
-- Append-only: never edit after release.
--
-- A photo a record references can vanish from the device (a storage cleaner, a browser evicting
-- site data, a half-restored backup, a damaged file). Such a household is set aside in the new
-- state 'needs_photo' ("perlu foto ulang") until the photo is taken again, and the problem is kept
-- in photo_problems so the app and `pendata status` can name the photo.
--
-- SQLite cannot widen a CHECK constraint in place, so `households` is rebuilt (the documented
-- twelve-step procedure; the migration runner turns foreign keys off around it, so dropping the
-- old table cascades nothing). `seq` is copied, so household_search's rowids stay valid.
-- The rebuild also makes room for DTSEN (issue 20) so that it needs no second rebuild: the
-- questionnaire a record answers ('dtks-bdt' for every existing one) and the ground-check kind.

CREATE TABLE households_v2 (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    state             TEXT NOT NULL CHECK (state IN
                        ('draft','final','queued','sent','approved','rejected','conflict','deleted',
                         'needs_photo')),
    revision          TEXT NOT NULL,
    revision_frozen   INTEGER NOT NULL DEFAULT 0 CHECK (revision_frozen IN (0,1)),
    base_revision     TEXT,
    acked_revision    TEXT,
    server_revision   TEXT,
    kind              TEXT NOT NULL CHECK (kind IN ('verivali','usulan_baru','ground_check')),
    prelist_id        TEXT,
    desa_code         TEXT NOT NULL,
    head_name         TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    member_count      INTEGER NOT NULL DEFAULT 0,
    review_note       TEXT,
    session_started_at TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    questionnaire     TEXT NOT NULL DEFAULT 'dtks-bdt'
                        CHECK (questionnaire IN ('dtks-bdt','regsosek2022k')),
    content           TEXT NOT NULL
) STRICT;
INSERT INTO households_v2 (seq, id, state, revision, revision_frozen, base_revision,
        acked_revision, server_revision, kind, prelist_id, desa_code, head_name, address,
        member_count, review_note, session_started_at, created_at, updated_at, content)
    SELECT seq, id, state, revision, revision_frozen, base_revision,
        acked_revision, server_revision, kind, prelist_id, desa_code, head_name, address,
        member_count, review_note, session_started_at, created_at, updated_at, content
    FROM households;
DROP TABLE households;
ALTER TABLE households_v2 RENAME TO households;
CREATE INDEX households_state ON households (state, seq);
CREATE INDEX households_desa ON households (desa_code, state, seq);

-- One row per photo of a household whose bytes could not be used (kind and member as in
-- `photos`; problem: missing, unreadable or damaged). Cleared when that photo is retaken or the
-- household is made final again with every photo readable.
CREATE TABLE photo_problems (
    household_id  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    member_id     TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL,
    problem       TEXT NOT NULL CHECK (problem IN ('missing','unreadable','damaged')),
    noted_at      TEXT NOT NULL,
    PRIMARY KEY (household_id, kind, member_id)
) STRICT;
