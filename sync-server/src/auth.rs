//! Accounts and authentication: password hashing, per-device bearer tokens, the [`AuthUser`]
//! extractor and the login rate limiter. The `/api/v1/auth/*` and `/api/v1/me` handlers are in
//! [`crate::handlers::auth`].
//!
//! Passwords and tokens never reach a log line or a `Debug` output.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiError;
use crate::store::{Role, StoreError, TokenHash, UserId};
use crate::AppState;

// ---------------------------------------------------------------------------------------
// passwords and tokens

/// Hashes a password with argon2id (default parameters), as a PHC string.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a PHC string; a malformed hash counts as "no".
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A freshly minted bearer token: 32 random bytes, base64url without padding.
pub struct Token(String);

impl Token {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Token(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        hash_token(&self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// SHA-256 of the token text as presented by the client.
pub fn hash_token(token: &str) -> TokenHash {
    TokenHash(Sha256::digest(token.as_bytes()).into())
}

// ---------------------------------------------------------------------------------------
// validation shared with the CLI

/// Usernames: 3–64 characters of `a-z A-Z 0-9 . _ -`.
pub fn validate_username(username: &str) -> Result<(), String> {
    // One rule for accounts and for the prelist's `assigned_to` column.
    if pendata_shared::prelist::is_valid_username(username) {
        Ok(())
    } else {
        Err(pendata_shared::prelist::USERNAME_RULE.into())
    }
}

/// Wilayah: a dotless region code of 2 (provinsi), 4 (kabupaten/kota), 6 (kecamatan) or 10
/// (desa/kelurahan) digits. Admins may have `""`, meaning everything.
pub fn validate_wilayah(role: Role, wilayah: &str) -> Result<(), String> {
    if wilayah.is_empty() {
        return if role == Role::Admin {
            Ok(())
        } else {
            Err(format!("a {role} needs a wilayah code"))
        };
    }
    if matches!(wilayah.len(), 2 | 4 | 6 | 10) && wilayah.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "wilayah {wilayah:?} must be 2, 4, 6 or 10 digits without dots (e.g. 320101 or 3201012001)"
        ))
    }
}

/// Passwords: at least 8 characters, at most 1024 bytes.
pub fn validate_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 8 {
        return Err("password must have at least 8 characters".into());
    }
    if password.len() > 1024 {
        return Err("password must be at most 1024 bytes".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// the authenticated caller

/// The user behind a valid `Authorization: Bearer` token. Disabled users and reset devices
/// are refused at once (the token lookup checks both on every request).
#[derive(Clone)]
pub struct AuthUser {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub wilayah: String,
    pub device_id: Uuid,
    token: TokenHash,
}

impl fmt::Debug for AuthUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("wilayah", &self.wilayah)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

impl AuthUser {
    /// Whether this user may see data of the region `wilayah_code` (a dotless code of any
    /// level). Admins see everything; others see codes that start with their wilayah.
    pub fn covers(&self, wilayah_code: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Enumerator | Role::Supervisor | Role::KepalaOpd => {
                !self.wilayah.is_empty() && wilayah_code.starts_with(self.wilayah.as_str())
            }
        }
    }

    /// Hash of the token this request presented (for logout).
    pub fn token_hash(&self) -> &TokenHash {
        &self.token
    }

    #[cfg(any(test, feature = "test-support"))]
    pub fn for_tests(role: Role, wilayah: &str) -> Self {
        AuthUser {
            user_id: UserId(1),
            username: "test".into(),
            role,
            wilayah: wilayah.into(),
            device_id: Uuid::nil(),
            token: TokenHash([0; 32]),
        }
    }
}

fn auth_missing() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "auth.missing",
        "Silakan masuk terlebih dahulu",
    )
    .en("Authentication required")
}

fn auth_invalid() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "auth.invalid",
        "Sesi tidak berlaku lagi, silakan masuk kembali",
    )
    .en("The session is no longer valid; log in again")
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(auth_missing());
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or_else(auth_invalid)?;
        let hash = hash_token(token);
        let session = state.accounts(move |s| s.session(&hash)).await?;
        let session = session.ok_or_else(auth_invalid)?;
        Ok(AuthUser {
            user_id: session.user.id,
            username: session.user.username,
            role: session.user.role,
            wilayah: session.user.wilayah,
            device_id: session.device_id,
            token: hash,
        })
    }
}

// ---------------------------------------------------------------------------------------
// rate limiting of failed logins

/// Failed logins per username and per client IP in a sliding window: [`LoginLimiter`] in this
/// process's memory (one server on SQLite), `store::postgres::PgLoginLimiter` in the database
/// (every process of a PostgreSQL deployment enforces one limit). Blocking: the handlers call it
/// on the blocking pool ([`crate::AppState::login_limit`]).
pub trait LoginLimit: Send + Sync + 'static {
    /// `Ok(Err(seconds to wait))` if the username or the IP has used up its failures.
    fn check(&self, username: &str, ip: Option<IpAddr>) -> Result<Result<(), u64>, StoreError>;
    fn record_failure(&self, username: &str, ip: Option<IpAddr>) -> Result<(), StoreError>;
    /// A successful login clears the username's failures (not the IP's).
    fn record_success(&self, username: &str) -> Result<(), StoreError>;
}

impl LoginLimit for LoginLimiter {
    fn check(&self, username: &str, ip: Option<IpAddr>) -> Result<Result<(), u64>, StoreError> {
        Ok(LoginLimiter::check(self, username, ip))
    }
    fn record_failure(&self, username: &str, ip: Option<IpAddr>) -> Result<(), StoreError> {
        LoginLimiter::record_failure(self, username, ip);
        Ok(())
    }
    fn record_success(&self, username: &str) -> Result<(), StoreError> {
        LoginLimiter::record_success(self, username);
        Ok(())
    }
}

/// Counts failed logins per username and per client IP in a sliding window, in memory.
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<LimitKey, VecDeque<Instant>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum LimitKey {
    User(String),
    Ip(IpAddr),
}

/// Entries kept before expired ones are swept.
const LIMITER_SWEEP_AT: usize = 10_000;

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginLimiter {
            max_failures: max_failures.max(1) as usize,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(username: &str, ip: Option<IpAddr>) -> Vec<LimitKey> {
        let mut keys = vec![LimitKey::User(username.to_lowercase())];
        keys.extend(ip.map(LimitKey::Ip));
        keys
    }

    /// `Err(seconds to wait)` if the username or the IP has used up its failures.
    pub fn check(&self, username: &str, ip: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.lock();
        let mut wait = None::<Duration>;
        for key in Self::keys(username, ip) {
            if let Some(times) = map.get_mut(&key) {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    times.pop_front();
                }
                if times.len() >= self.max_failures {
                    if let Some(oldest) = times.front() {
                        let left = self.window.saturating_sub(now.duration_since(*oldest));
                        wait = Some(wait.map_or(left, |w| w.max(left)));
                    }
                }
            }
        }
        match wait {
            Some(w) => Err(w.as_secs().max(1)),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, username: &str, ip: Option<IpAddr>) {
        let now = Instant::now();
        let mut map = self.lock();
        if map.len() >= LIMITER_SWEEP_AT {
            let window = self.window;
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        for key in Self::keys(username, ip) {
            let times = map.entry(key).or_default();
            times.push_back(now);
            while times.len() > self.max_failures {
                times.pop_front();
            }
        }
    }

    /// A successful login clears the username's failures (not the IP's).
    pub fn record_success(&self, username: &str) {
        self.lock().remove(&LimitKey::User(username.to_lowercase()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<LimitKey, VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn covers_is_a_prefix_match_except_for_admins() {
        let desa = AuthUser::for_tests(Role::Enumerator, "3201012001");
        assert!(desa.covers("3201012001"));
        assert!(!desa.covers("3201012002"));
        assert!(
            !desa.covers("320101"),
            "a desa user does not see the whole kecamatan"
        );
        let kab = AuthUser::for_tests(Role::Supervisor, "3201");
        assert!(kab.covers("3201012001"));
        assert!(kab.covers("320199"));
        assert!(!kab.covers("3202010001"));
        assert!(AuthUser::for_tests(Role::Admin, "").covers("9999"));
        assert!(!AuthUser::for_tests(Role::Supervisor, "").covers("32"));
    }

    #[test]
    fn wilayah_and_username_rules() {
        for ok in ["32", "3201", "320101", "3201012001"] {
            validate_wilayah(Role::Enumerator, ok).unwrap();
        }
        for bad in ["3", "32010", "32.01", "32010120011", "abcd", "32010120 1"] {
            assert!(validate_wilayah(Role::Supervisor, bad).is_err(), "{bad}");
        }
        validate_wilayah(Role::Admin, "").unwrap();
        assert!(validate_wilayah(Role::Enumerator, "").is_err());
        validate_username("ani.s_2").unwrap();
        assert!(validate_username("a").is_err());
        assert!(validate_username("ani/../x").is_err());
    }

    #[test]
    fn passwords_and_tokens() {
        let phc = hash_password("rahasia-123").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-123", &phc));
        assert!(!verify_password("rahasia-124", &phc));
        assert!(!verify_password("x", "not a phc string"));
        let t = Token::generate();
        assert_eq!(t.as_str().len(), 43, "32 bytes base64url without padding");
        assert_ne!(t.as_str(), Token::generate().as_str());
        assert_eq!(t.hash(), hash_token(t.as_str()));
        assert!(!format!("{t:?}").contains(t.as_str()));
    }

    #[test]
    fn limiter_counts_per_user_and_per_ip() {
        let l = LoginLimiter::new(2, Duration::from_secs(300));
        let ip: IpAddr = [10, 0, 0, 1].into();
        l.check("ani", Some(ip)).unwrap();
        l.record_failure("ani", Some(ip));
        l.record_failure("ANI", None);
        let wait = l.check("ani", None).unwrap_err();
        assert!(wait > 0 && wait <= 300);
        // the IP has one failure only, another user from it is fine
        l.check("budi", Some(ip)).unwrap();
        l.record_failure("budi", Some(ip));
        assert!(l.check("citra", Some(ip)).is_err(), "IP used up");
        l.record_success("ani");
        l.check("ani", None).unwrap();
    }
}
