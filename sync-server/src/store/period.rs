//! The Dinsos month on every backend ([`PeriodStore`], issue 21 §2): the period each proposal
//! belongs to, a desa period's musdes/muskel or SPTJM (its BNBA list and photos), and the
//! two-step ratification — a verifikator (supervisor) checks, the Kepala OPD approves — after
//! which that desa's period is locked.
//!
//! Proposals of any kind join through [`PeriodItem::kind`]: a usulan baru record is
//! [`KIND_HOUSEHOLD`], a case finding its case kind's id ([`kind_of`]); each is listed,
//! agreed, ratified, locked and exported the same way. A push notes its proposals in the
//! same transaction that stores them ([`PeriodArrival`] on `IncomingRecord`), and refuses a
//! change of a record whose period is locked ([`locked_finding`]).

use chrono::{DateTime, NaiveDate, Utc};
use pendata_shared::cases::kind::CaseKind;
use pendata_shared::month::period::Period;
use pendata_shared::questionnaire::Questionnaire;
use pendata_shared::validate::{Finding, Severity};

use super::{Scope, StoreError};

/// The kind of a usulan baru record (a DTKS household or a DTSEN family), keyed by its id.
pub const KIND_HOUSEHOLD: &str = "household";

/// The period kind of a record of `questionnaire`, keyed by its id: a case's kind id
/// (`usul_sanggah`, `reaktivasi_pbi_jk`, `graduasi_pkh`), else [`KIND_HOUSEHOLD`]. A record
/// keeps its questionnaire, so its kind never changes.
pub fn kind_of(questionnaire: Questionnaire) -> &'static str {
    match CaseKind::of_questionnaire(questionnaire) {
        Some(kind) => kind.id(),
        None => KIND_HOUSEHOLD,
    }
}

/// Every kind [`kind_of`] gives.
pub const ALL_KINDS: [&str; 4] = [
    KIND_HOUSEHOLD,
    CaseKind::UsulSanggah.id(),
    CaseKind::ReaktivasiPbiJk.id(),
    CaseKind::GraduasiPkh.id(),
];

/// [`kind_of`] a stored questionnaire id (a record stored by this server has a known one).
pub fn kind_of_stored(questionnaire: &str) -> &'static str {
    Questionnaire::parse(questionnaire).map_or(KIND_HOUSEHOLD, kind_of)
}

/// A proposal a push brings, and the period its arrival day is due in (the store puts it
/// there, or in the first later period not locked for its desa, [`first_open`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodArrival {
    pub arrival: Arrival,
    pub due: Period,
}

/// `due`, or the first later period `locked` says is open.
pub fn first_open(
    due: Period,
    mut locked: impl FnMut(Period) -> Result<bool, StoreError>,
) -> Result<Period, StoreError> {
    let mut period = due;
    while locked(period)? {
        period = period.next();
    }
    Ok(period)
}

/// The push's answer for a change of a record whose desa period is locked: the record is
/// set aside on the device with this message, the rest of the push goes on.
pub fn locked_finding(desa_code: &str, period: Period) -> Finding {
    let label = period.label();
    Finding {
        path: "period".into(),
        severity: Severity::Error,
        code: "period.locked".into(),
        message: format!(
            "Periode {} desa {desa_code} sudah disahkan dan dikunci; perubahan catatan ini \
             tidak diterima. Bila perlu diperbaiki, hubungi supervisor Dinsos.",
            label.id
        ),
        message_en: format!(
            "The {} period of desa {desa_code} is ratified and locked; this change to the \
             record was not accepted. If it needs a correction, contact the Dinsos supervisor.",
            label.en
        ),
    }
}

/// A proposal arriving: what [`PeriodStore::note_arrival`] keeps of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub kind: String,
    pub item_id: String,
    pub desa_code: String,
    /// What the month page lists it as (the head of household's name).
    pub label: String,
}

/// One proposal in a desa's period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodItem {
    pub kind: String,
    pub item_id: String,
    pub desa_code: String,
    pub period: Period,
    pub label: String,
    pub arrived_at: DateTime<Utc>,
    /// On the BNBA list of the desa's musdes/muskel (or SPTJM).
    pub agreed: bool,
}

/// How a desa agreed on its proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementForm {
    /// Musyawarah desa / kelurahan with its berita acara.
    Musdes,
    /// Surat pernyataan tanggung jawab mutlak, instead of a musdes.
    Sptjm,
}

impl AgreementForm {
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementForm::Musdes => "musdes",
            AgreementForm::Sptjm => "sptjm",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "musdes" => Some(AgreementForm::Musdes),
            "sptjm" => Some(AgreementForm::Sptjm),
            _ => None,
        }
    }
}

/// A musdes/muskel (or SPTJM) as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub form: AgreementForm,
    /// The day it was held (or the SPTJM signed).
    pub held_on: NaiveDate,
    /// Nomor berita acara (or of the SPTJM).
    pub document_number: String,
    /// People present (a musdes; `None` for an SPTJM).
    pub attendance: Option<u32>,
    pub note: String,
}

/// A signature of one step: who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub username: String,
    pub at: DateTime<Utc>,
}

/// One desa's period: its proposals' counts, agreement and ratification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesaPeriod {
    pub desa_code: String,
    pub period: Period,
    pub agreement: Option<Agreement>,
    pub recorded: Option<Signed>,
    /// The verifikator's (supervisor's) check.
    pub checked: Option<Signed>,
    /// The Kepala OPD's approval: the period is locked from then on.
    pub approved: Option<Signed>,
    /// SHA-256 of the berita acara / SPTJM photos, in the photo store.
    pub photos: Vec<String>,
    pub items: u64,
    pub agreed: u64,
}

impl DesaPeriod {
    /// A desa period nothing was recorded for yet.
    pub fn empty(desa_code: &str, period: Period) -> Self {
        DesaPeriod {
            desa_code: desa_code.to_owned(),
            period,
            agreement: None,
            recorded: None,
            checked: None,
            approved: None,
            photos: Vec::new(),
            items: 0,
            agreed: 0,
        }
    }

    pub fn locked(&self) -> bool {
        self.approved.is_some()
    }
}

/// The period an item belongs to, and whether it is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPeriod {
    pub desa_code: String,
    pub period: Period,
    pub locked: bool,
}

/// Why a change to a desa's period was refused. Each has a stable code and a message in
/// Bahasa Indonesia and English.
#[derive(Debug, thiserror::Error)]
pub enum PeriodError {
    #[error("period {period} of desa {desa_code} is locked")]
    Locked { desa_code: String, period: Period },
    #[error("no musdes/SPTJM recorded")]
    NoAgreement,
    #[error("not checked by a verifikator yet")]
    NotChecked,
    #[error("the verifikator who checked cannot also approve")]
    SamePerson,
    #[error("an agreed item is not a proposal of this desa and period")]
    UnknownItem,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PeriodError {
    /// The stable code for programs (and tests).
    pub fn code(&self) -> &'static str {
        match self {
            PeriodError::Locked { .. } => "period.locked",
            PeriodError::NoAgreement => "period.no_agreement",
            PeriodError::NotChecked => "period.not_checked",
            PeriodError::SamePerson => "period.same_person",
            PeriodError::UnknownItem => "period.unknown_item",
            PeriodError::Store(_) => "period.store",
        }
    }

    /// The message for people: (Bahasa Indonesia, English).
    pub fn message(&self) -> (String, String) {
        match self {
            PeriodError::Locked { desa_code, period } => (
                format!(
                    "Periode {} desa {desa_code} sudah disahkan dan dikunci; perubahan masuk \
                     periode berikutnya.",
                    period.label().id
                ),
                format!(
                    "The {} period of desa {desa_code} is ratified and locked; changes go to \
                     the next period.",
                    period.label().en
                ),
            ),
            PeriodError::NoAgreement => (
                "Catat dulu musdes/muskel atau SPTJM desa ini.".into(),
                "Record this desa's musdes/muskel or SPTJM first.".into(),
            ),
            PeriodError::NotChecked => (
                "Verifikator (supervisor) belum memeriksa periode ini.".into(),
                "A verifikator (supervisor) has not checked this period yet.".into(),
            ),
            PeriodError::SamePerson => (
                "Pengesahan harus oleh orang lain daripada verifikator yang memeriksa.".into(),
                "Approval must come from someone other than the verifikator who checked.".into(),
            ),
            PeriodError::UnknownItem => (
                "Daftar BNBA memuat usulan yang bukan milik desa dan periode ini.".into(),
                "The BNBA list names a proposal that is not of this desa and period.".into(),
            ),
            PeriodError::Store(_) => (
                "Terjadi kesalahan di server; coba lagi.".into(),
                "Something went wrong on the server; try again.".into(),
            ),
        }
    }
}

/// The monthly cycle's data of one database.
pub trait PeriodStore: Send + Sync {
    /// Puts a proposal in a period when it first arrives: `due` (the period of the arrival
    /// day, [`Period::for_arrival`]) or, when that one is already locked for its desa, the
    /// first later one that is not. An item already noted keeps its period. Returns the
    /// period it is in.
    fn note_arrival(&self, arrival: &Arrival, due: Period) -> Result<Period, StoreError> {
        let mut periods = self.note_arrivals(std::slice::from_ref(arrival), due)?;
        periods
            .pop()
            .ok_or_else(|| StoreError::Corrupt("no period noted".into()))
    }

    /// [`PeriodStore::note_arrival`] for every arrival of one push, in one transaction; the
    /// periods in the same order.
    fn note_arrivals(&self, arrivals: &[Arrival], due: Period) -> Result<Vec<Period>, StoreError>;

    /// The period `kind`/`item_id` is in, if it was noted.
    fn item_period(&self, kind: &str, item_id: &str) -> Result<Option<ItemPeriod>, StoreError>;

    /// The desa periods of `period` in `scope` that have a proposal or a record, by desa code.
    fn desa_periods(&self, scope: &Scope, period: Period) -> Result<Vec<DesaPeriod>, StoreError>;

    /// One desa's period ([`DesaPeriod::empty`] when nothing is known of it).
    fn desa_period(&self, desa_code: &str, period: Period) -> Result<DesaPeriod, StoreError>;

    /// The proposals of one desa's period, by kind and id.
    fn period_items(&self, desa_code: &str, period: Period) -> Result<Vec<PeriodItem>, StoreError>;

    /// Records (or replaces) the desa period's musdes/SPTJM and its BNBA list: exactly the
    /// items in `agreed` (kind, id) are agreed. A change clears the verifikator's check.
    /// Refused when locked or when `agreed` names an item of another desa or period.
    fn record_agreement(
        &self,
        desa_code: &str,
        period: Period,
        agreement: &Agreement,
        agreed: &[(String, String)],
        username: &str,
    ) -> Result<(), PeriodError>;

    /// Adds a photo (already in the photo store) to the desa period's record. Refused when
    /// locked or when no musdes/SPTJM is recorded.
    fn add_agreement_photo(
        &self,
        desa_code: &str,
        period: Period,
        sha256: &str,
        username: &str,
    ) -> Result<(), PeriodError>;

    /// The verifikator's check. Needs a recorded musdes/SPTJM; refused when locked.
    fn check_period(
        &self,
        desa_code: &str,
        period: Period,
        username: &str,
    ) -> Result<(), PeriodError>;

    /// The Kepala OPD's approval, which locks the desa period. Needs the check, by another
    /// person; refused when already locked.
    fn approve_period(
        &self,
        desa_code: &str,
        period: Period,
        username: &str,
    ) -> Result<(), PeriodError>;
}
