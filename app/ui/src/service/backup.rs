//! "Cadangkan data" and "Pulihkan": the core packs the encrypted data directory into one file
//! (`pendata_core::backup`) and restores one; this part hands the file to the platform and
//! keeps the worker's own state right around a restore.

use std::path::Path;

use pendata_core::backup;

use super::{Res, Worker};
use crate::i18n::tr;
use crate::state::{Download, Update};

/// Largest backup file read from disk natively (bytes): far above a phone's worth of photos.
pub const MAX_BACKUP_FILE: u64 = 4 * 1024 * 1024 * 1024;

impl Worker {
    /// Packs the data directory. The browser gets the bytes to save as a download; natively the
    /// file is written to the backup folder (`paths::backup_dir`) and its path is said.
    pub(super) fn backup(&mut self) -> Res {
        let lang = self.lang;
        let device = self.device()?;
        let bytes = device
            .backup()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let name = backup::file_name(chrono::Local::now());
        if cfg!(target_family = "wasm") {
            self.emit(Update::BackupReady(Download { name, bytes }));
            return Ok(());
        }
        let dir = self.config.backup_dir.clone();
        let path = dir.join(&name);
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&path, &bytes))
            .map_err(|e| format!("{}: {e} (backup.io)", path.display()))?;
        self.emit(Update::Notice(format!(
            "{}: {} ({} KiB)",
            tr(lang, "backup.saved_to"),
            path.display(),
            bytes.len() / 1024
        )));
        Ok(())
    }

    /// Restores a backup: into a data directory with no store, or over the open store when
    /// nothing in it waits to be sent. Then the backup's own PIN unlocks it.
    pub(super) fn restore(&mut self, bytes: &[u8]) -> Res {
        let lang = self.lang;
        self.close_session();
        let result = match self.device.take() {
            Some(device) => device.restore_over(bytes).map_err(|failed| {
                // Refused before anything changed: the device stays open as it was.
                self.device = failed.device.map(|d| *d);
                failed.error
            }),
            None => backup::restore_into(&self.config.data_dir, bytes),
        };
        match result {
            Ok(restored) => {
                tracing::info!(photo_files = restored.photo_files, "restored");
                self.emit(Update::Locked);
                self.emit(Update::Notice(tr(lang, "backup.restored").into()));
                Ok(())
            }
            Err(e) => Err(format!("{} ({})", e.message(lang), e.code())),
        }
    }

    /// [`restore`](Self::restore) from a file the desktop's file input names.
    pub(super) fn restore_file(&mut self, path: &Path) -> Res {
        let too_big = std::fs::metadata(path)
            .map(|m| m.len() > MAX_BACKUP_FILE)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if too_big {
            return Err(format!(
                "{} (backup.too_large)",
                tr(self.lang, "backup.unreadable")
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        self.restore(&bytes)
    }
}
