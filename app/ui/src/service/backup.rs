//! "Cadangkan data" and "Pulihkan": the core packs the encrypted data directory into one file
//! (`pendata_core::backup`) and restores one, both streamed; this part gives it the platform's
//! file and keeps the worker's own state right around a restore. Natively the backup is
//! written straight to the backup folder; in the browser into an OPFS file that the page then
//! offers for download (`web_files.rs`), and a restore reads the picked file in slices.

use std::io::{Read, Seek};
use std::path::Path;

use pendata_core::backup;

use super::{Res, Worker};
use crate::i18n::tr;
use crate::state::Update;

/// Largest backup file read from disk natively (bytes): far above a phone's worth of photos.
pub const MAX_BACKUP_FILE: u64 = 4 * 1024 * 1024 * 1024;

/// The directory of the origin's private file system (OPFS) that holds the backup the worker
/// made until the page has handed it to the browser's download.
pub const BACKUP_DIR: &str = "pendata-cadangan";

fn said(e: &backup::BackupError, lang: pendata_shared::Lang) -> String {
    format!("{} ({})", e.message(lang), e.code())
}

impl Worker {
    /// Packs the data directory into a file, streamed. The browser gets it as an OPFS file to
    /// offer as a download; natively it is written to the backup folder
    /// (`paths::backup_dir`) and its path is said.
    pub(super) async fn backup(&mut self) -> Res {
        let name = backup::file_name(chrono::Local::now());
        #[cfg(all(target_family = "wasm", feature = "web"))]
        {
            let lang = self.lang;
            let file = super::web_files::backup_file(&name)
                .await
                .map_err(|source| {
                    said(
                        &backup::BackupError::Io {
                            op: "write",
                            source,
                        },
                        lang,
                    )
                })?;
            let bytes = self.device()?.backup_to(file).map_err(|e| said(&e, lang))?;
            self.emit(Update::BackupReady(crate::state::Download { name, bytes }));
            Ok(())
        }
        #[cfg(not(all(target_family = "wasm", feature = "web")))]
        self.backup_to_folder(&name)
    }

    /// Natively: the backup written into the backup folder (under a temporary name until it is
    /// whole).
    #[cfg(not(all(target_family = "wasm", feature = "web")))]
    fn backup_to_folder(&mut self, name: &str) -> Res {
        let lang = self.lang;
        let dir = self.config.backup_dir.clone();
        let path = dir.join(name);
        let part = dir.join(format!(".{name}.part"));
        let failed = |e: std::io::Error| format!("{}: {e} (backup.io)", path.display());
        std::fs::create_dir_all(&dir).map_err(failed)?;
        let file = std::fs::File::create(&part).map_err(failed)?;
        let made = self
            .device()?
            .backup_to(std::io::BufWriter::new(file))
            .map_err(|e| said(&e, lang));
        let bytes = match made {
            Ok(b) => b,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(e);
            }
        };
        std::fs::rename(&part, &path).map_err(failed)?;
        self.emit(Update::Notice(format!(
            "{}: {} ({} KiB)",
            tr(lang, "backup.saved_to"),
            path.display(),
            bytes / 1024
        )));
        Ok(())
    }

    /// Restores a backup read from `src`: into a data directory with no store, or over the
    /// open store when nothing in it waits to be sent. Then the backup's own PIN unlocks it.
    pub(super) fn restore(&mut self, src: impl Read + Seek) -> Res {
        let lang = self.lang;
        self.close_session();
        let result = match self.device.take() {
            Some(device) => device.restore_over(src).map_err(|failed| {
                // Refused before anything changed: the device stays open as it was.
                self.device = failed.device.map(|d| *d);
                failed.error
            }),
            None => backup::restore_into(&self.config.data_dir, src),
        };
        match result {
            Ok(restored) => {
                tracing::info!(photo_files = restored.photo_files, "restored");
                self.emit(Update::Locked);
                self.emit(Update::Notice(tr(lang, "backup.restored").into()));
                Ok(())
            }
            Err(e) => Err(said(&e, lang)),
        }
    }

    /// [`restore`](Self::restore) from a file the desktop's file input names.
    pub(super) fn restore_file(&mut self, path: &Path) -> Res {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let too_big = file
            .metadata()
            .map(|m| m.len() > MAX_BACKUP_FILE)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if too_big {
            return Err(format!(
                "{} (backup.too_large)",
                tr(self.lang, "backup.unreadable")
            ));
        }
        self.restore(std::io::BufReader::new(file))
    }

    /// [`restore`](Self::restore) from the file the browser's file input picked, read in
    /// slices (never whole).
    #[cfg(all(target_family = "wasm", feature = "web"))]
    pub(super) fn restore_blob(&mut self, file: web_sys::Blob) -> Res {
        let reader = super::web_files::BlobReader::new(file).map_err(|e| {
            format!(
                "{}: {e} (backup.unreadable)",
                tr(self.lang, "backup.unreadable")
            )
        })?;
        self.restore(reader)
    }
}
