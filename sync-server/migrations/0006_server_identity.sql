-- 0006: the server's identity and restore lineage (docs/sync-protocol.md, "After a restore").
-- Append-only: never edit this file once shipped; add 0007_*.sql instead.

-- One row. `server_id` is made once, when this migration first runs, and kept by every backup
-- and restore. Each `pendata-server restore` starts a new timeline: `generation` goes up by
-- one and `timeline` gets a new random value (two restores of the same backup are two
-- timelines with the same generation), so a device can tell that the server went back.
CREATE TABLE server_identity (
    only_row   INTEGER PRIMARY KEY CHECK (only_row = 1),
    server_id  TEXT    NOT NULL,
    generation INTEGER NOT NULL CHECK (generation >= 1),
    timeline   TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;

INSERT INTO server_identity (only_row, server_id, generation, timeline, created_at)
VALUES (1, lower(hex(randomblob(16))), 1, lower(hex(randomblob(8))),
        strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- The restores this database descends from, oldest first: timeline `timeline` began from a
-- backup of timeline `from_timeline` whose change log ended at `base_seq`. A pull cursor of
-- an earlier timeline is re-based to the smallest `base_seq` after it (pulls re-based).
CREATE TABLE server_restores (
    generation    INTEGER PRIMARY KEY,
    timeline      TEXT    NOT NULL UNIQUE,
    from_timeline TEXT    NOT NULL,
    base_seq      INTEGER NOT NULL,
    snapshot      TEXT    NOT NULL,
    restored_at   TEXT    NOT NULL
) STRICT;
