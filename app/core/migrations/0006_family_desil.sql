-- Pendata client store, migration 0006: the desil of the families in the user's wilayah
-- (issue 21 §3), as the server sends it with the pull (`protocol::DesilUpdate`). BPS's number
-- from the Dinsos's SIKS-NG import: the device shows it, never computes it. A KK number is
-- personal data; it stays in this encrypted store. `import_id` and `imported_at` name the
-- server's import the value came with (shown beside it). Append-only: never edit after release.

CREATE TABLE family_desil (
    kk_number   TEXT PRIMARY KEY NOT NULL,
    desil       INTEGER NOT NULL CHECK (desil BETWEEN 1 AND 10),
    import_id   INTEGER NOT NULL,
    imported_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
