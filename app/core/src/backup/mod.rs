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

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::{DateTime, Local};
use pendata_shared::Lang;

use crate::blobs::PHOTOS_DIR;
use crate::crypto::KEY_FILE;
use crate::files;
use crate::store::{StoreError, STORE_FILE};
use crate::sync::Unsent;
use crate::{Device, DeviceError};
use format::{FormatError, StreamError, Writer};

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
    /// The whole data directory as one backup file written into `out` (see the module docs):
    /// the key file, the store and every photo file, as stored, one at a time in pieces
    /// ([`format::CHUNK`]): the memory needed is that of the largest photo, whatever the
    /// store's size. The store's write-ahead log is copied into its file first and the store
    /// is closed while its file is read (the browser's pool exports only a closed file), then
    /// opened again. Answers the file's size.
    pub fn backup_to(&mut self, out: impl Write) -> Result<u64, BackupError> {
        if !self.store().checkpoint()? {
            return Err(BackupError::Busy);
        }
        let dir = self.dir().to_path_buf();
        let photos = dir.join(PHOTOS_DIR);
        // `.tmp-*`: a write that never finished (no blob is named so).
        let names: Vec<String> = files::list(&photos)
            .map_err(io_err("read"))?
            .into_iter()
            .filter(|name| !name.starts_with('.'))
            .collect();
        let count = u32::try_from(names.len() + 2)
            .map_err(|_| FormatError::Malformed("too many entries"))?;
        let key = files::read(&dir.join(KEY_FILE)).map_err(io_err("read"))?;
        let mut w = Writer::new(out, count).map_err(written)?;
        w.add(KEY_FILE, key.len() as u64, &mut &key[..])
            .map_err(written)?;
        self.with_store_closed(|path| {
            files::with_db_reader(path, |len, data| w.add(STORE_FILE, len, data))
        })?
        .map_err(written)?;
        for name in names {
            let data = files::read(&photos.join(&name)).map_err(io_err("read"))?;
            w.add(
                &format!("{PHOTOS_DIR}/{name}"),
                data.len() as u64,
                &mut &data[..],
            )
            .map_err(written)?;
        }
        let bytes = w.finish().map_err(written)?;
        tracing::info!(bytes, "backup made");
        Ok(bytes)
    }

    /// [`backup_to`](Self::backup_to) into memory (tests, small stores).
    pub fn backup(&mut self) -> Result<Vec<u8>, BackupError> {
        let mut out = Vec::new();
        self.backup_to(&mut out)?;
        Ok(out)
    }

    /// Replaces this device's data with the backup read from `src`, whose own PIN then unlocks
    /// it. Refused, with the device back untouched, while anything waits to be sent
    /// ([`BackupError::Unsent`]: logout or a restore never deletes unsent work) or when the
    /// file is not a whole backup (it is read through once to check it before anything is
    /// removed). On success the device is closed.
    pub fn restore_over(self, mut src: impl Read + Seek) -> Result<Restored, Box<RestoreFailed>> {
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
        let len = match check(&mut src) {
            Ok(len) => len,
            Err(e) => return Err(refuse(self, e)),
        };
        let dir = self.dir().to_path_buf();
        // The store's connection closes here: its files may now be replaced.
        drop(self);
        write(&dir, src, len).map_err(|error| {
            Box::new(RestoreFailed {
                device: None,
                error,
            })
        })
    }
}

/// Restores the backup read from `src` into `dir`, which holds no store (a fresh phone or
/// browser profile; a restore that stopped half-way counts as none):
/// [`BackupError::StoreExists`] otherwise. A damaged file changes nothing.
pub fn restore_into(dir: &Path, mut src: impl Read + Seek) -> Result<Restored, BackupError> {
    if Device::exists(dir) {
        return Err(BackupError::StoreExists);
    }
    let len = check(&mut src)?;
    write(dir, src, len)
}

/// The largest key file and photo file a restore takes (bytes): each is held whole while it
/// is written (a stored photo is well under 2 MB; a larger entry was not made by Pendata).
const MAX_KEY_FILE: u64 = 64 * 1024;
const MAX_PHOTO_FILE: u64 = 32 * 1024 * 1024;

/// What a backup entry is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Key,
    Store,
    Photo,
}

fn part_of(name: &str, len: u64) -> Result<Part, BackupError> {
    let part = match name.split_once('/') {
        None if name == KEY_FILE => Part::Key,
        None if name == STORE_FILE => Part::Store,
        Some((PHOTOS_DIR, rest)) if !rest.contains('/') => Part::Photo,
        _ => return Err(FormatError::BadName.into()),
    };
    let too_big = match part {
        Part::Key => len > MAX_KEY_FILE,
        Part::Photo => len > MAX_PHOTO_FILE,
        Part::Store => false,
    };
    if too_big {
        return Err(FormatError::Malformed("entry too large").into());
    }
    Ok(part)
}

/// The size of `src`, read back to its start.
fn size(src: &mut impl Seek) -> Result<u64, BackupError> {
    let len = src.seek(SeekFrom::End(0)).map_err(io_err("read"))?;
    src.rewind().map_err(io_err("read"))?;
    Ok(len)
}

/// Reads the whole backup once without keeping it: the checksum, the entries' names and
/// sizes, the key file and the store both there. Answers its size, `src` back at its start.
fn check(src: &mut (impl Read + Seek)) -> Result<u64, BackupError> {
    let len = size(src)?;
    let mut wrong = None;
    let (mut key, mut store) = (false, false);
    format::scan(&mut *src, len, |name, len, _| {
        match part_of(name, len) {
            Ok(Part::Key) => key = true,
            Ok(Part::Store) => store = true,
            Ok(Part::Photo) => {}
            // Believed only once the checksum is known to match.
            Err(e) => {
                wrong.get_or_insert(e);
            }
        }
        Ok::<_, BackupError>(())
    })?;
    if let Some(e) = wrong {
        return Err(e);
    }
    if !key {
        return Err(BackupError::Incomplete { missing: KEY_FILE });
    }
    if !store {
        return Err(BackupError::Incomplete {
            missing: STORE_FILE,
        });
    }
    src.rewind().map_err(io_err("read"))?;
    Ok(len)
}

/// Writes the checked backup `src` of `len` bytes into `dir`, replacing what a store there
/// had, as it reads it. The old key file goes first and the new one is written last, once the
/// whole file was read again and its checksum still matches: until then the directory reads
/// as not set up (the restore can be run again), never as one store's key over another's
/// data.
fn write(dir: &Path, src: impl Read, len: u64) -> Result<Restored, BackupError> {
    files::create_dir_all(dir).map_err(io_err("write"))?;
    remove_if_present(&dir.join(KEY_FILE))?;
    let photos = dir.join(PHOTOS_DIR);
    for name in files::list(&photos).map_err(io_err("read"))? {
        remove_if_present(&photos.join(name))?;
    }
    files::create_dir_all(&photos).map_err(io_err("write"))?;
    let mut key = None;
    let mut restored = Restored {
        photo_files: 0,
        bytes: 0,
    };
    format::scan(src, len, |name, len, data| {
        let part = part_of(name, len)?;
        if part == Part::Store {
            files::replace_db_from(&dir.join(STORE_FILE), len, data).map_err(io_err("write"))?;
        } else {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            data.read_to_end(&mut bytes).map_err(io_err("read"))?;
            if part == Part::Key {
                key = Some(bytes);
            } else {
                files::write_atomic(&dir.join(name), &bytes).map_err(io_err("write"))?;
                restored.photo_files += 1;
            }
        }
        restored.bytes += len;
        Ok::<_, BackupError>(())
    })?;
    let key = key.ok_or(BackupError::Incomplete { missing: KEY_FILE })?;
    files::write_atomic(&dir.join(KEY_FILE), &key).map_err(io_err("write"))?;
    files::sync_dir(dir).map_err(io_err("write"))?;
    tracing::info!(
        photo_files = restored.photo_files,
        bytes = restored.bytes,
        "backup restored"
    );
    Ok(restored)
}

/// A format or I/O error while writing a backup.
fn written(e: StreamError) -> BackupError {
    match e {
        StreamError::Format(e) => BackupError::Format(e),
        StreamError::Io(source) => BackupError::Io {
            op: "write",
            source,
        },
    }
}

impl From<StreamError> for BackupError {
    /// While reading a backup.
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::Format(e) => BackupError::Format(e),
            StreamError::Io(source) => BackupError::Io { op: "read", source },
        }
    }
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match files::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err("remove")(e)),
    }
}
