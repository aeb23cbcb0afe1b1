//! Case work on the dashboard (issue 21 §1): usul-sanggah verifications, PBI-JK
//! reactivations and graduasi PKH. One file per page: `list.rs` (open cases by due date,
//! overdue flagged, per type), `entry.rs` (the usul-sanggah upload and the hand entry of a
//! PBI-JK or graduasi case), `detail.rs` (a case: what it is about, the field finding, photos,
//! the PBI-JK decision), `pbi_due.rs` (reactivated participants whose DTSEN update is coming
//! due), `graduasi.rs` (graduations per pendamping against the yearly target), `export.rs`
//! (CSV per type). Every page reads through [`crate::store::CaseStore`] with the user's
//! wilayah scope; a case outside it is `404` like a missing one.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use pendata_shared::Lang;

use super::{t, DashError, WebUser};
use crate::store::{CaseKind, CaseRow};
use crate::AppState;

mod detail;
mod entry;
mod export;
mod finding;
mod graduasi;
mod list;
mod pbi_due;

/// The routes of this module (each also in [`super::ROUTES`]).
pub fn routes(max_form_bytes: usize) -> Router<AppState> {
    let forms = Router::new()
        .route("/dashboard/cases", get(list::page).post(entry::create))
        .route("/dashboard/cases/new", get(entry::page))
        .route("/dashboard/cases/pbi-due", get(pbi_due::page))
        .route("/dashboard/cases/graduasi", get(graduasi::page))
        .route("/dashboard/cases/export", get(export::download))
        .route("/dashboard/cases/{id}", get(detail::page))
        .route("/dashboard/cases/{id}/decision", post(detail::decide))
        .layer(DefaultBodyLimit::max(max_form_bytes));
    let upload = Router::new().route(
        "/dashboard/cases/import",
        post(entry::import).layer(DefaultBodyLimit::disable()),
    );
    forms.merge(upload)
}

/// The type's name.
pub(super) fn kind_label(lang: Lang, kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::UsulSanggah => t(lang, "Usul-sanggah", "Proposal/objection"),
        CaseKind::ReaktivasiPbiJk => t(lang, "Reaktivasi PBI-JK", "PBI-JK reactivation"),
        CaseKind::GraduasiPkh => t(lang, "Graduasi PKH", "PKH graduation"),
    }
}

/// `?kind=` as a case type (empty: all).
pub(super) fn parse_kind(raw: Option<&str>) -> Result<Option<CaseKind>, DashError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) => CaseKind::parse(k).map(Some).ok_or_else(|| {
            DashError::bad_request(
                "cases.bad_kind",
                "Jenis kasus harus usul_sanggah, reaktivasi_pbi_jk atau graduasi_pkh",
                "The case type must be usul_sanggah, reaktivasi_pbi_jk or graduasi_pkh",
            )
        }),
    }
}

/// Today in the user's wilayah (WIB/WITA/WIT; `PENDATA_TODAY` when set), the day due dates
/// are compared with: the server's one day, [`crate::month::today_in`].
pub(super) fn today(user: &WebUser) -> NaiveDate {
    crate::month::today_in(&user.wilayah)
}

/// The case's state as people read it.
pub(super) fn state_label(lang: Lang, c: &CaseRow, today: NaiveDate) -> &'static str {
    if c.is_overdue(today) {
        t(lang, "Terlambat", "Overdue")
    } else if c.finding_at.is_none() {
        t(lang, "Menunggu kunjungan", "Awaiting the visit")
    } else if c.is_open() {
        t(lang, "Menunggu keputusan", "Awaiting the decision")
    } else {
        t(lang, "Selesai", "Done")
    }
}

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
