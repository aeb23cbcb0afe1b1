//! Progress per kecamatan and desa, from the record store's progress rows (one query, the same
//! scope as the API), with an inline-SVG chart and filters by facilitator and date.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use maud::html;
use pendata_shared::month::period::Countdown;
use pendata_shared::Localized;
use serde::Deserialize;

use super::{bar_chart, html_response, t, DashError, WebUser};
use crate::store::{each_progress, ProgressRow, ReviewState, StoreError};
use crate::AppState;

/// Counts of one area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// On the prelist (an assignment exists).
    pub assigned: u32,
    /// A revision arrived whose interview was opened (the facilitator was there).
    pub visited: u32,
    /// A revision arrived that the facilitator finalized.
    pub final_: u32,
    /// The server holds a current (not withdrawn) revision.
    pub received: u32,
    pub approved: u32,
    pub rejected: u32,
    /// With at least one open conflict.
    pub conflict: u32,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.assigned += o.assigned;
        self.visited += o.visited;
        self.final_ += o.final_;
        self.received += o.received;
        self.approved += o.approved;
        self.rejected += o.rejected;
        self.conflict += o.conflict;
    }
}

/// Filters of the progress page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProgressParams {
    /// Username: the household's assignee or the enumerator recorded in the interview.
    pub facilitator: Option<String>,
    /// Inclusive dates (YYYY-MM-DD, UTC) of the household's last change on the server.
    pub from: Option<String>,
    pub to: Option<String>,
}

fn parse_date(v: &Option<String>) -> Result<Option<NaiveDate>, DashError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                DashError::bad_request(
                    "progress.bad_date",
                    "Tanggal harus YYYY-MM-DD",
                    "Dates must be YYYY-MM-DD",
                )
            }),
    }
}

/// The counts one household contributes.
pub fn counts_of(r: &ProgressRow) -> Counts {
    Counts {
        assigned: u32::from(r.assigned),
        visited: u32::from(r.visited),
        final_: u32::from(r.finalized),
        received: u32::from(r.received),
        approved: u32::from(r.received && r.review_state == ReviewState::Approved),
        rejected: u32::from(r.received && r.review_state == ReviewState::Rejected),
        conflict: u32::from(r.in_conflict),
    }
}

/// Whether the household passes the filters.
pub fn matches(
    r: &ProgressRow,
    facilitator: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> bool {
    if let Some(f) = facilitator {
        let named =
            |who: &Option<String>| who.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(f));
        if !named(&r.assigned_to) && !named(&r.enumerator) {
            return false;
        }
    }
    let day = r.updated_at.date_naive();
    from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
}

/// `GET /dashboard?facilitator=&from=&to=`
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ProgressParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let from = parse_date(&q.from)?;
    let to = parse_date(&q.to)?;
    let facilitator = q
        .facilitator
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_owned);
    let scope = user.scope();
    // One page of households in memory at a time: a province does not fit.
    let wanted = facilitator.clone();
    let (tree, mut facilitators) = state
        .records(move |s| {
            // kecamatan code -> desa code -> counts
            let mut tree: BTreeMap<String, BTreeMap<String, Counts>> = BTreeMap::new();
            let mut facilitators: Vec<String> = Vec::new();
            each_progress(s, &scope, |e| {
                for f in [e.assigned_to.as_deref(), e.enumerator.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    if !facilitators.iter().any(|x| x.eq_ignore_ascii_case(f)) {
                        facilitators.push(f.to_owned());
                    }
                }
                // DTKS households only: DTSEN families are counted on the ground-check page.
                if !e.questionnaire.is_dtks_bdt() || !matches(&e, wanted.as_deref(), from, to) {
                    return Ok::<(), StoreError>(());
                }
                let desa = e.desa_code.clone();
                let kec = desa.get(..6).unwrap_or(&desa).to_owned();
                tree.entry(kec)
                    .or_default()
                    .entry(desa)
                    .or_default()
                    .add(&counts_of(&e));
                Ok(())
            })?;
            Ok((tree, facilitators))
        })
        .await?;
    facilitators.sort_by_key(|f| f.to_lowercase());
    let w = pendata_shared::Wilayah::embedded();
    let name = |code: &str| {
        w.get(code)
            .map(|r| r.name.to_owned())
            .unwrap_or_else(|| pendata_shared::wilayah::dotted(code))
    };
    let mut total = Counts::default();
    let mut chart_rows = Vec::new();
    let mut kec_totals: BTreeMap<&str, Counts> = BTreeMap::new();
    for (kec, desas) in &tree {
        let mut k = Counts::default();
        for c in desas.values() {
            k.add(c);
        }
        total.add(&k);
        kec_totals.insert(kec.as_str(), k);
        for (desa, c) in desas {
            let waiting = c.received.saturating_sub(c.approved + c.rejected);
            let not_yet = c.assigned.saturating_sub(c.received);
            chart_rows.push((
                format!("{} / {}", name(kec), name(desa)),
                vec![c.approved, c.rejected, waiting, not_yet],
            ));
        }
    }
    let legend = [
        t(lang, "disetujui", "approved"),
        t(lang, "ditolak", "rejected"),
        t(lang, "menunggu", "waiting"),
        t(lang, "belum diterima", "not received"),
    ];
    let headers = [
        t(lang, "Ditugaskan", "Assigned"),
        t(lang, "Dikunjungi", "Visited"),
        t(lang, "Final", "Final"),
        t(lang, "Diterima", "Received"),
        t(lang, "Disetujui", "Approved"),
        t(lang, "Ditolak", "Rejected"),
        t(lang, "Konflik", "In conflict"),
    ];
    let cells = |c: &Counts| {
        [
            c.assigned, c.visited, c.final_, c.received, c.approved, c.rejected, c.conflict,
        ]
    };
    let title = t(lang, "Progres pendataan", "Survey progress");
    let countdown = Countdown::on(
        crate::month::today_in(&user.wilayah),
        state.config.month.cutoff_day,
    );
    let body = html! {
        h1 { (title) }
        p.countdown #countdown {
            (t(lang, "Periode", "Period")) " " (countdown.period.label().get(lang)) " — "
            strong { (countdown.in_lang(lang)) }
        }
        form.filters method="get" action="/dashboard" {
            label { (t(lang, "Petugas", "Facilitator"))
                select name="facilitator" id="facilitator" {
                    option value="" { (t(lang, "semua", "all")) }
                    @for f in &facilitators {
                        option value=(f) selected[facilitator.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(f))] { (f) }
                    }
                }
            }
            label { (t(lang, "Dari tanggal", "From")) input type="date" name="from" value=(q.from.as_deref().unwrap_or("")); }
            label { (t(lang, "Sampai tanggal", "To")) input type="date" name="to" value=(q.to.as_deref().unwrap_or("")); }
            button type="submit" { (t(lang, "Terapkan", "Apply")) }
        }
        @if tree.is_empty() {
            p.empty { (t(lang, "Belum ada data untuk filter ini.", "No data for these filters yet.")) }
        } @else {
            (bar_chart(&chart_rows, &legend, t(lang, "Grafik progres per desa (angkanya ada di tabel di bawah)", "Progress per village (the numbers are in the table below)")))
            table.list.progress #progress {
                thead { tr {
                    th { (t(lang, "Kecamatan / desa", "District / village")) }
                    @for h in headers { th.num { (h) } }
                } }
                tbody {
                    @for (kec, desas) in &tree {
                        tr.kecamatan data-code=(kec) {
                            th { (name(kec)) }
                            @for v in cells(&kec_totals.get(kec.as_str()).copied().unwrap_or_default()) { td.num { (v) } }
                        }
                        @for (desa, c) in desas {
                            tr.desa data-code=(desa) {
                                td { (name(desa)) }
                                @for v in cells(c) { td.num { (v) } }
                            }
                        }
                    }
                    tr.total {
                        th { (t(lang, "Jumlah", "Total")) }
                        @for v in cells(&total) { td.num { (v) } }
                    }
                }
            }
            p.note {
                (t(lang,
                    "Rumah tangga DTKS (verivali dan usulan baru) saja; keluarga DTSEN dihitung di halaman ",
                    "DTKS households (verivali and new proposals) only; DTSEN families are counted on the page "))
                a href="/dashboard/ground-check" { (t(lang, "Cek lapangan", "Ground check")) } "."
            }
            p.note { (t(lang,
                "Dikunjungi: wawancara sudah dibuka. Final: petugas sudah memfinalkan. Diterima: server menyimpan revisi terkini. Tanggal: perubahan terakhir di server (UTC).",
                "Visited: the interview was opened. Final: the facilitator finalized it. Received: the server holds a current revision. Dates: last change on the server (UTC)."
            )) }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        super::page(lang, title, Some(&user), body),
    ))
}
