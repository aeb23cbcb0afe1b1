-- Pendata client store, schema 7: a sync lists the assignments it pulled once, at the end of
-- its pull, instead of indexing each row as it arrives (issue 18).
-- Append-only: never edit after release.
--
-- Schema 4 put every pulled assignment into the work list's two partial indexes (ordered by
-- head name: each row lands on a random leaf) and into assignment_search (FTS5 with six prefix
-- indexes) by triggers, one pull page (100 rows, one transaction) at a time. In the browser's
-- rollback journal every transaction journals and rewrites, encrypted, each page it touches,
-- and FTS5 writes a new segment per transaction and merges them: 20,000 assignments wrote ~500 MB
-- and the first sync went from 18.6 s to 42 s. Now:
-- * `listed` (1 for the rows already here) is 0 for a row a sync has pulled but not listed yet;
--   the list's partial indexes cover listed rows only, and the search index holds listed rows
--   only, so a pulled row costs an append to the table;
-- * `UPDATE assignments SET listed = 1 WHERE listed = 0` (Store::list_pulled_assignments, at the
--   end of each pull and whenever the store opens) lists them in one transaction: each index
--   leaf is written once, FTS5 builds one set of segments;
-- * the insert and update triggers index listed rows only; a row that becomes listed is indexed
--   by assignments_index_listed (the same columns as 0004's).

ALTER TABLE assignments ADD COLUMN listed INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0,1));

DROP INDEX assignments_worklist;
DROP INDEX assignments_worklist_desa;
CREATE INDEX assignments_worklist ON assignments (head_name, household_id)
    WHERE active = 1 AND opened = 0 AND listed = 1;
CREATE INDEX assignments_worklist_desa ON assignments (desa_code, head_name, household_id)
    WHERE active = 1 AND opened = 0 AND listed = 1;
-- The rows waiting to be listed (none between syncs).
CREATE INDEX assignments_unlisted ON assignments (listed) WHERE listed = 0;

DROP TRIGGER assignments_index_insert;
DROP TRIGGER assignments_index_update;

CREATE TRIGGER assignments_open_insert AFTER INSERT ON assignments BEGIN
    UPDATE assignments SET opened = 1
    WHERE seq = NEW.seq AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id);
END;

CREATE TRIGGER assignments_index_insert AFTER INSERT ON assignments WHEN NEW.listed = 1 BEGIN
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

CREATE TRIGGER assignments_index_listed AFTER UPDATE OF listed ON assignments
WHEN OLD.listed = 0 AND NEW.listed = 1 BEGIN
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

-- A listed row whose words changed is indexed again; an unlisted one is indexed when listed.
CREATE TRIGGER assignments_index_update AFTER UPDATE OF prelist_id, head_name, content
ON assignments WHEN OLD.listed = 1 AND NEW.listed = 1 BEGIN
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
