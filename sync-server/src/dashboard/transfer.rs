//! Export (supervisors: CSV or XLSX of their wilayah through the operator's writers). The
//! import is `import.rs`, the DTSEN results `dtsen_export.rs`.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::stream_body::{body_channel, ChunkWriter};
use super::{html_response, page, t, wilayah_name, DashError, WebUser};
use crate::operator::{CsvExport, XlsxExport};
use crate::store::{each_exported, RecordStore, Scope, StoreError};
use crate::AppState;

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
        h2 { (t(lang, "Hasil DTSEN untuk Kemensos/BPS", "DTSEN results for Kemensos/BPS")) }
        form.stack method="get" action="/dashboard/export/dtsen" {
            label { (t(lang, "Wilayah", "Region"))
                select name="wilayah" id="dtsen-wilayah" {
                    @for (code, name) in &choices { option value=(code) { (name) } }
                }
            }
            label { (t(lang, "Berkas", "File"))
                select name="part" id="dtsen-part" {
                    option value="families" { (t(lang, "keluarga (satu baris per keluarga)", "families (one row per family)")) }
                    option value="members" { (t(lang, "anggota (satu baris per anggota)", "members (one row per member)")) }
                }
            }
            button type="submit" id="export-dtsen" { (t(lang, "Unduh CSV", "Download CSV")) }
        }
        p.note { (t(lang,
            "Keluarga Regsosek2022K saja, kolom sama dengan `pendata-server export-dtsen`: kode dan label Indonesia tiap jawaban. Berkas berisi NIK dan nomor KK: simpan dengan aman.",
            "Regsosek2022K families only, the columns of `pendata-server export-dtsen`: each answer's code and Indonesian label. The file contains NIK and KK numbers: keep it safe.")) }
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
    let (scope, label) = export_scope(&user, q.code, q.wilayah)?;
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

/// The scope of an export and its name in the file name: the region asked for (a free code
/// first, then the chosen one), which must lie inside the user's wilayah (else 403), or the
/// user's whole wilayah.
pub(super) fn export_scope(
    user: &WebUser,
    code: Option<String>,
    wilayah: Option<String>,
) -> Result<(Scope, String), DashError> {
    let wanted = code
        .filter(|c| !c.trim().is_empty())
        .or(wilayah)
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
    Ok((scope, label))
}

pub(super) fn writer_error(message: String) -> StoreError {
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
