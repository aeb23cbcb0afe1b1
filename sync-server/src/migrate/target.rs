//! The PostgreSQL side of a migration: no server may run on it while rows are copied, and it
//! must be empty or hold an earlier, unfinished copy of the SAME data (same server id, same
//! timeline, nothing newer than the source). An empty target takes the source's identity, so
//! the phones see the same server and their pull cursors stay valid: a migration is not a
//! restore.

use super::MigrateError;
use crate::store::postgres::PgStore;

/// The source's identity and how far its logs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SourceIdentity {
    pub server_id: String,
    pub generation: i64,
    pub timeline: String,
    pub created_at: String,
    /// The last number the change log handed out.
    pub change_log_end: i64,
    /// The largest revision sequence number (0: none).
    pub last_revision_seq: i64,
}

impl SourceIdentity {
    pub(super) fn read(conn: &rusqlite::Connection) -> Result<Self, MigrateError> {
        let (server_id, generation, timeline, created_at) = conn
            .query_row(
                "SELECT server_id, generation, timeline, created_at FROM server_identity",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(MigrateError::source)?;
        let change_log_end =
            crate::store::sqlite::change_log_end(conn).map_err(MigrateError::Source)?;
        let last_revision_seq = conn
            .query_row("SELECT coalesce(max(seq), 0) FROM revisions", [], |r| {
                r.get(0)
            })
            .map_err(MigrateError::source)?;
        Ok(SourceIdentity {
            server_id,
            generation,
            timeline,
            created_at,
            change_log_end,
            last_revision_seq,
        })
    }
}

/// The connection holding the serving lock exclusively for the whole migration: a server
/// started meanwhile waits at start-up until the copy is done, and none may run now.
pub(super) struct TargetLock {
    _client: deadpool_postgres::ClientWrapper,
}

/// Takes the target for the migration ([`TargetLock`]) and checks (or, when empty, sets) its
/// identity. Returns whether the target was empty.
pub(super) fn take_target(
    db: &PgStore,
    source: &SourceIdentity,
) -> Result<(TargetLock, bool), MigrateError> {
    let lock = db
        .run(async {
            let client = db.client().await?;
            let free: bool = client
                .query_one(
                    &crate::store::postgres::serving_lock_sql("pg_try_advisory_lock"),
                    &[],
                )
                .await?
                .try_get(0)?;
            Ok(free.then(|| deadpool_postgres::Object::take(client)))
        })
        .map_err(MigrateError::Target)?
        .ok_or(MigrateError::TargetInUse)?;
    let fresh = db
        .run(async {
            let mut client = db.client().await?;
            let tx = client.transaction().await?;
            let row = tx
                .query_one(
                    "SELECT server_id, generation, timeline FROM server_identity FOR UPDATE",
                    &[],
                )
                .await?;
            let (id, generation, timeline): (String, i32, String) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let row = tx
                .query_one(
                    "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM households) \
                       + (SELECT count(*) FROM revisions) + (SELECT count(*) FROM changes) \
                       + (SELECT count(*) FROM server_restores) + (SELECT count(*) FROM reviews), \
                     (SELECT seq FROM change_log_head), \
                     (SELECT coalesce(max(seq), 0) FROM revisions)",
                    &[],
                )
                .await?;
            let (rows, head, last_seq): (i64, i64, i64) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            if id == source.server_id {
                if i64::from(generation) != source.generation || timeline != source.timeline {
                    return Ok(Err(MigrateError::TargetOtherTimeline));
                }
                if head > source.change_log_end || last_seq > source.last_revision_seq {
                    return Ok(Err(MigrateError::TargetNewer));
                }
                return Ok(Ok(false));
            }
            if rows > 0 || head > 0 {
                return Ok(Err(MigrateError::TargetHoldsOtherData { target_id: id }));
            }
            let created_at = chrono::DateTime::parse_from_rfc3339(&source.created_at)
                .map_err(|_| crate::store::StoreError::Corrupt("server_identity time".into()))?
                .with_timezone(&chrono::Utc);
            let generation = i32::try_from(source.generation)
                .map_err(|_| crate::store::StoreError::Corrupt("generation".into()))?;
            tx.execute(
                "UPDATE server_identity SET server_id = $1, generation = $2, timeline = $3, \
                 created_at = $4",
                &[
                    &source.server_id,
                    &generation,
                    &source.timeline,
                    &created_at,
                ],
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(true))
        })
        .map_err(MigrateError::Target)??;
    Ok((TargetLock { _client: lock }, fresh))
}

/// After the rows: the change log's head at the source's end (the next change gets the number
/// the SQLite server would have given it), and each kept identity column's sequence past the
/// largest value copied.
pub(super) fn finish_counters(
    db: &PgStore,
    source: &SourceIdentity,
    identities: &[(&str, &str)],
) -> Result<(), MigrateError> {
    db.run(async {
        let client = db.client().await?;
        client
            .execute(
                "UPDATE change_log_head SET seq = GREATEST(seq, $1)",
                &[&source.change_log_end],
            )
            .await?;
        for (table, column) in identities {
            client
                .batch_execute(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), m) \
                     FROM (SELECT max({column}) AS m FROM {table}) x WHERE m IS NOT NULL"
                ))
                .await?;
        }
        Ok(())
    })
    .map_err(MigrateError::Target)
}
