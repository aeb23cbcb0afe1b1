//! Importing assignments from the dashboard (`/dashboard/import`): a DTKS prelist or a DTSEN
//! ground-check list, told apart by its header and read by the same parser as
//! `pendata-server import-assignments` (`operator::parse_assignments_csv`), stored by the same
//! store import. Unlike the CLI, a file with any bad row changes nothing: the page lists the
//! bad lines (line number and reason, never the value: it may be a NIK) and the supervisor
//! fixes and uploads the whole file again. Supervisors import inside their wilayah only (a file
//! with a family outside it changes nothing either); admins anywhere.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use pendata_shared::dtsen::listing::GROUND_CHECK_COLUMNS;
use pendata_shared::Lang;

use super::month_access::{may_verify, verifier_only};
use super::{csrf_field, html_response, page, t, DashError, WebUser};
use crate::operator::{is_ground_check_csv, parse_assignments_csv, RowError, PRELIST_COLUMNS};
use crate::store::ImportSummary;
use crate::AppState;

fn import_form(lang: Lang, user: &WebUser) -> Markup {
    html! {
        @if may_verify(user) {
            form.stack method="post" action="/dashboard/import" enctype="multipart/form-data" {
                (csrf_field(user))
                label { (t(lang, "Berkas CSV penugasan", "Assignment CSV file"))
                    input type="file" name="file" id="import-file" accept=".csv,text/csv" required;
                }
                button type="submit" id="import" { (t(lang, "Impor", "Import")) }
            }
        } @else {
            (verifier_only(lang))
        }
        p.note {
            (t(lang,
                "Prelist DTKS (verivali), kolom baris pertama berurutan:",
                "DTKS prelist (verivali), first-line columns in order:")) " "
            code { (PRELIST_COLUMNS.join(",")) }
        }
        p.note {
            (t(lang,
                "Daftar cek lapangan DTSEN (PKH, BPNT/Sembako, PBI-JK), kolom baris pertama berurutan:",
                "DTSEN ground-check list (PKH, BPNT/Sembako, PBI-JK), first-line columns in order:")) " "
            code { (GROUND_CHECK_COLUMNS.join(",")) }
        }
        p.note { (t(lang,
            "Berkas dengan satu baris salah tidak mengubah apa pun. Impor ulang memperbarui, tidak menggandakan.",
            "A file with one bad row changes nothing. Importing again updates, it does not duplicate.")) }
    }
}

/// `GET /dashboard/import`
pub async fn import_page(user: WebUser) -> Result<Response, DashError> {
    let lang = user.lang;
    let title = t(lang, "Impor penugasan", "Import assignments");
    let body = html! { h1 { (title) } (import_form(lang, &user)) };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}

/// What the import page shows after an upload.
struct ImportResult {
    ground_check: bool,
    /// Households (prelist) or families (ground-check list) read without a bad row.
    good: usize,
    /// What the store did; `None`: nothing was imported.
    summary: Option<ImportSummary>,
    errors: Vec<RowError>,
    /// The list ids of families outside the supervisor's wilayah.
    outside: Vec<String>,
}

/// The CSV file of an all-or-nothing upload by a verifier (`/dashboard/import`,
/// `/dashboard/cases/import`): the multipart body read, its CSRF token checked, the role
/// allowed to import, and a file that is not empty.
pub(super) async fn csv_upload(
    state: &AppState,
    user: &WebUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<u8>, DashError> {
    let multipart = multipart.map_err(|_| {
        DashError::bad_request(
            "import.bad_upload",
            "Kirim berkas sebagai multipart/form-data.",
            "Send the file as multipart/form-data.",
        )
    })?;
    let (csrf, file) = read_upload(multipart, state.dashboard.max_import_bytes).await?;
    user.check_csrf(&csrf)?;
    super::month_access::require_verifier(user)?;
    file.filter(|b| !b.is_empty()).ok_or_else(|| {
        DashError::bad_request("import.no_file", "Pilih berkas CSV.", "Choose a CSV file.")
    })
}

/// A file whose first line is not the expected header.
pub(super) fn bad_header(problem: impl std::fmt::Display) -> DashError {
    DashError::BadRequest {
        code: "import.bad_header",
        id: format!("Baris judul salah: {problem}"),
        en: format!("Wrong header line: {problem}"),
    }
}

/// What an upload that imported nothing shows: the bad lines (number and reason, never the
/// value) and the ids outside the user's wilayah, introduced by `outside_intro` (id, en).
pub(super) fn refused_rows(
    lang: Lang,
    imported: bool,
    errors: &[RowError],
    outside: &[String],
    outside_intro: (&'static str, &'static str),
) -> Markup {
    html! {
        @if !imported {
            p.error #nothing-imported { (t(lang,
                "Tidak ada yang diimpor: berkas ini tidak mengubah apa pun. Perbaiki baris berikut lalu unggah seluruh berkas lagi.",
                "Nothing was imported: this file changed nothing. Fix these rows and upload the whole file again.")) }
        }
        @if !errors.is_empty() {
            table.list #row-errors {
                thead { tr { th { (t(lang, "Baris", "Line")) } th { (t(lang, "Masalah", "Problem")) } } }
                tbody {
                    @for e in errors {
                        tr { td.num { (e.line) } td { (e.reason) } }
                    }
                }
            }
        }
        @if !outside.is_empty() {
            p.error { (t(lang, outside_intro.0, outside_intro.1)) }
            ul #outside-ids { @for id in outside { li { code { (id) } } } }
            p.code { code { "dashboard.forbidden" } }
        }
    }
}

/// Reads the multipart upload: the CSRF field and the file's bytes.
async fn read_upload(
    mut multipart: Multipart,
    max: usize,
) -> Result<(String, Option<Vec<u8>>), DashError> {
    let bad_upload = || {
        DashError::bad_request(
            "import.bad_upload",
            "Unggahan tidak dapat dibaca; pilih berkas CSV dan coba lagi.",
            "The upload could not be read; choose a CSV file and try again.",
        )
    };
    let mut csrf = String::new();
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad_upload())? {
        let name = field.name().unwrap_or("").to_owned();
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| bad_upload())? {
            if buf.len() + chunk.len() > max {
                return Err(DashError::bad_request(
                    "import.too_large",
                    format!("Berkas lebih besar dari {} MB.", max / (1024 * 1024)),
                    format!("The file is larger than {} MB.", max / (1024 * 1024)),
                ));
            }
            buf.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => csrf = String::from_utf8(buf).unwrap_or_default(),
            "file" => file = Some(buf),
            _ => {}
        }
    }
    Ok((csrf, file))
}

/// `POST /dashboard/import` (multipart: `csrf`, `file`).
pub async fn import(
    State(state): State<AppState>,
    user: WebUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let bytes = csv_upload(&state, &user, multipart).await?;
    let ground_check = is_ground_check_csv(&bytes);
    let today = chrono::Utc::now().date_naive();
    let parsed = tokio::task::spawn_blocking(move || parse_assignments_csv(&bytes, today))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?
        .map_err(bad_header)?;
    let outside: Vec<String> = parsed
        .households
        .iter()
        .filter(|h| !user.covers(&h.desa_code))
        .map(|h| h.prelist_id.clone())
        .collect();
    let mut result = ImportResult {
        ground_check,
        good: parsed.households.len(),
        summary: None,
        errors: parsed.errors,
        outside,
    };
    // All or nothing: a bad row or a family outside the wilayah imports nothing.
    let status = if !result.outside.is_empty() {
        StatusCode::FORBIDDEN
    } else if !result.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        let households = parsed.households;
        result.summary = Some(
            state
                .records(move |s| s.import_prelist(&households))
                .await?,
        );
        StatusCode::OK
    };
    tracing::info!(
        user = %user.username,
        kind = if ground_check { "ground_check" } else { "prelist" },
        good = result.good,
        imported = result.summary.is_some(),
        bad_rows = result.errors.len(),
        outside = result.outside.len(),
        "dashboard: assignments import"
    );
    let title = t(lang, "Impor penugasan", "Import assignments");
    let body = html! {
        h1 { (title) }
        (result_section(lang, &result))
        (import_form(lang, &user))
    };
    Ok(html_response(status, page(lang, title, Some(&user), body)))
}

fn result_section(lang: Lang, r: &ImportResult) -> Markup {
    let (unit, kind) = if r.ground_check {
        (
            t(lang, "Keluarga", "Families"),
            t(lang, "daftar cek lapangan DTSEN", "DTSEN ground-check list"),
        )
    } else {
        (
            t(lang, "Rumah tangga", "Households"),
            t(lang, "prelist DTKS", "DTKS prelist"),
        )
    };
    html! {
        section #import-result {
            h2 { (t(lang, "Hasil", "Result")) }
            p { (t(lang, "Jenis berkas", "File kind")) ": " strong #import-kind { (kind) } }
            dl.counts {
                dt { (unit) " " (t(lang, "tanpa baris salah", "without a bad row")) } dd #good { (r.good) }
                dt { (t(lang, "baru", "new")) } dd #created { (r.summary.map_or(0, |s| s.created)) }
                dt { (t(lang, "diperbarui", "updated")) } dd #updated { (r.summary.map_or(0, |s| s.updated)) }
                dt { (t(lang, "baris salah", "bad rows")) } dd #bad-rows { (r.errors.len()) }
                dt { (t(lang, "di luar wilayah Anda", "outside your region")) } dd #outside { (r.outside.len()) }
            }
            (refused_rows(lang, r.summary.is_some(), &r.errors, &r.outside, (
                "Id berikut berada di desa di luar wilayah Anda:",
                "These ids are in villages outside your region:",
            )))
        }
    }
}
