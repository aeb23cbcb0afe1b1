-- Pendata client store, migration 0005: cases beside households and families (issue 21 §1).
-- Append-only: never edit after release.
--
-- A case (usul-sanggah verification, PBI-JK reactivation, graduasi PKH) is a record like the
-- others: one row in `households` whose `questionnaire` names the case kind
-- ('kasus-usul-sanggah', 'kasus-reaktivasi-pbi-jk', 'kasus-graduasi-pkh') and whose `content`
-- is a `pendata_shared::cases::CaseRecord`; its `kind` is the assignment kind ('usul_sanggah',
-- 'reaktivasi_pbi_jk', 'graduasi_pkh'), its `prelist_id` the case number. It shares the life
-- cycle, the audit trail, the search index, the photos and the outbox.
--
-- SQLite cannot widen a CHECK constraint in place, so `households` and `outbox` are rebuilt
-- (the twelve-step procedure, as in 0002; the runner turns foreign keys off around it). `seq`
-- is copied, so household_search's rowids stay valid; the outbox's AUTOINCREMENT counter is
-- carried over so that no sequence number is ever reused. No existing row changes. DROP TABLE
-- drops a table's triggers: 0004's two triggers on `households` are created again. A trigger
-- that reads `households` (0004's assignments_index_insert) would stop the rename of the new
-- table while `households` is missing (SQLite checks the schema), so it is dropped first and
-- created again, unchanged, after (SQLite's documented procedure).

DROP TRIGGER assignments_index_insert;

CREATE TABLE households_v5 (
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
INSERT INTO households_v5 (seq, id, state, revision, revision_frozen, base_revision,
        acked_revision, server_revision, kind, prelist_id, desa_code, head_name, address,
        member_count, review_note, session_started_at, created_at, updated_at, questionnaire,
        content, gc_outcome, gc_nobody_home, gc_last_visit_at, gc_awaits_revisit)
    SELECT seq, id, state, revision, revision_frozen, base_revision,
        acked_revision, server_revision, kind, prelist_id, desa_code, head_name, address,
        member_count, review_note, session_started_at, created_at, updated_at, questionnaire,
        content, gc_outcome, gc_nobody_home, gc_last_visit_at, gc_awaits_revisit
    FROM households;
DROP TABLE households;
ALTER TABLE households_v5 RENAME TO households;
CREATE INDEX households_state ON households (state, seq);
CREATE INDEX households_desa ON households (desa_code, state, seq);
CREATE INDEX households_revisit ON households (gc_last_visit_at, seq) WHERE gc_awaits_revisit = 1;
CREATE TRIGGER households_open_assignment AFTER INSERT ON households BEGIN
    UPDATE assignments SET opened = 1 WHERE household_id = NEW.id;
END;
CREATE TRIGGER households_reopen_assignment AFTER DELETE ON households BEGIN
    UPDATE assignments SET opened = 0 WHERE household_id = OLD.id;
END;
CREATE TRIGGER assignments_index_insert AFTER INSERT ON assignments BEGIN
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
    UPDATE assignments SET opened = 1
    WHERE seq = NEW.seq AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id);
END;

CREATE TABLE outbox_v5 (
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
INSERT INTO outbox_v5 (seq, revision, household_id, base_revision, op, content, saved_at,
        status, attempts, last_error, last_attempt_at, findings, questionnaire)
    SELECT seq, revision, household_id, base_revision, op, content, saved_at,
        status, attempts, last_error, last_attempt_at, findings, questionnaire
    FROM outbox;
-- The counter: at least what the old table had handed out.
DELETE FROM sqlite_sequence WHERE name = 'outbox_v5';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'outbox_v5', max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
                            coalesce((SELECT max(seq) FROM outbox), 0));
DROP TABLE outbox;
ALTER TABLE outbox_v5 RENAME TO outbox;
CREATE INDEX outbox_status ON outbox (status, seq);
CREATE INDEX outbox_household ON outbox (household_id);
