//! Sync protocol v1: the bodies exchanged between the app and the server
//! (docs/sync-protocol.md says how they are used).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::codes::{Relation, Sex};
use crate::dtsen::codes::WelfareDecile;
use crate::dtsen::family::ListProgramme;
use crate::dtsen::FamilyRecord;
use crate::ids::{BatchId, DeviceId, HouseholdId, RevisionId, Sha256Hex};
use crate::model::{Family, Household};
use crate::questionnaire::{Questionnaire, UnknownQuestionnaire};
use crate::validate::Finding;

/// The protocol version this crate speaks. Sent in every push; the server refuses others.
pub const PROTOCOL_VERSION: u32 = 1;
/// Most records in one push batch.
pub const MAX_BATCH_RECORDS: usize = 200;
/// Default and largest pull page size.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 500;
/// Recommended photo chunk size: small enough to finish on a weak link within the timeout,
/// large enough that per-request overhead stays small.
pub const PHOTO_CHUNK_BYTES: u64 = 256 * 1024;
/// Largest photo the server stores (after the app's pipeline, photos are far smaller).
pub const MAX_PHOTO_BYTES: u64 = 20 * 1024 * 1024;
/// Most hashes in one missing-photos query.
pub const MAX_PHOTO_QUERY: usize = 1000;

/// The error body of every non-2xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable code, e.g. `auth.invalid`, `photo.offset_mismatch`.
    pub code: String,
    /// Message in Bahasa Indonesia.
    pub message: String,
    /// Message in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_en: Option<String>,
    /// For `photo.offset_mismatch`: the bytes the server already holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
}

// ---------------------------------------------------------------------------------------------
// Accounts

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// TKSK, pendamping PKH, operator desa: captures and pushes households in their wilayah.
    Enumerator,
    /// Dinsos supervisor: reviews households in their wilayah.
    Supervisor,
    /// Sees and manages everything.
    Admin,
    /// Kepala OPD, the head of the agency (Dinsos): approves a desa's month after the
    /// supervisor (verifikator) checked it, which locks it (issue 21).
    #[serde(rename = "kepala_opd")]
    KepalaOpd,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Enumerator => "enumerator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::KepalaOpd => "kepala_opd",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "enumerator" => Some(Role::Enumerator),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            "kepala_opd" => Some(Role::KepalaOpd),
            _ => None,
        }
    }
}

/// `POST /api/v1/auth/login`
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub device_id: DeviceId,
    pub device_name: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("device_id", &self.device_id)
            .field("device_name", &self.device_name)
            .finish()
    }
}

/// Who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub username: String,
    pub role: Role,
    /// Dotless region code the user covers (kecamatan or desa); empty for "all" (admins).
    pub wilayah: String,
}

/// Answer to a login: a per-device bearer token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub user: UserInfo,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Push

/// `POST /api/v1/push`: a batch of household revisions. Gzip or zstd bodies are accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushBatch {
    /// Must equal [`PROTOCOL_VERSION`].
    pub protocol: u32,
    pub batch_id: BatchId,
    pub device_id: DeviceId,
    pub records: Vec<PushRecord>,
}

/// One revision of one household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRecord {
    pub household_id: HouseholdId,
    /// Made by the device when the revision was saved; never reused for other content.
    pub revision: RevisionId,
    /// The last revision of this household the server acknowledged to this device, if any.
    pub base_revision: Option<RevisionId>,
    #[serde(deserialize_with = "crate::time::utc")]
    pub saved_at: DateTime<Utc>,
    /// SHA-256 of the JSON of `change` ([`content_hash`]).
    pub content_sha256: Sha256Hex,
    /// The questionnaire the record answers (`"dtks-bdt"`, `"regsosek2022k"`); absent means
    /// `dtks-bdt` (records from before versions). Kept as text so that a server that does not
    /// know a version refuses that record alone, with the code `questionnaire.unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
    pub change: Change,
}

impl PushRecord {
    /// A record for `change`, with its content hash filled in.
    pub fn new(
        revision: RevisionId,
        base_revision: Option<RevisionId>,
        saved_at: DateTime<Utc>,
        household_id: HouseholdId,
        change: Change,
    ) -> Self {
        Self {
            household_id,
            revision,
            base_revision,
            saved_at,
            content_sha256: content_hash(&change),
            questionnaire: change
                .questionnaire()
                .filter(|q| !q.is_dtks_bdt())
                .map(|q| q.id().to_string()),
            change,
        }
    }

    /// The questionnaire the envelope names (absent: `dtks-bdt`); an unknown id is an error
    /// carrying the stable code [`UnknownQuestionnaire::CODE`].
    pub fn questionnaire(&self) -> Result<Questionnaire, UnknownQuestionnaire> {
        match self.questionnaire.as_deref() {
            None => Ok(Questionnaire::DtksBdt),
            Some(id) => id.parse(),
        }
    }
}

/// What a revision does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// The household's full content at this revision (questionnaire `dtks-bdt`).
    Upsert { household: Box<Household> },
    /// A DTSEN family's full content at this revision (questionnaire `regsosek2022k`).
    UpsertFamily { family: Box<FamilyRecord> },
    /// A case's field finding at this revision (questionnaires `kasus-*`,
    /// [`crate::cases::CaseRecord`]).
    UpsertCase { case: Box<crate::cases::CaseRecord> },
    /// A tombstone: the record is withdrawn.
    Delete,
}

impl Change {
    /// The questionnaire of the content; `None` for a tombstone.
    pub fn questionnaire(&self) -> Option<Questionnaire> {
        match self {
            Change::Upsert { household } => Some(household.questionnaire),
            Change::UpsertFamily { family } => Some(family.questionnaire),
            Change::UpsertCase { case } => Some(case.questionnaire),
            Change::Delete => None,
        }
    }

    /// The record's desa code; `None` for a tombstone.
    pub fn desa_code(&self) -> Option<&str> {
        match self {
            Change::Upsert { household } => Some(&household.location.desa_code),
            Change::UpsertFamily { family } => Some(&family.location.desa_code),
            Change::UpsertCase { case } => Some(&case.desa_code),
            Change::Delete => None,
        }
    }

    /// The record's own id; `None` for a tombstone.
    pub fn record_id(&self) -> Option<HouseholdId> {
        match self {
            Change::Upsert { household } => Some(household.id),
            Change::UpsertFamily { family } => Some(family.id),
            Change::UpsertCase { case } => Some(case.id),
            Change::Delete => None,
        }
    }

    /// The name a listing shows: the head's, else the first member's.
    pub fn head_name(&self) -> String {
        match self {
            Change::Upsert { household } => household
                .head()
                .or_else(|| household.members.first())
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            Change::UpsertFamily { family } => family.head_name().to_string(),
            Change::UpsertCase { case } => case.name().to_string(),
            Change::Delete => String::new(),
        }
    }

    /// The photos the content references.
    pub fn photos(&self) -> &[crate::photos::PhotoRef] {
        match self {
            Change::Upsert { household } => &household.photos,
            Change::UpsertFamily { family } => &family.photos,
            Change::UpsertCase { case } => &case.photos,
            Change::Delete => &[],
        }
    }
}

/// The content hash of a change: SHA-256 of its JSON (field order is fixed by the types, so
/// equal content gives equal bytes).
pub fn content_hash(change: &Change) -> Sha256Hex {
    // Serialising these plain types cannot fail (no maps with non-string keys, no custom errors).
    let bytes = serde_json::to_vec(change).unwrap_or_default();
    Sha256Hex::digest(&bytes)
}

/// Answer to a push: one result per record, in the batch's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<PushResult>,
    /// Which server state answered ([`ServerEpoch`]); absent from servers before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerEpoch>,
}

/// Which server state answers: its identity and its restore timeline. A device that sees
/// another `server_id` or `timeline` than in its last sync knows the server went back in time
/// (restored from a backup) and offers again everything the server acknowledged to it
/// (docs/sync-protocol.md, "After a restore").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerEpoch {
    /// Made once per server data; kept by backup and restore.
    pub server_id: String,
    /// 1, plus one per restore this server's data went through.
    pub generation: u32,
    /// New with every restore (two restores of one backup are two timelines).
    pub timeline: String,
}

/// The outcome for one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResult {
    pub household_id: HouseholdId,
    pub revision: RevisionId,
    pub outcome: PushOutcome,
}

/// Accepted, duplicate, conflict or rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushOutcome {
    /// Stored as the household's current revision. `missing_photos` lists referenced photos the
    /// server does not hold yet: the record is kept but marked incomplete until they arrive.
    Accepted {
        missing_photos: Vec<Sha256Hex>,
        warnings: Vec<Finding>,
    },
    /// This exact revision was stored before; nothing changed.
    Duplicate { missing_photos: Vec<Sha256Hex> },
    /// Stored beside the current revision, never over it; a supervisor (or the device, by
    /// editing from `current_revision`) resolves it.
    Conflict {
        current_revision: Option<RevisionId>,
        reason: ConflictReason,
    },
    /// Not stored: the findings say why. Other records of the batch are unaffected.
    Rejected { findings: Vec<Finding> },
}

/// Why a revision conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConflictReason {
    /// The same revision id arrived with different content.
    SameRevisionDifferentContent,
    /// The revision is based on one that is no longer current (someone else saved since).
    StaleBase,
    /// The household already exists on the server but the revision claims no base (two devices
    /// opened the same prelist household).
    ExistsWithoutBase,
}

// ---------------------------------------------------------------------------------------------
// Photos

/// `POST /api/v1/photos/missing`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingPhotosRequest {
    pub sha256: Vec<Sha256Hex>,
}

/// The photos of the query that the server does not fully hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingPhotosResponse {
    pub missing: Vec<MissingPhoto>,
    /// Which server state answered ([`ServerEpoch`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerEpoch>,
}

/// A photo the server lacks, and how many of its bytes it already staged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingPhoto {
    pub sha256: Sha256Hex,
    pub received: u64,
}

/// Answer to `PUT /api/v1/photos/{sha256}?offset=N&total=T`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChunkAck {
    pub sha256: Sha256Hex,
    pub received: u64,
    pub total: u64,
    pub complete: bool,
}

// ---------------------------------------------------------------------------------------------
// Pull

/// `GET /api/v1/pull?cursor=C&limit=N`: everything new for this user since the cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullPage {
    pub items: Vec<PullItem>,
    /// Opaque; send it back to get the next page. Equal to the request's cursor when empty.
    pub next_cursor: String,
    /// Whether another page is ready now.
    pub has_more: bool,
    /// Which server state answered ([`ServerEpoch`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerEpoch>,
    /// The Dinsos's settings for its devices ([`DeviceSettings`]), on every page; absent from
    /// older servers (the device keeps what it has). Settings this device cannot read are
    /// ignored rather than failing the page: a newer server never stops an older device's pull.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_settings"
    )]
    pub settings: Option<DeviceSettings>,
    /// The desil BPS gives the families of the device's wilayah ([`DesilUpdate`]); absent when
    /// nothing changed since the import the device named in `?desil_import=`, and from older
    /// servers. Unreadable desil is ignored rather than failing the page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_desil"
    )]
    pub desil: Option<DesilUpdate>,
}

/// The desil of families (BPS's welfare ranking from the Dinsos's SIKS-NG "Pemeringkatan
/// Desil" import, issue 21 §3), for the families of the device user's wilayah: the KK numbers
/// of the records and assignments in it, as every other pulled item is scoped. Pendata shows a
/// desil; it never computes one. KK numbers are personal data: the device keeps them in its
/// encrypted store and never logs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesilUpdate {
    /// The newest desil import on the server; the device names it in its next pull
    /// (`?desil_import=`) and receives the whole set again only after another import.
    pub import_id: i64,
    /// When that import was made.
    pub imported_at: DateTime<Utc>,
    /// `true`: every desil of the wilayah as of that import (the device forgets the others);
    /// `false`: the desil of this page's assignments, added to what the device holds.
    pub complete: bool,
    pub families: Vec<KkDesil>,
}

/// One family's desil.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KkDesil {
    pub kk_number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = u8))]
    pub desil: WelfareDecile,
}

/// What a Dinsos configured on its server that its devices apply too: the monthly cut-off
/// (`[month] cutoff_day`, the countdown on the home screen) and the `[dtsen]` choices (the
/// revisit rule, the age limits). Sent in the pull rather than the login: a device logs in
/// once, but it syncs every day, so a change on the server reaches every device at its next
/// sync; older devices ignore the unknown field (`PullPage` does not deny unknown fields).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DeviceSettings {
    /// The last day of the month whose data counts for that month (1-28).
    #[cfg_attr(feature = "openapi", schema(value_type = u8))]
    pub cutoff_day: crate::month::period::CutOff,
    /// The `[dtsen]` choices (docs/formats.md, "DTSEN choices").
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub dtsen: crate::dtsen::DtsenRules,
    /// The `[cases]` choices (due days, the PBI-JK limits, the graduasi target); absent from
    /// older servers (the device keeps its own). Unreadable on its own (a field a newer server
    /// added) it is dropped alone: the cut-off and the DTSEN rules still apply.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_cases"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub cases: Option<crate::cases::CaseRules>,
}

fn lenient_settings<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<DeviceSettings>, D::Error> {
    lenient(d)
}

fn lenient_cases<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::cases::CaseRules>, D::Error> {
    lenient(d)
}

fn lenient_desil<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DesilUpdate>, D::Error> {
    lenient(d)
}

/// Any JSON value; `None` when it does not read as `T` (a newer peer's shape).
fn lenient<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// One change for the device. Items can repeat across pulls; applying one twice is harmless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PullItem {
    Assignment(Assignment),
    Review(ReviewOutcome),
    Conflict(ConflictNotice),
}

/// What an assignment asks the facilitator to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssignmentKind {
    /// Verivali of a DTKS prelist household (questionnaire `dtks-bdt`).
    #[default]
    Verivali,
    /// The DTSEN ground check of a listed family (questionnaire `regsosek2022k`).
    GroundCheck,
    /// A new proposal to record.
    UsulanBaru,
    /// A usul-sanggah verification case ([`crate::cases`]; `Assignment::case` says what).
    UsulSanggah,
    /// A PBI-JK reactivation case.
    ReaktivasiPbiJk,
    /// A PKH graduation case.
    GraduasiPkh,
}

impl AssignmentKind {
    pub const fn id(self) -> &'static str {
        match self {
            AssignmentKind::Verivali => "verivali",
            AssignmentKind::GroundCheck => "ground_check",
            AssignmentKind::UsulanBaru => "usulan_baru",
            AssignmentKind::UsulSanggah => "usul_sanggah",
            AssignmentKind::ReaktivasiPbiJk => "reaktivasi_pbi_jk",
            AssignmentKind::GraduasiPkh => "graduasi_pkh",
        }
    }

    /// Every kind.
    pub const ALL: [AssignmentKind; 6] = [
        Self::Verivali,
        Self::GroundCheck,
        Self::UsulanBaru,
        Self::UsulSanggah,
        Self::ReaktivasiPbiJk,
        Self::GraduasiPkh,
    ];

    /// The case kind it hands out, if it is a case.
    pub fn case_kind(self) -> Option<crate::cases::CaseKind> {
        crate::cases::CaseKind::of_assignment(self)
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == s)
    }

    /// The questionnaire its records answer.
    pub const fn questionnaire(self) -> Questionnaire {
        match self {
            AssignmentKind::GroundCheck => Questionnaire::Regsosek2022k,
            AssignmentKind::Verivali | AssignmentKind::UsulanBaru => Questionnaire::DtksBdt,
            AssignmentKind::UsulSanggah => Questionnaire::KasusUsulSanggah,
            AssignmentKind::ReaktivasiPbiJk => Questionnaire::KasusReaktivasiPbiJk,
            AssignmentKind::GraduasiPkh => Questionnaire::KasusGraduasiPkh,
        }
    }

    pub const fn text(self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            AssignmentKind::Verivali => Text::new("Verivali DTKS", "DTKS verification"),
            AssignmentKind::GroundCheck => Text::new("Ground check DTSEN", "DTSEN ground check"),
            AssignmentKind::UsulanBaru => Text::new("Usulan baru", "New proposal"),
            AssignmentKind::UsulSanggah => {
                Text::new("Verifikasi usul-sanggah", "Proposal/objection verification")
            }
            AssignmentKind::ReaktivasiPbiJk => {
                Text::new("Reaktivasi PBI-JK", "PBI-JK reactivation")
            }
            AssignmentKind::GraduasiPkh => Text::new("Graduasi PKH", "PKH graduation"),
        }
    }

    fn is_verivali(&self) -> bool {
        *self == AssignmentKind::Verivali
    }
}

/// A prelist household assigned for verivali, or a listed family for a ground check (or
/// withdrawn, when `active` is false).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    /// The record id to use when it is opened.
    pub household_id: HouseholdId,
    /// What to do; absent on the wire means verivali (assignments from before kinds).
    #[serde(default, skip_serializing_if = "AssignmentKind::is_verivali")]
    pub kind: AssignmentKind,
    /// For a ground check: the programme of its list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<ListProgramme>,
    /// For a ground check: the desil the list gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desil: Option<WelfareDecile>,
    /// For a ground check: the building number (109) the list gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_no: Option<u16>,
    /// For a case (kinds `usul_sanggah`, `reaktivasi_pbi_jk`, `graduasi_pkh`): what the case is
    /// about and its due date. Absent on the wire for every other kind, so older assignments and
    /// older readers are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Box<crate::cases::CaseAssignment>>,
    /// The prelist id (verivali) or the list's assignment id (ground check).
    pub prelist_id: String,
    pub desa_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: String,
    pub head_name: String,
    pub families: Vec<Family>,
    pub members: Vec<PrelistMember>,
    /// Username of the facilitator it is assigned to; none when open to everyone in the desa.
    pub assigned_to: Option<String>,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

/// A member as the prelist knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrelistMember {
    pub name: String,
    pub nik: Option<String>,
    pub relation_to_head: Option<Relation>,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub family_no: Option<u8>,
}

/// A supervisor's decision on a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approved,
    Rejected,
}

/// A review outcome for one of the device's households.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewOutcome {
    pub household_id: HouseholdId,
    pub revision: RevisionId,
    pub decision: ReviewDecision,
    /// The supervisor's note (required when rejected).
    pub note: Option<String>,
    pub reviewer: String,
    pub decided_at: DateTime<Utc>,
}

/// A conflict on one of the device's households, and how it was resolved if it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictNotice {
    pub household_id: HouseholdId,
    /// The revision that conflicted.
    pub revision: RevisionId,
    /// The server's current revision.
    pub current_revision: Option<RevisionId>,
    pub reason: ConflictReason,
    /// Set once resolved: the revision that was kept.
    pub resolved_with: Option<RevisionId>,
    pub note: Option<String>,
}

/// `POST /api/v1/households/{id}/review` (supervisors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRequest {
    pub revision: RevisionId,
    pub decision: ReviewDecision,
    pub note: Option<String>,
}

/// `POST /api/v1/households/{id}/resolve` (supervisors): keep one revision of a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    pub keep_revision: RevisionId,
    pub reason: String,
}

/// `GET /healthz`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
    pub protocol: u32,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn device_settings_ride_on_the_pull_page_and_never_fail_it() {
        let mut settings = DeviceSettings {
            cutoff_day: crate::month::period::CutOff::new(5).unwrap(),
            ..Default::default()
        };
        settings.dtsen.pip_max_age = 25;
        let page = PullPage {
            items: Vec::new(),
            next_cursor: "c".into(),
            has_more: false,
            server: None,
            settings: Some(settings),
            desil: None,
        };
        let json = serde_json::to_string(&page).unwrap();
        assert!(json.contains("\"cutoff_day\":5"), "{json}");
        assert_eq!(serde_json::from_str::<PullPage>(&json).unwrap(), page);

        // An older server: no settings, the device keeps its own.
        let old = r#"{"items":[],"next_cursor":"c","has_more":false}"#;
        assert_eq!(
            serde_json::from_str::<PullPage>(old).unwrap().settings,
            None
        );

        // Settings this device cannot read (a cut-off it refuses, a field a newer server
        // added to the strict DTSEN rules): the page and its items still arrive.
        for unreadable in [
            r#"{"cutoff_day":31}"#,
            r#"{"cutoff_day":5,"dtsen":{"new_rule":1}}"#,
            "null",
        ] {
            let json = format!(
                r#"{{"items":[],"next_cursor":"c","has_more":false,"settings":{unreadable}}}"#
            );
            let page: PullPage = serde_json::from_str(&json).unwrap();
            assert_eq!(page.settings, None, "{unreadable}");
        }
        // Fields a newer server adds beside the known ones are ignored.
        let newer = r#"{"items":[],"next_cursor":"c","has_more":false,"settings":{"cutoff_day":9,"zone":"WITA"}}"#;
        let page: PullPage = serde_json::from_str(newer).unwrap();
        assert_eq!(page.settings.unwrap().cutoff_day.day(), 9);
    }

    #[test]
    fn case_rules_and_desil_ride_on_the_pull_page_and_never_fail_it() {
        let mut cases = crate::cases::CaseRules::default();
        cases.due_days.usul_sanggah = 7;
        let page = PullPage {
            items: Vec::new(),
            next_cursor: "c".into(),
            has_more: false,
            server: None,
            settings: Some(DeviceSettings {
                cases: Some(cases),
                ..Default::default()
            }),
            desil: Some(DesilUpdate {
                import_id: 4,
                imported_at: "2026-12-07T03:00:00Z".parse().unwrap(),
                complete: true,
                families: vec![KkDesil {
                    kk_number: "3201020101010001".into(),
                    desil: WelfareDecile::from_code(3).unwrap(),
                }],
            }),
        };
        let json = serde_json::to_string(&page).unwrap();
        assert!(json.contains("\"usul_sanggah\":7"), "{json}");
        assert!(json.contains("\"desil\":3"), "{json}");
        assert_eq!(serde_json::from_str::<PullPage>(&json).unwrap(), page);

        // What an older device reads of it: the same bytes into the fields it knew.
        #[derive(Deserialize)]
        struct OldSettings {
            cutoff_day: u8,
        }
        #[derive(Deserialize)]
        struct OldPage {
            items: Vec<PullItem>,
            settings: Option<OldSettings>,
        }
        let old: OldPage = serde_json::from_str(&json).unwrap();
        assert!(old.items.is_empty());
        assert_eq!(old.settings.unwrap().cutoff_day, 17);

        // An older server: no cases in the settings, no desil on the page.
        let older =
            r#"{"items":[],"next_cursor":"c","has_more":false,"settings":{"cutoff_day":5}}"#;
        let page: PullPage = serde_json::from_str(older).unwrap();
        assert_eq!(page.settings.unwrap().cases, None);
        assert_eq!(page.desil, None);

        // Case rules a newer server extended are dropped alone: the cut-off still applies.
        let newer = r#"{"items":[],"next_cursor":"c","has_more":false,"settings":{"cutoff_day":5,"cases":{"due_days":{"usul_sanggah":7},"new_rule":1}}}"#;
        let settings = serde_json::from_str::<PullPage>(newer)
            .unwrap()
            .settings
            .unwrap();
        assert_eq!((settings.cutoff_day.day(), settings.cases), (5, None));

        // Unreadable desil (a code out of 1-10) never fails the page.
        let bad = r#"{"items":[],"next_cursor":"c","has_more":false,"desil":{"import_id":1,"imported_at":"2026-12-07T03:00:00Z","complete":true,"families":[{"kk_number":"1","desil":11}]}}"#;
        assert_eq!(serde_json::from_str::<PullPage>(bad).unwrap().desil, None);
    }
}
