//! What changes a desa's period on the dashboard (issue 21 §2): the musdes/SPTJM record with its
//! BNBA list, its photos (into the photo store, checked as a device's photos are), the
//! verifikator's check, and the Kepala OPD's approval that locks the period. A locked period
//! refuses every one of them (409 `period.locked`). Also the photos' reads.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;

use super::month_access::{refusal, require_approver, require_verifier};
use super::month_pages::{desa_param, desa_period_path, period_param};
use super::{DashError, WebUser};
use crate::handlers::photos::check_photo;
use crate::store::period::{Agreement, AgreementForm, PeriodError};
use crate::store::{AppendOutcome, BlobError, Sha256Hex};
use crate::AppState;

/// Longest berita acara number and note.
const MAX_NUMBER_CHARS: usize = 100;
const MAX_NOTE_CHARS: usize = 500;

fn bad(code: &'static str, id: &str, en: &str) -> DashError {
    DashError::bad_request(code, id, en)
}

/// Runs a period-store call on the blocking pool.
async fn periods<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn crate::store::PeriodStore) -> Result<T, PeriodError> + Send + 'static,
) -> Result<T, DashError> {
    let store = state.backend.periods.clone();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?
        .map_err(refusal)
}

/// The agreement form's fields, checked.
fn agreement_of(
    f: &HashMap<String, String>,
) -> Result<(Agreement, Vec<(String, String)>), DashError> {
    let field = |k: &str| f.get(k).map(|v| v.trim()).unwrap_or("");
    let form = AgreementForm::parse(field("form")).ok_or_else(|| {
        bad(
            "month.bad_form",
            "Pilih musdes/muskel atau SPTJM.",
            "Choose musdes/muskel or SPTJM.",
        )
    })?;
    let held_on = NaiveDate::parse_from_str(field("held_on"), "%Y-%m-%d").map_err(|_| {
        bad(
            "month.bad_date",
            "Tanggal harus diisi (TTTT-BB-HH).",
            "The date is required (YYYY-MM-DD).",
        )
    })?;
    let number = field("document_number");
    if number.is_empty() || number.chars().count() > MAX_NUMBER_CHARS {
        return Err(bad(
            "month.bad_number",
            "Isi nomor berita acara / SPTJM (paling banyak 100 karakter).",
            "Fill in the berita acara / SPTJM number (at most 100 characters).",
        ));
    }
    let attendance = match (form, field("attendance")) {
        (AgreementForm::Sptjm, _) => None,
        (AgreementForm::Musdes, raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Some(n),
            _ => {
                return Err(bad(
                    "month.bad_attendance",
                    "Isi jumlah hadir musdes (1 atau lebih).",
                    "Fill in the musdes attendance (1 or more).",
                ))
            }
        },
    };
    let note = field("note");
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(bad(
            "month.note_too_long",
            "Catatan paling banyak 500 karakter.",
            "The note is longer than 500 characters.",
        ));
    }
    let mut agreed: Vec<(String, String)> = f
        .iter()
        .filter(|(_, v)| v.as_str() == "1")
        .filter_map(|(k, _)| {
            let rest = k.strip_prefix("bnba:")?;
            let (kind, id) = rest.split_once(':')?;
            Some((kind.to_owned(), id.to_owned()))
        })
        .collect();
    agreed.sort();
    Ok((
        Agreement {
            form,
            held_on,
            document_number: number.to_owned(),
            attendance,
            note: note.to_owned(),
        },
        agreed,
    ))
}

/// `POST /dashboard/month/{desa}/{period}/agreement`: records (or replaces) the musdes/SPTJM and
/// its BNBA list (`bnba:<kind>:<id>=1` per agreed proposal).
pub async fn record_agreement(
    State(state): State<AppState>,
    user: WebUser,
    Path((raw_desa, raw_period)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, DashError> {
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    require_verifier(&user)?;
    let desa = desa_param(&user, &raw_desa)?;
    let period = period_param(&raw_period)?;
    let (agreement, agreed) = agreement_of(&f)?;
    let (d, by) = (desa.clone(), user.username.clone());
    periods(&state, move |s| {
        s.record_agreement(&d, period, &agreement, &agreed, &by)
    })
    .await?;
    tracing::info!(desa = %desa, %period, by = %user.username, "musdes/SPTJM recorded");
    Ok(Redirect::to(&desa_period_path(&desa, period)).into_response())
}

/// Reads the multipart upload: the CSRF field and the photo's bytes (at most `max` bytes).
async fn read_photo(mut multipart: Multipart, max: u64) -> Result<(String, Vec<u8>), DashError> {
    let bad_upload = || {
        bad(
            "month.bad_upload",
            "Kirim foto sebagai multipart/form-data.",
            "Send the photo as multipart/form-data.",
        )
    };
    let (mut csrf, mut photo) = (String::new(), Vec::new());
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad_upload())? {
        let name = field.name().unwrap_or_default().to_owned();
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| bad_upload())? {
            if (buf.len() + chunk.len()) as u64 > max {
                return Err(bad(
                    "photo.too_large",
                    "Foto terlalu besar.",
                    "The photo is too large.",
                ));
            }
            buf.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&buf).into_owned(),
            "photo" => photo = buf,
            _ => {}
        }
    }
    Ok((csrf, photo))
}

/// `POST /dashboard/month/{desa}/{period}/photos` (multipart: `csrf`, `photo`): a photo of the
/// berita acara or SPTJM, checked like a device's photo (a real JPEG within the size limits),
/// kept in the photo store by its SHA-256.
pub async fn upload_photo(
    State(state): State<AppState>,
    user: WebUser,
    Path((raw_desa, raw_period)): Path<(String, String)>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, DashError> {
    require_verifier(&user)?;
    let desa = desa_param(&user, &raw_desa)?;
    let period = period_param(&raw_period)?;
    let multipart = multipart.map_err(|_| {
        bad(
            "month.bad_upload",
            "Kirim foto sebagai multipart/form-data.",
            "Send the photo as multipart/form-data.",
        )
    })?;
    let (csrf, bytes) = read_photo(multipart, state.config.limits.max_photo_bytes).await?;
    user.check_csrf(&csrf)?;
    if bytes.is_empty() {
        return Err(bad("month.no_photo", "Pilih foto.", "Choose a photo."));
    }
    // Refused before storing when the period is locked or has no record yet.
    let (d, p) = (desa.clone(), period);
    let current = periods(&state, move |s| Ok(s.desa_period(&d, p)?)).await?;
    if current.locked() {
        return Err(refusal(PeriodError::Locked {
            desa_code: desa,
            period,
        }));
    }
    if current.agreement.is_none() {
        return Err(refusal(PeriodError::NoAgreement));
    }
    let hash = Sha256Hex::of(&bytes);
    let total = bytes.len() as u64;
    match state
        .blobs
        .append(&hash, 0, total, Body::from(bytes), check_photo)
        .await
    {
        Ok(AppendOutcome { complete: true, .. }) => {}
        Ok(_) => {
            return Err(DashError::Internal(
                "photo not complete after one chunk".into(),
            ))
        }
        Err(BlobError::Rejected(r)) => {
            return Err(DashError::BadRequest {
                code: r.code,
                id: r.message,
                en: r.message_en,
            })
        }
        Err(BlobError::BadTotal { max, .. } | BlobError::ChunkTooLarge { max }) => {
            return Err(DashError::BadRequest {
                code: "photo.too_large",
                id: format!("Foto lebih besar dari {max} byte."),
                en: format!("The photo is larger than {max} bytes."),
            })
        }
        Err(e) => return Err(DashError::Internal(e.to_string())),
    }
    let (d, by, sha) = (
        desa.clone(),
        user.username.clone(),
        hash.as_str().to_owned(),
    );
    periods(&state, move |s| {
        s.add_agreement_photo(&d, period, &sha, &by)
    })
    .await?;
    tracing::info!(desa = %desa, %period, "musdes/SPTJM photo added");
    Ok(Redirect::to(&desa_period_path(&desa, period)).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /dashboard/month/{desa}/{period}/check`: the verifikator's (supervisor's) check.
pub async fn check(
    State(state): State<AppState>,
    user: WebUser,
    Path((raw_desa, raw_period)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, DashError> {
    user.check_csrf(&f.csrf)?;
    require_verifier(&user)?;
    let desa = desa_param(&user, &raw_desa)?;
    let period = period_param(&raw_period)?;
    let (d, by) = (desa.clone(), user.username.clone());
    periods(&state, move |s| s.check_period(&d, period, &by)).await?;
    tracing::info!(desa = %desa, %period, by = %user.username, "period checked");
    Ok(Redirect::to(&desa_period_path(&desa, period)).into_response())
}

/// `POST /dashboard/month/{desa}/{period}/approve`: the Kepala OPD's approval; locks the period.
pub async fn approve(
    State(state): State<AppState>,
    user: WebUser,
    Path((raw_desa, raw_period)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, DashError> {
    user.check_csrf(&f.csrf)?;
    require_approver(&user)?;
    let desa = desa_param(&user, &raw_desa)?;
    let period = period_param(&raw_period)?;
    let (d, by) = (desa.clone(), user.username.clone());
    periods(&state, move |s| s.approve_period(&d, period, &by)).await?;
    tracing::info!(desa = %desa, %period, by = %user.username, "period approved and locked");
    Ok(Redirect::to(&desa_period_path(&desa, period)).into_response())
}

/// `GET /dashboard/month/{desa}/{period}/photos/{sha256}`: a photo of that desa period's record
/// (only those: 404 for any other photo).
pub async fn photo(
    State(state): State<AppState>,
    user: WebUser,
    Path((raw_desa, raw_period, raw_sha)): Path<(String, String, String)>,
) -> Result<Response, DashError> {
    let desa = desa_param(&user, &raw_desa)?;
    let period = period_param(&raw_period)?;
    let hash = Sha256Hex::parse(&raw_sha).ok_or(DashError::NotFound)?;
    let d = desa.clone();
    let current = periods(&state, move |s| Ok(s.desa_period(&d, period)?)).await?;
    if !current.photos.iter().any(|p| p == hash.as_str()) {
        return Err(DashError::NotFound);
    }
    let bytes = state
        .blobs
        .read(&hash)
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?
        .ok_or(DashError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}
