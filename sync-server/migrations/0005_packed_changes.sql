-- 0005: a revision's change is stored compressed, and the interview facts the progress page
-- reads are columns of their own.
-- Append-only: never edit this file once shipped; add 0006_*.sql instead.
--
-- An 8 KB household change took its row plus two overflow pages (~12 KB written to the WAL
-- and copied back at each checkpoint); compressed (`store::packed`: a codec byte, then an LZ4
-- block) it is ~3.4 KB and fits its leaf page. A row written from now on keeps
-- `change_json` = '' and its bytes in `change_packed`; rows written before keep their
-- `change_json` and a NULL `change_packed`, and are read as before (no row is rewritten, so
-- this migration is instant on any database).
--
-- The progress page read three interview fields with json_extract on the change; a packed
-- change cannot be read by SQLite's JSON functions, so they are written beside it (NULL on
-- rows written before, where the page still reads the JSON).

ALTER TABLE revisions ADD COLUMN change_packed BLOB;
ALTER TABLE revisions ADD COLUMN interview_enumerator TEXT;
ALTER TABLE revisions ADD COLUMN interview_opened INTEGER CHECK (interview_opened IN (0, 1));
ALTER TABLE revisions ADD COLUMN interview_finalized INTEGER CHECK (interview_finalized IN (0, 1));
