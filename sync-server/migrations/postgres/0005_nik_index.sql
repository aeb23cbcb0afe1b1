-- Duplicate NIKs across the registry, as SQLite's migration 0010.
CREATE TABLE nik_index_key (
    id          integer PRIMARY KEY CHECK (id = 1),
    fingerprint text NOT NULL
);
CREATE TABLE nik_indexed (
    household_id  uuid PRIMARY KEY,
    head_revision uuid
);
CREATE TABLE nik_index (
    digest       bytea NOT NULL,
    household_id uuid NOT NULL,
    member       text NOT NULL,
    member_name  text NOT NULL,
    desa_code    text COLLATE "C" NOT NULL,
    PRIMARY KEY (digest, household_id, member)
);
CREATE INDEX nik_index_by_household ON nik_index (household_id);
