//! Each case kind's photo checklist.
//!
//! - usul-sanggah: the house front (`F-RUMAH`, required: the objection rule centres on the
//!   house's photo and position, §3.2, except when the address was not found), and optionally
//!   its inside, the KTP and the KK;
//! - PBI-JK reactivation: the faskes letter (`F-SURAT-FASKES`, required), the SKTM (`F-SKTM`,
//!   optional) and optionally the KTP (§3.3);
//! - graduasi PKH: the statement letter (`F-SURAT-GRADUASI`, required) and optionally the house.

use serde::Serialize;

use super::kind::CaseKind;
use super::record::{CaseFinding, CaseRecord};
use super::usul_sanggah::Verdict;
use crate::photos::PhotoKind;

/// One line of a checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub kind: PhotoKind,
    /// Whether the record cannot be final without it.
    pub required: bool,
    pub present: bool,
}

/// The kinds a case of `kind` asks for, each with whether it is required (before any finding).
pub const fn case_photo_kinds(kind: CaseKind) -> &'static [(PhotoKind, bool)] {
    match kind {
        CaseKind::UsulSanggah => &[
            (PhotoKind::Rumah, true),
            (PhotoKind::RumahDalam, false),
            (PhotoKind::Ktp, false),
            (PhotoKind::Kk, false),
        ],
        CaseKind::ReaktivasiPbiJk => &[
            (PhotoKind::SuratFaskes, true),
            (PhotoKind::Sktm, false),
            (PhotoKind::Ktp, false),
        ],
        CaseKind::GraduasiPkh => &[(PhotoKind::SuratGraduasi, true), (PhotoKind::Rumah, false)],
    }
}

/// The record's checklist: every kind its case asks for, required or not as the finding so far
/// makes it, and whether a photo of it is attached.
pub fn case_photo_checklist(c: &CaseRecord) -> Vec<ChecklistItem> {
    let house_not_seen = matches!(
        &c.finding,
        CaseFinding::UsulSanggah(f)
            if f.verdict == Some(Verdict::TidakLayak)
                && f.reason.is_some_and(|r| r.house_not_seen())
    );
    case_photo_kinds(c.kind())
        .iter()
        .map(|&(kind, required)| ChecklistItem {
            kind,
            required: required && !(house_not_seen && kind == PhotoKind::Rumah),
            present: c.photos.iter().any(|p| p.kind == kind),
        })
        .collect()
}

/// The required kinds still missing, in checklist order.
pub fn missing_case_photos(c: &CaseRecord) -> Vec<PhotoKind> {
    case_photo_checklist(c)
        .into_iter()
        .filter(|i| i.required && !i.present)
        .map(|i| i.kind)
        .collect()
}

/// Whether a photo of `kind` belongs on a case of `kind` at all.
pub fn takes_photo(case: CaseKind, kind: PhotoKind) -> bool {
    case_photo_kinds(case).iter().any(|(k, _)| *k == kind)
}
