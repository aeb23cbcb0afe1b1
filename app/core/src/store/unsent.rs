//! What the server does not have yet, counted per household: the number the app shows before
//! anything that could delete local data (logout, restoring a backup over this store).

use super::{Result, Store};

impl Store {
    /// Households whose current work is not on the server, drafts aside: final (not queued
    /// yet), queued, set aside for a photo retake (`needs_photo`: its revision may have left
    /// the outbox, but its data is still unsent), and any other non-draft record with a
    /// revision waiting in the outbox (a deletion's tombstone, a record offered again after a
    /// server restore). Each household counts once.
    pub fn unsent_records(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM households h
             WHERE h.state IN ('final', 'queued', 'needs_photo')
                OR (h.state <> 'draft' AND EXISTS (
                        SELECT 1 FROM outbox o
                        WHERE o.household_id = h.id AND o.status = 'pending'))",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Drafts: edited here and never finalised (a rejected push comes back as one).
    pub fn draft_count(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM households WHERE state = 'draft'",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Photos (their hashes) of drafts and of households set aside for a retake that the
    /// server does not hold whole: work that exists only here although no revision of it
    /// waits in the outbox.
    pub fn unsent_draft_photos(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT p.sha256 FROM photos p JOIN households h ON h.id = p.household_id
             WHERE h.state IN ('draft', 'needs_photo') AND p.uploaded < p.bytes",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Copies a write-ahead log back into the database file, so the file alone holds every
    /// committed transaction (a backup reads the file). Whether everything was copied (false:
    /// another connection held it). Without WAL (the browser's rollback journal) every commit
    /// is already in the file and this answers true.
    pub fn checkpoint(&self) -> Result<bool> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }
}
