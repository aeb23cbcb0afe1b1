//! `GET /dashboard/cases/pbi-due`: reactivated PBI-JK participants whose DTSEN data update is
//! due within 30 days (or already past), by that day. Permensos 3/2026 as
//! read gives them `[cases.pbi_jk] dtsen_update_months` (6) after the reactivation letter.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::{day, today};
use crate::dashboard::{html_response, page as layout, t, DashError, WebUser};
use crate::store::PbiOutcome;
use crate::AppState;

/// How far ahead the page looks, in days (a display choice).
pub(super) const PBI_DUE_SOON_DAYS: u32 = 30;

/// `GET /dashboard/cases/pbi-due`
pub async fn page(State(state): State<AppState>, user: WebUser) -> Result<Response, DashError> {
    let lang = user.lang;
    let rules = state.config.cases;
    let today = today(&user);
    let until = today
        .checked_add_days(chrono::Days::new(u64::from(PBI_DUE_SOON_DAYS)))
        .unwrap_or(today);
    let scope = user.scope();
    let store = state.backend.cases.clone();
    let due = tokio::task::spawn_blocking(move || store.pbi_updates_due(&scope, until))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))??;
    let title = t(
        lang,
        "Batas pemutakhiran data PBI-JK",
        "PBI-JK data update deadlines",
    );
    let body = html! {
        h1 { (title) }
        p { (t(lang,
            "Peserta PBI-JK yang diaktifkan kembali wajib memutakhirkan data DTSEN-nya. Daftar ini memuat yang batas waktunya sudah lewat atau jatuh dalam",
            "Reactivated PBI-JK participants must update their DTSEN data. This lists those whose deadline has passed or falls within"))
          " " (PBI_DUE_SOON_DAYS) " " (t(lang, "hari ke depan", "days")) " ("
          (rules.pbi_jk.dtsen_update_months) " " (t(lang, "bulan setelah surat reaktivasi; bisa diatur: [cases.pbi_jk] dtsen_update_months", "months after the reactivation letter; configurable: [cases.pbi_jk] dtsen_update_months")) ")." }
        @if due.is_empty() {
            p.empty { (t(lang, "Tidak ada yang jatuh tempo.", "Nothing coming due.")) }
        } @else {
            table.list {
                thead { tr {
                    th scope="col" { (t(lang, "Batas pemutakhiran", "Update due")) }
                    th scope="col" { (t(lang, "Nama", "Name")) }
                    th scope="col" { (t(lang, "Desa", "Desa")) }
                    th scope="col" { (t(lang, "No. surat reaktivasi", "Reactivation letter no.")) }
                    th scope="col" { (t(lang, "Tanggal surat", "Letter date")) }
                } }
                tbody {
                    @for c in &due {
                        @if let Some(PbiOutcome::Reactivated { letter_no, letter_date, dtsen_update_due: update_due }) = c.decision.as_ref().map(|d| &d.outcome) {
                            tr data-case=(c.id) {
                                td {
                                    (day(*update_due))
                                    @if *update_due < today { " " span.badge.conflict { (t(lang, "lewat", "past")) } }
                                }
                                td { a href=(format!("/dashboard/cases/{}", c.id)) { (c.subject.name) } }
                                td { (crate::dashboard::wilayah_name(&c.desa_code)) }
                                td { (letter_no) }
                                td { (day(*letter_date)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        layout(lang, title, Some(&user), body),
    ))
}
