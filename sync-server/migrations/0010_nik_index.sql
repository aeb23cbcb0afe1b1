-- Duplicate NIKs across the registry (issue 21, nik_index.rs): an HMAC-SHA256 of each member's
-- NIK under a key kept outside the database, never the NIK. Derived data: rebuilt at will.
CREATE TABLE nik_index_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL
) STRICT;
-- Which revision of each household the index reflects.
CREATE TABLE nik_indexed (
    household_id  TEXT PRIMARY KEY,
    head_revision TEXT
) STRICT, WITHOUT ROWID;
CREATE TABLE nik_index (
    digest       BLOB NOT NULL,
    household_id TEXT NOT NULL,
    member       TEXT NOT NULL,
    member_name  TEXT NOT NULL,
    desa_code    TEXT NOT NULL,
    PRIMARY KEY (digest, household_id, member)
) STRICT, WITHOUT ROWID;
CREATE INDEX nik_index_by_household ON nik_index (household_id);
