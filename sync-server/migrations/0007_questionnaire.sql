-- Questionnaire versions (issue 20): every record says which questionnaire it answers,
-- 'dtks-bdt' (the DTKS household form; every row from before) or 'regsosek2022k' (a DTSEN
-- family, Regsosek2022K). Assignments say what they ask: verivali, ground_check, usulan_baru.
-- Append-only: columns with defaults, no rewrite of existing rows.
ALTER TABLE households ADD COLUMN questionnaire TEXT NOT NULL DEFAULT 'dtks-bdt'
    CHECK (questionnaire IN ('dtks-bdt', 'regsosek2022k'));
ALTER TABLE households ADD COLUMN assignment_kind TEXT NOT NULL DEFAULT 'verivali'
    CHECK (assignment_kind IN ('verivali', 'ground_check', 'usulan_baru'));
ALTER TABLE revisions ADD COLUMN questionnaire TEXT NOT NULL DEFAULT 'dtks-bdt'
    CHECK (questionnaire IN ('dtks-bdt', 'regsosek2022k'));
CREATE INDEX households_by_kind ON households (assignment_kind, desa_code);
