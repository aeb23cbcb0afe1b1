//! The DTSEN ground check's progress (`GET /dashboard/ground-check`): per kecamatan and desa and
//! per pendamping, assigned / visited / found / moved / died / not found / to revisit, counted
//! by the record store in the database (`RecordStore::ground_check_progress`), inside the
//! user's wilayah, optionally for one programme's list.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::dtsen::GroundCheckOutcome;
use pendata_shared::Lang;
use serde::Deserialize;

use super::{html_response, t, DashError, WebUser};
use crate::store::GroundCheckCounts;
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct GroundCheckParams {
    /// `pkh`, `sembako` (or `bpnt`), `pbi_jk`; empty or absent: every list.
    programme: Option<String>,
}

/// The column headers, in [`GroundCheckCounts::cells`] order; the outcomes' names are the
/// shared model's.
fn headers(lang: Lang) -> [String; 7] {
    let o = |x: GroundCheckOutcome| x.text().get(lang).to_owned();
    [
        t(lang, "Ditugaskan", "Assigned").to_owned(),
        t(lang, "Dikunjungi", "Visited").to_owned(),
        o(GroundCheckOutcome::Found),
        o(GroundCheckOutcome::Moved),
        o(GroundCheckOutcome::Died),
        o(GroundCheckOutcome::NotFound),
        t(lang, "Kunjungi lagi", "To revisit").to_owned(),
    ]
}

/// `GET /dashboard/ground-check?programme=`
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<GroundCheckParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let programme = match q.programme.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(ListProgramme::parse(p).ok_or_else(|| {
            DashError::bad_request(
                "ground_check.bad_programme",
                "Program harus pkh, sembako atau pbi_jk",
                "The programme must be pkh, sembako or pbi_jk",
            )
        })?),
    };
    let scope = user.scope();
    let rows = state
        .records(move |s| s.ground_check_progress(&scope, programme))
        .await?;
    // kecamatan -> desa -> counts, and pendamping -> counts
    let mut tree: BTreeMap<String, BTreeMap<String, GroundCheckCounts>> = BTreeMap::new();
    let mut by_pendamping: BTreeMap<String, GroundCheckCounts> = BTreeMap::new();
    let mut total = GroundCheckCounts::default();
    for r in &rows {
        let kec = r.desa_code.get(..6).unwrap_or(&r.desa_code).to_owned();
        tree.entry(kec)
            .or_default()
            .entry(r.desa_code.clone())
            .or_default()
            .add(&r.counts);
        by_pendamping
            .entry(r.pendamping.clone().unwrap_or_default())
            .or_default()
            .add(&r.counts);
        total.add(&r.counts);
    }
    let kec_totals: BTreeMap<&String, GroundCheckCounts> = tree
        .iter()
        .map(|(kec, desas)| {
            let mut k = GroundCheckCounts::default();
            for c in desas.values() {
                k.add(c);
            }
            (kec, k)
        })
        .collect();
    let w = pendata_shared::Wilayah::embedded();
    let name = |code: &str| {
        w.get(code)
            .map(|r| r.name.to_owned())
            .unwrap_or_else(|| pendata_shared::wilayah::dotted(code))
    };
    let headers = headers(lang);
    let title = t(
        lang,
        "Progres cek lapangan DTSEN",
        "DTSEN ground-check progress",
    );
    let body = html! {
        h1 { (title) }
        form.filters method="get" action="/dashboard/ground-check" {
            label { (t(lang, "Program", "Programme"))
                select name="programme" id="programme" {
                    option value="" { (t(lang, "semua daftar", "every list")) }
                    @for p in ListProgramme::ALL {
                        option value=(p.id()) selected[programme == Some(p)] { (p.text().get(lang)) }
                    }
                }
            }
            button type="submit" { (t(lang, "Terapkan", "Apply")) }
        }
        @if rows.is_empty() {
            p.empty #ground-check-empty { (t(lang,
                "Belum ada daftar cek lapangan di wilayah Anda untuk filter ini.",
                "No ground-check list in your region for this filter yet.")) }
        } @else {
            h2 { (t(lang, "Per desa", "Per village")) }
            table.list.progress #ground-check-desa {
                thead { tr {
                    th { (t(lang, "Kecamatan / desa", "District / village")) }
                    @for h in &headers { th.num { (h) } }
                } }
                tbody {
                    @for (kec, desas) in &tree {
                        tr.kecamatan data-code=(kec) {
                            th { (name(kec)) }
                            @for v in kec_totals.get(kec).copied().unwrap_or_default().cells() { td.num { (v) } }
                        }
                        @for (desa, c) in desas {
                            tr.desa data-code=(desa) {
                                td { a href=(format!("/dashboard/households?state=all&desa={desa}")) { (name(desa)) } }
                                @for v in c.cells() { td.num { (v) } }
                            }
                        }
                    }
                    tr.total {
                        th { (t(lang, "Jumlah", "Total")) }
                        @for v in total.cells() { td.num { (v) } }
                    }
                }
            }
            h2 { (t(lang, "Per pendamping", "Per facilitator")) }
            table.list.progress #ground-check-pendamping {
                thead { tr {
                    th { (t(lang, "Pendamping", "Facilitator")) }
                    @for h in &headers { th.num { (h) } }
                } }
                tbody {
                    @for (who, c) in &by_pendamping {
                        tr data-pendamping=(who) {
                            td { @if who.is_empty() { (t(lang, "(belum ditugaskan)", "(not assigned)")) } @else { (who) } }
                            @for v in c.cells() { td.num { (v) } }
                        }
                    }
                }
            }
            p.note { (t(lang,
                "Ditugaskan: ada di daftar cek lapangan yang diimpor. Dikunjungi: server menyimpan kunjungan atau hasil. Kunjungi lagi: kunjungan terakhir tidak bertemu siapa pun dan belum ada hasil. Pendamping: yang ditugaskan di daftar, atau petugas yang mengirim.",
                "Assigned: on an imported ground-check list. Visited: the server holds a visit or an outcome. To revisit: nobody was home at the last visit and there is no outcome yet. Facilitator: the one the list assigns, or else the one who sent it."
            )) }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        super::page(lang, title, Some(&user), body),
    ))
}
