//! [`WebSessionStore`] on SQLite (`web_sessions`, migration 0003).

use rusqlite::{params, OptionalExtension};

use super::accounts::{user_from_row, USER_COLUMNS};
use super::SqliteStore;
use crate::store::web::{SessionLifetime, WebSession, WebSessionStore};
use crate::store::{StoreError, TokenHash, UserId};

impl WebSessionStore for SqliteStore {
    fn create_web_session(
        &self,
        user: UserId,
        id: &TokenHash,
        csrf: &str,
        now: i64,
        life: SessionLifetime,
    ) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "DELETE FROM web_sessions WHERE last_seen_at <= ?1 OR created_at <= ?2",
                params![now - life.idle_secs, now - life.max_secs],
            )?;
            tx.execute(
                "INSERT INTO web_sessions (id_sha256, user_id, csrf, created_at, last_seen_at) \
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![&id.0[..], user.0, csrf, now],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn web_session(
        &self,
        id: &TokenHash,
        now: i64,
        life: SessionLifetime,
    ) -> Result<Option<WebSession>, StoreError> {
        self.write(|conn| {
            let sql = format!(
                "SELECT {USER_COLUMNS}, w.csrf FROM web_sessions w JOIN users u ON u.id = w.user_id \
                 WHERE w.id_sha256 = ?1 AND u.disabled = 0 \
                 AND w.last_seen_at > ?2 AND w.created_at > ?3"
            );
            let found = conn
                .query_row(
                    &sql,
                    params![&id.0[..], now - life.idle_secs, now - life.max_secs],
                    |row| Ok((user_from_row(row)?, row.get::<_, String>(6)?)),
                )
                .optional()?;
            let Some((user, csrf)) = found else {
                return Ok(None);
            };
            let user = user?;
            conn.execute(
                "UPDATE web_sessions SET last_seen_at = ?2 WHERE id_sha256 = ?1",
                params![&id.0[..], now],
            )?;
            Ok(Some(WebSession { user, csrf }))
        })
    }

    fn end_web_session(&self, id: &TokenHash) -> Result<bool, StoreError> {
        self.write(|conn| {
            Ok(conn.execute(
                "DELETE FROM web_sessions WHERE id_sha256 = ?1",
                params![&id.0[..]],
            )? > 0)
        })
    }

    fn end_web_sessions_of(&self, username: &str) -> Result<u32, StoreError> {
        self.write(|conn| {
            let n = conn.execute(
                "DELETE FROM web_sessions WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
                [username],
            )?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::store::{AccountStore, NewUser, Role};

    const LIFE: SessionLifetime = SessionLifetime {
        idle_secs: 60,
        max_secs: 600,
    };

    #[test]
    fn sessions_expire_when_idle_or_old_and_end_with_the_user() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("db.sqlite"), 1).unwrap();
        let u = s
            .create_user(NewUser {
                username: "spv".into(),
                password_hash: "x".into(),
                role: Role::Supervisor,
                wilayah: "320102".into(),
            })
            .unwrap();
        let id = TokenHash([7; 32]);
        s.create_web_session(u.id, &id, "tok", 1000, LIFE).unwrap();
        let got = s.web_session(&id, 1050, LIFE).unwrap().unwrap();
        assert_eq!(
            (got.user.username.as_str(), got.csrf.as_str()),
            ("spv", "tok")
        );
        // used at 1050: still alive at 1100, idle-expired at 1110
        assert!(s.web_session(&id, 1100, LIFE).unwrap().is_some());
        assert!(s.web_session(&id, 1160, LIFE).unwrap().is_none());
        // absolute lifetime
        let id2 = TokenHash([8; 32]);
        s.create_web_session(u.id, &id2, "t2", 2000, LIFE).unwrap();
        let mut t = 2000;
        while t + 50 < 2600 {
            t += 50;
            assert!(s.web_session(&id2, t, LIFE).unwrap().is_some(), "{t}");
        }
        assert!(s.web_session(&id2, 2600, LIFE).unwrap().is_none());
        // disabling the user ends the session at once; ending by name removes it
        let id3 = TokenHash([9; 32]);
        s.create_web_session(u.id, &id3, "t3", 3000, LIFE).unwrap();
        s.set_disabled("spv", true).unwrap();
        assert!(s.web_session(&id3, 3001, LIFE).unwrap().is_none());
        s.set_disabled("spv", false).unwrap();
        assert!(s.web_session(&id3, 3002, LIFE).unwrap().is_some());
        assert_eq!(s.end_web_sessions_of("SPV").unwrap(), 1);
        assert!(s.web_session(&id3, 3003, LIFE).unwrap().is_none());
        assert!(!s.end_web_session(&id3).unwrap());
        assert!(!format!("{got:?}").contains("tok"));
    }
}
