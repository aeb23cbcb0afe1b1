//! Copying one table: the SQLite rows in key order, in batches of multi-row `INSERT … ON
//! CONFLICT` (one statement, one transaction per batch). A batch already there changes nothing,
//! so a copy cut at any point is finished by running it again.

use tokio_postgres::types::ToSql;

use super::cell::Cell;
use super::tables::{OnConflict, Table, CHANGES};
use super::MigrateError;
use crate::store::postgres::PgStore;

/// Where a run stops on its own: after this many rows read (a test of resuming after a cut).
#[derive(Debug, Default)]
pub(super) struct Budget {
    pub stop_after_rows: Option<u64>,
    pub rows_read: u64,
}

impl Budget {
    fn exhausted(&self) -> bool {
        self.stop_after_rows.is_some_and(|n| self.rows_read >= n)
    }
}

/// How many rows of one table were read, and how many the target took (new or changed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    pub read: u64,
    pub written: u64,
}

/// Copies `table` from the source transaction into the target, `batch` rows per statement.
pub(super) fn copy_table(
    source: &rusqlite::Connection,
    db: &PgStore,
    table: &Table,
    batch: usize,
    budget: &mut Budget,
    bar: &indicatif::ProgressBar,
) -> Result<Copied, MigrateError> {
    let full = insert_sql(table, batch);
    let select = format!(
        "SELECT {} FROM {} ORDER BY {}",
        table
            .columns
            .iter()
            .map(|c| c.1)
            .collect::<Vec<_>>()
            .join(", "),
        table.name,
        table.order_by
    );
    let mut stmt = source.prepare(&select).map_err(MigrateError::source)?;
    let mut rows = stmt.query([]).map_err(MigrateError::source)?;
    let mut copied = Copied::default();
    let mut pending: Vec<Vec<Cell>> = Vec::with_capacity(batch);
    loop {
        let row = rows.next().map_err(MigrateError::source)?;
        if let Some(row) = row {
            let cells = (0..table.columns.len())
                .map(|i| row.get_ref(i).map(Cell::read))
                .collect::<Result<Vec<_>, _>>()
                .map_err(MigrateError::source)?;
            pending.push(cells);
            budget.rows_read += 1;
        }
        let last = row.is_none() || budget.exhausted();
        if pending.len() == batch || (last && !pending.is_empty()) {
            let sql = if pending.len() == batch {
                full.clone()
            } else {
                insert_sql(table, pending.len())
            };
            let first_row = copied.read + 1;
            let n = pending.len() as u64;
            copied.written +=
                write_batch(db, table, &sql, std::mem::take(&mut pending), first_row)?;
            copied.read += n;
            bar.inc(n);
        }
        if row.is_none() {
            return Ok(copied);
        }
        if budget.exhausted() {
            return Err(MigrateError::Stopped {
                rows: budget.rows_read,
            });
        }
    }
}

/// `INSERT INTO t (cols) [OVERRIDING SYSTEM VALUE] VALUES ($1::type, …), … ON CONFLICT …`
/// for `rows` rows.
fn insert_sql(table: &Table, rows: usize) -> String {
    let names: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
    let width = names.len();
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let cells: Vec<String> = table
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| format!("${}::{}", r * width + i + 1, c.2.sql_type()))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let overriding = if table.identity.is_some() {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    let conflict = match table.on_conflict {
        OnConflict::Nothing => "ON CONFLICT DO NOTHING".to_owned(),
        OnConflict::Update { key, skip } => {
            let set: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| !key.contains(n) && !skip.contains(n))
                .collect();
            let ours: Vec<String> = set.iter().map(|n| format!("{}.{n}", table.name)).collect();
            let theirs: Vec<String> = set.iter().map(|n| format!("EXCLUDED.{n}")).collect();
            format!(
                "ON CONFLICT ({}) DO UPDATE SET ({}) = ROW({}) WHERE ({}) IS DISTINCT FROM ({})",
                key.join(", "),
                set.join(", "),
                theirs.join(", "),
                ours.join(", "),
                theirs.join(", ")
            )
        }
    };
    format!(
        "INSERT INTO {} ({}){overriding} VALUES {} {conflict}",
        table.name,
        names.join(", "),
        values.join(", ")
    )
}

/// Writes one batch in one transaction; returns how many rows it inserted or changed.
fn write_batch(
    db: &PgStore,
    table: &Table,
    sql: &str,
    rows: Vec<Vec<Cell>>,
    first_row: u64,
) -> Result<u64, MigrateError> {
    let renumbered = if table.name == CHANGES {
        Some(change_keys(&rows))
    } else {
        None
    };
    let mut params: Vec<Box<dyn ToSql + Sync + Send>> =
        Vec::with_capacity(rows.len() * table.columns.len());
    for (r, row) in rows.into_iter().enumerate() {
        for (cell, column) in row.into_iter().zip(table.columns) {
            params.push(
                cell.into_param(column.2)
                    .map_err(|reason| MigrateError::BadValue {
                        table: table.name,
                        column: column.0,
                        row: first_row + r as u64,
                        reason,
                    })?,
            );
        }
    }
    let refs: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    db.run(async {
        let mut client = db.client().await?;
        let tx = client.transaction().await?;
        if let Some((seqs, kinds, keys)) = &renumbered {
            // A change log item the source gave a new number since an earlier run.
            tx.execute(
                "DELETE FROM changes c USING unnest($1::bigint[], $2::text[], $3::text[]) \
                 AS n(seq, kind, item_key) \
                 WHERE c.kind = n.kind AND c.item_key = n.item_key AND c.seq <> n.seq",
                &[seqs, kinds, keys],
            )
            .await?;
        }
        let stmt = tx.prepare_cached(sql).await?;
        let n = tx.execute(&stmt, &refs).await?;
        tx.commit().await?;
        Ok(n)
    })
    .map_err(MigrateError::Target)
}

/// The `(seq, kind, item_key)` of a batch of `changes` rows (columns 0, 1, 2).
fn change_keys(rows: &[Vec<Cell>]) -> (Vec<i64>, Vec<String>, Vec<String>) {
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        if let [Cell::Int(seq), Cell::Text(kind), Cell::Text(key), ..] = row.as_slice() {
            out.0.push(*seq);
            out.1.push(kind.clone());
            out.2.push(key.clone());
        }
    }
    out
}
