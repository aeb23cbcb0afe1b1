-- The DTSEN ground check's progress facts beside each revision (issue 20), so the dashboard
-- counts assigned / visited / found / moved / died / not found / to revisit per desa and
-- pendamping in one grouped query, without unpacking records (store/ground_check.rs).
-- NULL visits: not a ground-check family (a DTKS household, a DTSEN usulan baru, a delete).
-- Families stored before this migration get their facts at the store's next start
-- (sqlite/ground_check.rs backfill), since their changes are packed.
-- Append-only: columns without a default rewrite nothing.
ALTER TABLE revisions ADD COLUMN ground_check_visits INTEGER;
ALTER TABLE revisions ADD COLUMN ground_check_outcome TEXT
    CHECK (ground_check_outcome IN ('found', 'moved', 'died', 'not_found'));
ALTER TABLE revisions ADD COLUMN ground_check_revisit INTEGER
    CHECK (ground_check_revisit IN (0, 1));
