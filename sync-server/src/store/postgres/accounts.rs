//! [`AccountStore`] on PostgreSQL: users (unique without regard to case), devices, tokens.

use chrono::Utc;
use tokio_postgres::Row;
use uuid::Uuid;

use super::{in_transaction, PgStore};
use crate::store::{
    AccountStore, NewUser, Role, Session, StoreError, TokenHash, User, UserCredentials, UserId,
};

/// The columns [`user_from_row`] reads, from `users u`.
pub(super) const USER_COLUMNS: &str = "u.id, u.username, u.role, u.wilayah, u.disabled, \
     (SELECT count(DISTINCT t.device_id) FROM tokens t \
      WHERE t.user_id = u.id AND t.revoked_at IS NULL)";

pub(super) fn user_from_row(row: &Row) -> Result<User, StoreError> {
    let role: String = row.try_get(2)?;
    let role = role.parse::<Role>().map_err(StoreError::Corrupt)?;
    let devices: i64 = row.try_get(5)?;
    Ok(User {
        id: UserId(row.try_get(0)?),
        username: row.try_get(1)?,
        role,
        wilayah: row.try_get(3)?,
        disabled: row.try_get(4)?,
        active_devices: u32::try_from(devices).unwrap_or(u32::MAX),
    })
}

impl AccountStore for PgStore {
    fn create_user(&self, new: NewUser) -> Result<User, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "INSERT INTO users (username, password_hash, role, wilayah, disabled, created_at) \
                     VALUES ($1, $2, $3, $4, false, $5) \
                     ON CONFLICT ((lower(username))) DO NOTHING RETURNING id",
                    &[
                        &new.username,
                        &new.password_hash,
                        &new.role.as_str(),
                        &new.wilayah,
                        &Utc::now(),
                    ],
                )
                .await?;
            let Some(row) = row else {
                return Err(StoreError::UsernameTaken);
            };
            Ok(User {
                id: UserId(row.try_get(0)?),
                username: new.username,
                role: new.role,
                wilayah: new.wilayah,
                disabled: false,
                active_devices: 0,
            })
        })
    }

    fn credentials(&self, username: &str) -> Result<Option<UserCredentials>, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let sql = format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u \
                 WHERE lower(u.username) = lower($1)"
            );
            let stmt = client.prepare_cached(&sql).await?;
            match client.query_opt(&stmt, &[&username]).await? {
                None => Ok(None),
                Some(row) => Ok(Some(UserCredentials {
                    user: user_from_row(&row)?,
                    password_hash: row.try_get(6)?,
                })),
            }
        })
    }

    fn list_users(&self) -> Result<Vec<User>, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users u ORDER BY lower(u.username), u.username"
            );
            client
                .query(&sql, &[])
                .await?
                .iter()
                .map(user_from_row)
                .collect()
        })
    }

    fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let n = client
                .execute(
                    "UPDATE users SET disabled = $2 WHERE lower(username) = lower($1)",
                    &[&username, &disabled],
                )
                .await?;
            Ok(n > 0)
        })
    }

    fn reset_devices(&self, username: &str) -> Result<Option<u32>, StoreError> {
        in_transaction!(self, |tx| {
            let Some(row) = tx
                .query_opt(
                    "SELECT id FROM users WHERE lower(username) = lower($1) FOR UPDATE",
                    &[&username],
                )
                .await?
            else {
                return Ok(None);
            };
            let user_id: i64 = row.try_get(0)?;
            let revoked = tx
                .execute(
                    "UPDATE tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                    &[&user_id, &Utc::now()],
                )
                .await?;
            tx.execute("DELETE FROM devices WHERE user_id = $1", &[&user_id])
                .await?;
            Ok(Some(u32::try_from(revoked).unwrap_or(u32::MAX)))
        })
    }

    fn create_session(
        &self,
        user: UserId,
        device_id: Uuid,
        device_name: &str,
        token: TokenHash,
    ) -> Result<(), StoreError> {
        in_transaction!(self, |tx| {
            let at = Utc::now();
            tx.execute(
                "INSERT INTO devices (user_id, device_id, device_name, first_seen_at, last_login_at) \
                 VALUES ($1, $2, $3, $4, $4) \
                 ON CONFLICT (user_id, device_id) DO UPDATE SET \
                 device_name = excluded.device_name, last_login_at = excluded.last_login_at",
                &[&user.0, &device_id, &device_name, &at],
            )
            .await?;
            tx.execute(
                "UPDATE tokens SET revoked_at = $3 \
                 WHERE user_id = $1 AND device_id = $2 AND revoked_at IS NULL",
                &[&user.0, &device_id, &at],
            )
            .await?;
            tx.execute(
                "INSERT INTO tokens (token_sha256, user_id, device_id, created_at) \
                 VALUES ($1, $2, $3, $4)",
                &[&token.0.as_slice(), &user.0, &device_id, &at],
            )
            .await?;
            Ok(())
        })
    }

    fn session(&self, token: &TokenHash) -> Result<Option<Session>, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let sql = format!(
                "SELECT {USER_COLUMNS}, t.device_id FROM tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND NOT u.disabled"
            );
            // Every request asks this: keep the statement prepared.
            let stmt = client.prepare_cached(&sql).await?;
            match client.query_opt(&stmt, &[&token.0.as_slice()]).await? {
                None => Ok(None),
                Some(row) => Ok(Some(Session {
                    user: user_from_row(&row)?,
                    device_id: row.try_get(6)?,
                })),
            }
        })
    }

    fn revoke_token(&self, token: &TokenHash) -> Result<bool, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let n = client
                .execute(
                    "UPDATE tokens SET revoked_at = $2 WHERE token_sha256 = $1 AND revoked_at IS NULL",
                    &[&token.0.as_slice(), &Utc::now()],
                )
                .await?;
            Ok(n > 0)
        })
    }
}
