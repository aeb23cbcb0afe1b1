//! [`AccountStore`]: users, devices and per-device bearer tokens, and the types it speaks.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StoreError;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Enumerator,
    Supervisor,
    Admin,
    /// Kepala OPD (head of the agency): approves a desa's checked month, which locks it.
    #[serde(rename = "kepala_opd")]
    KepalaOpd,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Enumerator => "enumerator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::KepalaOpd => "kepala_opd",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "enumerator" => Ok(Role::Enumerator),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            "kepala_opd" => Ok(Role::KepalaOpd),
            other => Err(format!(
                "unknown role {other:?} (expected enumerator, supervisor, kepala_opd or admin)"
            )),
        }
    }
}

/// Database id of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

/// A user as the rest of the server sees it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    /// Dotless region code prefix the user works in; `""` means everything (admins only).
    pub wilayah: String,
    pub disabled: bool,
    /// Devices that currently hold an unrevoked token.
    pub active_devices: u32,
}

/// A user together with the stored argon2id PHC string, for login only.
#[derive(Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

impl fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserCredentials")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// Input of [`AccountStore::create_user`]; the password is already hashed.
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub wilayah: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("wilayah", &self.wilayah)
            .finish_non_exhaustive()
    }
}

/// SHA-256 of a bearer token. Only this is ever stored.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(<redacted>)")
    }
}

/// The user and device a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub device_id: Uuid,
}

/// Users, devices and tokens.
pub trait AccountStore: Send + Sync + 'static {
    /// Creates a user; [`StoreError::UsernameTaken`] if the name exists (case-insensitive).
    fn create_user(&self, new: NewUser) -> Result<User, StoreError>;
    /// Looks a user up by name (case-insensitive), with the password hash.
    fn credentials(&self, username: &str) -> Result<Option<UserCredentials>, StoreError>;
    /// All users, ordered by username.
    fn list_users(&self) -> Result<Vec<User>, StoreError>;
    /// Disables or re-enables a user. Returns false if there is no such user.
    /// A disabled user's tokens stop working at once.
    fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool, StoreError>;
    /// Revokes every token of every device of the user. Returns the number of tokens
    /// revoked, or `None` if there is no such user.
    fn reset_devices(&self, username: &str) -> Result<Option<u32>, StoreError>;
    /// Records a login: registers the device and stores the token hash, revoking any
    /// earlier token of the same user on the same device.
    fn create_session(
        &self,
        user: UserId,
        device_id: Uuid,
        device_name: &str,
        token: TokenHash,
    ) -> Result<(), StoreError>;
    /// The session of an unrevoked token of an enabled user.
    fn session(&self, token: &TokenHash) -> Result<Option<Session>, StoreError>;
    /// Revokes one token. Returns false if it was unknown or already revoked.
    fn revoke_token(&self, token: &TokenHash) -> Result<bool, StoreError>;
}
