//! After a server restore (docs/sync-protocol.md, "After a restore"): the server lost what it
//! acknowledged after its backup, so the device offers again everything the server had
//! acknowledged to it and still holds.

use pendata_shared::protocol::ServerEpoch;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::{keys, Result, Store, StoreError};

/// The states of a household whose current revision the server acknowledged.
const ACKNOWLEDGED: &str = "('sent', 'approved', 'rejected')";

impl Store {
    /// The server state of the last sync, if one was noted.
    pub fn server_epoch(&self) -> Result<Option<ServerEpoch>> {
        match self.setting(keys::SERVER_EPOCH)? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("server epoch: {e}"))),
        }
    }

    /// The server answering now is `server`. The first time, it is only remembered. When it
    /// differs from the one remembered (another server id or timeline: the server went back
    /// to a backup), every household whose current revision the server had acknowledged goes
    /// back into the outbox with that same revision, content and base (the server answers
    /// `duplicate` for what it still has), its photos are offered again, and `server` is
    /// remembered, all in one transaction. Returns how many revisions were offered again.
    ///
    /// What the device no longer holds cannot come back: a deletion the server acknowledged
    /// (the record is gone from the device) and a revision edited over since (the newer
    /// revision goes instead, based on the lost one, which the restored server accepts).
    pub fn note_server(&mut self, server: &ServerEpoch) -> Result<u64> {
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        let known: Option<String> = tx
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [keys::SERVER_EPOCH],
                |r| r.get(0),
            )
            .optional()?;
        let known: Option<ServerEpoch> = known.and_then(|t| serde_json::from_str(&t).ok());
        let text = serde_json::to_string(server)
            .map_err(|e| StoreError::Corrupt(format!("server epoch: {e}")))?;
        let mut reoffered = 0u64;
        let went_back = known
            .as_ref()
            .is_some_and(|k| k.server_id != server.server_id || k.timeline != server.timeline);
        if went_back {
            reoffered = tx.execute(
                &format!(
                    "INSERT INTO outbox (revision, household_id, base_revision, op, content, saved_at)
                     SELECT revision, id, base_revision, 'upsert', content, updated_at
                     FROM households
                     WHERE state IN {ACKNOWLEDGED} AND acked_revision = revision
                     ON CONFLICT (revision) DO NOTHING"
                ),
                [],
            )? as u64;
            tx.execute(
                &format!(
                    "UPDATE households SET state = 'queued'
                     WHERE state IN {ACKNOWLEDGED} AND acked_revision = revision"
                ),
                [],
            )?;
            tx.execute("UPDATE photos SET uploaded = 0", [])?;
            tracing::warn!(
                reoffered,
                generation = server.generation,
                "the server went back to a backup; offering again what it had acknowledged"
            );
        }
        if known.as_ref() != Some(server) {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![keys::SERVER_EPOCH, text],
            )?;
        }
        tx.commit()?;
        Ok(reoffered)
    }
}
