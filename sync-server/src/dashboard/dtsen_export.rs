//! The DTSEN results for Kemensos/BPS as a download
//! (`GET /dashboard/export/dtsen?part=families|members&wilayah=CODE`): one CSV of families or
//! one of members, the rows of `pendata_shared::dtsen::export` (the `questionnaire` column
//! first, every coded answer as its code and Indonesian label), the same as
//! `pendata-server export-dtsen`. Streamed as the store is read, one page at a time, inside
//! the user's wilayah only.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use pendata_shared::dtsen::export::{family_header, family_row, member_header, member_rows};
use serde::Deserialize;

use super::stream_body::{body_channel, ChunkWriter};
use super::transfer::{export_scope, writer_error};
use super::{DashError, WebUser};
use crate::store::{each_exported, RecordStore, Scope, StoreError};
use crate::AppState;

/// Which of the two files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// One row per family (`dtsen_keluarga`).
    Families,
    /// One row per member (`dtsen_anggota`).
    Members,
}

impl Part {
    fn file_word(self) -> &'static str {
        match self {
            Part::Families => "keluarga",
            Part::Members => "anggota",
        }
    }
}

#[derive(Deserialize)]
pub struct DtsenExportParams {
    part: Option<String>,
    wilayah: Option<String>,
    /// Free region code (admins), used when not empty.
    code: Option<String>,
}

/// `GET /dashboard/export/dtsen?part=families|members&wilayah=CODE`
pub async fn download(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<DtsenExportParams>,
) -> Result<Response, DashError> {
    let part = match q.part.as_deref().unwrap_or("families") {
        "families" => Part::Families,
        "members" => Part::Members,
        _ => {
            return Err(DashError::bad_request(
                "export.bad_part",
                "Bagian harus families atau members",
                "The part must be families or members",
            ))
        }
    };
    let (scope, label) = export_scope(&user, q.code, q.wilayah)?;
    let store = state.records.clone();
    let who = format!("{} / {label}", user.username);
    let (out, body) = body_channel();
    tokio::task::spawn_blocking(
        move || match write_dtsen_csv(store.as_ref(), &scope, part, out) {
            Ok(n) => {
                tracing::info!(export = %who, rows = n, part = part.file_word(), "dashboard DTSEN export")
            }
            Err(e) => tracing::warn!(export = %who, error = %e, "dashboard DTSEN export cut short"),
        },
    );
    let date = chrono::Utc::now().format("%Y%m%d");
    let disposition = format!(
        "attachment; filename=\"pendata-dtsen-{}-{label}-{date}.csv\"",
        part.file_word()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
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

/// The DTSEN families (or their members) of `scope` as CSV into `out`; returns the rows written
/// under the header.
fn write_dtsen_csv(
    store: &dyn RecordStore,
    scope: &Scope,
    part: Part,
    out: ChunkWriter,
) -> Result<u64, StoreError> {
    let mut csv = csv::Writer::from_writer(out);
    let header = match part {
        Part::Families => family_header(),
        Part::Members => member_header(),
    };
    let csv_error = |e: csv::Error| writer_error(e.to_string());
    csv.write_record(&header).map_err(csv_error)?;
    let mut rows = 0;
    each_exported(store, scope, |e| {
        let Some(f) = &e.family else {
            return Ok(());
        };
        match part {
            Part::Families => {
                csv.write_record(family_row(f)).map_err(csv_error)?;
                rows += 1;
            }
            Part::Members => {
                for row in member_rows(f) {
                    csv.write_record(row).map_err(csv_error)?;
                    rows += 1;
                }
            }
        }
        Ok::<(), StoreError>(())
    })?;
    csv.flush()?;
    Ok(rows)
}
