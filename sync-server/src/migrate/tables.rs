//! What `migrate-storage` copies: every SQLite table the PostgreSQL schema has an equivalent
//! of, column by column, in an order that satisfies the foreign keys (accounts before devices,
//! households before their revisions and reviews).
//!
//! Not copied: `web_sessions` (supervisors log in to the dashboard again), uploads in progress
//! (`photos/.partial/`: the phones resume them from the start), the duplicate-NIK index
//! (`nik_index*`: derived data, rebuilt by the server with its key), and PostgreSQL-only
//! tables (`login_failures`, `blob_uploads`, `blob_chunks`, `blob_objects`).

/// The PostgreSQL type a SQLite value becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Int8,
    Int4,
    /// SQLite 0/1.
    Bool,
    Text,
    /// A UUID kept as text in SQLite.
    Uuid,
    /// An RFC 3339 time kept as text in SQLite (milliseconds; PostgreSQL keeps microseconds).
    Time,
    /// A `YYYY-MM-DD` day kept as text in SQLite.
    Date,
    Bytea,
    /// A revision's change: packed bytes as they are, or a JSON text (rows written before
    /// SQLite migration 0005) packed here, since PostgreSQL keeps only the packed form.
    PackedChange,
}

impl Kind {
    /// The cast written after each parameter.
    pub(super) fn sql_type(self) -> &'static str {
        match self {
            Kind::Int8 => "bigint",
            Kind::Int4 => "integer",
            Kind::Bool => "boolean",
            Kind::Text => "text",
            Kind::Uuid => "uuid",
            Kind::Time => "timestamptz",
            Kind::Date => "date",
            Kind::Bytea | Kind::PackedChange => "bytea",
        }
    }
}

/// One column: its PostgreSQL name, the SQLite expression it is read from, its type.
pub(super) type Column = (&'static str, &'static str, Kind);

/// What a row whose key is already in PostgreSQL does.
#[derive(Debug, Clone, Copy)]
pub(super) enum OnConflict {
    /// Keep the row there (rows that never change once written, and key-only tables).
    Nothing,
    /// Take the source's values when they differ (rows the server updates in place), so a
    /// second run after the source moved on converges. Key columns, and `skip`, stay.
    Update {
        key: &'static [&'static str],
        skip: &'static [&'static str],
    },
}

/// One table to copy.
#[derive(Debug)]
pub(super) struct Table {
    /// The PostgreSQL table (and the SQLite one, unless `from` says otherwise).
    pub name: &'static str,
    pub columns: &'static [Column],
    /// The SQLite ordering, a unique key: batches come out in the same order every run.
    pub order_by: &'static str,
    pub on_conflict: OnConflict,
    /// A `GENERATED ALWAYS AS IDENTITY` column whose values are kept (and its sequence moved
    /// past them afterwards).
    pub identity: Option<&'static str>,
}

use Kind::*;

/// The tables, in copying order.
pub(super) const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", "id", Int8),
            ("username", "username", Text),
            ("password_hash", "password_hash", Text),
            ("role", "role", Text),
            ("wilayah", "wilayah", Text),
            ("disabled", "disabled", Bool),
            ("created_at", "created_at", Time),
        ],
        order_by: "id",
        on_conflict: OnConflict::Update {
            key: &["id"],
            skip: &[],
        },
        identity: Some("id"),
    },
    Table {
        name: "devices",
        columns: &[
            ("user_id", "user_id", Int8),
            ("device_id", "device_id", Uuid),
            ("device_name", "device_name", Text),
            ("first_seen_at", "first_seen_at", Time),
            ("last_login_at", "last_login_at", Time),
        ],
        order_by: "user_id, device_id",
        on_conflict: OnConflict::Update {
            key: &["user_id", "device_id"],
            skip: &[],
        },
        identity: None,
    },
    Table {
        name: "tokens",
        columns: &[
            ("token_sha256", "token_sha256", Bytea),
            ("user_id", "user_id", Int8),
            ("device_id", "device_id", Uuid),
            ("created_at", "created_at", Time),
            ("revoked_at", "revoked_at", Time),
        ],
        order_by: "token_sha256",
        on_conflict: OnConflict::Update {
            key: &["token_sha256"],
            skip: &[],
        },
        identity: None,
    },
    Table {
        name: "households",
        columns: &[
            ("id", "id", Uuid),
            ("desa_code", "desa_code", Text),
            ("head_revision", "head_revision", Uuid),
            ("deleted", "deleted", Bool),
            ("review_state", "review_state", Text),
            ("open_conflicts", "open_conflicts", Int4),
            ("incomplete", "incomplete", Bool),
            ("head_name", "head_name", Text),
            ("prelist_id", "prelist_id", Text),
            ("assignment", "assignment", Text),
            ("assigned_to", "assigned_to", Text),
            ("created_at", "created_at", Time),
            ("updated_at", "updated_at", Time),
            ("questionnaire", "questionnaire", Text),
            ("assignment_kind", "assignment_kind", Text),
        ],
        order_by: "id",
        on_conflict: OnConflict::Update {
            key: &["id"],
            skip: &[],
        },
        identity: None,
    },
    Table {
        name: "revisions",
        columns: &[
            ("seq", "seq", Int8),
            ("revision", "revision", Uuid),
            ("household_id", "household_id", Uuid),
            ("base_revision", "base_revision", Uuid),
            ("content_sha256", "content_sha256", Text),
            ("op", "op", Text),
            // SQLite's coalesce keeps each value's own type: the blob, or else the text.
            (
                "change_packed",
                "coalesce(change_packed, change_json)",
                PackedChange,
            ),
            ("device_id", "device_id", Uuid),
            ("username", "username", Text),
            ("saved_at", "saved_at", Time),
            ("received_at", "received_at", Time),
            ("state", "state", Text),
            ("conflict_reason", "conflict_reason", Text),
            ("incomplete", "incomplete", Bool),
            ("interview_enumerator", "interview_enumerator", Text),
            ("interview_opened", "interview_opened", Bool),
            ("interview_finalized", "interview_finalized", Bool),
            ("questionnaire", "questionnaire", Text),
            ("ground_check_visits", "ground_check_visits", Int4),
            ("ground_check_outcome", "ground_check_outcome", Text),
            ("ground_check_revisit", "ground_check_revisit", Bool),
        ],
        order_by: "seq",
        on_conflict: OnConflict::Update {
            key: &["revision"],
            // An identity column cannot be updated; a revision's seq never changes anyway.
            skip: &["seq"],
        },
        identity: Some("seq"),
    },
    Table {
        name: "revision_collisions",
        columns: &[
            ("revision", "revision", Uuid),
            ("content_sha256", "content_sha256", Text),
            ("household_id", "household_id", Uuid),
            ("change_json", "change_json", Text),
            ("device_id", "device_id", Uuid),
            ("username", "username", Text),
            ("received_at", "received_at", Time),
        ],
        order_by: "id",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
    Table {
        name: "revision_missing_photos",
        columns: &[("sha256", "sha256", Text), ("revision", "revision", Uuid)],
        order_by: "sha256, revision",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
    Table {
        name: "photos_complete",
        columns: &[
            ("sha256", "sha256", Text),
            ("completed_at", "completed_at", Time),
        ],
        order_by: "sha256",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
    Table {
        name: "household_photos",
        columns: &[
            ("sha256", "sha256", Text),
            ("household_id", "household_id", Uuid),
        ],
        order_by: "sha256, household_id",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
    Table {
        name: "household_pushers",
        // PostgreSQL keeps them lower-case (SQLite compares them COLLATE NOCASE).
        columns: &[
            ("household_id", "household_id", Uuid),
            ("username", "lower(username)", Text),
        ],
        order_by: "household_id, username",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
    Table {
        name: "reviews",
        columns: &[
            ("id", "id", Int8),
            ("household_id", "household_id", Uuid),
            ("revision", "revision", Uuid),
            ("decision", "decision", Text),
            ("note", "note", Text),
            ("reviewer", "reviewer", Text),
            ("decided_at", "decided_at", Time),
        ],
        order_by: "id",
        on_conflict: OnConflict::Nothing,
        identity: Some("id"),
    },
    Table {
        // Sequence numbers kept exactly: the phones' pull cursors point into them.
        name: "changes",
        columns: &[
            ("seq", "seq", Int8),
            ("kind", "kind", Text),
            ("item_key", "item_key", Text),
            ("household_id", "household_id", Uuid),
            ("desa_code", "desa_code", Text),
            ("assigned_to", "assigned_to", Text),
            ("payload", "payload", Text),
        ],
        order_by: "seq",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
    Table {
        name: "server_restores",
        columns: &[
            ("generation", "generation", Int4),
            ("timeline", "timeline", Text),
            ("from_timeline", "from_timeline", Text),
            ("base_seq", "base_seq", Int8),
            ("snapshot", "snapshot", Text),
            ("restored_at", "restored_at", Time),
        ],
        order_by: "generation",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
    Table {
        name: "desil_imports",
        columns: &[
            ("id", "id", Int8),
            ("imported_at", "imported_at", Time),
            ("label", "label", Text),
            ("username", "username", Text),
            ("rows", "rows", Int8),
            ("families", "families", Int8),
        ],
        order_by: "id",
        on_conflict: OnConflict::Nothing,
        identity: Some("id"),
    },
    Table {
        name: "family_desil",
        columns: &[
            ("kk_number", "kk_number", Text),
            ("desil", "desil", Int4),
            ("import_id", "import_id", Int8),
        ],
        order_by: "kk_number",
        on_conflict: OnConflict::Update {
            key: &["kk_number"],
            skip: &[],
        },
        identity: None,
    },
    Table {
        name: "cases",
        columns: &[
            ("id", "id", Uuid),
            ("kind", "kind", Text),
            ("source_id", "source_id", Text),
            ("source", "source", Text),
            ("desa_code", "desa_code", Text),
            ("assigned_to", "assigned_to", Text),
            ("due_date", "due_date", Date),
            ("created_at", "created_at", Time),
            ("created_by", "created_by", Text),
            ("subject", "subject", Text),
            ("decision", "decision", Text),
            ("letter_no", "letter_no", Text),
            ("letter_date", "letter_date", Date),
            ("update_due", "update_due", Date),
            ("refusal_reason", "refusal_reason", Text),
            ("decided_by", "decided_by", Text),
            ("decided_at", "decided_at", Time),
        ],
        order_by: "id",
        on_conflict: OnConflict::Update {
            key: &["id"],
            skip: &[],
        },
        identity: None,
    },
    Table {
        name: "period_items",
        columns: &[
            ("kind", "kind", Text),
            ("item_id", "item_id", Text),
            ("desa_code", "desa_code", Text),
            ("period", "period", Text),
            ("label", "label", Text),
            ("arrived_at", "arrived_at", Time),
            ("agreed", "agreed", Bool),
        ],
        order_by: "kind, item_id",
        on_conflict: OnConflict::Update {
            key: &["kind", "item_id"],
            skip: &[],
        },
        identity: None,
    },
    Table {
        name: "desa_periods",
        columns: &[
            ("desa_code", "desa_code", Text),
            ("period", "period", Text),
            ("agreement", "agreement", Text),
            ("held_on", "held_on", Text),
            ("document_number", "document_number", Text),
            ("attendance", "attendance", Int4),
            ("note", "note", Text),
            ("recorded_by", "recorded_by", Text),
            ("recorded_at", "recorded_at", Time),
            ("checked_by", "checked_by", Text),
            ("checked_at", "checked_at", Time),
            ("approved_by", "approved_by", Text),
            ("approved_at", "approved_at", Time),
        ],
        order_by: "desa_code, period",
        on_conflict: OnConflict::Update {
            key: &["desa_code", "period"],
            skip: &[],
        },
        identity: None,
    },
    Table {
        name: "desa_period_photos",
        columns: &[
            ("desa_code", "desa_code", Text),
            ("period", "period", Text),
            ("sha256", "sha256", Text),
            ("added_by", "added_by", Text),
            ("added_at", "added_at", Time),
        ],
        order_by: "desa_code, period, sha256",
        on_conflict: OnConflict::Nothing,
        identity: None,
    },
];

/// The `changes` table: an item the source renumbered since an earlier run (a changed item
/// gets a new, larger number) must lose its old number in the target first.
pub(super) const CHANGES: &str = "changes";
