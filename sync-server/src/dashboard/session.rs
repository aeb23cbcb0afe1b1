//! Dashboard sessions: login (the API's accounts, argon2 check and rate limiter), logout,
//! the [`WebUser`] extractor, cookies, the CSRF check and the language switch.

use std::net::IpAddr;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use pendata_shared::Lang;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{html_response, lang_of, page, t, CookieSecurity, DashError};
use crate::auth::{validate_username, verify_password, Token};
use crate::extract::ClientIp;
use crate::store::web::SessionLifetime;
use crate::store::{Role, Scope, TokenHash, UserId};
use crate::AppState;

pub(crate) const SESSION_COOKIE: &str = "pd_session";
pub(crate) const LOGIN_COOKIE: &str = "pd_login";
pub(crate) const LANG_COOKIE: &str = "pd_lang";

/// A logged-in dashboard user (a supervisor or an admin) with a live session.
#[derive(Clone)]
pub struct WebUser {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub wilayah: String,
    /// The session's CSRF token (put in every form).
    pub csrf: String,
    pub lang: Lang,
    session: TokenHash,
}

impl std::fmt::Debug for WebUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("wilayah", &self.wilayah)
            .finish_non_exhaustive()
    }
}

impl WebUser {
    /// The wilayah scope, exactly as the API computes it.
    pub fn scope(&self) -> Scope {
        Scope::of(self.role, &self.wilayah)
    }

    /// Whether the user's wilayah covers the region code.
    pub fn covers(&self, code: &str) -> bool {
        self.scope().covers(code)
    }

    pub fn require_admin(&self) -> Result<(), DashError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(DashError::Forbidden)
        }
    }

    /// Compares the submitted token with the session's, in constant time.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), DashError> {
        if constant_time_eq(submitted.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(DashError::Csrf)
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn lifetime(state: &AppState) -> SessionLifetime {
    let secs = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4);
    SessionLifetime {
        idle_secs: secs(state.dashboard.idle),
        max_secs: secs(state.dashboard.max_age),
    }
}

pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = DashError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, DashError> {
        let lang = lang_of(&parts.headers);
        let Some(raw) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(DashError::NotLoggedIn);
        };
        if raw.is_empty() || raw.len() > 128 {
            return Err(DashError::NotLoggedIn);
        }
        let hash = session_hash(raw);
        let life = lifetime(state);
        let store = state.web_sessions.clone();
        let found = tokio::task::spawn_blocking(move || store.web_session(&hash, unix_now(), life))
            .await
            .map_err(|e| DashError::Internal(e.to_string()))??;
        let Some(s) = found else {
            return Err(DashError::NotLoggedIn);
        };
        if s.user.role == Role::Enumerator {
            return Err(DashError::Forbidden);
        }
        Ok(WebUser {
            user_id: s.user.id,
            username: s.user.username,
            role: s.user.role,
            wilayah: s.user.wilayah,
            csrf: s.csrf,
            lang,
            session: hash,
        })
    }
}

fn session_hash(raw: &str) -> TokenHash {
    TokenHash(Sha256::digest(raw.as_bytes()).into())
}

/// The value of a cookie in the request's `Cookie` headers.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Whether the request came over HTTPS (as told by a TLS reverse proxy), or the
/// configuration says to always mark cookies `Secure`.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    if state.dashboard.secure_cookies == CookieSecurity::Always {
        return true;
    }
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    forwarded_https || forwarded
}

/// A `Set-Cookie` value: Path=/dashboard, HttpOnly, SameSite=Strict, Secure over HTTPS.
fn set_cookie(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/dashboard; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure(state, headers) {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("pd_invalid=1"))
}

// ---------------------------------------------------------------------------------------
// login

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

fn login_markup(lang: Lang, token: &str, username: &str, error: Option<&str>) -> maud::Markup {
    page(
        lang,
        t(lang, "Masuk", "Log in"),
        None,
        html! {
            section.login {
                h1 { (t(lang, "Masuk ke dasbor supervisor", "Log in to the supervisor dashboard")) }
                @if let Some(e) = error {
                    p.error role="alert" id="login-error" { (e) }
                }
                form method="post" action="/dashboard/login" {
                    input type="hidden" name="csrf" value=(token);
                    label { (t(lang, "Nama pengguna", "Username"))
                        input type="text" name="username" id="username" value=(username)
                            autocomplete="username" required maxlength="64";
                    }
                    label { (t(lang, "Kata sandi", "Password"))
                        input type="password" name="password" id="password"
                            autocomplete="current-password" required maxlength="1024";
                    }
                    button type="submit" id="login" { (t(lang, "Masuk", "Log in")) }
                }
            }
        },
    )
}

/// A login page with a fresh login-CSRF token (double-submitted: cookie and field).
fn login_response(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    username: &str,
    error: Option<&str>,
) -> Response {
    let lang = lang_of(headers);
    let token = Token::generate();
    let mut res = html_response(status, login_markup(lang, token.as_str(), username, error));
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, headers, LOGIN_COOKIE, token.as_str(), Some(3600)),
    );
    res
}

/// `GET /dashboard/login`
pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    login_response(&state, &headers, StatusCode::OK, "", None)
}

/// `POST /dashboard/login`
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, DashError> {
    let lang = lang_of(&headers);
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if !constant_time_eq(form.csrf.as_bytes(), expected.as_bytes()) {
        return Err(DashError::Csrf);
    }
    let username = form.username.trim().to_owned();
    match try_login(&state, ip, &username, form.password).await? {
        Err(failure) => {
            let (status, msg) = match failure {
                LoginFailure::Credentials => (
                    StatusCode::UNAUTHORIZED,
                    t(
                        lang,
                        "Nama pengguna atau kata sandi salah.",
                        "Wrong username or password.",
                    ),
                ),
                LoginFailure::RateLimited => (
                    StatusCode::TOO_MANY_REQUESTS,
                    t(
                        lang,
                        "Terlalu banyak percobaan masuk yang gagal; coba lagi nanti.",
                        "Too many failed logins; try again later.",
                    ),
                ),
                LoginFailure::Disabled => (
                    StatusCode::FORBIDDEN,
                    t(
                        lang,
                        "Akun ini dinonaktifkan; hubungi admin.",
                        "This account is disabled; contact an admin.",
                    ),
                ),
                LoginFailure::Enumerator => (
                    StatusCode::FORBIDDEN,
                    t(
                        lang,
                        "Dasbor hanya untuk supervisor dan admin; pendata memakai aplikasi.",
                        "The dashboard is for supervisors and admins; enumerators use the app.",
                    ),
                ),
            };
            Ok(login_response(
                &state,
                &headers,
                status,
                &username,
                Some(msg),
            ))
        }
        Ok(user_id) => {
            let session = Token::generate();
            let csrf = Token::generate();
            let hash = session_hash(session.as_str());
            let life = lifetime(&state);
            let store = state.web_sessions.clone();
            let csrf_text = csrf.as_str().to_owned();
            tokio::task::spawn_blocking(move || {
                store.create_web_session(user_id, &hash, &csrf_text, unix_now(), life)
            })
            .await
            .map_err(|e| DashError::Internal(e.to_string()))??;
            tracing::info!(username = %username, "dashboard login");
            let mut res = Redirect::to("/dashboard").into_response();
            let h = res.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, &headers, SESSION_COOKIE, session.as_str(), None),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, &headers, LOGIN_COOKIE, "", Some(0)),
            );
            Ok(res)
        }
    }
}

enum LoginFailure {
    Credentials,
    RateLimited,
    Disabled,
    Enumerator,
}

/// The API's login check: the shared rate limiter, argon2 (a dummy hash for unknown names).
async fn try_login(
    state: &AppState,
    ip: Option<IpAddr>,
    username: &str,
    password: String,
) -> Result<Result<UserId, LoginFailure>, DashError> {
    let who = username.to_owned();
    let allowed = state
        .login_limit(move |l| l.check(&who, ip))
        .await
        .map_err(DashError::from)?;
    if allowed.is_err() {
        return Ok(Err(LoginFailure::RateLimited));
    }
    let lookup = username.to_owned();
    let creds = if validate_username(username).is_ok() {
        state
            .accounts(move |s| s.credentials(&lookup))
            .await
            .map_err(DashError::from)?
    } else {
        None
    };
    let phc = creds
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    let verified = tokio::task::spawn_blocking(move || {
        password.len() <= 1024 && verify_password(&password, &phc)
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))?;
    let creds = match creds {
        Some(c) if verified => c,
        _ => {
            let who = username.to_owned();
            state
                .login_limit(move |l| l.record_failure(&who, ip))
                .await
                .map_err(DashError::from)?;
            tracing::info!(username = %username, "dashboard login failed");
            return Ok(Err(LoginFailure::Credentials));
        }
    };
    if creds.user.disabled {
        return Ok(Err(LoginFailure::Disabled));
    }
    let who = username.to_owned();
    state
        .login_limit(move |l| l.record_success(&who))
        .await
        .map_err(DashError::from)?;
    if creds.user.role == Role::Enumerator {
        return Ok(Err(LoginFailure::Enumerator));
    }
    Ok(Ok(creds.user.id))
}

/// A PHC string of a password nobody knows, checked when the username does not exist so
/// that unknown and known usernames take the same time (as the API login does).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| crate::auth::hash_password("pendata-dummy-password").unwrap_or_default())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /dashboard/logout`
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: WebUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, DashError> {
    user.check_csrf(&form.csrf)?;
    let store = state.web_sessions.clone();
    let hash = user.session;
    tokio::task::spawn_blocking(move || store.end_web_session(&hash))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))??;
    tracing::info!(username = %user.username, "dashboard logout");
    let mut res = Redirect::to("/dashboard/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, &headers, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// `GET /dashboard/lang/{id|en}`: remembers the language in a cookie and goes back to the
/// page the link was on (same server only).
pub async fn set_lang(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(lang): Path<String>,
    Query(q): Query<Back>,
) -> Result<Response, DashError> {
    let value = match lang.as_str() {
        "id" | "en" => lang,
        _ => {
            return Err(DashError::bad_request(
                "dashboard.bad_lang",
                "Bahasa harus id atau en",
                "The language must be id or en",
            ))
        }
    };
    let back = q
        .back
        .or_else(|| super::referer_path(&headers))
        .filter(|b| b.starts_with("/dashboard") && !b.contains("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/dashboard".to_owned());
    let mut res = Redirect::to(&back).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, &headers, LANG_COOKIE, &value, Some(365 * 24 * 3600)),
    );
    Ok(res)
}
