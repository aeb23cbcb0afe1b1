//! `GET /dashboard/cases?kind=&all=1`: the cases of the user's wilayah by due date, overdue
//! ones flagged, optionally one type; open ones only unless `all=1`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::{day, kind_label, parse_kind, state_label, today};
use crate::dashboard::{html_response, page as layout, t, DashError, WebUser};
use crate::store::{CaseKind, CaseQuery};
use crate::AppState;

/// At most this many cases on the page.
pub(super) const LIMIT: u32 = 1000;

#[derive(Deserialize)]
pub struct ListParams {
    kind: Option<String>,
    all: Option<String>,
}

/// `GET /dashboard/cases`
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let kind = parse_kind(q.kind.as_deref())?;
    let all = q.all.as_deref() == Some("1");
    let scope = user.scope();
    let store = state.backend.cases.clone();
    let query = CaseQuery {
        kind,
        open_only: !all,
        limit: LIMIT,
    };
    let cases = tokio::task::spawn_blocking(move || store.cases(&scope, &query))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))??;
    let today = today(&user);
    let overdue = cases.iter().filter(|c| c.is_overdue(today)).count();
    let title = t(lang, "Kasus", "Cases");
    let link = |k: Option<CaseKind>, all: bool| {
        let mut q = Vec::new();
        if let Some(k) = k {
            q.push(format!("kind={}", k.id()));
        }
        if all {
            q.push("all=1".to_owned());
        }
        if q.is_empty() {
            "/dashboard/cases".to_owned()
        } else {
            format!("/dashboard/cases?{}", q.join("&"))
        }
    };
    let body = html! {
        h1 { (title) }
        nav.filters aria-label=(t(lang, "Jenis kasus", "Case type")) {
            a href=(link(None, all)) aria-current=[kind.is_none().then_some("page")] { (t(lang, "Semua jenis", "All types")) }
            @for k in CaseKind::ALL {
                " · " a href=(link(Some(k), all)) aria-current=[(kind == Some(k)).then_some("page")] { (kind_label(lang, k)) }
            }
            " | "
            @if all {
                a href=(link(kind, false)) { (t(lang, "Hanya yang terbuka", "Open ones only")) }
            } @else {
                a href=(link(kind, true)) { (t(lang, "Tampilkan juga yang selesai", "Show finished ones too")) }
            }
        }
        p {
            @if crate::dashboard::month_access::may_verify(&user) {
                a href="/dashboard/cases/new" { (t(lang, "Tambah kasus / impor usul-sanggah", "Add a case / import proposals")) }
                " · "
            }
            a href="/dashboard/cases/pbi-due" { (t(lang, "Batas pemutakhiran PBI-JK", "PBI-JK update deadlines")) }
            " · " a href="/dashboard/cases/graduasi" { (t(lang, "Target graduasi", "Graduation target")) }
            " · " a href=(format!("/dashboard/cases/export?kind={}", kind.unwrap_or(CaseKind::UsulSanggah).id())) { (t(lang, "Unduh CSV", "Download CSV")) }
        }
        p {
            (t(lang, "Kasus", "Cases")) ": " strong id="case-count" { (cases.len()) }
            " · " (t(lang, "terlambat", "overdue")) ": " strong id="overdue-count" { (overdue) }
        }
        @if cases.is_empty() {
            p.empty { (t(lang, "Tidak ada kasus terbuka di wilayah Anda.", "No open cases in your wilayah.")) }
        } @else {
            table.list {
                caption { (t(lang, "Urut batas waktu", "By due date")) }
                thead { tr {
                    th scope="col" { (t(lang, "Batas waktu", "Due")) }
                    th scope="col" { (t(lang, "Jenis", "Type")) }
                    th scope="col" { (t(lang, "Nama", "Name")) }
                    th scope="col" { (t(lang, "Desa", "Desa")) }
                    th scope="col" { (t(lang, "Pendamping", "Pendamping")) }
                    th scope="col" { (t(lang, "Status", "State")) }
                } }
                tbody {
                    @for c in &cases {
                        tr data-case=(c.id) class=[c.is_overdue(today).then_some("overdue")] {
                            td { (day(c.due_date)) }
                            td { (kind_label(lang, c.kind))
                                @if c.subject.emergency { " " span.badge.conflict { (t(lang, "darurat", "emergency")) } } }
                            td { a href=(format!("/dashboard/cases/{}", c.id)) { (c.subject.name) } }
                            td { (crate::dashboard::wilayah_name(&c.desa_code)) }
                            td { (c.assigned_to.as_deref().unwrap_or("—")) }
                            td {
                                @if c.is_overdue(today) {
                                    span.badge.conflict { (state_label(lang, c, today)) }
                                } @else {
                                    (state_label(lang, c, today))
                                }
                            }
                        }
                    }
                }
            }
            @if cases.len() >= LIMIT as usize {
                p.note { (t(lang, "Hanya 1000 pertama yang ditampilkan.", "Only the first 1000 are shown.")) }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        layout(lang, title, Some(&user), body),
    ))
}
