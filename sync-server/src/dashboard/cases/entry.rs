//! Cases coming in from the dashboard: `GET /dashboard/cases/new` (the forms),
//! `POST /dashboard/cases/import` (a usul-sanggah file, all or nothing like the assignment
//! import: a bad row or a case outside the wilayah changes nothing; bad lines are named by
//! number and rule, never by value) and `POST /dashboard/cases` (a PBI-JK reactivation for a
//! person, or a graduasi for a family, entered by hand). Each case is due `[cases] due_days`
//! after it came in and reaches the pendamping's device at the next pull.

use crate::dashboard::month_access::{may_verify, verifier_only};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use pendata_shared::cases::rules::DueDays;
use pendata_shared::prelist::{field, opt, RowError};
use pendata_shared::Lang;
use serde::Deserialize;

use super::{day, kind_label, today};
use crate::cases::assignment::{new_case, CaseInput};
use crate::cases::import::usul_sanggah_cases;
use crate::cases::import_csv::{parse_cases_csv, CASE_COLUMNS};
use crate::dashboard::import::{bad_header, csv_upload, refused_rows};
use crate::dashboard::{csrf_field, html_response, page as layout, t, DashError, WebUser};
use crate::store::cases::{CaseSource, CaseSubject};
use crate::store::{CaseImportSummary, CaseKind};
use crate::AppState;

/// Longest note.
const MAX_NOTE: usize = 1000;

fn forms(lang: Lang, user: &WebUser, due: &DueDays) -> Markup {
    html! {
        p.note { (t(lang, "Batas waktu setelah kasus masuk (bisa diatur: [cases.due_days]):", "Due after a case came in (configurable: [cases.due_days]):")) " "
            (kind_label(lang, CaseKind::UsulSanggah)) " " (due.usul_sanggah) ", "
            (kind_label(lang, CaseKind::ReaktivasiPbiJk)) " " (due.reaktivasi_pbi_jk) " (" (t(lang, "darurat", "emergency")) " " (due.reaktivasi_pbi_jk_emergency) "), "
            (kind_label(lang, CaseKind::GraduasiPkh)) " " (due.graduasi_pkh) " " (t(lang, "hari", "days")) "." }
        section {
            h2 { (t(lang, "Impor usul-sanggah (Cek Bansos)", "Import proposals and objections (Cek Bansos)")) }
            form.stack method="post" action="/dashboard/cases/import" enctype="multipart/form-data" {
                (csrf_field(user))
                label { (t(lang, "Berkas CSV usul-sanggah", "Proposals/objections CSV file"))
                    input type="file" name="file" id="cases-file" accept=".csv,text/csv" required;
                }
                button type="submit" id="cases-import" { (t(lang, "Impor", "Import")) }
            }
            p.note { (t(lang, "Kolom baris pertama berurutan:", "First-line columns in order:")) " " code { (CASE_COLUMNS.join(",")) } }
        }
        section {
            h2 { (t(lang, "Kasus baru (isian tangan)", "New case (by hand)")) }
            form.stack method="post" action="/dashboard/cases" {
                (csrf_field(user))
                label { (t(lang, "Jenis", "Type"))
                    select name="kind" id="case-kind" {
                        option value=(CaseKind::ReaktivasiPbiJk.id()) { (kind_label(lang, CaseKind::ReaktivasiPbiJk)) }
                        option value=(CaseKind::GraduasiPkh.id()) { (kind_label(lang, CaseKind::GraduasiPkh)) }
                    }
                }
                label { (t(lang, "Nama (orang, atau kepala keluarga)", "Name (the person, or the family's head)")) input type="text" name="name" required maxlength="100"; }
                label { "NIK " (t(lang, "(wajib untuk PBI-JK)", "(required for PBI-JK)")) input type="text" name="nik" inputmode="numeric" maxlength="16" autocomplete="off"; }
                label { (t(lang, "Nomor KK (wajib untuk graduasi)", "KK number (required for graduasi)")) input type="text" name="kk_number" inputmode="numeric" maxlength="16" autocomplete="off"; }
                label { (t(lang, "Kode desa/kelurahan", "Desa/kelurahan code")) input type="text" name="desa_code" inputmode="numeric" maxlength="10" required; }
                label { "RT" input type="text" name="rt" maxlength="3"; }
                label { "RW" input type="text" name="rw" maxlength="3"; }
                label { (t(lang, "Alamat", "Address")) input type="text" name="address" maxlength="200"; }
                label.choice { input type="checkbox" name="emergency" value="1"; " " (t(lang, "Darurat (PBI-JK: perlu berobat sekarang)", "Emergency (PBI-JK: needs care now)")) }
                label { (t(lang, "Catatan untuk pendamping", "Note for the pendamping")) textarea name="note" maxlength="1000" {} }
                label { (t(lang, "Pendamping (nama pengguna)", "Pendamping (username)")) input type="text" name="assigned_to" maxlength="64"; }
                button type="submit" id="case-create" { (t(lang, "Simpan kasus", "Save the case")) }
            }
        }
    }
}

/// `GET /dashboard/cases/new`
pub async fn page(State(state): State<AppState>, user: WebUser) -> Result<Response, DashError> {
    let lang = user.lang;
    let title = t(lang, "Tambah kasus", "Add cases");
    let body = html! {
        h1 { (title) }
        @if may_verify(&user) {
            (forms(lang, &user, &state.config.cases.due_days))
        } @else {
            (verifier_only(lang))
        }
    };
    Ok(html_response(
        StatusCode::OK,
        layout(lang, title, Some(&user), body),
    ))
}

/// `POST /dashboard/cases/import` (multipart: `csrf`, `file`).
pub async fn import(
    State(state): State<AppState>,
    user: WebUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let bytes = csv_upload(&state, &user, multipart).await?;
    let today = today(&user);
    let parsed = tokio::task::spawn_blocking(move || parse_cases_csv(&bytes, today))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?
        .map_err(bad_header)?;
    let outside: Vec<String> = parsed
        .rows
        .iter()
        .filter(|r| !user.covers(&r.desa_code))
        .map(|r| r.case_id.clone())
        .collect();
    let good = parsed.rows.len();
    let (status, summary) = if !outside.is_empty() {
        (StatusCode::FORBIDDEN, None)
    } else if !parsed.errors.is_empty() {
        (StatusCode::UNPROCESSABLE_ENTITY, None)
    } else {
        let cases = usul_sanggah_cases(
            parsed.rows,
            &state.config.cases,
            crate::month::today_in,
            Some(&user.username),
        );
        let store = state.backend.cases.clone();
        let summary = tokio::task::spawn_blocking(move || store.create_cases(&cases))
            .await
            .map_err(|e| DashError::Internal(e.to_string()))??;
        (StatusCode::OK, Some(summary))
    };
    tracing::info!(
        user = %user.username,
        good,
        imported = summary.is_some(),
        bad_rows = parsed.errors.len(),
        outside = outside.len(),
        "dashboard: usul-sanggah import"
    );
    let title = t(
        lang,
        "Impor usul-sanggah",
        "Import proposals and objections",
    );
    let body = html! {
        h1 { (title) }
        (result(lang, good, summary, &parsed.errors, &outside))
        p { a href="/dashboard/cases?kind=usul_sanggah" { (t(lang, "Lihat kasus usul-sanggah", "See the proposal/objection cases")) } }
        (forms(lang, &user, &state.config.cases.due_days))
    };
    Ok(html_response(
        status,
        layout(lang, title, Some(&user), body),
    ))
}

fn result(
    lang: Lang,
    good: usize,
    summary: Option<CaseImportSummary>,
    errors: &[RowError],
    outside: &[String],
) -> Markup {
    html! {
        section #import-result {
            h2 { (t(lang, "Hasil", "Result")) }
            dl.counts {
                dt { (t(lang, "Baris tanpa kesalahan", "Rows without a problem")) } dd #good { (good) }
                dt { (t(lang, "kasus baru", "new cases")) } dd #created { (summary.map_or(0, |s| s.created)) }
                dt { (t(lang, "diperbarui", "updated")) } dd #updated { (summary.map_or(0, |s| s.updated)) }
                dt { (t(lang, "baris salah", "bad rows")) } dd #bad-rows { (errors.len()) }
                dt { (t(lang, "di luar wilayah Anda", "outside your region")) } dd #outside { (outside.len()) }
            }
            (refused_rows(lang, summary.is_some(), errors, outside, (
                "Kasus berikut berada di desa di luar wilayah Anda:",
                "These cases are in villages outside your region:",
            )))
        }
    }
}

/// Every field may be missing: the CSRF check comes first, then each field's own message.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CaseForm {
    csrf: String,
    kind: String,
    name: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    kk_number: String,
    desa_code: String,
    #[serde(default)]
    rt: String,
    #[serde(default)]
    rw: String,
    #[serde(default)]
    address: String,
    emergency: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    assigned_to: String,
}

fn bad(message: String) -> DashError {
    // The shared field checks answer "<column>: <Indonesian> (<English>)".
    let en = message
        .rfind(" (")
        .map(|i| message[i + 2..].trim_end_matches(')').to_owned())
        .unwrap_or_else(|| message.clone());
    DashError::BadRequest {
        code: "cases.bad_field",
        id: message,
        en,
    }
}

/// `POST /dashboard/cases`: a PBI-JK or graduasi case by hand; answers with its page.
pub async fn create(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<CaseForm>,
) -> Result<Response, DashError> {
    crate::dashboard::month_access::require_verifier(&user)?;
    user.check_csrf(&f.csrf)?;
    let kind = match CaseKind::parse(f.kind.trim()) {
        Some(k @ (CaseKind::ReaktivasiPbiJk | CaseKind::GraduasiPkh)) => k,
        _ => {
            return Err(DashError::bad_request(
                "cases.bad_kind",
                "Isian tangan untuk reaktivasi_pbi_jk atau graduasi_pkh; usul-sanggah diimpor dari berkas",
                "By hand: reaktivasi_pbi_jk or graduasi_pkh; proposals and objections come from a file",
            ))
        }
    };
    let today = today(&user);
    let desa_code = field::desa_code(f.desa_code.trim()).map_err(bad)?;
    if !user.covers(&desa_code) {
        return Err(DashError::bad_request(
            "cases.outside_wilayah",
            "Desa ini di luar wilayah Anda.",
            "This desa is outside your region.",
        ));
    }
    let name = field::name(f.name.trim()).map_err(bad)?;
    let nik = field::nik(&f.nik, today).map_err(bad)?;
    let kk_number = field::kk_number(&f.kk_number, today).map_err(bad)?;
    match kind {
        CaseKind::ReaktivasiPbiJk if nik.is_none() => {
            return Err(DashError::bad_request(
                "cases.nik_required",
                "Reaktivasi PBI-JK untuk satu orang: isi NIK-nya.",
                "A PBI-JK reactivation is for one person: give their NIK.",
            ))
        }
        CaseKind::GraduasiPkh if kk_number.is_none() => {
            return Err(DashError::bad_request(
                "cases.kk_required",
                "Graduasi untuk satu keluarga: isi nomor KK-nya.",
                "A graduation is for one family: give its KK number.",
            ))
        }
        _ => {}
    }
    let note = opt(&f.note);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(DashError::bad_request(
            "cases.note_too_long",
            format!("Catatan paling banyak {MAX_NOTE} karakter."),
            format!("The note is longer than {MAX_NOTE} characters."),
        ));
    }
    let case = new_case(
        CaseInput {
            kind,
            source_id: format!("{}-{}", day(today), uuid::Uuid::new_v4().simple()),
            source: CaseSource::Hand,
            desa_code,
            assigned_to: field::assigned_to(&f.assigned_to).map_err(bad)?,
            due_date: state.config.cases.due_date(
                kind,
                kind == CaseKind::ReaktivasiPbiJk && f.emergency.as_deref() == Some("1"),
                today,
            ),
            subject: CaseSubject {
                name,
                nik,
                kk_number,
                rt: field::rt_rw(&f.rt, "rt").map_err(bad)?,
                rw: field::rt_rw(&f.rw, "rw").map_err(bad)?,
                address: field::address(f.address.trim()).map_err(bad)?,
                programme: Some(
                    match kind {
                        CaseKind::ReaktivasiPbiJk => "pbi_jk",
                        _ => "pkh",
                    }
                    .to_owned(),
                ),
                emergency: kind == CaseKind::ReaktivasiPbiJk && f.emergency.as_deref() == Some("1"),
                note,
                ..Default::default()
            },
            created_by: Some(user.username.clone()),
        },
        chrono::Utc::now(),
    );
    let id = case.id;
    let store = state.backend.cases.clone();
    tokio::task::spawn_blocking(move || store.create_cases(&[case]))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))??;
    tracing::info!(user = %user.username, case = %id, kind = kind.id(), "dashboard: case entered");
    Ok(Redirect::to(&format!("/dashboard/cases/{id}")).into_response())
}
