-- Case work (issue 21 §1): usul-sanggah verifications, PBI-JK reactivations, graduasi PKH.
-- A case is a households row (its assignment, pulled by devices; the record pushed back for
-- that id is the field finding) plus this row: what the case is about, its due date, and the
-- supervisor's PBI-JK decision. Append-only: never edit once shipped.
-- The same step widens the CHECK lists of households.questionnaire, households.assignment_kind
-- and revisions.questionnaire to the case ids: in Rust (store/sqlite/cases.rs, widen_checks),
-- since SQLite has no ALTER for a CHECK.
CREATE TABLE cases (
    id             TEXT PRIMARY KEY REFERENCES households (id),
    kind           TEXT NOT NULL CHECK (kind IN ('usul_sanggah', 'reaktivasi_pbi_jk', 'graduasi_pkh')),
    source_id      TEXT NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('import', 'hand')),
    desa_code      TEXT NOT NULL,
    assigned_to    TEXT,
    due_date       TEXT NOT NULL,                 -- YYYY-MM-DD
    created_at     TEXT NOT NULL,
    created_by     TEXT,
    subject        TEXT NOT NULL,                 -- JSON of store::cases::CaseSubject
    decision       TEXT CHECK (decision IN ('reactivated', 'refused')),
    letter_no      TEXT,
    letter_date    TEXT,
    update_due     TEXT,
    refusal_reason TEXT,
    decided_by     TEXT,
    decided_at     TEXT,
    UNIQUE (kind, source_id)
) STRICT;
CREATE INDEX cases_by_desa_due ON cases (desa_code, due_date);
CREATE INDEX cases_by_update_due ON cases (update_due) WHERE decision = 'reactivated';
