-- A DTSEN family pushed as a new record (not onto an imported assignment) was stored with the
-- column's default questionnaire 'dtks-bdt' until this version (the push did not write it), so
-- its next revision was refused as questionnaire.mismatch. Every record with a Regsosek2022K
-- revision is a family: say so. (SQLite always wrote it.)
UPDATE households h SET questionnaire = 'regsosek2022k'
WHERE h.questionnaire = 'dtks-bdt'
  AND EXISTS (SELECT 1 FROM revisions r
              WHERE r.household_id = h.id AND r.questionnaire = 'regsosek2022k');
