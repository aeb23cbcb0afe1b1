-- 0004: the pair tables become WITHOUT ROWID tables.
-- Append-only: never edit this file once shipped; add 0005_*.sql instead.
--
-- A rowid table whose PRIMARY KEY is not an INTEGER keeps every row twice: once in the table
-- and once in the key's automatic index. These four tables are nothing but their key, so each
-- push wrote their rows twice (a household's 9 photo rows alone were ~18 B-tree entries).
-- WITHOUT ROWID stores each row once, in key order. Same columns, keys and index; the rows
-- are copied over.

CREATE TABLE revision_missing_photos_new (
    revision TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    PRIMARY KEY (sha256, revision)
) STRICT, WITHOUT ROWID;
INSERT INTO revision_missing_photos_new (revision, sha256)
    SELECT revision, sha256 FROM revision_missing_photos;
DROP TABLE revision_missing_photos;
ALTER TABLE revision_missing_photos_new RENAME TO revision_missing_photos;
CREATE INDEX revision_missing_by_revision ON revision_missing_photos (revision);

CREATE TABLE photos_complete_new (
    sha256       TEXT PRIMARY KEY,
    completed_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO photos_complete_new (sha256, completed_at)
    SELECT sha256, completed_at FROM photos_complete;
DROP TABLE photos_complete;
ALTER TABLE photos_complete_new RENAME TO photos_complete;

CREATE TABLE household_photos_new (
    sha256       TEXT NOT NULL,
    household_id TEXT NOT NULL,
    PRIMARY KEY (sha256, household_id)
) STRICT, WITHOUT ROWID;
INSERT INTO household_photos_new (sha256, household_id)
    SELECT sha256, household_id FROM household_photos;
DROP TABLE household_photos;
ALTER TABLE household_photos_new RENAME TO household_photos;

CREATE TABLE household_pushers_new (
    household_id TEXT NOT NULL,
    username     TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (household_id, username)
) STRICT, WITHOUT ROWID;
INSERT INTO household_pushers_new (household_id, username)
    SELECT household_id, username FROM household_pushers;
DROP TABLE household_pushers;
ALTER TABLE household_pushers_new RENAME TO household_pushers;
