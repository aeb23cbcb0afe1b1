//! The WAL checkpointer thread of [`super::SqliteStore`].

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::{lock, open_connection};
use crate::store::StoreError;

/// How often the checkpointer copies the write-ahead log back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// A log this many pages long (~256 MB) is checkpointed with RESTART, which waits for readers,
/// so a database that always has a reader cannot grow its log without bound.
const CHECKPOINT_RESTART_PAGES: i64 = 65_536;

/// Runs SQLite's WAL checkpoints on its own thread and connection, so a commit on the writer
/// never pays for copying the log back (with `wal_autocheckpoint` on, every ~1,000 pages one
/// unlucky commit did, inside the push path). PASSIVE checkpoints neither block nor wait;
/// crash safety is SQLite's either way. Stopped and joined on drop.
pub(super) struct Checkpointer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Result<Self, StoreError> {
        let conn = open_connection(path, false)?;
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || loop {
                let (lock_, cv) = &*flag;
                let guard = lock(lock_);
                let (guard, _) = cv
                    .wait_timeout_while(guard, CHECKPOINT_EVERY, |stopped| !*stopped)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if *guard {
                    return;
                }
                drop(guard);
                let log = conn
                    .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1))
                    .unwrap_or(0);
                if log > CHECKPOINT_RESTART_PAGES {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))
                    {
                        tracing::warn!(error = %e, "WAL checkpoint (restart) failed");
                    }
                }
            })
            .map_err(|e| StoreError::Task(e.to_string()))?;
        Ok(Checkpointer {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        *lock(&self.stop.0) = true;
        self.stop.1.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
