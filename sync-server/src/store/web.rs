//! Browser sessions of the supervisor dashboard ([`WebSessionStore`]). Only the SHA-256 of
//! the session cookie is stored.

use super::{StoreError, TokenHash, User, UserId};

/// A live dashboard session: the (enabled) user and the session's CSRF token.
#[derive(Clone, PartialEq, Eq)]
pub struct WebSession {
    pub user: User,
    pub csrf: String,
}

impl std::fmt::Debug for WebSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSession")
            .field("user", &self.user)
            .field("csrf", &"<redacted>")
            .finish()
    }
}

/// How long a session lives, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetime {
    /// Ends after this long without a request.
    pub idle_secs: i64,
    /// Ends this long after login whatever happens.
    pub max_secs: i64,
}

/// Dashboard sessions. Blocking, like [`super::AccountStore`]. `now` is Unix seconds.
pub trait WebSessionStore: Send + Sync + 'static {
    /// Stores a new session and drops every expired one.
    fn create_web_session(
        &self,
        user: UserId,
        id: &TokenHash,
        csrf: &str,
        now: i64,
        life: SessionLifetime,
    ) -> Result<(), StoreError>;
    /// The session if it exists, has not expired and its user is enabled; marks it as used.
    fn web_session(
        &self,
        id: &TokenHash,
        now: i64,
        life: SessionLifetime,
    ) -> Result<Option<WebSession>, StoreError>;
    /// Ends one session. Returns false if it did not exist.
    fn end_web_session(&self, id: &TokenHash) -> Result<bool, StoreError>;
    /// Ends every session of a user (by name). Returns how many ended.
    fn end_web_sessions_of(&self, username: &str) -> Result<u32, StoreError>;
}
