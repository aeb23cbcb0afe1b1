//! The count at the end of a migration: rows per table and photos on both sides, the change
//! log's end and the server's identity. Equal, or a list of what differs.

use super::tables::TABLES;
use super::target::SourceIdentity;
use super::MigrateError;
use crate::store::postgres::PgStore;

/// One table's rows on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: &'static str,
    pub source: i64,
    pub target: i64,
}

/// Counts every copied table on both sides.
pub(super) fn count_tables(
    source: &rusqlite::Connection,
    db: &PgStore,
) -> Result<Vec<TableCount>, MigrateError> {
    let mut out = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT count(*) FROM {}", table.name);
        let source_n: i64 = source
            .query_row(&sql, [], |r| r.get(0))
            .map_err(MigrateError::source)?;
        let target_n: i64 = db
            .run(async {
                let c = db.client().await?;
                Ok(c.query_one(&sql, &[]).await?.try_get(0)?)
            })
            .map_err(MigrateError::Target)?;
        out.push(TableCount {
            table: table.name,
            source: source_n,
            target: target_n,
        });
    }
    Ok(out)
}

/// What differs between the two sides (empty: the copy is complete).
pub(super) fn differences(
    counts: &[TableCount],
    source: &SourceIdentity,
    db: &PgStore,
) -> Result<Vec<String>, MigrateError> {
    let mut out: Vec<String> = counts
        .iter()
        .filter(|c| c.source != c.target)
        .map(|c| {
            format!(
                "{}: {} baris di SQLite, {} di PostgreSQL ({} rows in SQLite, {} in PostgreSQL)",
                c.table, c.source, c.target, c.source, c.target
            )
        })
        .collect();
    let (id, timeline, head): (String, String, i64) = db
        .run(async {
            let c = db.client().await?;
            let row = c
                .query_one(
                    "SELECT server_id, timeline, (SELECT seq FROM change_log_head) \
                     FROM server_identity",
                    &[],
                )
                .await?;
            Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))
        })
        .map_err(MigrateError::Target)?;
    if id != source.server_id || timeline != source.timeline {
        out.push(format!(
            "identitas server berbeda (server identity differs): {id}/{timeline} vs {}/{}",
            source.server_id, source.timeline
        ));
    }
    if head != source.change_log_end {
        out.push(format!(
            "ujung log perubahan {head}, seharusnya {} (change log head {head}, expected {})",
            source.change_log_end, source.change_log_end
        ));
    }
    Ok(out)
}
