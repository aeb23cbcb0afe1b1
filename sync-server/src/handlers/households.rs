//! Supervisor endpoints: list and read households of their wilayah, review the current
//! revision, resolve conflicts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use pendata_shared::protocol::{ResolveRequest, ReviewDecision, ReviewOutcome, ReviewRequest};
use pendata_shared::HouseholdId;
use serde::Deserialize;

use super::sync::{bad_cursor, bad_limit, scope_of};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::store::{
    HouseholdDetail, HouseholdPage, HouseholdSummary, ListQuery, RecordError, Role, StateFilter,
};
use crate::AppState;

/// Longest review note or resolve reason, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "auth.forbidden",
        "Hanya supervisor atau admin yang boleh melakukan ini",
    )
    .en("Only supervisors and admins may do this")
}

fn require_supervisor(user: &AuthUser) -> Result<(), ApiError> {
    match user.role {
        Role::Supervisor | Role::Admin => Ok(()),
        Role::Enumerator | Role::KepalaOpd => Err(forbidden()),
    }
}

fn not_found() -> ApiError {
    ApiError::not_found("household.not_found", "Rumah tangga tidak ditemukan")
        .en("No such household")
}

/// Parses a household id from the path: a UUID, nothing else.
pub fn parse_household_id(raw: &str) -> Result<HouseholdId, ApiError> {
    if raw.len() != 36 {
        return Err(bad_id());
    }
    raw.parse().map_err(|_| bad_id())
}

fn bad_id() -> ApiError {
    ApiError::bad_request("household.bad_id", "Id rumah tangga harus UUID")
        .en("The household id must be a UUID")
}

fn unprocessable(code: &str, id: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, id).en(en)
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::NotFound => not_found(),
            RecordError::NotCurrent { .. } => ApiError::new(
                StatusCode::CONFLICT,
                "review.not_current",
                "Revisi ini bukan revisi terkini rumah tangga tersebut; muat ulang",
            )
            .en("This is not the household's current revision; reload"),
            RecordError::UnknownRevision => unprocessable(
                "resolve.unknown_revision",
                "Revisi yang dipilih bukan revisi rumah tangga ini",
                "The chosen revision is not a revision of this household",
            ),
            RecordError::NoOpenConflict => ApiError::new(
                StatusCode::CONFLICT,
                "resolve.no_conflict",
                "Rumah tangga ini tidak punya konflik terbuka; tidak ada yang diubah",
            )
            .en("This household has no open conflict; nothing was changed"),
            RecordError::NotACandidate => ApiError::new(
                StatusCode::CONFLICT,
                "resolve.not_a_candidate",
                "Revisi yang dipilih bukan revisi terkini maupun revisi yang berkonflik; muat ulang",
            )
            .en("The chosen revision is neither the current one nor a conflicting one; reload"),
            RecordError::PeriodLocked { desa_code, period } => crate::month::api_refusal(
                &crate::store::period::PeriodError::Locked { desa_code, period },
            ),
            RecordError::Store(e) => ApiError::internal(e),
        }
    }
}

#[utoipa::path(
    post, path = "/api/v1/households/{id}/review", tag = "households",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, min_length = 36, max_length = 36, description = "Household id (UUID)")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Decision recorded; the pusher gets it in the next pull", body = ReviewOutcome),
        (status = 400, description = "`household.bad_id`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 403, description = "`auth.forbidden` (enumerators)", body = ErrorBody),
        (status = 404, description = "`household.not_found` (also outside the caller's wilayah)", body = ErrorBody),
        (status = 409, description = "`review.not_current`, `period.locked` (a proposal of a ratified desa period)", body = ErrorBody),
        (status = 415, description = "`request.content_type`", body = ErrorBody),
        (status = 422, description = "`review.note_required`, `review.note_too_long`, `request.invalid_json`", body = ErrorBody),
    )
)]
pub async fn review(
    State(state): State<AppState>,
    user: AuthUser,
    Path(raw_id): Path<String>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> Result<ApiJson<ReviewOutcome>, ApiError> {
    let id = parse_household_id(&raw_id)?;
    require_supervisor(&user)?;
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if req.decision == ReviewDecision::Rejected && note.is_none() {
        return Err(unprocessable(
            "review.note_required",
            "Tuliskan catatan alasan penolakan",
            "A note is required to reject",
        ));
    }
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(unprocessable(
            "review.note_too_long",
            &format!("Catatan paling banyak {MAX_NOTE_CHARS} karakter"),
            &format!("The note is longer than {MAX_NOTE_CHARS} characters"),
        ));
    }
    let req = ReviewRequest {
        note: note.map(str::to_owned),
        ..req
    };
    let scope = scope_of(&user);
    let reviewer = user.username.clone();
    let outcome = state
        .records(move |s| Ok(s.review(id, &req, &reviewer, &scope)))
        .await??;
    tracing::info!(household = %id, reviewer = %user.username, decision = ?outcome.decision, "review");
    Ok(ApiJson(outcome))
}

#[utoipa::path(
    post, path = "/api/v1/households/{id}/resolve", tag = "households",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, min_length = 36, max_length = 36, description = "Household id (UUID)")),
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "The kept revision is current; the household's conflicts are resolved", body = HouseholdSummary),
        (status = 400, description = "`household.bad_id`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 403, description = "`auth.forbidden` (enumerators)", body = ErrorBody),
        (status = 404, description = "`household.not_found`", body = ErrorBody),
        (status = 409, description = "`resolve.no_conflict` (the household has no open conflict; nothing changed), `resolve.not_a_candidate` (the kept revision is neither the current one nor one in conflict), `period.locked` (a proposal of a ratified desa period)", body = ErrorBody),
        (status = 415, description = "`request.content_type`", body = ErrorBody),
        (status = 422, description = "`resolve.reason_required`, `resolve.unknown_revision`, `request.invalid_json`", body = ErrorBody),
    )
)]
pub async fn resolve(
    State(state): State<AppState>,
    user: AuthUser,
    Path(raw_id): Path<String>,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> Result<ApiJson<HouseholdSummary>, ApiError> {
    let id = parse_household_id(&raw_id)?;
    require_supervisor(&user)?;
    let reason = req.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > MAX_NOTE_CHARS {
        return Err(unprocessable(
            "resolve.reason_required",
            &format!("Tuliskan alasan (1-{MAX_NOTE_CHARS} karakter)"),
            &format!("A reason of 1-{MAX_NOTE_CHARS} characters is required"),
        ));
    }
    let req = ResolveRequest { reason, ..req };
    let scope = scope_of(&user);
    let by = user.username.clone();
    let summary = state
        .records(move |s| Ok(s.resolve(id, &req, &by, &scope)))
        .await??;
    Ok(ApiJson(summary))
}

/// Query of `GET /api/v1/households`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// assigned, submitted, approved, rejected, conflict, incomplete or deleted.
    #[param(inline)]
    pub state: Option<StateFilter>,
    /// Region code prefix (desa, kecamatan, …) inside the caller's wilayah.
    #[param(pattern = "^[0-9]{1,10}$")]
    pub desa: Option<String>,
    /// Page size, 1-500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn encode_after(id: HouseholdId) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.to_string())
}

fn decode_after(c: &str) -> Option<HouseholdId> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()?;
    std::str::from_utf8(&bytes).ok()?.parse().ok()
}

#[utoipa::path(
    get, path = "/api/v1/households", tag = "households",
    security(("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "Households of the caller's wilayah, by id", body = HouseholdPage),
        (status = 400, description = "`request.bad_query`, `request.bad_cursor`, `request.bad_limit`, `household.bad_desa`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 403, description = "`auth.forbidden` (enumerators)", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<ApiJson<HouseholdPage>, ApiError> {
    require_supervisor(&user)?;
    let limit = q
        .limit
        .unwrap_or(pendata_shared::protocol::DEFAULT_PAGE_SIZE);
    if limit == 0 || limit > pendata_shared::protocol::MAX_PAGE_SIZE {
        return Err(bad_limit());
    }
    let after = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(decode_after(c).ok_or_else(bad_cursor)?),
    };
    if let Some(d) = &q.desa {
        if d.is_empty() || d.len() > 10 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_request(
                "household.bad_desa",
                "Kode wilayah harus 1-10 angka tanpa titik",
            )
            .en("The region code must be 1-10 digits without dots"));
        }
    }
    let scope = scope_of(&user);
    let query = ListQuery {
        state: q.state,
        desa: q.desa,
        limit: limit + 1,
        after,
    };
    let mut items = state.records(move |s| s.list(&scope, &query)).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|h| encode_after(h.id))
    } else {
        None
    };
    Ok(ApiJson(HouseholdPage { items, next_cursor }))
}

#[utoipa::path(
    get, path = "/api/v1/households/{id}", tag = "households",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, min_length = 36, max_length = 36, description = "Household id (UUID)")),
    responses(
        (status = 200, description = "The household, its revisions (conflicts included) and reviews", body = HouseholdDetail),
        (status = 400, description = "`household.bad_id`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 403, description = "`auth.forbidden` (enumerators)", body = ErrorBody),
        (status = 404, description = "`household.not_found` (also outside the caller's wilayah)", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    user: AuthUser,
    Path(raw_id): Path<String>,
) -> Result<ApiJson<HouseholdDetail>, ApiError> {
    let id = parse_household_id(&raw_id)?;
    require_supervisor(&user)?;
    let scope = scope_of(&user);
    let detail = state.records(move |s| s.get(id, &scope)).await?;
    detail.map(ApiJson).ok_or_else(not_found)
}
