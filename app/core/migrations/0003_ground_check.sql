-- Pendata client store, schema 3: DTSEN families beside DTKS households (issue 20).
-- Append-only: never edit after release.
--
-- Schema 2 already gave `households` the `questionnaire` column ('dtks-bdt' for every existing
-- record, 'regsosek2022k' for a DTSEN family whose content is a Regsosek2022K FamilyRecord) and
-- the 'ground_check' kind. This adds what the revisit list needs, kept in columns so that it is
-- found without reading every record's JSON, and the questionnaire of each revision waiting in
-- the outbox (a DTSEN family is pushed as `Change::UpsertFamily`). Existing rows keep their
-- content untouched: every DTKS household has no ground check, every outbox row is 'dtks-bdt'.

-- The ground-check outcome id ('found', 'moved', 'died', 'not_found'), once recorded.
ALTER TABLE households ADD COLUMN gc_outcome TEXT
    CHECK (gc_outcome IS NULL OR gc_outcome IN ('found','moved','died','not_found'));
-- Visits where nobody was home.
ALTER TABLE households ADD COLUMN gc_nobody_home INTEGER NOT NULL DEFAULT 0;
-- When the last visit was (the store's timestamp format).
ALTER TABLE households ADD COLUMN gc_last_visit_at TEXT;
-- 1 while the family waits for another visit: no outcome yet and nobody home at the last one.
ALTER TABLE households ADD COLUMN gc_awaits_revisit INTEGER NOT NULL DEFAULT 0
    CHECK (gc_awaits_revisit IN (0,1));
CREATE INDEX households_revisit ON households (gc_last_visit_at, seq) WHERE gc_awaits_revisit = 1;

ALTER TABLE outbox ADD COLUMN questionnaire TEXT NOT NULL DEFAULT 'dtks-bdt'
    CHECK (questionnaire IN ('dtks-bdt','regsosek2022k'));
