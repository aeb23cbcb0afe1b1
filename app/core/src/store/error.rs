//! Store errors: each carries a stable code and a message in Bahasa Indonesia and English.

use pendata_shared::{Finding, Lang};

use super::RecordState;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", .0.message_en())]
    Open(#[from] crate::db::DbError),
    #[error("stored JSON is unreadable: {0}")]
    Corrupt(String),
    #[error("store schema {found} is newer than this app supports ({supported})")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("household not found")]
    NotFound,
    #[error("assignment not found")]
    AssignmentNotFound,
    #[error("cannot {action} a household in state {from}")]
    IllegalTransition {
        from: RecordState,
        action: &'static str,
    },
    #[error("invalid field path {path}")]
    InvalidPath { path: String },
    #[error("field {path} is managed by the app")]
    ReadOnlyField { path: String },
    #[error("invalid value for {path}: {detail}")]
    InvalidValue { path: String, detail: String },
    #[error("household has {} blocking findings", .0.iter().filter(|f| f.severity == pendata_shared::Severity::Error).count())]
    NotFinalizable(Vec<Finding>),
    #[error("household id does not match")]
    IdMismatch,
    #[error("household already exists")]
    AlreadyExists,
    /// The assignment asks for another questionnaire than the one asked for (a DTSEN ground
    /// check opened as a DTKS household, or the other way round).
    #[error("this assignment is a {}: open it with the {} form", .0.text().en, .0.questionnaire().text().en)]
    AssignmentKindUnsupported(pendata_shared::protocol::AssignmentKind),
    /// The record answers another questionnaire than the one asked for.
    #[error("this record is a {}, not a {}", .found.text().en, .expected.text().en)]
    WrongQuestionnaire {
        expected: pendata_shared::Questionnaire,
        found: pendata_shared::Questionnaire,
    },
    /// A ground-check visit on a family that is not from a ground-check list.
    #[error("this family is not from a ground-check list")]
    NotAGroundCheck,
    /// "Nobody home" on a family whose ground-check outcome is already recorded.
    #[error("the ground-check outcome is already recorded ({}): record the outcome again to change it", .0.text().en)]
    OutcomeKnown(pendata_shared::dtsen::GroundCheckOutcome),
    /// A case asked of an assignment that is not one, or whose kinds disagree.
    #[error("{}", .0.text().en)]
    NotACase(pendata_shared::cases::NotACase),
    /// A finding of another case kind than the case's.
    #[error("a {found} finding does not fit a {expected} case")]
    CaseKindMismatch {
        expected: pendata_shared::cases::CaseKind,
        found: pendata_shared::cases::CaseKind,
    },
}

impl StoreError {
    /// Stable code for programs, e.g. `store.not_found`.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(_) => "store.database",
            StoreError::Open(e) => e.code(),
            StoreError::Corrupt(_) => "store.corrupt",
            StoreError::SchemaTooNew { .. } => "store.schema_too_new",
            StoreError::NotFound => "store.not_found",
            StoreError::AssignmentNotFound => "store.assignment_not_found",
            StoreError::IllegalTransition { .. } => "store.illegal_transition",
            StoreError::InvalidPath { .. } => "store.invalid_path",
            StoreError::ReadOnlyField { .. } => "store.read_only_field",
            StoreError::InvalidValue { .. } => "store.invalid_value",
            StoreError::NotFinalizable(_) => "store.not_finalizable",
            StoreError::IdMismatch => "store.id_mismatch",
            StoreError::AlreadyExists => "store.already_exists",
            StoreError::AssignmentKindUnsupported(_) => "store.assignment_kind_unsupported",
            StoreError::WrongQuestionnaire { .. } => "store.wrong_questionnaire",
            StoreError::NotAGroundCheck => "store.not_ground_check",
            StoreError::OutcomeKnown(_) => "store.outcome_known",
            StoreError::NotACase(e) => e.code(),
            StoreError::CaseKindMismatch { .. } => "case.kind_mismatch",
        }
    }

    /// The message for people, in the asked language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Id => match self {
                StoreError::Sqlite(e) => format!("kesalahan basis data: {e}"),
                StoreError::Open(e) => e.to_string(),
                StoreError::Corrupt(e) => format!("data tersimpan tidak terbaca: {e}"),
                StoreError::SchemaTooNew { found, supported } => format!(
                    "skema penyimpanan {found} lebih baru dari yang didukung aplikasi ini ({supported})"
                ),
                StoreError::NotFound => "rumah tangga tidak ditemukan".into(),
                StoreError::AssignmentNotFound => "penugasan tidak ditemukan".into(),
                StoreError::IllegalTransition { from, action } => format!(
                    "tidak dapat {} rumah tangga berstatus {}",
                    action_id(action),
                    from.label(Lang::Id)
                ),
                StoreError::InvalidPath { path } => format!("alamat isian tidak sah: {path}"),
                StoreError::ReadOnlyField { path } => {
                    format!("isian {path} diatur oleh aplikasi")
                }
                StoreError::InvalidValue { path, detail } => {
                    format!("nilai tidak sah untuk {path}: {detail}")
                }
                StoreError::NotFinalizable(f) => format!(
                    "rumah tangga masih memiliki {} kesalahan",
                    f.iter()
                        .filter(|f| f.severity == pendata_shared::Severity::Error)
                        .count()
                ),
                StoreError::IdMismatch => "id rumah tangga tidak cocok".into(),
                StoreError::AlreadyExists => "rumah tangga sudah ada".into(),
                StoreError::AssignmentKindUnsupported(kind) => format!(
                    "penugasan ini {}: buka dengan formulir {}",
                    kind.text().id,
                    kind.questionnaire().text().id
                ),
                StoreError::WrongQuestionnaire { expected, found } => format!(
                    "rekaman ini {}, bukan {}",
                    found.text().id,
                    expected.text().id
                ),
                StoreError::NotAGroundCheck => {
                    "keluarga ini bukan dari daftar ground check".into()
                }
                StoreError::OutcomeKnown(o) => format!(
                    "hasil ground check sudah dicatat ({}): catat hasil lagi untuk mengubahnya",
                    o.text().id
                ),
                StoreError::NotACase(e) => e.text().id.to_string(),
                StoreError::CaseKindMismatch { expected, found } => {
                    use pendata_shared::Localized;
                    format!(
                        "temuan {} tidak cocok dengan kasus {}",
                        found.text().id,
                        expected.text().id
                    )
                }
            },
        }
    }
}

fn action_id(action: &str) -> &'static str {
    match action {
        "finalize" => "memfinalkan",
        "queue" => "mengantrekan",
        "edit" => "mengubah",
        "delete" => "menghapus",
        "reopen" => "membuka kembali",
        _ => "memproses",
    }
}
