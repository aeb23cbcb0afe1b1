//! [`AccountStore`] on SQLite: users, devices and tokens (migration 0001).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{now, SqliteStore};
use crate::store::{
    AccountStore, NewUser, Role, Session, StoreError, TokenHash, User, UserCredentials, UserId,
};

pub(super) const USER_COLUMNS: &str = "u.id, u.username, u.role, u.wilayah, u.disabled, \
     (SELECT COUNT(DISTINCT t.device_id) FROM tokens t \
      WHERE t.user_id = u.id AND t.revoked_at IS NULL)";

pub(super) fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<User, StoreError>> {
    let role: String = row.get(2)?;
    let role = match role.parse::<Role>() {
        Ok(role) => role,
        Err(e) => return Ok(Err(StoreError::Corrupt(e))),
    };
    Ok(Ok(User {
        id: UserId(row.get(0)?),
        username: row.get(1)?,
        role,
        wilayah: row.get(3)?,
        disabled: row.get::<_, i64>(4)? != 0,
        active_devices: row.get(5)?,
    }))
}

fn user_id_by_name(conn: &Connection, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id FROM users WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()?)
}

impl AccountStore for SqliteStore {
    fn create_user(&self, new: NewUser) -> Result<User, StoreError> {
        self.write(|conn| {
            let inserted = conn.execute(
                "INSERT INTO users (username, password_hash, role, wilayah, disabled, created_at) \
                 VALUES (?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT (username) DO NOTHING",
                params![
                    new.username,
                    new.password_hash,
                    new.role.as_str(),
                    new.wilayah,
                    now()
                ],
            )?;
            if inserted == 0 {
                return Err(StoreError::UsernameTaken);
            }
            Ok(User {
                id: UserId(conn.last_insert_rowid()),
                username: new.username,
                role: new.role,
                wilayah: new.wilayah,
                disabled: false,
                active_devices: 0,
            })
        })
    }

    fn credentials(&self, username: &str) -> Result<Option<UserCredentials>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = ?1"
            );
            let found = conn
                .query_row(&sql, [username], |row| {
                    Ok((user_from_row(row)?, row.get::<_, String>(6)?))
                })
                .optional()?;
            match found {
                None => Ok(None),
                Some((user, password_hash)) => Ok(Some(UserCredentials {
                    user: user?,
                    password_hash,
                })),
            }
        })
    }

    fn list_users(&self) -> Result<Vec<User>, StoreError> {
        self.read(|conn| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map([], user_from_row)?;
            let mut users = Vec::new();
            for row in rows {
                users.push(row??);
            }
            Ok(users)
        })
    }

    fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        self.write(|conn| {
            let changed = conn.execute(
                "UPDATE users SET disabled = ?2 WHERE username = ?1",
                params![username, i64::from(disabled)],
            )?;
            Ok(changed > 0)
        })
    }

    fn reset_devices(&self, username: &str) -> Result<Option<u32>, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(user_id) = user_id_by_name(&tx, username)? else {
                return Ok(None);
            };
            let revoked = tx.execute(
                "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
                params![user_id, now()],
            )?;
            tx.execute("DELETE FROM devices WHERE user_id = ?1", [user_id])?;
            tx.commit()?;
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
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let at = now();
            let device = device_id.to_string();
            tx.execute(
                "INSERT INTO devices (user_id, device_id, device_name, first_seen_at, last_login_at) \
                 VALUES (?1, ?2, ?3, ?4, ?4) \
                 ON CONFLICT (user_id, device_id) DO UPDATE SET \
                 device_name = excluded.device_name, last_login_at = excluded.last_login_at",
                params![user.0, device, device_name, at],
            )?;
            tx.execute(
                "UPDATE tokens SET revoked_at = ?3 \
                 WHERE user_id = ?1 AND device_id = ?2 AND revoked_at IS NULL",
                params![user.0, device, at],
            )?;
            tx.execute(
                "INSERT INTO tokens (token_sha256, user_id, device_id, created_at) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![token.0.as_slice(), user.0, device, at],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn session(&self, token: &TokenHash) -> Result<Option<Session>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {USER_COLUMNS}, t.device_id FROM tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_sha256 = ?1 AND t.revoked_at IS NULL AND u.disabled = 0"
            );
            // Every request asks this: keep the statement prepared.
            let found = conn
                .prepare_cached(&sql)?
                .query_row([token.0.as_slice()], |row| {
                    Ok((user_from_row(row)?, row.get::<_, String>(6)?))
                })
                .optional()?;
            let Some((user, device)) = found else {
                return Ok(None);
            };
            let device_id = Uuid::parse_str(&device)
                .map_err(|_| StoreError::Corrupt("device id is not a UUID".into()))?;
            Ok(Some(Session {
                user: user?,
                device_id,
            }))
        })
    }

    fn revoke_token(&self, token: &TokenHash) -> Result<bool, StoreError> {
        self.write(|conn| {
            let changed = conn.execute(
                "UPDATE tokens SET revoked_at = ?2 WHERE token_sha256 = ?1 AND revoked_at IS NULL",
                params![token.0.as_slice(), now()],
            )?;
            Ok(changed > 0)
        })
    }
}
