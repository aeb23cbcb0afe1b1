//! The Dinsos month's pages (issue 21 §2): `GET /dashboard/month` lists the desa periods of a
//! month in the user's wilayah; `GET /dashboard/month/{desa}/{period}` is one desa's period —
//! its proposals, the musdes/muskel or SPTJM with its BNBA list and photos, the two
//! ratification steps, and the proposals that went to the next period. Proposals are usulan
//! baru records and case findings (usul-sanggah, PBI-JK reactivation), each linked to its page.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use pendata_shared::cases::kind::CaseKind;
use pendata_shared::month::period::Period;
use pendata_shared::{Lang, Localized};
use serde::Deserialize;

use super::month_access::{may_approve, may_verify};
use super::{csrf_field, html_response, page, t, wilayah_name, DashError, WebUser};
use crate::store::period::{AgreementForm, DesaPeriod, PeriodItem, Signed, KIND_HOUSEHOLD};
use crate::AppState;

/// The period named in a URL, or 404 (a period is not secret, but a bad one names nothing).
pub(crate) fn period_param(raw: &str) -> Result<Period, DashError> {
    raw.parse().map_err(|_| DashError::NotFound)
}

/// The desa named in a URL if the user's wilayah covers it (10 digits), or 404.
pub(crate) fn desa_param(user: &WebUser, raw: &str) -> Result<String, DashError> {
    if raw.len() == 10 && raw.bytes().all(|b| b.is_ascii_digit()) && user.covers(raw) {
        Ok(raw.to_owned())
    } else {
        Err(DashError::NotFound)
    }
}

pub(crate) fn desa_period_path(desa: &str, period: Period) -> String {
    format!("/dashboard/month/{desa}/{period}")
}

fn status(lang: Lang, d: &DesaPeriod) -> &'static str {
    if d.approved.is_some() {
        t(lang, "disahkan, terkunci", "approved, locked")
    } else if d.checked.is_some() {
        t(
            lang,
            "diperiksa, menunggu pengesahan Kepala OPD",
            "checked, awaiting the Kepala OPD",
        )
    } else if d.agreement.is_some() {
        t(
            lang,
            "menunggu pemeriksaan verifikator",
            "awaiting the verifikator's check",
        )
    } else {
        t(lang, "belum ada musdes/SPTJM", "no musdes/SPTJM yet")
    }
}

fn form_label(lang: Lang, f: AgreementForm) -> &'static str {
    match f {
        AgreementForm::Musdes => t(lang, "Musdes/muskel", "Musdes/muskel"),
        AgreementForm::Sptjm => "SPTJM",
    }
}

fn signed(s: &Option<Signed>) -> String {
    match s {
        Some(s) => format!("{} ({})", s.username, s.at.format("%Y-%m-%d %H:%M UTC")),
        None => "—".into(),
    }
}

#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    period: Option<String>,
}

/// `GET /dashboard/month[?period=YYYY-MM]`: the desa periods of one month.
pub async fn overview(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<MonthQuery>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => p.parse().map_err(|_| {
            DashError::bad_request(
                pendata_shared::month::period::PeriodParseError::CODE,
                pendata_shared::month::period::PeriodParseError.to_string(),
                "A period is written YYYY-MM, e.g. 2026-12",
            )
        })?,
        None => crate::month::arrival_period(&state, &user.wilayah),
    };
    let scope = user.scope();
    let periods = state.backend.periods.clone();
    let (rows, next) = tokio::task::spawn_blocking(move || {
        let rows = periods.desa_periods(&scope, period)?;
        let next = periods.desa_periods(&scope, period.next())?;
        Ok::<_, crate::store::StoreError>((rows, next))
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))??;
    let title = format!(
        "{} · {}",
        t(lang, "Bulan", "Month"),
        period.label().in_lang(lang)
    );
    let prev = Period::containing(period.first_day().pred_opt().unwrap_or(period.first_day()));
    let body = html! {
        h1 { (title) }
        p { (t(lang,
            "Usulan tiap desa pada periode ini, musdes/muskel atau SPTJM-nya, dan pengesahan dua langkah: verifikator (supervisor) memeriksa, Kepala OPD mengesahkan; sesudah itu periode desa itu terkunci dan diekspor untuk SIKS-NG.",
            "Each desa's proposals of this period, its musdes/muskel or SPTJM, and the two-step ratification: the verifikator (supervisor) checks, the Kepala OPD approves; then that desa's period is locked and exported for SIKS-NG.")) }
        nav.pager {
            a href=(format!("/dashboard/month?period={prev}")) { "← " (prev.label().in_lang(lang)) }
            " · "
            a href=(format!("/dashboard/month?period={}", period.next())) { (period.next().label().in_lang(lang)) " →" }
        }
        @if rows.is_empty() {
            p.empty id="month-empty" { (t(lang, "Belum ada usulan pada periode ini di wilayah Anda.", "No proposals in this period in your wilayah yet.")) }
        } @else {
            table id="month-desas" {
                thead { tr {
                    th { "Desa" }
                    th { (t(lang, "Usulan", "Proposals")) }
                    th { (t(lang, "Disepakati (BNBA)", "Agreed (BNBA)")) }
                    th { (t(lang, "Kesepakatan", "Agreement")) }
                    th { (t(lang, "Status", "Status")) }
                    th { (t(lang, "Masuk periode berikutnya", "Went to the next period")) }
                } }
                tbody {
                    @for d in &rows {
                        @let later = next.iter().find(|n| n.desa_code == d.desa_code).map_or(0, |n| n.items);
                        tr {
                            td { a href=(desa_period_path(&d.desa_code, period)) { (wilayah_name(&d.desa_code)) } }
                            td { (d.items) }
                            td { (d.agreed) }
                            td { @match &d.agreement { Some(a) => (form_label(lang, a.form)), None => "—" } }
                            td.status { (status(lang, d)) }
                            td { (later) }
                        }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, &title, Some(&user), body),
    ))
}

/// `GET /dashboard/month/{desa}/{period}`: one desa's period.
pub async fn desa_page(
    State(state): State<AppState>,
    user: WebUser,
    Path((raw_desa, raw_period)): Path<(String, String)>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let desa = desa_param(&user, &raw_desa)?;
    let period = period_param(&raw_period)?;
    let periods = state.backend.periods.clone();
    let d2 = desa.clone();
    let (d, items, later) = tokio::task::spawn_blocking(move || {
        Ok::<_, crate::store::StoreError>((
            periods.desa_period(&d2, period)?,
            periods.period_items(&d2, period)?,
            periods.period_items(&d2, period.next())?,
        ))
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))??;
    let title = format!("{} · {}", wilayah_name(&desa), period.label().in_lang(lang));
    let base = desa_period_path(&desa, period);
    let body = html! {
        h1 { (title) }
        p id="period-status" class=(if d.locked() { "notice locked" } else { "notice" }) role="status" {
            (t(lang, "Status: ", "Status: ")) (status(lang, &d))
        }
        @if d.locked() {
            p { (t(lang,
                "Periode ini sudah disahkan: keputusan tinjauan dan data musdes tidak dapat diubah lagi. Usulan yang datang sekarang masuk periode berikutnya.",
                "This period is ratified: review decisions and the musdes record can no longer change. Proposals arriving now go to the next period.")) }
            p { a id="period-export" href=(format!("{base}/export")) { (t(lang, "Unduh ekspor SIKS-NG (CSV)", "Download the SIKS-NG export (CSV)")) } }
        }
        h2 { (t(lang, "Usulan", "Proposals")) " (" (items.len()) ")" }
        (items_table(lang, &items, "period-items"))
        h2 { (t(lang, "Musdes/muskel atau SPTJM", "Musdes/muskel or SPTJM")) }
        @match &d.agreement {
            Some(a) => {
                dl id="agreement" {
                    dt { (t(lang, "Bentuk", "Form")) } dd { (form_label(lang, a.form)) }
                    dt { (t(lang, "Tanggal", "Date")) } dd { (a.held_on.format("%Y-%m-%d")) }
                    dt { (t(lang, "Nomor berita acara / SPTJM", "Berita acara / SPTJM number")) } dd { (a.document_number) }
                    dt { (t(lang, "Jumlah hadir", "Attendance")) } dd { @match a.attendance { Some(n) => (n), None => "—" } }
                    dt { (t(lang, "Catatan", "Note")) } dd { (a.note) }
                    dt { (t(lang, "Dicatat oleh", "Recorded by")) } dd { (signed(&d.recorded)) }
                }
            }
            None => p.empty { (t(lang, "Belum dicatat.", "Not recorded yet.")) }
        }
        @if !d.photos.is_empty() {
            div.photos id="agreement-photos" {
                @for sha in &d.photos {
                    a href=(format!("{base}/photos/{sha}")) {
                        img src=(format!("{base}/photos/{sha}")) alt=(t(lang, "Foto berita acara / SPTJM", "Photo of the berita acara / SPTJM")) width="240";
                    }
                }
            }
        }
        @if !d.locked() && may_verify(&user) {
            (agreement_form(lang, &user, &base, &d, &items))
            @if d.agreement.is_some() {
                form.stack method="post" action=(format!("{base}/photos")) enctype="multipart/form-data" {
                    (csrf_field(&user))
                    label { (t(lang, "Foto berita acara / SPTJM (JPEG)", "Photo of the berita acara / SPTJM (JPEG)"))
                        input type="file" name="photo" accept="image/jpeg" required; }
                    button type="submit" id="upload-photo" { (t(lang, "Unggah foto", "Upload photo")) }
                }
            }
        }
        h2 { (t(lang, "Pengesahan", "Ratification")) }
        dl id="ratification" {
            dt { (t(lang, "1. Diperiksa verifikator", "1. Checked by the verifikator")) } dd { (signed(&d.checked)) }
            dt { (t(lang, "2. Disahkan Kepala OPD", "2. Approved by the Kepala OPD")) } dd { (signed(&d.approved)) }
        }
        @if !d.locked() {
            @if may_verify(&user) && d.agreement.is_some() {
                form.inline method="post" action=(format!("{base}/check")) {
                    (csrf_field(&user))
                    button type="submit" id="check-period" { (t(lang, "Tandai sudah diperiksa", "Mark as checked")) }
                }
            }
            @if may_approve(&user) && d.checked.is_some() {
                form.inline method="post" action=(format!("{base}/approve")) {
                    (csrf_field(&user))
                    button type="submit" id="approve-period" { (t(lang, "Sahkan dan kunci periode", "Approve and lock the period")) }
                }
            }
        }
        h2 { (t(lang, "Masuk periode berikutnya", "Went to the next period")) " (" (period.next().label().in_lang(lang)) ")" }
        p { (t(lang,
            "Usulan desa ini yang datang setelah batas kirim, atau setelah periode ini dikunci.",
            "This desa's proposals that arrived after the cut-off, or after this period was locked.")) }
        (items_table(lang, &later, "next-period-items"))
        p { a href=(format!("/dashboard/month?period={period}")) { (t(lang, "Kembali ke daftar desa", "Back to the desa list")) } }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, &title, Some(&user), body),
    ))
}

/// The page of a proposal: a usulan baru's review page, a case's page.
fn item_link(i: &PeriodItem) -> Option<String> {
    if i.kind == KIND_HOUSEHOLD {
        Some(format!("/dashboard/households/{}", i.item_id))
    } else {
        CaseKind::parse(&i.kind).map(|_| format!("/dashboard/cases/{}", i.item_id))
    }
}

fn items_table(lang: Lang, items: &[PeriodItem], id: &str) -> Markup {
    html! {
        @if items.is_empty() {
            p.empty id=(id) { (t(lang, "Tidak ada.", "None.")) }
        } @else {
            table id=(id) {
                thead { tr {
                    th { (t(lang, "Usulan", "Proposal")) }
                    th { (t(lang, "Jenis", "Kind")) }
                    th { (t(lang, "Tiba", "Arrived")) }
                    th { "BNBA" }
                } }
                tbody {
                    @for i in items {
                        tr {
                            td { @match item_link(i) {
                                Some(href) => a href=(href) { (if i.label.is_empty() { i.item_id.as_str() } else { i.label.as_str() }) },
                                None => (i.label),
                            } }
                            td { (kind_label(lang, &i.kind)) }
                            td { (i.arrived_at.format("%Y-%m-%d %H:%M UTC")) }
                            td { (if i.agreed { t(lang, "disepakati", "agreed") } else { "—" }) }
                        }
                    }
                }
            }
        }
    }
}

/// A proposal kind for people: a usulan baru, or a case's finding by its kind's name.
pub(crate) fn kind_label(lang: Lang, kind: &str) -> String {
    match (kind, CaseKind::parse(kind)) {
        (KIND_HOUSEHOLD, _) => t(lang, "usulan baru", "new proposal").into(),
        (_, Some(case)) => case.text().get(lang).to_owned(),
        (other, None) => other.into(),
    }
}

fn agreement_form(
    lang: Lang,
    user: &WebUser,
    base: &str,
    d: &DesaPeriod,
    items: &[PeriodItem],
) -> Markup {
    let a = d.agreement.as_ref();
    let form = a.map_or(AgreementForm::Musdes, |a| a.form);
    html! {
        form.stack id="agreement-form" method="post" action=(format!("{base}/agreement")) {
            (csrf_field(user))
            fieldset {
                legend { (t(lang, "Bentuk kesepakatan", "Form of agreement")) }
                label { input type="radio" name="form" value="musdes" checked[form == AgreementForm::Musdes]; " " (t(lang, "Musdes/muskel (berita acara)", "Musdes/muskel (berita acara)")) }
                label { input type="radio" name="form" value="sptjm" checked[form == AgreementForm::Sptjm]; " SPTJM" }
            }
            label { (t(lang, "Tanggal", "Date")) input type="date" name="held_on" required value=[a.map(|a| a.held_on.format("%Y-%m-%d").to_string())]; }
            label { (t(lang, "Nomor berita acara / SPTJM", "Berita acara / SPTJM number")) input type="text" name="document_number" required maxlength="100" value=[a.map(|a| a.document_number.clone())]; }
            label { (t(lang, "Jumlah hadir (musdes)", "Attendance (musdes)")) input type="number" name="attendance" min="1" max="100000" value=[a.and_then(|a| a.attendance)]; }
            label { (t(lang, "Catatan", "Note")) input type="text" name="note" maxlength="500" value=[a.map(|a| a.note.clone())]; }
            @if !items.is_empty() {
                fieldset id="bnba" {
                    legend { (t(lang, "Daftar BNBA: usulan yang disepakati", "BNBA list: the proposals agreed")) }
                    @for i in items {
                        label {
                            input type="checkbox" name=(format!("bnba:{}:{}", i.kind, i.item_id)) value="1" checked[i.agreed];
                            " " (if i.label.is_empty() { i.item_id.as_str() } else { i.label.as_str() })
                        }
                    }
                }
            }
            button type="submit" id="save-agreement" { (t(lang, "Simpan musdes/SPTJM", "Save musdes/SPTJM")) }
        }
    }
}
