-- The desil BPS gives each family (issue 21), as SQLite's migration 0009.
CREATE TABLE desil_imports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    imported_at timestamptz NOT NULL,
    label       text NOT NULL,
    username    text,
    rows        bigint NOT NULL,
    families    bigint NOT NULL
);
CREATE TABLE family_desil (
    kk_number text PRIMARY KEY,
    desil     smallint NOT NULL CHECK (desil BETWEEN 1 AND 10),
    import_id bigint NOT NULL REFERENCES desil_imports (id)
);
