//! The browser worker's two files of a backup, neither ever whole in memory:
//! * the backup it makes is written into the origin's private file system (OPFS, directory
//!   [`BACKUP_DIR`](super::backup::BACKUP_DIR)) piece by piece through a synchronous access
//!   handle ([`BackupFile`]); the page then offers that disk-backed file for download
//!   (`platform::web::download_backup`), so the browser streams it from disk;
//! * the backup to restore is the `File` the page's file input picked, read in slices with
//!   `FileReaderSync` ([`BlobReader`]; a dedicated worker may read synchronously).
//!
//! Only the last backup is kept in OPFS, until the next one or the next start of the app.

use std::io::{self, Read, Seek, SeekFrom, Write};

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, FileReaderSync, FileSystemDirectoryHandle, FileSystemFileHandle,
    FileSystemGetDirectoryOptions, FileSystemGetFileOptions, FileSystemReadWriteOptions,
    FileSystemRemoveOptions, FileSystemSyncAccessHandle, WorkerGlobalScope,
};

use super::backup::BACKUP_DIR;
use pendata_core::backup::format::CHUNK;

/// A JavaScript failure as an I/O error (a full quota keeps its kind).
fn js_err(e: JsValue) -> io::Error {
    let name = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .unwrap_or_default();
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    let kind = if name == "QuotaExceededError" {
        io::ErrorKind::StorageFull
    } else {
        io::ErrorKind::Other
    };
    io::Error::new(kind, format!("{name}: {text}"))
}

async fn wait<T: JsCast>(p: Promise) -> io::Result<T> {
    JsFuture::from(p)
        .await
        .map_err(js_err)?
        .dyn_into::<T>()
        .map_err(|_| io::Error::other("unexpected answer from the browser"))
}

/// The origin's private file system's root, seen from the worker.
async fn root() -> io::Result<FileSystemDirectoryHandle> {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    wait(scope.navigator().storage().get_directory()).await
}

/// Removes every backup kept in OPFS (the last one was downloaded long ago).
pub(super) async fn clear_backups() -> io::Result<()> {
    let options = FileSystemRemoveOptions::new();
    options.set_recursive(true);
    match JsFuture::from(
        root()
            .await?
            .remove_entry_with_options(BACKUP_DIR, &options),
    )
    .await
    {
        Ok(_) => Ok(()),
        Err(e) if js_err(e.clone()).to_string().starts_with("NotFoundError") => Ok(()),
        Err(e) => Err(js_err(e)),
    }
}

/// A new, empty backup file `name` in OPFS (the backups before it removed), written in place.
pub(super) async fn backup_file(name: &str) -> io::Result<BackupFile> {
    clear_backups().await?;
    let dir_options = FileSystemGetDirectoryOptions::new();
    dir_options.set_create(true);
    let dir: FileSystemDirectoryHandle = wait(
        root()
            .await?
            .get_directory_handle_with_options(BACKUP_DIR, &dir_options),
    )
    .await?;
    let file_options = FileSystemGetFileOptions::new();
    file_options.set_create(true);
    let file: FileSystemFileHandle =
        wait(dir.get_file_handle_with_options(name, &file_options)).await?;
    let handle: FileSystemSyncAccessHandle = wait(file.create_sync_access_handle()).await?;
    handle.truncate_with_f64(0.0).map_err(js_err)?;
    Ok(BackupFile { handle, at: 0 })
}

/// An OPFS file written synchronously from its start; closed when dropped.
pub(super) struct BackupFile {
    handle: FileSystemSyncAccessHandle,
    at: u64,
}

impl Write for BackupFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let options = FileSystemReadWriteOptions::new();
        options.set_at(self.at as f64);
        let n = self
            .handle
            .write_with_u8_array_and_options(buf, &options)
            .map_err(js_err)? as usize;
        if n == 0 && !buf.is_empty() {
            return Err(io::Error::from(io::ErrorKind::WriteZero));
        }
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.handle.flush().map_err(js_err)
    }
}

impl Drop for BackupFile {
    fn drop(&mut self) {
        self.handle.close();
    }
}

/// A `Blob` (the picked `File`) read synchronously in slices of [`CHUNK`] bytes.
pub(super) struct BlobReader {
    blob: Blob,
    len: u64,
    pos: u64,
    reader: FileReaderSync,
    /// The slice last read and the offset it starts at.
    piece: Vec<u8>,
    piece_at: u64,
}

impl BlobReader {
    pub(super) fn new(blob: Blob) -> io::Result<Self> {
        let len = blob.size() as u64;
        Ok(BlobReader {
            blob,
            len,
            pos: 0,
            reader: FileReaderSync::new().map_err(js_err)?,
            piece: Vec::new(),
            piece_at: 0,
        })
    }

    /// Reads the slice that holds `self.pos`.
    fn fill(&mut self) -> io::Result<()> {
        let end = (self.pos + CHUNK as u64).min(self.len);
        let slice = self
            .blob
            .slice_with_f64_and_f64(self.pos as f64, end as f64)
            .map_err(js_err)?;
        let buffer = self.reader.read_as_array_buffer(&slice).map_err(js_err)?;
        let bytes = Uint8Array::new(&buffer);
        self.piece.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.piece);
        self.piece_at = self.pos;
        if (self.piece.len() as u64) < end - self.pos {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file changed while it was read",
            ));
        }
        Ok(())
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let inside =
            self.pos >= self.piece_at && self.pos < self.piece_at + self.piece.len() as u64;
        if !inside {
            self.fill()?;
        }
        let from = (self.pos - self.piece_at) as usize;
        let n = buf.len().min(self.piece.len() - from);
        buf[..n].copy_from_slice(&self.piece[from..from + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        Ok(self.pos)
    }
}
