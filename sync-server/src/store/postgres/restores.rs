//! The restore lineage on PostgreSQL ([`RestoreStore`]): tables `server_identity` and
//! `server_restores`, as SQLite's.
//!
//! PostgreSQL is restored with its own tools (`pg_restore` of a `pg_dump`, point-in-time
//! recovery); then `pendata-server mark-restored` starts the new timeline. Every serving process
//! holds the serving lock (one per schema) shared for its lifetime ([`PgStore::hold_serving_lock`]), so marking
//! a restore — which takes it exclusively — is refused while any server still runs with the old
//! timeline in memory.

use chrono::{DateTime, Utc};
use pendata_shared::HouseholdId;
use uuid::Uuid;

use super::rows::{millis, scope_range};
use super::{in_transaction, PgStore};
use crate::epoch::Epoch;
use crate::store::{lock, ResentHousehold, RestoreRecord, RestoreStore, Scope, StoreError};

/// The advisory lock every serving process holds shared: one per schema, since deployments (and
/// the tests) may share a database, each in a schema of its own. PostgreSQL's two-key form:
/// ("pdsv" in ASCII, a hash of the connection's schema).
const SERVING_LOCK_CLASS: i32 = 0x7064_7376;

/// `SELECT function(the serving lock of this connection's schema)`, for `function` one of
/// PostgreSQL's advisory-lock functions of two `int4` keys.
pub(crate) fn serving_lock_sql(function: &str) -> String {
    format!("SELECT {function}({SERVING_LOCK_CLASS}, hashtext(current_schema()))")
}

impl PgStore {
    /// Marks this process as a server running on the database until the store is dropped:
    /// one connection leaves the pool and holds the serving lock (one per schema) shared.
    pub fn hold_serving_lock(&self) -> Result<(), StoreError> {
        let client = self.run(async {
            let client = self.client().await?;
            client
                .execute(&serving_lock_sql("pg_advisory_lock_shared"), &[])
                .await?;
            Ok(deadpool_postgres::Object::take(client))
        })?;
        *lock(&self.serving) = Some(client);
        Ok(())
    }
}

impl RestoreStore for PgStore {
    fn epoch(&self) -> Result<Epoch, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let row = c
                .query_one(
                    "SELECT server_id, generation, timeline FROM server_identity",
                    &[],
                )
                .await?;
            let generation: i32 = row.try_get(1)?;
            let restores = c
                .query(
                    "SELECT timeline, from_timeline, base_seq FROM server_restores \
                     ORDER BY generation",
                    &[],
                )
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(Epoch::from_parts(
                row.try_get(0)?,
                u32::try_from(generation).unwrap_or(u32::MAX),
                row.try_get(2)?,
                restores,
            ))
        })
    }

    fn mark_restored(&self, snapshot: &str) -> Result<u32, StoreError> {
        in_transaction!(self, |tx| {
            let free: bool = tx
                .query_one(&serving_lock_sql("pg_try_advisory_xact_lock"), &[])
                .await?
                .try_get(0)?;
            if !free {
                return Err(StoreError::InUse);
            }
            let row = tx
                .query_one(
                    "SELECT generation, timeline FROM server_identity FOR UPDATE",
                    &[],
                )
                .await?;
            let (current, from_timeline): (i32, String) = (row.try_get(0)?, row.try_get(1)?);
            let end: i64 = tx
                .query_one("SELECT seq FROM change_log_head", &[])
                .await?
                .try_get(0)?;
            let next = current + 1;
            let timeline = crate::epoch::new_timeline();
            tx.execute(
                "UPDATE server_identity SET generation = $1, timeline = $2",
                &[&next, &timeline],
            )
            .await?;
            tx.execute(
                "INSERT INTO server_restores (generation, timeline, from_timeline, base_seq, \
                 snapshot, restored_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &next,
                    &timeline,
                    &from_timeline,
                    &end,
                    &snapshot,
                    &millis(Utc::now()),
                ],
            )
            .await?;
            // The NIK index key lives outside the database and outside a backup: a restored
            // server may hold another one, so the index is rebuilt under whatever key it has.
            tx.batch_execute(crate::store::registry::FORGET_NIK_INDEX_SQL)
                .await?;
            Ok(u32::try_from(next).unwrap_or(u32::MAX))
        })
    }

    fn restores(&self) -> Result<Vec<RestoreRecord>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            c.query(
                "SELECT generation, snapshot, restored_at FROM server_restores \
                 ORDER BY generation DESC",
                &[],
            )
            .await?
            .iter()
            .map(|r| {
                let generation: i32 = r.try_get(0)?;
                Ok(RestoreRecord {
                    generation: u32::try_from(generation).unwrap_or(u32::MAX),
                    snapshot: r.try_get(1)?,
                    restored_at: r.try_get(2)?,
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
        let (lo, hi) = scope_range(scope);
        self.run(async {
            let c = self.client().await?;
            c.query(
                "WITH last AS (SELECT max(restored_at) AS at FROM server_restores) \
                 SELECT DISTINCT ON (h.desa_code, h.id) \
                        h.id, h.desa_code, h.head_name, r.username, r.received_at \
                 FROM last, revisions r JOIN households h ON h.id = r.household_id \
                 WHERE r.received_at > last.at AND r.saved_at < last.at \
                   AND h.desa_code >= $1 AND h.desa_code < $2 \
                 ORDER BY h.desa_code, h.id, r.received_at DESC LIMIT $3",
                &[&lo, &hi, &i64::from(limit)],
            )
            .await?
            .iter()
            .map(|r| {
                let id: Uuid = r.try_get(0)?;
                let received_at: DateTime<Utc> = r.try_get(4)?;
                Ok(ResentHousehold {
                    id: HouseholdId(id),
                    desa_code: r.try_get(1)?,
                    head_name: r.try_get(2)?,
                    username: r.try_get(3)?,
                    received_at,
                })
            })
            .collect()
        })
    }
}
