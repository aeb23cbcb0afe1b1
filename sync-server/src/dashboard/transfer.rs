//! Import assignments (admins: a CSV upload through the operator's parser and the store's
//! import) and export (supervisors: CSV or XLSX of their wilayah through the operator's writers).

use axum::body::Body;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use pendata_shared::Lang;
use serde::Deserialize;

use super::stream_body::{body_channel, ChunkWriter};
use super::{csrf_field, html_response, page, t, wilayah_name, DashError, WebUser};
use crate::operator::{parse_prelist_csv, CsvExport, RowError, XlsxExport, PRELIST_COLUMNS};
use crate::store::{each_exported, ImportSummary, RecordStore, Scope, StoreError};
use crate::AppState;

fn import_form(lang: Lang, user: &WebUser) -> Markup {
    html! {
        form.stack method="post" action="/dashboard/import" enctype="multipart/form-data" {
            (csrf_field(user))
            label { (t(lang, "Berkas CSV penugasan", "Assignment CSV file"))
                input type="file" name="file" id="import-file" accept=".csv,text/csv" required;
            }
            button type="submit" id="import" { (t(lang, "Impor", "Import")) }
        }
        p.note {
            (t(lang, "Kolom (baris pertama, berurutan):", "Columns (first line, in order):")) " "
            code { (PRELIST_COLUMNS.join(",")) }
        }
    }
}

/// `GET /dashboard/import`
pub async fn import_page(user: WebUser) -> Result<Response, DashError> {
    user.require_admin()?;
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
    households: usize,
    summary: ImportSummary,
    errors: Vec<RowError>,
    skipped: usize,
}

/// `POST /dashboard/import` (multipart: `csrf`, `file`).
pub async fn import(
    State(state): State<AppState>,
    user: WebUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, DashError> {
    user.require_admin()?;
    let mut multipart = multipart.map_err(|_| {
        DashError::bad_request(
            "import.bad_upload",
            "Kirim berkas sebagai multipart/form-data.",
            "Send the file as multipart/form-data.",
        )
    })?;
    let lang = user.lang;
    let max = state.dashboard.max_import_bytes;
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    let bad_upload = || {
        DashError::bad_request(
            "import.bad_upload",
            "Unggahan tidak dapat dibaca; pilih berkas CSV dan coba lagi.",
            "The upload could not be read; choose a CSV file and try again.",
        )
    };
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
    user.check_csrf(&csrf)?;
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return Err(DashError::bad_request(
            "import.no_file",
            "Pilih berkas CSV.",
            "Choose a CSV file.",
        ));
    };
    let today = chrono::Utc::now().date_naive();
    let parsed =
        match tokio::task::spawn_blocking(move || parse_prelist_csv(bytes.as_slice(), today))
            .await
            .map_err(|e| DashError::Internal(e.to_string()))?
        {
            Ok(p) => p,
            Err(header_problem) => {
                return Err(DashError::BadRequest {
                    code: "import.bad_header",
                    id: format!("Baris judul salah: {header_problem}"),
                    en: format!("Wrong header line: {header_problem}"),
                })
            }
        };
    let households = parsed.households;
    let n = households.len();
    let summary = state
        .records(move |s| s.import_prelist(&households))
        .await?;
    tracing::info!(
        admin = %user.username,
        households = n,
        created = summary.created,
        updated = summary.updated,
        bad_rows = parsed.errors.len(),
        "dashboard: assignments imported"
    );
    let result = ImportResult {
        households: n,
        summary,
        errors: parsed.errors,
        skipped: parsed.skipped_households,
    };
    let title = t(lang, "Impor penugasan", "Import assignments");
    let status = if result.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = html! {
        h1 { (title) }
        section #import-result {
            h2 { (t(lang, "Hasil", "Result")) }
            dl.counts {
                dt { (t(lang, "Rumah tangga diimpor", "Households imported")) } dd #imported { (result.households) }
                dt { (t(lang, "baru", "new")) } dd #created { (result.summary.created) }
                dt { (t(lang, "diperbarui", "updated")) } dd #updated { (result.summary.updated) }
                dt { (t(lang, "baris salah", "bad rows")) } dd #bad-rows { (result.errors.len()) }
                dt { (t(lang, "rumah tangga dilewati", "households skipped")) } dd #skipped { (result.skipped) }
            }
            @if !result.errors.is_empty() {
                p.error { (t(lang,
                    "Rumah tangga dengan baris salah tidak diimpor. Perbaiki baris berikut lalu impor lagi (impor ulang memperbarui, tidak menggandakan).",
                    "Households with a bad row were not imported. Fix these rows and import again (re-importing updates, it does not duplicate).")) }
                table.list #row-errors {
                    thead { tr { th { (t(lang, "Baris", "Line")) } th { (t(lang, "Masalah", "Problem")) } } }
                    tbody {
                        @for e in &result.errors {
                            tr { td.num { (e.line) } td { (e.reason) } }
                        }
                    }
                }
            }
        }
        (import_form(lang, &user))
    };
    Ok(html_response(status, page(lang, title, Some(&user), body)))
}

/// `GET /dashboard/export`: the form (format, wilayah inside the user's).
pub async fn export_page(user: WebUser) -> Result<Response, DashError> {
    let lang = user.lang;
    let w = pendata_shared::Wilayah::embedded();
    // The user's region and the regions one and two levels below it (kecamatan, desa).
    let mut choices: Vec<(String, String)> = Vec::new();
    if user.wilayah.is_empty() {
        choices.push((String::new(), wilayah_name("")));
    } else {
        choices.push((user.wilayah.clone(), wilayah_name(&user.wilayah)));
        for c in w.children(&user.wilayah) {
            choices.push((c.code.to_owned(), format!("— {}", c.name)));
            if c.code.len() == 6 {
                for d in w.children(c.code) {
                    choices.push((d.code.to_owned(), format!("—— {}", d.name)));
                }
            }
        }
    }
    let title = t(lang, "Ekspor", "Export");
    let body = html! {
        h1 { (title) }
        form.stack method="get" action="/dashboard/export/download" {
            label { (t(lang, "Wilayah", "Region"))
                select name="wilayah" id="export-wilayah" {
                    @for (code, name) in &choices { option value=(code) { (name) } }
                }
            }
            @if user.wilayah.is_empty() {
                label { (t(lang, "atau kode wilayah", "or a region code"))
                    input type="text" name="code" inputmode="numeric" maxlength="10";
                }
            }
            label { (t(lang, "Format", "Format"))
                select name="format" id="export-format" {
                    option value="csv" { "CSV" }
                    option value="xlsx" { "XLSX (Excel)" }
                }
            }
            button type="submit" id="export" { (t(lang, "Unduh", "Download")) }
        }
        p.note { (t(lang,
            "Satu baris per anggota, kolom sama dengan perintah `pendata-server export` (docs/server.md). Berkas berisi NIK: simpan dengan aman.",
            "One row per member, the same columns as `pendata-server export` (docs/server.md). The file contains NIKs: keep it safe.")) }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}

#[derive(Deserialize)]
pub struct ExportParams {
    format: Option<String>,
    wilayah: Option<String>,
    /// Free region code (admins), used when not empty.
    code: Option<String>,
}

/// `GET /dashboard/export/download?format=csv|xlsx&wilayah=CODE`
pub async fn export_download(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ExportParams>,
) -> Result<Response, DashError> {
    let xlsx = match q.format.as_deref().unwrap_or("csv") {
        "csv" => false,
        "xlsx" => true,
        _ => {
            return Err(DashError::bad_request(
                "export.bad_format",
                "Format harus csv atau xlsx",
                "The format must be csv or xlsx",
            ))
        }
    };
    let wanted = q
        .code
        .filter(|c| !c.trim().is_empty())
        .or(q.wilayah)
        .map(|w| w.trim().to_owned())
        .unwrap_or_default();
    if !wanted.is_empty()
        && (!matches!(wanted.len(), 2 | 4 | 6 | 10) || !wanted.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DashError::bad_request(
            "export.bad_wilayah",
            "Kode wilayah harus 2, 4, 6 atau 10 angka tanpa titik",
            "The region code must be 2, 4, 6 or 10 digits without dots",
        ));
    }
    // Inside the user's own wilayah only.
    let scope = if wanted.is_empty() {
        user.scope()
    } else if user.covers(&wanted) {
        Scope::within(&wanted)
    } else {
        return Err(DashError::Forbidden);
    };
    let label = if wanted.is_empty() {
        if user.wilayah.is_empty() {
            "semua".to_owned()
        } else {
            user.wilayah.clone()
        }
    } else {
        wanted
    };
    let date = chrono::Utc::now().format("%Y%m%d");
    let store = state.records.clone();
    let who = format!("{} / {label}", user.username);
    // One page of households in memory at a time: a province does not fit.
    let (body, ctype, ext) = if xlsx {
        let path = state
            .config
            .data_dir
            .join(format!("export-{}.xlsx.tmp", uuid::Uuid::now_v7()));
        let bytes = tokio::task::spawn_blocking(move || {
            let r = write_xlsx_file(store.as_ref(), &scope, &path).and_then(|n| {
                tracing::info!(export = %who, households = n, format = "xlsx", "dashboard export");
                std::fs::read(&path).map_err(StoreError::from)
            });
            let _ = std::fs::remove_file(&path);
            r
        })
        .await
        .map_err(|e| DashError::Internal(e.to_string()))??;
        (
            Body::from(bytes),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        let (out, body) = body_channel();
        tokio::task::spawn_blocking(
            move || match write_csv_stream(store.as_ref(), &scope, out) {
                Ok(n) => {
                    tracing::info!(export = %who, households = n, format = "csv", "dashboard export")
                }
                Err(e) => tracing::warn!(export = %who, error = %e, "dashboard export cut short"),
            },
        );
        (body, "text/csv; charset=utf-8", "csv")
    };
    let disposition = format!("attachment; filename=\"pendata-{label}-{date}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(ctype)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response())
}

fn writer_error(message: String) -> StoreError {
    StoreError::Io(std::io::Error::other(message))
}

/// The export of `scope` as CSV into `out`; returns how many households.
fn write_csv_stream(
    store: &dyn RecordStore,
    scope: &Scope,
    out: ChunkWriter,
) -> Result<u64, StoreError> {
    let mut csv = CsvExport::new(out).map_err(writer_error)?;
    let n = each_exported(store, scope, |e| csv.write(&e).map_err(writer_error))?;
    csv.finish().map_err(writer_error)?;
    Ok(n)
}

/// The export of `scope` as an .xlsx file at `path`; returns how many households.
fn write_xlsx_file(
    store: &dyn RecordStore,
    scope: &Scope,
    path: &std::path::Path,
) -> Result<u64, StoreError> {
    let mut xlsx = XlsxExport::new().map_err(writer_error)?;
    let n = each_exported(store, scope, |e| xlsx.write(&e).map_err(writer_error))?;
    xlsx.finish(path).map_err(writer_error)?;
    Ok(n)
}
