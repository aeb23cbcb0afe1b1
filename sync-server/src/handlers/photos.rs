//! Photo endpoints: content-addressed (SHA-256), resumable chunked upload.
//!
//! * `POST /api/v1/photos/missing` — which of these hashes are not fully stored, and how many
//!   bytes of each are already staged.
//! * `PUT /api/v1/photos/{sha256}?offset=N&total=T` — one raw chunk at exactly the staged offset.
//! * `GET /api/v1/photos/{sha256}` — the bytes of a stored photo.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::store::{BlobError, BlobStatus, ContentRejection, Sha256Hex};
use crate::AppState;

/// Most hashes one `missing` request may ask about.
pub const MAX_MISSING_QUERY: usize = 1000;

/// Largest photo, in pixels, the server stores (the app's pipeline sends at most 2000 px on the
/// long edge; this leaves room for other clients while refusing decompression bombs).
pub const MAX_PHOTO_PIXELS: u64 = 50_000_000;

/// Checks that complete bytes are a photo we accept: a JPEG whose markers parse up to a frame
/// header with a plausible size (`pendata_shared::jpeg::inspect`), within [`MAX_PHOTO_PIXELS`],
/// and not arithmetic-coded (which many viewers cannot show).
pub fn check_photo(bytes: &[u8]) -> Result<(), ContentRejection> {
    use pendata_shared::jpeg::{check_limits, inspect};
    let refuse = |code: &'static str, message: String, message_en: String| ContentRejection {
        code,
        message,
        message_en,
    };
    let info = inspect(bytes).map_err(|e| {
        refuse(
            "photo.not_jpeg",
            format!("Berkas bukan foto JPEG yang utuh: {}", e.message_id()),
            format!("The file is not a whole JPEG photo: {}", e.message_en()),
        )
    })?;
    check_limits(&info, MAX_PHOTO_PIXELS)
        .map_err(|e| refuse("photo.too_many_pixels", e.message_id(), e.message_en()))?;
    if info.arithmetic {
        return Err(refuse(
            "photo.unsupported",
            "Foto JPEG berkode aritmetika tidak didukung".into(),
            "Arithmetic-coded JPEG is not supported".into(),
        ));
    }
    Ok(())
}

/// How long `photos/missing` waits for a chunk of the same photo that is still being written
/// before answering with what is staged so far.
const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

type UploadLocks = HashMap<(usize, Sha256Hex), Arc<tokio::sync::Mutex<()>>>;

/// One lock per (blob store, photo) with a chunk in progress. `put_chunk` holds it from its
/// offset check to the end of the append; `missing` takes it before reading the staged count.
/// So after a cut connection, the device's question "how much do you hold?" is answered only
/// once the cut chunk's handler has kept what arrived: the count is final, the device resumes
/// exactly there, and no chunk is ever sent at a stale offset (which would cost a whole chunk
/// for a 409). The blob store's address keeps servers in one process apart.
fn upload_lock(state: &AppState, hash: &Sha256Hex) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: LazyLock<std::sync::Mutex<UploadLocks>> = LazyLock::new(Default::default);
    let store = Arc::as_ptr(&state.blobs).cast::<()>() as usize;
    let mut locks = LOCKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Forget locks nobody holds any more, so the map does not grow without bound.
    locks.retain(|_, lock| Arc::strong_count(lock) > 1);
    locks.entry((store, hash.clone())).or_default().clone()
}

/// Reads and discards a request body (already bounded by the body-size limit).
async fn drain(body: Body) {
    use http_body_util::BodyExt;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        if frame.is_err() {
            break;
        }
    }
}

/// The body without its first `skip` bytes.
fn skip_body_bytes(body: Body, skip: u64) -> Body {
    use http_body_util::BodyExt;
    let mut skip = skip;
    Body::new(body.map_frame(move |frame| {
        frame.map_data(|mut data: axum::body::Bytes| {
            let n = usize::try_from(skip).unwrap_or(usize::MAX).min(data.len());
            skip -= n as u64;
            data.split_off(n)
        })
    }))
}

/// Parses a hash from the path without touching the file system.
pub fn parse_hash(raw: &str) -> Result<Sha256Hex, ApiError> {
    Sha256Hex::parse(raw).ok_or_else(|| {
        ApiError::bad_request(
            "photo.bad_hash",
            "Nama foto harus SHA-256 heksadesimal huruf kecil (64 karakter)",
        )
        .en("The photo name must be a lower-case hex SHA-256 (64 characters)")
    })
}

/// Whether `user` may read the photo: some household inside their wilayah references it.
/// Otherwise the answer is 404, so a photo outside the user's area is not even revealed.
async fn may_read_photo(
    state: &AppState,
    user: &AuthUser,
    hash: &Sha256Hex,
) -> Result<bool, ApiError> {
    let Some(sha) = crate::store::ShaHex::parse(hash.as_str()) else {
        return Ok(false);
    };
    let scope = super::sync::scope_of(user);
    state.records(move |s| s.photo_visible(&sha, &scope)).await
}

impl From<BlobError> for ApiError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::OffsetMismatch { received } => {
                let mut err = ApiError::new(
                    StatusCode::CONFLICT,
                    "photo.offset_mismatch",
                    "Posisi unggahan tidak cocok; lanjutkan dari jumlah byte yang sudah diterima",
                )
                .en("Offset mismatch; resume from `received`");
                err.body.received = Some(received);
                err
            }
            BlobError::BadTotal { max, .. } => ApiError::bad_request(
                "photo.bad_total",
                &format!("Ukuran foto harus antara 1 dan {max} byte"),
            )
            .en(&format!("total must be between 1 and {max} bytes")),
            BlobError::PastTotal => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "photo.past_total",
                "Potongan melewati ukuran total foto",
            )
            .en("The chunk goes past the declared total"),
            BlobError::ChunkTooLarge { max } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "photo.chunk_too_large",
                &format!("Potongan unggahan lebih dari {max} byte"),
            )
            .en(&format!("The chunk is larger than {max} bytes")),
            BlobError::HashMismatch => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "photo.hash_mismatch",
                "Isi foto tidak cocok dengan SHA-256-nya; unggah ulang dari awal",
            )
            .en("The content does not match its SHA-256; upload again from the start"),
            BlobError::Rejected(r) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, r.code, &r.message)
                    .en(&r.message_en)
            }
            BlobError::Body(cause) => {
                let mut err = ApiError::bad_request(
                    "photo.body_interrupted",
                    "Unggahan terputus; lanjutkan dari jumlah byte yang sudah diterima",
                )
                .en("The upload was interrupted; resume from the staged bytes");
                err.source = Some(cause);
                err
            }
            BlobError::Io(e) => ApiError::internal(e),
        }
    }
}

/// `POST /api/v1/photos/missing` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MissingRequest {
    /// At most 1000 lower-case hex SHA-256 hashes.
    pub sha256: Vec<String>,
}

/// One photo that is not fully stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MissingPhoto {
    pub sha256: String,
    /// Bytes already staged: resume the upload at this offset.
    pub received: u64,
}

/// `POST /api/v1/photos/missing` answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MissingResponse {
    pub missing: Vec<MissingPhoto>,
    /// Which server state answered (docs/sync-protocol.md, "After a restore").
    pub server: pendata_shared::protocol::ServerEpoch,
}

#[utoipa::path(
    post, path = "/api/v1/photos/missing", tag = "photos",
    security(("bearer" = [])),
    request_body = MissingRequest,
    responses(
        (status = 200, description = "The photos not fully stored", body = MissingResponse),
        (status = 400, description = "`photo.bad_hash`, `photo.too_many`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 413, description = "`request.too_large`", body = ErrorBody),
        (status = 415, description = "`request.content_type`", body = ErrorBody),
        (status = 422, description = "`request.invalid_json`", body = ErrorBody),
    )
)]
pub async fn missing(
    State(state): State<AppState>,
    _user: AuthUser,
    ApiJson(req): ApiJson<MissingRequest>,
) -> Result<ApiJson<MissingResponse>, ApiError> {
    if req.sha256.len() > MAX_MISSING_QUERY {
        return Err(ApiError::bad_request(
            "photo.too_many",
            &format!("Paling banyak {MAX_MISSING_QUERY} foto per permintaan"),
        )
        .en(&format!("At most {MAX_MISSING_QUERY} hashes per request")));
    }
    let hashes = req
        .sha256
        .iter()
        .map(|h| parse_hash(h))
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = std::collections::HashSet::new();
    let mut missing = Vec::new();
    for hash in hashes {
        if !seen.insert(hash.clone()) {
            continue;
        }
        // Let a chunk of this photo that is still arriving (or being cut) settle first.
        let lock = upload_lock(&state, &hash);
        let _settled = tokio::time::timeout(SETTLE_WAIT, lock.lock()).await;
        match state.blobs.status(&hash).await? {
            BlobStatus::Complete(_) => {}
            BlobStatus::Partial(received) => missing.push(MissingPhoto {
                sha256: hash.as_str().to_owned(),
                received,
            }),
        }
    }
    Ok(ApiJson(MissingResponse {
        missing,
        server: state.epoch.info(),
    }))
}

/// Query of `PUT /api/v1/photos/{sha256}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChunkQuery {
    /// Where this chunk starts; must equal the bytes already staged.
    pub offset: u64,
    /// Size of the whole photo in bytes.
    pub total: u64,
}

/// `PUT /api/v1/photos/{sha256}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChunkResponse {
    pub sha256: String,
    pub received: u64,
    pub total: u64,
    pub complete: bool,
}

#[utoipa::path(
    put, path = "/api/v1/photos/{sha256}", tag = "photos",
    security(("bearer" = [])),
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$", description = "Lower-case hex SHA-256 of the whole photo"), ChunkQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "One chunk"),
    responses(
        (status = 200, description = "Chunk stored (or the photo was already complete)", body = ChunkResponse),
        (status = 400, description = "`photo.bad_hash`, `photo.bad_total`, `request.bad_query`, `photo.body_interrupted`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 409, description = "`photo.offset_mismatch`; `received` says where to resume", body = ErrorBody),
        (status = 413, description = "`photo.past_total`, `photo.chunk_too_large`", body = ErrorBody),
        (status = 415, description = "`request.content_type` (must be application/octet-stream)", body = ErrorBody),
        (status = 422, description = "`photo.hash_mismatch` or `photo.not_jpeg`; staged bytes discarded", body = ErrorBody),
    )
)]
pub async fn put_chunk(
    State(state): State<AppState>,
    _user: AuthUser,
    Path(raw_hash): Path<String>,
    ApiQuery(q): ApiQuery<ChunkQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<ApiJson<ChunkResponse>, ApiError> {
    let hash = parse_hash(&raw_hash)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/octet-stream"))
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.content_type",
            "Content-Type harus application/octet-stream",
        )
        .en("Content-Type must be application/octet-stream"));
    }
    let limits = &state.config.limits;
    if q.total == 0 || q.total > limits.max_photo_bytes {
        // Let an already-stored photo answer "complete" whatever total was sent.
        if let BlobStatus::Complete(len) = state.blobs.status(&hash).await? {
            return Ok(ApiJson(ChunkResponse {
                sha256: hash.as_str().to_owned(),
                received: len,
                total: len,
                complete: true,
            }));
        }
        if q.total > limits.max_photo_bytes {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "photo.too_large",
                &format!("Foto lebih dari {} byte", limits.max_photo_bytes),
            )
            .en(&format!(
                "The photo is larger than {} bytes",
                limits.max_photo_bytes
            )));
        }
    }
    // Refuse early when the declared length already cannot fit.
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limits.max_chunk_bytes {
            return Err(BlobError::ChunkTooLarge {
                max: limits.max_chunk_bytes,
            }
            .into());
        }
        if q.total > 0 && q.offset.saturating_add(len) > q.total {
            if let BlobStatus::Complete(len) = state.blobs.status(&hash).await? {
                return Ok(ApiJson(ChunkResponse {
                    sha256: hash.as_str().to_owned(),
                    received: len,
                    total: len,
                    complete: true,
                }));
            }
            return Err(BlobError::PastTotal.into());
        }
    }
    // Held until the chunk is kept, so `missing` answers a final count (see `upload_lock`).
    let lock = upload_lock(&state, &hash);
    let _writing = lock.lock().await;
    // A chunk that does not start at the staged count:
    // * it starts before it and reaches past it (a device resending the chunk that was cut in
    //   flight, whose question "how much do you hold?" overtook the cut chunk's handler): the
    //   bytes already staged are skipped and the rest is kept, so the resend costs no extra
    //   round trip and no second chunk (the final SHA-256 check covers the skipped bytes);
    // * it is wholly staged already, or starts past the staged count: answered 409 with the
    //   offset to resume from, but only after its body has been read: answering before the
    //   body is consumed makes the connection close under the sender and the 409 can be lost
    //   to the reset. Under the lock above this check and `append`'s own agree.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .or_else(|| axum::body::HttpBody::size_hint(&body).exact());
    let mut offset = q.offset;
    let mut body = body;
    if let BlobStatus::Partial(received) = state.blobs.status(&hash).await? {
        if received == q.total {
            // Every byte is staged but the photo was never finished: the handler that wrote
            // the last bytes was dropped before checking and storing it (its client vanished,
            // or the server was killed). Finish it now, whatever this chunk says.
            drain(body).await;
            body = Body::empty();
            offset = received;
        } else {
            let overlaps = received > q.offset
                && declared.is_none_or(|len| q.offset.saturating_add(len) > received);
            if overlaps {
                body = skip_body_bytes(body, received - q.offset);
                offset = received;
            } else if received != q.offset {
                drain(body).await;
                return Err(BlobError::OffsetMismatch { received }.into());
            }
        }
    }
    let out = state
        .blobs
        .append(&hash, offset, q.total, body, check_photo)
        .await?;
    if out.complete {
        tracing::info!(sha256 = %hash, bytes = out.total, "photo stored");
        // Records that waited for this photo are complete now (if all their photos are).
        if let Some(sha) = crate::store::ShaHex::parse(hash.as_str()) {
            state.records(move |s| s.photo_completed(&sha)).await?;
        }
    }
    Ok(ApiJson(ChunkResponse {
        sha256: hash.as_str().to_owned(),
        received: out.received,
        total: out.total,
        complete: out.complete,
    }))
}

#[utoipa::path(
    get, path = "/api/v1/photos/{sha256}", tag = "photos",
    security(("bearer" = [])),
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$", description = "Lower-case hex SHA-256")),
    responses(
        (status = 200, description = "The JPEG bytes", content_type = "image/jpeg", body = Vec<u8>),
        (status = 400, description = "`photo.bad_hash`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 404, description = "`photo.not_found`", body = ErrorBody),
    )
)]
pub async fn get_photo(
    State(state): State<AppState>,
    user: AuthUser,
    Path(raw_hash): Path<String>,
) -> Result<Response, ApiError> {
    let hash = parse_hash(&raw_hash)?;
    let not_found =
        || ApiError::not_found("photo.not_found", "Foto tidak ditemukan").en("No such photo");
    if !may_read_photo(&state, &user, &hash).await? {
        return Err(not_found());
    }
    let bytes = state.blobs.read(&hash).await?.ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn check_photo_wants_soi_and_sof() {
        let img =
            image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8 * 9, y as u8 * 9, 80]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&img)
            .unwrap();
        assert!(check_photo(&jpeg).is_ok());
        assert_eq!(
            check_photo(b"\x89PNG\r\n\x1a\n").map_err(|e| e.code.to_owned()),
            Err("photo.not_jpeg".to_owned())
        );
        assert!(
            check_photo(&[0xFF, 0xD8, 0xFF, 0xC4, 0, 0]).is_err(),
            "DHT is no SOF"
        );
        assert!(
            check_photo(&[0xFF, 0xD8, 0xFF, 0xC0, 0, 0]).is_err(),
            "a cut frame header is no photo"
        );
        assert!(check_photo(&[]).is_err());
    }

    #[test]
    fn hashes_must_be_lower_case_hex_of_64() {
        let good = "a".repeat(64);
        assert!(parse_hash(&good).is_ok());
        for bad in [
            "A".repeat(64),
            "a".repeat(63),
            "a".repeat(65),
            format!("../{}", "a".repeat(61)),
            format!("{}%2F", "a".repeat(61)),
            String::new(),
        ] {
            assert_eq!(parse_hash(&bad).unwrap_err().body.code, "photo.bad_hash");
        }
    }
}
