//! The login endpoints: `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.
//! Passwords, tokens, the [`AuthUser`] extractor and the rate limiter live in [`crate::auth`].

use std::fmt;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{hash_password, validate_username, verify_password, AuthUser, Token};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ClientIp};
use crate::store::{Role, User};
use crate::AppState;
/// `POST /api/v1/auth/login` body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// Client-generated id of this installation.
    pub device_id: Uuid,
    /// Human name of the device, e.g. "Samsung A14 Ani" (1-100 characters, not only blanks).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub device_name: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// The user as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserInfo {
    pub username: String,
    pub role: Role,
    /// Dotless region code prefix; `""` means all (admins).
    pub wilayah: String,
}

impl From<&User> for UserInfo {
    fn from(u: &User) -> Self {
        UserInfo {
            username: u.username.clone(),
            role: u.role,
            wilayah: u.wilayah.clone(),
        }
    }
}

/// `POST /api/v1/auth/login` answer.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`; shown only once.
    pub token: String,
    pub user: UserInfo,
}

impl fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginResponse")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// `GET /api/v1/me` answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeResponse {
    pub user: UserInfo,
    pub device_id: Uuid,
}

/// `POST /api/v1/auth/logout` answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LogoutResponse {
    pub revoked: bool,
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "auth.invalid_credentials",
        "Nama pengguna atau kata sandi salah",
    )
    .en("Wrong username or password")
}

/// A PHC string of a password nobody knows, verified when the username does not exist so
/// that unknown and known usernames take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("pendata-dummy-password").unwrap_or_default())
}

#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 400, description = "Malformed JSON (`request.malformed_json`)", body = ErrorBody),
        (status = 401, description = "Wrong username or password (`auth.invalid_credentials`)", body = ErrorBody),
        (status = 403, description = "User disabled (`auth.user_disabled`)", body = ErrorBody),
        (status = 415, description = "Not JSON (`request.content_type`)", body = ErrorBody),
        (status = 422, description = "Bad fields (`request.invalid_json`, `auth.bad_device_name`)", body = ErrorBody),
        (status = 429, description = "Too many failed logins (`auth.rate_limited`); see Retry-After", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<ApiJson<LoginResponse>, ApiError> {
    let device_name = req.device_name.trim().to_owned();
    if device_name.is_empty() || device_name.chars().count() > 100 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "auth.bad_device_name",
            "Nama perangkat harus diisi (paling banyak 100 karakter)",
        )
        .en("device_name must be 1-100 characters"));
    }
    let username = req.username.trim().to_owned();
    let who = username.clone();
    if let Err(secs) = state.login_limit(move |l| l.check(&who, ip)).await? {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "auth.rate_limited",
            "Terlalu banyak percobaan masuk yang gagal; coba lagi nanti",
        )
        .en("Too many failed logins; try again later");
        e.retry_after_secs = Some(secs);
        return Err(e);
    }

    let lookup = username.clone();
    let creds = if validate_username(&username).is_ok() {
        state.accounts(move |s| s.credentials(&lookup)).await?
    } else {
        None
    };
    let password = req.password;
    let phc = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let verified = tokio::task::spawn_blocking(move || {
        password.len() <= 1024 && verify_password(&password, &phc)
    })
    .await
    .map_err(ApiError::internal)?;

    let creds = match creds {
        Some(creds) if verified => creds,
        _ => {
            let who = username.clone();
            state
                .login_limit(move |l| l.record_failure(&who, ip))
                .await?;
            tracing::info!(username = %username, "login failed");
            return Err(bad_credentials());
        }
    };
    if creds.user.disabled {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "auth.user_disabled",
            "Akun ini dinonaktifkan; hubungi admin",
        )
        .en("This account is disabled; contact an admin"));
    }
    let who = username.clone();
    state.login_limit(move |l| l.record_success(&who)).await?;

    let token = Token::generate();
    let token_hash = token.hash();
    let user_id = creds.user.id;
    let device_id = req.device_id;
    state
        .accounts(move |s| s.create_session(user_id, device_id, &device_name, token_hash))
        .await?;
    tracing::info!(username = %creds.user.username, %device_id, "login");
    Ok(ApiJson(LoginResponse {
        token: token.as_str().to_owned(),
        user: UserInfo::from(&creds.user),
    }))
}

#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The presented token is revoked", body = LogoutResponse),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
    )
)]
pub async fn logout(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<ApiJson<LogoutResponse>, ApiError> {
    let hash = *user.token_hash();
    let revoked = state.accounts(move |s| s.revoke_token(&hash)).await?;
    tracing::info!(username = %user.username, device_id = %user.device_id, "logout");
    Ok(ApiJson(LogoutResponse { revoked }))
}

#[utoipa::path(
    get, path = "/api/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The logged-in user", body = MeResponse),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
    )
)]
pub async fn me(user: AuthUser) -> ApiJson<MeResponse> {
    ApiJson(MeResponse {
        user: UserInfo {
            username: user.username,
            role: user.role,
            wilayah: user.wilayah,
        },
        device_id: user.device_id,
    })
}
