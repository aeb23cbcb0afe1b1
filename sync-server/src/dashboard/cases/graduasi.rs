//! `GET /dashboard/cases/graduasi?year=`: graduated PKH families per pendamping in a year
//! (a graduasi case whose finding arrived that year, counted for its assignee, else for who
//! sent it) against `[cases.graduasi] yearly_target` (the stated national target: at least 10 per
//! pendamping per year, DTSEN-REFERENCE.md §3.4).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use maud::html;
use serde::Deserialize;

use super::finding;
use super::today;
use crate::dashboard::{html_response, page as layout, t, DashError, WebUser};
use crate::store::{CaseKind, CaseQuery, CaseStore, Scope, StoreError};
use crate::AppState;

#[derive(Deserialize)]
pub struct GraduasiParams {
    year: Option<i32>,
}

/// Per pendamping: (graduated, cases still open), from one read of the graduasi cases and
/// their findings.
pub(super) fn counts(
    cases: &dyn CaseStore,
    scope: &Scope,
    year: i32,
) -> Result<BTreeMap<String, (u32, u32)>, StoreError> {
    let all = cases.cases_with_records(
        scope,
        &CaseQuery {
            kind: Some(CaseKind::GraduasiPkh),
            open_only: false,
            limit: u32::MAX,
        },
    )?;
    let mut out: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for c in &all {
        let who = c.case.pendamping().unwrap_or("").to_owned();
        match c.case.finding_at {
            None => out.entry(who).or_default().1 += 1,
            Some(at) if at.year() == year => {
                if c.record.as_ref().is_some_and(finding::graduated) {
                    out.entry(who).or_default().0 += 1;
                }
            }
            Some(_) => {}
        }
    }
    Ok(out)
}

/// `GET /dashboard/cases/graduasi`
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<GraduasiParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let year = q.year.unwrap_or_else(|| today(&user).year());
    let target = state.config.cases.graduasi.yearly_target;
    let scope = user.scope();
    let cases = state.backend.cases.clone();
    let rows = tokio::task::spawn_blocking(move || counts(cases.as_ref(), &scope, year))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))??;
    let title = t(lang, "Target graduasi PKH", "PKH graduation target");
    let body = html! {
        h1 { (title) " " (year) }
        p { (t(lang, "Target per pendamping per tahun:", "Target per pendamping per year:")) " "
            strong id="graduasi-target" { (target) }
            " (" (t(lang, "bisa diatur: [cases.graduasi] yearly_target", "configurable: [cases.graduasi] yearly_target")) ")" }
        p {
            a href=(format!("/dashboard/cases/graduasi?year={}", year - 1)) { "← " (year - 1) }
            " · " a href=(format!("/dashboard/cases/graduasi?year={}", year + 1)) { (year + 1) " →" }
        }
        @if rows.is_empty() {
            p.empty { (t(lang, "Belum ada kasus graduasi.", "No graduation cases yet.")) }
        } @else {
            table.list {
                thead { tr {
                    th scope="col" { (t(lang, "Pendamping", "Pendamping")) }
                    th.num scope="col" { (t(lang, "Graduasi", "Graduated")) }
                    th.num scope="col" { (t(lang, "Target", "Target")) }
                    th.num scope="col" { (t(lang, "Kasus terbuka", "Open cases")) }
                    th scope="col" { (t(lang, "Capaian", "Reached")) }
                } }
                tbody {
                    @for (who, (done, open)) in &rows {
                        tr data-pendamping=(who) {
                            td { @if who.is_empty() { "—" } @else { (who) } }
                            td.num { (done) }
                            td.num { (target) }
                            td.num { (open) }
                            td { @if *done >= target { (t(lang, "tercapai", "reached")) } @else { (t(lang, "belum", "not yet")) " (" (target - done) " " (t(lang, "lagi", "to go")) ")" } }
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
