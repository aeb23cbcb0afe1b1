-- The desil BPS gives each family (issue 21), imported from SIKS-NG's "Pemeringkatan Desil"
-- export. One row per KK number; an import overwrites the families it names and leaves the
-- others. The file's NIKs are checked and dropped: they are not needed to show a desil.
CREATE TABLE desil_imports (
    id          INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    label       TEXT NOT NULL,
    username    TEXT,
    rows        INTEGER NOT NULL,
    families    INTEGER NOT NULL
);
CREATE TABLE family_desil (
    kk_number TEXT PRIMARY KEY,
    desil     INTEGER NOT NULL CHECK (desil BETWEEN 1 AND 10),
    import_id INTEGER NOT NULL REFERENCES desil_imports (id)
) WITHOUT ROWID;
