-- Pendata client store, schema 7, frozen as the migrations build it (0001 + 0002_needs_photo +
-- 0003_ground_check + 0004_assignment_worklist + 0005_cases + 0006_family_desil +
-- 0007_assignment_listing: the assignments' `listed` column, the work list's indexes over listed
-- rows, the triggers that index a row when it is listed). Generated from sqlite_master in
-- creation order; SQLite keeps a rebuilt table's text with its name quoted and an added
-- column's text as ALTER TABLE wrote it.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE VIRTUAL TABLE household_search USING fts5 (
    head_name, names, numbers, address, desa,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 6 8'
);

CREATE TABLE photos (
    household_id  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    member_id     TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL,
    blob_id       TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    taken_at      TEXT NOT NULL,
    -- Bytes the server is known to hold; equals `bytes` once uploaded.
    uploaded      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (household_id, kind, member_id)
) STRICT;

CREATE INDEX photos_sha256 ON photos (sha256);

CREATE TABLE reviews (
    household_id TEXT NOT NULL,
    revision     TEXT NOT NULL,
    decision     TEXT NOT NULL CHECK (decision IN ('approved','rejected')),
    note         TEXT,
    reviewer     TEXT NOT NULL,
    decided_at   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (household_id, revision)
) STRICT;

CREATE TABLE conflicts (
    id               INTEGER PRIMARY KEY,
    household_id     TEXT NOT NULL,
    revision         TEXT NOT NULL,
    current_revision TEXT,
    reason           TEXT NOT NULL,
    resolved_with    TEXT,
    note             TEXT,
    received_at      TEXT NOT NULL,
    UNIQUE (household_id, revision, reason)
) STRICT;

CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    household_id TEXT NOT NULL,
    revision     TEXT NOT NULL,
    path         TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    username     TEXT,
    device_id    TEXT NOT NULL,
    at           TEXT NOT NULL
) STRICT;

CREATE INDEX audit_household ON audit (household_id, id);

CREATE TABLE photo_problems (
    household_id  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    member_id     TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL,
    problem       TEXT NOT NULL CHECK (problem IN ('missing','unreadable','damaged')),
    noted_at      TEXT NOT NULL,
    PRIMARY KEY (household_id, kind, member_id)
) STRICT;

CREATE TABLE assignments (
    seq          INTEGER PRIMARY KEY,
    household_id TEXT NOT NULL UNIQUE,
    prelist_id   TEXT NOT NULL,
    desa_code    TEXT NOT NULL,
    head_name    TEXT NOT NULL,
    active       INTEGER NOT NULL CHECK (active IN (0,1)),
    -- 1 while `households` holds a record with this id (kept by triggers).
    opened       INTEGER NOT NULL DEFAULT 0 CHECK (opened IN (0,1)),
    -- AssignmentKind::id() ('verivali' when the JSON leaves it out).
    kind         TEXT NOT NULL GENERATED ALWAYS AS
                   (coalesce(json_extract(content, '$.kind'), 'verivali')) STORED,
    updated_at   TEXT NOT NULL,
    -- Last, so that reading the list's columns never walks the JSON's overflow pages.
    content      TEXT NOT NULL
, listed INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0,1))) STRICT;

CREATE INDEX assignments_desa ON assignments (desa_code, active);

CREATE VIRTUAL TABLE assignment_search USING fts5 (
    head_name, names, numbers, address,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 6 8'
);

CREATE TRIGGER assignments_index_delete AFTER DELETE ON assignments BEGIN
    DELETE FROM assignment_search WHERE rowid = OLD.seq;
END;

CREATE TABLE "households" (
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
    kind              TEXT NOT NULL CHECK (kind IN ('verivali','usulan_baru','ground_check',
                        'usul_sanggah','reaktivasi_pbi_jk','graduasi_pkh')),
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
                        CHECK (questionnaire IN ('dtks-bdt','regsosek2022k','kasus-usul-sanggah',
                               'kasus-reaktivasi-pbi-jk','kasus-graduasi-pkh')),
    content           TEXT NOT NULL,
    gc_outcome        TEXT
        CHECK (gc_outcome IS NULL OR gc_outcome IN ('found','moved','died','not_found')),
    gc_nobody_home    INTEGER NOT NULL DEFAULT 0,
    gc_last_visit_at  TEXT,
    gc_awaits_revisit INTEGER NOT NULL DEFAULT 0 CHECK (gc_awaits_revisit IN (0,1))
) STRICT;

CREATE INDEX households_state ON households (state, seq);

CREATE INDEX households_desa ON households (desa_code, state, seq);

CREATE INDEX households_revisit ON households (gc_last_visit_at, seq) WHERE gc_awaits_revisit = 1;

CREATE TRIGGER households_open_assignment AFTER INSERT ON households BEGIN
    UPDATE assignments SET opened = 1 WHERE household_id = NEW.id;
END;

CREATE TRIGGER households_reopen_assignment AFTER DELETE ON households BEGIN
    UPDATE assignments SET opened = 0 WHERE household_id = OLD.id;
END;

CREATE TABLE "outbox" (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    revision        TEXT NOT NULL UNIQUE,
    household_id    TEXT NOT NULL,
    base_revision   TEXT,
    op              TEXT NOT NULL CHECK (op IN ('upsert','delete')),
    content         TEXT,
    saved_at        TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','rejected','conflict')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_attempt_at TEXT,
    findings        TEXT,
    questionnaire   TEXT NOT NULL DEFAULT 'dtks-bdt'
        CHECK (questionnaire IN ('dtks-bdt','regsosek2022k','kasus-usul-sanggah',
               'kasus-reaktivasi-pbi-jk','kasus-graduasi-pkh'))
) STRICT;

CREATE INDEX outbox_status ON outbox (status, seq);

CREATE INDEX outbox_household ON outbox (household_id);

CREATE INDEX assignments_worklist ON assignments (head_name, household_id)
    WHERE active = 1 AND opened = 0 AND listed = 1;

CREATE INDEX assignments_worklist_desa ON assignments (desa_code, head_name, household_id)
    WHERE active = 1 AND opened = 0 AND listed = 1;

CREATE INDEX assignments_unlisted ON assignments (listed) WHERE listed = 0;

CREATE TRIGGER assignments_open_insert AFTER INSERT ON assignments BEGIN
    UPDATE assignments SET opened = 1
    WHERE seq = NEW.seq AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id);
END;

CREATE TRIGGER assignments_index_insert AFTER INSERT ON assignments WHEN NEW.listed = 1 BEGIN
    INSERT INTO assignment_search (rowid, head_name, names, numbers, address)
    VALUES (
        NEW.seq,
        NEW.head_name,
        coalesce((SELECT group_concat(json_extract(m.value, '$.name'), ' ')
                  FROM json_each(NEW.content, '$.members') m), ''),
        NEW.prelist_id
            || coalesce(' ' || (SELECT group_concat(json_extract(m.value, '$.nik'), ' ')
                                FROM json_each(NEW.content, '$.members') m), '')
            || coalesce(' ' || (SELECT group_concat(json_extract(f.value, '$.kk_number'), ' ')
                                FROM json_each(NEW.content, '$.families') f), ''),
        coalesce(json_extract(NEW.content, '$.address'), '')
    );
END;

CREATE TRIGGER assignments_index_listed AFTER UPDATE OF listed ON assignments
WHEN OLD.listed = 0 AND NEW.listed = 1 BEGIN
    INSERT INTO assignment_search (rowid, head_name, names, numbers, address)
    VALUES (
        NEW.seq,
        NEW.head_name,
        coalesce((SELECT group_concat(json_extract(m.value, '$.name'), ' ')
                  FROM json_each(NEW.content, '$.members') m), ''),
        NEW.prelist_id
            || coalesce(' ' || (SELECT group_concat(json_extract(m.value, '$.nik'), ' ')
                                FROM json_each(NEW.content, '$.members') m), '')
            || coalesce(' ' || (SELECT group_concat(json_extract(f.value, '$.kk_number'), ' ')
                                FROM json_each(NEW.content, '$.families') f), ''),
        coalesce(json_extract(NEW.content, '$.address'), '')
    );
END;

CREATE TRIGGER assignments_index_update AFTER UPDATE OF prelist_id, head_name, content
ON assignments WHEN OLD.listed = 1 AND NEW.listed = 1 BEGIN
    DELETE FROM assignment_search WHERE rowid = OLD.seq;
    INSERT INTO assignment_search (rowid, head_name, names, numbers, address)
    VALUES (
        NEW.seq,
        NEW.head_name,
        coalesce((SELECT group_concat(json_extract(m.value, '$.name'), ' ')
                  FROM json_each(NEW.content, '$.members') m), ''),
        NEW.prelist_id
            || coalesce(' ' || (SELECT group_concat(json_extract(m.value, '$.nik'), ' ')
                                FROM json_each(NEW.content, '$.members') m), '')
            || coalesce(' ' || (SELECT group_concat(json_extract(f.value, '$.kk_number'), ' ')
                                FROM json_each(NEW.content, '$.families') f), ''),
        coalesce(json_extract(NEW.content, '$.address'), '')
    );
END;

CREATE TABLE family_desil (
    kk_number   TEXT PRIMARY KEY NOT NULL,
    desil       INTEGER NOT NULL CHECK (desil BETWEEN 1 AND 10),
    import_id   INTEGER NOT NULL,
    imported_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
