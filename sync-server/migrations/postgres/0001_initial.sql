-- PostgreSQL 0001: the whole schema of the SQLite migrations 0001-0005 for a new database, plus
-- what more than one server process needs (the change log's head row, shared login failures).
-- Append-only: never edit this file once shipped; add 0002_*.sql instead.
--
-- Region codes are compared byte-wise (COLLATE "C"), so a wilayah scope (a code prefix) is a
-- range `desa_code >= p AND desa_code < p || ':'` ('9' < ':') that a b-tree index answers.

CREATE TABLE users (
    id            bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text    NOT NULL,
    password_hash text    NOT NULL,               -- argon2id PHC string
    role          text    NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'admin')),
    wilayah       text    NOT NULL,               -- dotless region code prefix; '' = all (admins)
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);
-- Usernames are unique without regard to case (SQLite: COLLATE NOCASE).
CREATE UNIQUE INDEX users_by_name ON users (lower(username));

CREATE TABLE devices (
    user_id       bigint NOT NULL REFERENCES users (id),
    device_id     uuid   NOT NULL,
    device_name   text   NOT NULL,
    first_seen_at timestamptz NOT NULL,
    last_login_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Only the SHA-256 of a token is stored.
CREATE TABLE tokens (
    token_sha256 bytea  PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    device_id    uuid   NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX tokens_by_user_device ON tokens (user_id, device_id);

-- Dashboard sessions; times are Unix seconds.
CREATE TABLE web_sessions (
    id_sha256    bytea  PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    csrf         text   NOT NULL,
    created_at   bigint NOT NULL,
    last_seen_at bigint NOT NULL
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);

-- Failed logins of every server process, so all of them enforce one limit.
CREATE TABLE login_failures (
    key       text        NOT NULL,              -- 'u:' lower-case username, 'ip:' address
    failed_at timestamptz NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, failed_at);

CREATE TABLE households (
    id             uuid    PRIMARY KEY,
    desa_code      text    COLLATE "C" NOT NULL,
    head_revision  uuid,
    deleted        boolean NOT NULL DEFAULT false,
    review_state   text    NOT NULL CHECK (review_state IN ('assigned', 'submitted', 'approved', 'rejected')),
    open_conflicts integer NOT NULL DEFAULT 0,
    incomplete     boolean NOT NULL DEFAULT false,
    head_name      text    NOT NULL DEFAULT '',
    prelist_id     text    UNIQUE,
    assignment     text,                          -- JSON of the Assignment (prelist households)
    assigned_to    text,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    -- which questionnaire the record answers, what its assignment asks (SQLite 0007)
    questionnaire  text    NOT NULL DEFAULT 'dtks-bdt'
        CHECK (questionnaire IN ('dtks-bdt', 'regsosek2022k')),
    assignment_kind text   NOT NULL DEFAULT 'verivali'
        CHECK (assignment_kind IN ('verivali', 'ground_check', 'usulan_baru'))
);
CREATE INDEX households_by_desa ON households (desa_code, id);
CREATE INDEX households_by_kind ON households (assignment_kind, desa_code);
CREATE INDEX households_by_head ON households (head_revision);

-- Every stored revision, at most once. The change is packed (store::packed: codec byte + LZ4).
CREATE TABLE revisions (
    revision            uuid    PRIMARY KEY,
    seq                 bigint  GENERATED ALWAYS AS IDENTITY,
    household_id        uuid    NOT NULL REFERENCES households (id),
    base_revision       uuid,
    content_sha256      text    NOT NULL,
    op                  text    NOT NULL CHECK (op IN ('upsert', 'delete')),
    change_packed       bytea   NOT NULL,
    device_id           uuid    NOT NULL,
    username            text    NOT NULL,
    saved_at            timestamptz NOT NULL,
    received_at         timestamptz NOT NULL,
    state               text    NOT NULL CHECK (state IN ('current', 'superseded', 'conflict', 'resolved_away')),
    conflict_reason     text,
    incomplete          boolean NOT NULL DEFAULT false,
    interview_enumerator text,
    interview_opened    boolean,
    interview_finalized boolean,
    questionnaire       text    NOT NULL DEFAULT 'dtks-bdt'
        CHECK (questionnaire IN ('dtks-bdt', 'regsosek2022k'))
);
CREATE INDEX revisions_by_household ON revisions (household_id, seq);

CREATE TABLE revision_collisions (
    revision       uuid NOT NULL,
    content_sha256 text NOT NULL,
    household_id   uuid NOT NULL,
    change_json    text NOT NULL,
    device_id      uuid NOT NULL,
    username       text NOT NULL,
    received_at    timestamptz NOT NULL,
    PRIMARY KEY (revision, content_sha256)
);

CREATE TABLE revision_missing_photos (
    sha256   text NOT NULL,
    revision uuid NOT NULL,
    PRIMARY KEY (sha256, revision)
);
CREATE INDEX revision_missing_by_revision ON revision_missing_photos (revision);

CREATE TABLE photos_complete (
    sha256       text PRIMARY KEY,
    completed_at timestamptz NOT NULL
);

CREATE TABLE household_photos (
    sha256       text NOT NULL,
    household_id uuid NOT NULL,
    PRIMARY KEY (sha256, household_id)
);

-- Who pushed to a household (lower-case username): they receive its reviews and conflicts.
CREATE TABLE household_pushers (
    household_id uuid NOT NULL,
    username     text NOT NULL,
    PRIMARY KEY (household_id, username)
);

CREATE TABLE reviews (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    household_id uuid   NOT NULL REFERENCES households (id),
    revision     uuid   NOT NULL,
    decision     text   NOT NULL CHECK (decision IN ('approved', 'rejected')),
    note         text,
    reviewer     text   NOT NULL,
    decided_at   timestamptz NOT NULL
);
CREATE INDEX reviews_by_household ON reviews (household_id, id);

-- The change log pulls page over. A sequence number from a PostgreSQL sequence is taken at
-- insert but seen at commit, so a puller could step past a number whose transaction commits
-- later. Here every transaction that writes the log first takes the next numbers from the one
-- row of change_log_head (UPDATE ... RETURNING), as the very last thing it does before COMMIT:
-- the row lock is held until commit, so numbers become visible strictly in order and a
-- puller's cursor never passes an uncommitted number.
CREATE TABLE change_log_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq bigint  NOT NULL
);
INSERT INTO change_log_head (one, seq) VALUES (true, 0);

CREATE TABLE changes (
    seq          bigint  PRIMARY KEY,
    kind         text    NOT NULL CHECK (kind IN ('assignment', 'review', 'conflict')),
    item_key     text    NOT NULL,
    household_id uuid    NOT NULL,
    desa_code    text    COLLATE "C" NOT NULL,
    assigned_to  text,
    payload      text    NOT NULL,                -- JSON of the PullItem
    UNIQUE (kind, item_key)
);
CREATE INDEX changes_by_household ON changes (household_id);

-- Every writer first takes transaction-level advisory locks on what it will touch (households,
-- revisions, photos; keys made by store::postgres::lock_key), in the ascending order the caller
-- sorted them into: writers of the same households queue instead of deadlocking, and a locked
-- key may be a row that does not exist yet (a new household).
CREATE FUNCTION pendata_lock_keys(keys bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k bigint;
BEGIN
    FOREACH k IN ARRAY keys LOOP
        PERFORM pg_advisory_xact_lock(k);
    END LOOP;
END
$$;

-- Photo chunks of uploads in progress (the S3 blob store), visible to every server process and
-- assembled into one object when complete. S3's parts must be >= 5 MiB; a phone's chunks are
-- 256 KiB, so they are staged here, not mapped to parts.
CREATE TABLE blob_uploads (
    sha256     text   PRIMARY KEY,
    total      bigint NOT NULL,
    received   bigint NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE blob_chunks (
    sha256 text   NOT NULL REFERENCES blob_uploads (sha256) ON DELETE CASCADE,
    offset_bytes bigint NOT NULL,
    bytes  bytea  NOT NULL,
    PRIMARY KEY (sha256, offset_bytes)
);

-- Photos complete in the object store (written after the object's PUT succeeded), so a push
-- asks one query about its batch's photos instead of one HEAD per photo.
CREATE TABLE blob_objects (
    sha256       text   PRIMARY KEY,
    size         bigint NOT NULL,
    completed_at timestamptz NOT NULL
);

-- The data's identity and restore lineage, as SQLite's migration 0006 (docs/server.md, "Backup
-- and restore"): one row made once; each restore raises `generation`, gives `timeline` a new
-- value and records itself in server_restores, so pull cursors of an earlier timeline are
-- re-based.
CREATE TABLE server_identity (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    server_id  text    NOT NULL,
    generation integer NOT NULL CHECK (generation >= 1),
    timeline   text    NOT NULL,
    created_at timestamptz NOT NULL
);
INSERT INTO server_identity (only_row, server_id, generation, timeline, created_at)
VALUES (true, replace(gen_random_uuid()::text, '-', ''), 1,
        substr(replace(gen_random_uuid()::text, '-', ''), 1, 16), now());

CREATE TABLE server_restores (
    generation    integer PRIMARY KEY,
    timeline      text    NOT NULL UNIQUE,
    from_timeline text    NOT NULL,
    base_seq      bigint  NOT NULL,
    snapshot      text    NOT NULL,
    restored_at   timestamptz NOT NULL
);
