//! "Cadangkan data" / "Pulihkan": the whole data directory — the PIN-wrapped key file, the
//! encrypted store and the encrypted photo blobs — as one file, and back.
//!
//! The files are packed exactly as they are stored, so the backup is still locked by the PIN:
//! nothing is decrypted to make it, and only the PIN of the store it came from opens what it
//! restores. The format is [`format`]'s (versioned, with a checksum); the same code runs on
//! the desktop (files in the data directory) and in the browser (the OPFS pool and its files
//! database, through `crate::files`).
//!
//! Restoring never loses unsent work: into a data directory with no store yet
//! ([`restore_into`]), or over an open store only when nothing in it waits to be sent
//! ([`Device::restore_over`]). A damaged file is refused before anything is touched.

pub mod format;

use std::io;
use std::path::Path;

use chrono::{DateTime, Local};
use pendata_shared::Lang;

use crate::blobs::PHOTOS_DIR;
use crate::crypto::KEY_FILE;
use crate::files;
use crate::store::{StoreError, STORE_FILE};
use crate::sync::Unsent;
use crate::{Device, DeviceError};
use format::{Entry, FormatError, Packer};

/// The file name extension of a backup.
pub const EXTENSION: &str = "pdbackup";

/// A backup's file name for a person's Downloads folder, e.g.
/// `pendata-cadangan-20261207-0915.pdbackup` (local time: the facilitator finds it by date).
pub fn file_name(now: DateTime<Local>) -> String {
    format!("pendata-cadangan-{}.{EXTENSION}", now.format("%Y%m%d-%H%M"))
}

/// Why a backup was not made or not restored. `code` is stable; `message` is for people
/// (Bahasa Indonesia, English). No variant carries the data.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}", self.message(Lang::Id))]
    Format(#[from] FormatError),
    /// A whole, checksummed file that lacks the key file or the store (or holds other
    /// files): not made by Pendata.
    #[error("{}", self.message(Lang::Id))]
    Incomplete { missing: &'static str },
    /// Restoring would replace a store that still holds unsent work.
    #[error("{}", self.message(Lang::Id))]
    Unsent(Unsent),
    /// A store is here but locked: its unsent work cannot be counted without the PIN.
    #[error("{}", self.message(Lang::Id))]
    StoreExists,
    /// The write-ahead log could not be copied into the database file.
    #[error("{}", self.message(Lang::Id))]
    Busy,
    #[error("{}", self.message(Lang::Id))]
    Io {
        op: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("{}", self.message(Lang::Id))]
    Device(#[from] DeviceError),
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Device(e.into())
    }
}

impl BackupError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &str {
        match self {
            BackupError::Format(FormatError::NotABackup) => "backup.not_a_backup",
            BackupError::Format(FormatError::NewerVersion { .. }) => "backup.newer_version",
            BackupError::Format(FormatError::Damaged) => "backup.damaged",
            BackupError::Format(_) | BackupError::Incomplete { .. } => "backup.malformed",
            BackupError::Unsent(_) => "backup.unsent",
            BackupError::StoreExists => "backup.store_exists",
            BackupError::Busy => "backup.busy",
            BackupError::Io { .. } => "backup.io",
            BackupError::Device(e) => e.code(),
        }
    }

    /// The message for people, in the asked language.
    pub fn message(&self, lang: Lang) -> String {
        let nothing = match lang {
            Lang::Id => "Tidak ada yang dipulihkan; data di perangkat ini tidak berubah.",
            Lang::En => "Nothing was restored; the data on this device is unchanged.",
        };
        match (self, lang) {
            (BackupError::Format(FormatError::Damaged), Lang::Id) => format!(
                "Berkas cadangan rusak atau tidak lengkap (mungkin terpotong saat disalin). {nothing}"
            ),
            (BackupError::Format(FormatError::Damaged), Lang::En) => format!(
                "The backup file is damaged or incomplete (perhaps cut short while copying). {nothing}"
            ),
            (BackupError::Format(FormatError::NotABackup), Lang::Id) => {
                format!("Berkas ini bukan cadangan Pendata. {nothing}")
            }
            (BackupError::Format(FormatError::NotABackup), Lang::En) => {
                format!("This file is not a Pendata backup. {nothing}")
            }
            (BackupError::Format(FormatError::NewerVersion { found }), Lang::Id) => format!(
                "Cadangan ini dibuat oleh versi Pendata yang lebih baru (format {found}): perbarui aplikasi dulu. {nothing}"
            ),
            (BackupError::Format(FormatError::NewerVersion { found }), Lang::En) => format!(
                "This backup was made by a newer Pendata (format {found}): update the app first. {nothing}"
            ),
            (BackupError::Format(e), Lang::Id) => {
                format!("Berkas cadangan tidak dapat dibaca ({e}). {nothing}")
            }
            (BackupError::Format(e), Lang::En) => {
                format!("The backup file cannot be read ({e}). {nothing}")
            }
            (BackupError::Incomplete { missing }, Lang::Id) => {
                format!("Berkas cadangan tidak lengkap: {missing} tidak ada. {nothing}")
            }
            (BackupError::Incomplete { missing }, Lang::En) => {
                format!("The backup file is incomplete: {missing} is missing. {nothing}")
            }
            (BackupError::Unsent(u), Lang::Id) => format!(
                "Tidak dipulihkan: perangkat ini masih menyimpan {} data belum terkirim ({} di antaranya draf) dan {} foto. \
                 Kirim dulu lewat Sinkronisasi, atau pulihkan di perangkat atau profil lain. {nothing}",
                u.households(),
                u.drafts,
                u.photos
            ),
            (BackupError::Unsent(u), Lang::En) => format!(
                "Not restored: this device still holds {} unsent records ({} of them drafts) and {} photos. \
                 Sync them first, or restore on another device or profile. {nothing}",
                u.households(),
                u.drafts,
                u.photos
            ),
            (BackupError::StoreExists, Lang::Id) => format!(
                "Perangkat ini sudah menyimpan data yang terkunci. Buka dengan PIN dulu, lalu pulihkan dari Pengaturan \
                 (hanya bila semua data sudah terkirim). {nothing}"
            ),
            (BackupError::StoreExists, Lang::En) => format!(
                "This device already holds locked data. Unlock it with the PIN first, then restore from Settings \
                 (only once everything has been sent). {nothing}"
            ),
            (BackupError::Busy, Lang::Id) => {
                "Cadangan belum dapat dibuat: basis data sedang dipakai, coba lagi".into()
            }
            (BackupError::Busy, Lang::En) => {
                "The backup could not be made: the database is busy, try again".into()
            }
            (BackupError::Io { op, source }, Lang::Id) => {
                format!("Gagal {} berkas cadangan: {source}", op_id(op))
            }
            (BackupError::Io { op, source }, Lang::En) => {
                format!("Failed to {op} the backup files: {source}")
            }
            (BackupError::Device(e), lang) => e.message(lang),
        }
    }
}

fn op_id(op: &str) -> &'static str {
    match op {
        "read" => "membaca",
        "write" => "menulis",
        "remove" => "menghapus",
        _ => "memproses",
    }
}

fn io_err(op: &'static str) -> impl FnOnce(io::Error) -> BackupError {
    move |source| BackupError::Io { op, source }
}

/// What a restore put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    /// Photo and thumbnail files.
    pub photo_files: usize,
    /// Bytes written (key file, store, photos).
    pub bytes: u64,
}

/// A restore over an open store that did not happen, or did not finish.
#[derive(Debug)]
pub struct RestoreFailed {
    /// The device, untouched, when the restore was refused before anything changed. `None`
    /// when writing failed part-way: the old store (nothing in it was unsent) is gone and
    /// the directory reads as not set up until a restore finishes.
    pub device: Option<Box<Device>>,
    pub error: BackupError,
}

impl Device {
    /// The whole data directory as one backup file (see the module docs): the key file, the
    /// store and every photo file, as stored. The store's write-ahead log is copied into its
    /// file first and the store is closed while its file is read (the browser's pool exports
    /// only a closed file), then opened again.
    pub fn backup(&mut self) -> Result<Vec<u8>, BackupError> {
        if !self.store().checkpoint()? {
            return Err(BackupError::Busy);
        }
        let store = self
            .with_store_closed(files::read_db)?
            .map_err(io_err("read"))?;
        let dir = self.dir();
        let mut packer = Packer::new();
        let key = files::read(&dir.join(KEY_FILE)).map_err(io_err("read"))?;
        packer.add(Entry {
            name: KEY_FILE,
            data: &key,
        })?;
        packer.add(Entry {
            name: STORE_FILE,
            data: &store,
        })?;
        drop(store);
        let photos = dir.join(PHOTOS_DIR);
        for name in files::list(&photos).map_err(io_err("read"))? {
            // `.tmp-*`: a write that never finished (no blob is named so).
            if name.starts_with('.') {
                continue;
            }
            let data = files::read(&photos.join(&name)).map_err(io_err("read"))?;
            packer.add(Entry {
                name: &format!("{PHOTOS_DIR}/{name}"),
                data: &data,
            })?;
        }
        let file = packer.finish();
        tracing::info!(bytes = file.len(), "backup made");
        Ok(file)
    }

    /// Replaces this device's data with the backup `bytes`, whose own PIN then unlocks it.
    /// Refused, with the device back untouched, while anything waits to be sent
    /// ([`BackupError::Unsent`]: logout or a restore never deletes unsent work) or when the
    /// file is not a whole backup. On success the device is closed.
    pub fn restore_over(self, bytes: &[u8]) -> Result<Restored, Box<RestoreFailed>> {
        let refuse = |device: Device, error: BackupError| {
            Box::new(RestoreFailed {
                device: Some(Box::new(device)),
                error,
            })
        };
        let unsent = match self.unsent() {
            Ok(u) => u,
            Err(e) => return Err(refuse(self, e.into())),
        };
        if !unsent.is_empty() {
            return Err(refuse(self, BackupError::Unsent(unsent)));
        }
        let parts = match Parts::read(bytes) {
            Ok(p) => p,
            Err(e) => return Err(refuse(self, e)),
        };
        let dir = self.dir().to_path_buf();
        // The store's connection closes here: its files may now be replaced.
        drop(self);
        parts.write(&dir).map_err(|error| {
            Box::new(RestoreFailed {
                device: None,
                error,
            })
        })
    }
}

/// Restores the backup `bytes` into `dir`, which holds no store (a fresh phone or browser
/// profile; a restore that stopped half-way counts as none): [`BackupError::StoreExists`]
/// otherwise. A damaged file changes nothing.
pub fn restore_into(dir: &Path, bytes: &[u8]) -> Result<Restored, BackupError> {
    if Device::exists(dir) {
        return Err(BackupError::StoreExists);
    }
    Parts::read(bytes)?.write(dir)
}

/// A checked backup: the key file, the store and the photo files.
struct Parts<'a> {
    key: &'a [u8],
    store: &'a [u8],
    photos: Vec<Entry<'a>>,
}

impl<'a> Parts<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, BackupError> {
        let mut key = None;
        let mut store = None;
        let mut photos = Vec::new();
        for e in format::unpack(bytes)? {
            match e.name.split_once('/') {
                None if e.name == KEY_FILE => key = Some(e.data),
                None if e.name == STORE_FILE => store = Some(e.data),
                Some((PHOTOS_DIR, rest)) if !rest.contains('/') => photos.push(e),
                _ => return Err(FormatError::BadName.into()),
            }
        }
        Ok(Parts {
            key: key.ok_or(BackupError::Incomplete { missing: KEY_FILE })?,
            store: store.ok_or(BackupError::Incomplete {
                missing: STORE_FILE,
            })?,
            photos,
        })
    }

    /// Writes the parts into `dir`, replacing what a store there had. The old key file goes
    /// first and the new one is written last: until then the directory reads as not set up
    /// (the restore can be run again), never as one store's key over another's data.
    fn write(&self, dir: &Path) -> Result<Restored, BackupError> {
        files::create_dir_all(dir).map_err(io_err("write"))?;
        remove_if_present(&dir.join(KEY_FILE))?;
        let photos = dir.join(PHOTOS_DIR);
        for name in files::list(&photos).map_err(io_err("read"))? {
            remove_if_present(&photos.join(name))?;
        }
        files::replace_db(&dir.join(STORE_FILE), self.store).map_err(io_err("write"))?;
        files::create_dir_all(&photos).map_err(io_err("write"))?;
        let mut bytes = self.store.len() as u64 + self.key.len() as u64;
        for e in &self.photos {
            files::write_atomic(&dir.join(e.name), e.data).map_err(io_err("write"))?;
            bytes += e.data.len() as u64;
        }
        files::write_atomic(&dir.join(KEY_FILE), self.key).map_err(io_err("write"))?;
        files::sync_dir(dir).map_err(io_err("write"))?;
        tracing::info!(photo_files = self.photos.len(), bytes, "backup restored");
        Ok(Restored {
            photo_files: self.photos.len(),
            bytes,
        })
    }
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match files::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("remove")(e)),
    }
}
