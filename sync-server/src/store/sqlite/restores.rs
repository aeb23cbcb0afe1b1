//! The restore lineage on SQLite ([`RestoreStore`]): tables `server_identity` and
//! `server_restores` (migration 0006).

use rusqlite::{params, Connection, OptionalExtension};

use super::rows::{parse_id, parse_time, prefix_sql};
use super::SqliteStore;
use crate::epoch::Epoch;
use crate::store::{ResentHousehold, RestoreRecord, RestoreStore, Scope, StoreError};

impl RestoreStore for SqliteStore {
    fn epoch(&self) -> Result<Epoch, StoreError> {
        self.read(read_epoch)
    }

    fn mark_restored(&self, snapshot: &str) -> Result<u32, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let end = change_log_end(&tx)?;
            let generation = super::lineage::start_timeline(&tx, end, snapshot)?;
            tx.commit()?;
            Ok(generation)
        })
    }

    fn restores(&self) -> Result<Vec<RestoreRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT generation, snapshot, restored_at FROM server_restores \
                 ORDER BY generation DESC",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get::<_, String>(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(generation, snapshot, at)| {
                    Ok(RestoreRecord {
                        generation: u32::try_from(generation).unwrap_or(u32::MAX),
                        snapshot,
                        restored_at: parse_time(&at)?,
                    })
                })
                .collect()
        })
    }

    fn resent_after_restore(
        &self,
        scope: &Scope,
        limit: u32,
    ) -> Result<Vec<ResentHousehold>, StoreError> {
        self.read(|conn| {
            let restored_at: Option<String> =
                conn.query_row("SELECT max(restored_at) FROM server_restores", [], |r| {
                    r.get(0)
                })?;
            let Some(restored_at) = restored_at else {
                return Ok(Vec::new());
            };
            // SQLite takes the bare columns of the row holding max(received_at).
            let sql = format!(
                "SELECT h.id, h.desa_code, h.head_name, r.username, max(r.received_at) \
                 FROM revisions r JOIN households h ON h.id = r.household_id \
                 WHERE r.received_at > ?1 AND r.saved_at < ?1 AND {} \
                 GROUP BY h.id ORDER BY h.desa_code, h.id LIMIT ?3",
                prefix_sql("h.desa_code", "?2")
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt
                .query_map(
                    params![restored_at, scope.sql_prefix(), i64::from(limit)],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get::<_, String>(4)?,
                        ))
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, desa_code, head_name, username, at)| {
                    Ok(ResentHousehold {
                        id: parse_id(&id)?,
                        desa_code,
                        head_name,
                        username,
                        received_at: parse_time(&at)?,
                    })
                })
                .collect()
        })
    }
}

/// The identity and lineage of a database migrated to 0006 or later.
pub fn read_epoch(conn: &Connection) -> Result<Epoch, StoreError> {
    let (server_id, generation, timeline): (String, i64, String) = conn
        .query_row(
            "SELECT server_id, generation, timeline FROM server_identity",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::Corrupt("server_identity has no row".into()))?;
    let mut stmt = conn.prepare(
        "SELECT timeline, from_timeline, base_seq FROM server_restores ORDER BY generation",
    )?;
    let restores = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Epoch::from_parts(
        server_id,
        u32::try_from(generation).unwrap_or(u32::MAX),
        timeline,
        restores,
    ))
}

/// The last number the change log handed out (0 when it is empty).
pub fn change_log_end(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}
