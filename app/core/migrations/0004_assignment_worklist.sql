-- Pendata client store, schema 4: the work list reads the prelist through indexes (issue 18).
-- Append-only: never edit after release.
--
-- Until schema 3 the list of unopened assignments filtered with LIKE over each assignment's
-- JSON, checked `households` for every row and sorted by head_name without an index: every page
-- and every search read (and decrypted) the whole table, 1.4-2 s at 20,000 assignments in the
-- browser. Now:
-- * `assignments` gets `seq INTEGER PRIMARY KEY` (a rowid that VACUUM keeps: the search index
--   refers to it), `opened` (1 while a record with the assignment's id is in `households`) and
--   `kind` (the assignment kind id, from the JSON), and partial indexes in the list's order
--   (head_name, household_id) over the rows the list shows: active and not opened;
-- * `assignment_search` indexes what household_search indexes, with the same tokenizer and
--   prefixes (head's name, every member's name, the numbers — NIK, KK, prelist id — and the
--   address), so the same words find a prelist household before and after it is opened. It
--   lives in the same encrypted database as household_search, which holds the same numbers;
-- * triggers keep both true on every write, whoever writes: a pull, a restore, a record opened
--   from the assignment or purged after it was sent. A later migration that rebuilds
--   `households` must create households_open_assignment and households_reopen_assignment again
--   (DROP TABLE drops a table's triggers).
-- The table is rebuilt through a rename, so the rows copied into the new table go through the
-- very triggers that maintain it later (one definition of the index, backfill included).

ALTER TABLE assignments RENAME TO assignments_v3;
-- The old index keeps its name on the renamed table; free it for the new one.
DROP INDEX assignments_desa;

CREATE TABLE assignments (
    seq          INTEGER PRIMARY KEY,
    household_id TEXT NOT NULL UNIQUE,
    prelist_id   TEXT NOT NULL,
    desa_code    TEXT NOT NULL,
    head_name    TEXT NOT NULL,
    active       INTEGER NOT NULL CHECK (active IN (0,1)),
    -- 1 while `households` holds a record with this id (kept by triggers).
    opened       INTEGER NOT NULL DEFAULT 0 CHECK (opened IN (0,1)),
    -- AssignmentKind::id() ('verivali' when the JSON leaves it out).
    kind         TEXT NOT NULL GENERATED ALWAYS AS
                   (coalesce(json_extract(content, '$.kind'), 'verivali')) STORED,
    updated_at   TEXT NOT NULL,
    -- Last, so that reading the list's columns never walks the JSON's overflow pages.
    content      TEXT NOT NULL
) STRICT;
CREATE INDEX assignments_desa ON assignments (desa_code, active);
-- The work list, all desa and one desa: only the rows it shows, in its order.
CREATE INDEX assignments_worklist ON assignments (head_name, household_id)
    WHERE active = 1 AND opened = 0;
CREATE INDEX assignments_worklist_desa ON assignments (desa_code, head_name, household_id)
    WHERE active = 1 AND opened = 0;

-- Full-text index of the prelist: rowid = assignments.seq (household_search's columns but desa).
CREATE VIRTUAL TABLE assignment_search USING fts5 (
    head_name, names, numbers, address,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 6 8'
);

CREATE TRIGGER assignments_index_insert AFTER INSERT ON assignments BEGIN
    INSERT INTO assignment_search (rowid, head_name, names, numbers, address)
    VALUES (
        NEW.seq,
        NEW.head_name,
        coalesce((SELECT group_concat(json_extract(m.value, '$.name'), ' ')
                  FROM json_each(NEW.content, '$.members') m), ''),
        NEW.prelist_id
            || coalesce(' ' || (SELECT group_concat(json_extract(m.value, '$.nik'), ' ')
                                FROM json_each(NEW.content, '$.members') m), '')
            || coalesce(' ' || (SELECT group_concat(json_extract(f.value, '$.kk_number'), ' ')
                                FROM json_each(NEW.content, '$.families') f), ''),
        coalesce(json_extract(NEW.content, '$.address'), '')
    );
    UPDATE assignments SET opened = 1
    WHERE seq = NEW.seq AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id);
END;

CREATE TRIGGER assignments_index_update AFTER UPDATE OF prelist_id, head_name, content
ON assignments BEGIN
    DELETE FROM assignment_search WHERE rowid = OLD.seq;
    INSERT INTO assignment_search (rowid, head_name, names, numbers, address)
    VALUES (
        NEW.seq,
        NEW.head_name,
        coalesce((SELECT group_concat(json_extract(m.value, '$.name'), ' ')
                  FROM json_each(NEW.content, '$.members') m), ''),
        NEW.prelist_id
            || coalesce(' ' || (SELECT group_concat(json_extract(m.value, '$.nik'), ' ')
                                FROM json_each(NEW.content, '$.members') m), '')
            || coalesce(' ' || (SELECT group_concat(json_extract(f.value, '$.kk_number'), ' ')
                                FROM json_each(NEW.content, '$.families') f), ''),
        coalesce(json_extract(NEW.content, '$.address'), '')
    );
END;

CREATE TRIGGER assignments_index_delete AFTER DELETE ON assignments BEGIN
    DELETE FROM assignment_search WHERE rowid = OLD.seq;
END;

CREATE TRIGGER households_open_assignment AFTER INSERT ON households BEGIN
    UPDATE assignments SET opened = 1 WHERE household_id = NEW.id;
END;

CREATE TRIGGER households_reopen_assignment AFTER DELETE ON households BEGIN
    UPDATE assignments SET opened = 0 WHERE household_id = OLD.id;
END;

-- The backfill: every row through the insert trigger, in the order they were stored.
INSERT INTO assignments (household_id, prelist_id, desa_code, head_name, active, updated_at,
                         content)
SELECT household_id, prelist_id, desa_code, head_name, active, updated_at, content
FROM assignments_v3 ORDER BY rowid;
DROP TABLE assignments_v3;
