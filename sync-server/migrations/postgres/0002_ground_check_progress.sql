-- The DTSEN ground check's progress facts beside each revision (issue 20; SQLite 0008), so the
-- dashboard counts assigned / visited / found / moved / died / not found / to revisit per desa
-- and pendamping in one grouped query, without unpacking records (store/ground_check.rs).
-- NULL visits: not a ground-check family (a DTKS household, a DTSEN usulan baru, a delete).
ALTER TABLE revisions ADD COLUMN ground_check_visits integer;
ALTER TABLE revisions ADD COLUMN ground_check_outcome text
    CHECK (ground_check_outcome IN ('found', 'moved', 'died', 'not_found'));
ALTER TABLE revisions ADD COLUMN ground_check_revisit boolean;
