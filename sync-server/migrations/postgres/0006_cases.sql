-- Case work (issue 21 §1), as SQLite's 0011_cases.sql. Append-only.
CREATE TABLE cases (
    id             uuid PRIMARY KEY REFERENCES households (id),
    kind           text NOT NULL CHECK (kind IN ('usul_sanggah', 'reaktivasi_pbi_jk', 'graduasi_pkh')),
    source_id      text NOT NULL,
    source         text NOT NULL CHECK (source IN ('import', 'hand')),
    desa_code      text COLLATE "C" NOT NULL,
    assigned_to    text,
    due_date       date NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     text,
    subject        text NOT NULL,
    decision       text CHECK (decision IN ('reactivated', 'refused')),
    letter_no      text,
    letter_date    date,
    update_due     date,
    refusal_reason text,
    decided_by     text,
    decided_at     timestamptz,
    UNIQUE (kind, source_id)
);
CREATE INDEX cases_by_desa_due ON cases (desa_code, due_date);
CREATE INDEX cases_by_update_due ON cases (update_due) WHERE decision = 'reactivated';
-- The case records' questionnaire ids and the case assignments' kinds join the lists of
-- 0001 (NOT VALID: every stored row holds an id of the old, smaller list).
ALTER TABLE households DROP CONSTRAINT households_questionnaire_check,
    ADD CONSTRAINT households_questionnaire_check CHECK (questionnaire IN ('dtks-bdt',
        'regsosek2022k', 'kasus-usul-sanggah', 'kasus-reaktivasi-pbi-jk', 'kasus-graduasi-pkh'))
        NOT VALID;
ALTER TABLE households DROP CONSTRAINT households_assignment_kind_check,
    ADD CONSTRAINT households_assignment_kind_check CHECK (assignment_kind IN ('verivali',
        'ground_check', 'usulan_baru', 'usul_sanggah', 'reaktivasi_pbi_jk', 'graduasi_pkh'))
        NOT VALID;
ALTER TABLE revisions DROP CONSTRAINT revisions_questionnaire_check,
    ADD CONSTRAINT revisions_questionnaire_check CHECK (questionnaire IN ('dtks-bdt',
        'regsosek2022k', 'kasus-usul-sanggah', 'kasus-reaktivasi-pbi-jk', 'kasus-graduasi-pkh'))
        NOT VALID;
