//! [`WebSessionStore`] on PostgreSQL (`web_sessions`).

use super::accounts::{user_from_row, USER_COLUMNS};
use super::{in_transaction, PgStore};
use crate::store::web::{SessionLifetime, WebSession, WebSessionStore};
use crate::store::{StoreError, TokenHash, UserId};

impl WebSessionStore for PgStore {
    fn create_web_session(
        &self,
        user: UserId,
        id: &TokenHash,
        csrf: &str,
        now: i64,
        life: SessionLifetime,
    ) -> Result<(), StoreError> {
        in_transaction!(self, |tx| {
            tx.execute(
                "DELETE FROM web_sessions WHERE last_seen_at <= $1 OR created_at <= $2",
                &[&(now - life.idle_secs), &(now - life.max_secs)],
            )
            .await?;
            tx.execute(
                "INSERT INTO web_sessions (id_sha256, user_id, csrf, created_at, last_seen_at) \
                 VALUES ($1, $2, $3, $4, $4)",
                &[&&id.0[..], &user.0, &csrf, &now],
            )
            .await?;
            Ok(())
        })
    }

    fn web_session(
        &self,
        id: &TokenHash,
        now: i64,
        life: SessionLifetime,
    ) -> Result<Option<WebSession>, StoreError> {
        self.run(async {
            let client = self.client().await?;
            // One statement: the session is marked as used only if it is alive.
            let sql = format!(
                "WITH live AS (UPDATE web_sessions w SET last_seen_at = $4 FROM users u \
                   WHERE w.id_sha256 = $1 AND u.id = w.user_id AND NOT u.disabled \
                   AND w.last_seen_at > $2 AND w.created_at > $3 \
                   RETURNING w.user_id, w.csrf) \
                 SELECT {USER_COLUMNS}, live.csrf FROM live JOIN users u ON u.id = live.user_id"
            );
            let stmt = client.prepare_cached(&sql).await?;
            let row = client
                .query_opt(
                    &stmt,
                    &[
                        &&id.0[..],
                        &(now - life.idle_secs),
                        &(now - life.max_secs),
                        &now,
                    ],
                )
                .await?;
            match row {
                None => Ok(None),
                Some(row) => Ok(Some(WebSession {
                    user: user_from_row(&row)?,
                    csrf: row.try_get(6)?,
                })),
            }
        })
    }

    fn end_web_session(&self, id: &TokenHash) -> Result<bool, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let n = client
                .execute(
                    "DELETE FROM web_sessions WHERE id_sha256 = $1",
                    &[&&id.0[..]],
                )
                .await?;
            Ok(n > 0)
        })
    }

    fn end_web_sessions_of(&self, username: &str) -> Result<u32, StoreError> {
        self.run(async {
            let client = self.client().await?;
            let n = client
                .execute(
                    "DELETE FROM web_sessions WHERE user_id IN \
                     (SELECT id FROM users WHERE lower(username) = lower($1))",
                    &[&username],
                )
                .await?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        })
    }
}
