//! [`Device`]: the one encrypted client core of a data directory.
//!
//! Layout of a data directory:
//!
//! ```text
//! <dir>/keys.json     the PIN-wrapped data key (crypto::KeyStore)
//! <dir>/pendata.db    the SQLCipher store (store::Store), plus its -wal / -shm files
//! <dir>/photos/       encrypted photo and thumbnail blobs (blobs::BlobStore)
//! ```
//!
//! Opening a `Device` is the only way the app gets at the store and the photos; both are keyed
//! from the data key unwrapped with the PIN, so nothing is ever written unencrypted.
//!
//! Photos: [`Device::add_photo`] runs the photo pipeline, stores the JPEG and its thumbnail in
//! the blob store and attaches a [`PhotoRef`] to the household. A retake of the same kind (and
//! member) replaces the earlier photo in the record; the earlier photo's blob (and thumbnail) is
//! deleted at once when nothing in the store refers to it any more (no photo row, no household
//! content, no revision waiting in the outbox), and otherwise kept.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use pendata_shared::model::{GeoSource, Geotag};
use pendata_shared::photos::{LocalPhotoProblem, PhotoKind, PhotoRef};
use pendata_shared::{Finding, Household, HouseholdId, Lang, MemberId, Sha256Hex};

use crate::blobs::{BlobError, BlobId, BlobStore};
use crate::crypto::{CryptoError, DataKey, KdfParams, KeyStore};
use crate::photo::{self, PhotoConfig, PhotoError};
use crate::store::{DeleteOutcome, PhotoRow, Record, RecordContent, Store, StoreError};
use crate::sync::{ClientError, Phase, SyncError, SyncFailure};

/// Errors of the device facade. Each has a stable [`code`](DeviceError::code) and a message in
/// Bahasa Indonesia (`Display`, [`message`](DeviceError::message) with [`Lang::Id`]) and English.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The data directory has no key file: it was never set up with a PIN.
    #[error("{}", self.message(Lang::Id))]
    NotInitialized { dir: PathBuf },
    #[error("{}", self.message(Lang::Id))]
    Crypto(#[from] CryptoError),
    #[error("{}", self.message(Lang::Id))]
    Store(#[from] StoreError),
    #[error("{}", self.message(Lang::Id))]
    Blob(#[from] BlobError),
    #[error("{}", self.message(Lang::Id))]
    Photo(#[from] PhotoError),
    /// Syncing needs a login first (`pendata login`).
    #[error("{}", self.message(Lang::Id))]
    NotLoggedIn,
    /// The server refused or could not be reached (login, or building the client).
    #[error("{}", self.message(Lang::Id))]
    Client(#[from] ClientError),
    /// A sync stopped before the end; what it did before is in the error's `partial` report.
    #[error("{}", self.message(Lang::Id))]
    Sync(#[from] Box<SyncError>),
}

impl DeviceError {
    /// Stable machine-readable code (`store.wrong_pin`, `photo.not_image`, …).
    pub fn code(&self) -> &str {
        if self.is_storage_full() {
            return "storage.full";
        }
        match self {
            DeviceError::NotInitialized { .. } => "device.not_initialized",
            DeviceError::Crypto(e) => e.code(),
            DeviceError::Store(e) => e.code(),
            DeviceError::Blob(e) => e.code(),
            DeviceError::Photo(e) => e.code(),
            DeviceError::NotLoggedIn => "sync.not_logged_in",
            DeviceError::Client(e) => e.code(),
            DeviceError::Sync(e) => e.code(),
        }
    }

    /// The message for people, in the asked language.
    pub fn message(&self, lang: Lang) -> String {
        if self.is_storage_full() {
            return match lang {
                Lang::Id => "Penyimpanan penuh: yang terakhir tidak disimpan, data sebelumnya \
                             aman. Kirim data (Sinkronkan) lalu hapus berkas lain di perangkat, \
                             kemudian coba lagi."
                    .into(),
                Lang::En => "The storage is full: the last change was not saved, earlier data \
                             is safe. Send the data (Sync), remove other files from the \
                             device, then try again."
                    .into(),
            };
        }
        match (self, lang) {
            (DeviceError::NotInitialized { dir }, Lang::Id) => format!(
                "Data belum disiapkan: tidak ada berkas kunci di {}",
                dir.display()
            ),
            (DeviceError::NotInitialized { dir }, Lang::En) => {
                format!("Not set up yet: no key file in {}", dir.display())
            }
            (DeviceError::Crypto(e), Lang::Id) => e.to_string(),
            (DeviceError::Crypto(e), Lang::En) => e.message_en(),
            (DeviceError::Store(e), lang) => e.message(lang),
            (DeviceError::Blob(e), Lang::Id) => e.to_string(),
            (DeviceError::Blob(e), Lang::En) => e.message_en(),
            (DeviceError::Photo(e), Lang::Id) => e.message_id(),
            (DeviceError::Photo(e), Lang::En) => e.message_en(),
            (DeviceError::NotLoggedIn, Lang::Id) => {
                "Belum masuk ke server: jalankan `pendata login` terlebih dahulu".into()
            }
            (DeviceError::NotLoggedIn, Lang::En) => {
                "Not logged in to a server: run `pendata login` first".into()
            }
            (DeviceError::Client(e), Lang::Id) => e.message(),
            (DeviceError::Client(e), Lang::En) => e.message_en(),
            (DeviceError::Sync(e), lang) => sync_failure_message(e, lang),
        }
    }

    /// Whether the device's storage is full (a full disk natively, the browser's quota for the
    /// origin in the browser): a blob or a store write refused for lack of room.
    pub fn is_storage_full(&self) -> bool {
        match self {
            DeviceError::Blob(BlobError::Io { source, .. }) => {
                source.kind() == std::io::ErrorKind::StorageFull
            }
            DeviceError::Store(StoreError::Sqlite(e)) => {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
            }
            _ => false,
        }
    }

    /// Whether this is a wrong PIN.
    pub fn is_wrong_pin(&self) -> bool {
        matches!(self, DeviceError::Crypto(CryptoError::WrongPin))
    }
}

fn sync_failure_message(e: &SyncError, lang: Lang) -> String {
    let phase = match (e.phase, lang) {
        (Phase::Photos, Lang::Id) => "mengirim foto",
        (Phase::Photos, Lang::En) => "sending photos",
        (Phase::Push, Lang::Id) => "mengirim data",
        (Phase::Push, Lang::En) => "sending records",
        (Phase::Pull, Lang::Id) => "mengambil data",
        (Phase::Pull, Lang::En) => "fetching updates",
        (Phase::Listing, Lang::Id) => "menyusun daftar kerja",
        (Phase::Listing, Lang::En) => "building the work list",
        (Phase::Done, Lang::Id) => "menyelesaikan",
        (Phase::Done, Lang::En) => "finishing",
    };
    let cause = match (&e.cause, lang) {
        (SyncFailure::Client(c), Lang::Id) => c.message(),
        (SyncFailure::Client(c), Lang::En) => c.message_en(),
        (SyncFailure::Store(s), _) => s.to_string(),
    };
    match lang {
        Lang::Id => format!("Sinkronisasi berhenti saat {phase}: {cause}"),
        Lang::En => format!("Sync stopped while {phase}: {cause}"),
    }
}

/// What [`Device::add_photo`] takes besides the bytes. Every field is optional.
#[derive(Debug, Clone, Default)]
pub struct PhotoOptions {
    /// The member shown (F-KTP, F-KRT).
    pub member_id: Option<MemberId>,
    /// Capture time; default: the EXIF capture time, else now.
    pub taken_at: Option<DateTime<Utc>>,
    /// Position; default: the EXIF GPS position (flagged [`GeoSource::PhotoExif`]), else none.
    pub geotag: Option<Geotag>,
}

/// An unlocked data directory: the encrypted store and the encrypted photo blobs.
pub struct Device {
    dir: PathBuf,
    store: Store,
    blobs: BlobStore,
    /// The unwrapped data key, kept while the device is open (zeroized when it closes) so the
    /// store can be closed and opened again around a backup (`with_store_closed`).
    key: DataKey,
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Device")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Device {
    /// Whether `dir` has been set up (has a key file).
    pub fn exists(dir: &Path) -> bool {
        KeyStore::exists(dir)
    }

    /// Sets up a new data directory: a fresh data key wrapped under `pin` (argon2id with
    /// `params`; use [`KdfParams::default`] for real data), an empty encrypted store and the
    /// photo directory. Refuses (`store.key_exists`) when `dir` already has a key file.
    pub fn create(dir: &Path, pin: &str, params: KdfParams) -> Result<Self, DeviceError> {
        let key = KeyStore::create(dir, pin, params)?;
        Ok(Device {
            dir: dir.to_path_buf(),
            store: Store::open_in_dir(dir, &key)?,
            blobs: BlobStore::open(dir, &key)?,
            key,
        })
    }

    /// Unlocks an existing data directory with `pin`. A wrong PIN is
    /// [`CryptoError::WrongPin`] (`store.wrong_pin`) and nothing on disk is touched: the store
    /// is opened only after the key file has accepted the PIN.
    pub fn unlock(dir: &Path, pin: &str) -> Result<Self, DeviceError> {
        if !KeyStore::exists(dir) {
            return Err(DeviceError::NotInitialized {
                dir: dir.to_path_buf(),
            });
        }
        let key = KeyStore::unlock(dir, pin)?;
        Ok(Device {
            dir: dir.to_path_buf(),
            store: Store::open_in_dir(dir, &key)?,
            blobs: BlobStore::open(dir, &key)?,
            key,
        })
    }

    /// Changes the PIN of `dir`: the same data key is re-wrapped under `new_pin`; the store
    /// and the photos are not rewritten. A wrong `old_pin` changes nothing. Works whether or
    /// not a `Device` for `dir` is open.
    pub fn change_pin(dir: &Path, old_pin: &str, new_pin: &str) -> Result<(), DeviceError> {
        if !KeyStore::exists(dir) {
            return Err(DeviceError::NotInitialized {
                dir: dir.to_path_buf(),
            });
        }
        KeyStore::change_pin(dir, old_pin, new_pin)?;
        Ok(())
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store (households, outbox, settings).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store, for writing.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The encrypted photo blobs.
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Runs `f` while the store's database is closed — its file then holds every commit and
    /// nothing has it open (the browser's pool exports only closed files) — and opens it again
    /// with the same key. The store's settings and identity are kept.
    pub(crate) fn with_store_closed<T>(
        &mut self,
        f: impl FnOnce(&Path) -> T,
    ) -> Result<T, DeviceError> {
        let path = self.dir.join(crate::store::STORE_FILE);
        Ok(self.store.with_file_closed(&path, &self.key, f)?)
    }

    /// Takes a photo into a household: runs the pipeline (document settings for
    /// [`PhotoKind::is_document`] kinds, standard otherwise), stores the cleaned JPEG and its
    /// thumbnail encrypted, and attaches the [`PhotoRef`] (replacing an earlier photo of the
    /// same kind and member). Returns the attached reference.
    pub fn add_photo(
        &mut self,
        household: HouseholdId,
        kind: PhotoKind,
        input: &[u8],
        opts: PhotoOptions,
    ) -> Result<PhotoRef, DeviceError> {
        // Fail before any work or any blob is written when the household is unknown.
        self.store.record(household)?;
        let cfg = if kind.is_document() {
            PhotoConfig::document()
        } else {
            PhotoConfig::standard()
        };
        let processed = photo::process(input, &cfg)?;
        let id = self.blobs.put(&processed.jpeg)?;
        self.blobs.put_thumbnail(&id, &processed.thumbnail)?;
        let sha256 = Sha256Hex::parse(id.as_str()).ok_or(BlobError::InvalidId)?;
        let taken_at = opts
            .taken_at
            .or_else(|| processed.exif_taken_at.map(camera_time_to_utc))
            .unwrap_or_else(Utc::now);
        let geotag = opts.geotag.or_else(|| {
            processed.exif_gps.map(|(latitude, longitude)| Geotag {
                latitude,
                longitude,
                accuracy_m: None,
                fix_time: taken_at,
                source: GeoSource::PhotoExif,
            })
        });
        let photo = PhotoRef {
            kind,
            sha256,
            bytes: processed.jpeg.len() as u64,
            width: processed.width,
            height: processed.height,
            geotag,
            taken_at,
            member_id: opts.member_id,
        };
        let previous = self
            .store
            .photos(household)?
            .into_iter()
            .find(|r| r.kind == kind.stereotype() && r.member_id == opts.member_id)
            .map(|r| r.sha256);
        if let Err(e) = self.store.attach_photo(household, &photo, id.as_str()) {
            self.drop_if_unreferenced(id.as_str())?;
            return Err(e.into());
        }
        if let Some(old) = previous.filter(|old| old != id.as_str()) {
            self.drop_if_unreferenced(&old)?;
        }
        tracing::info!(
            kind = kind.stereotype(),
            bytes = photo.bytes,
            "photo attached"
        );
        Ok(photo)
    }

    /// Whether the bytes of the photo with hash `sha` are usable on this device: `None` when
    /// they read back, decrypt and hash to `sha`; otherwise what is wrong.
    pub fn photo_problem(&self, sha: &Sha256Hex) -> Option<LocalPhotoProblem> {
        problem_of(&self.blobs, sha)
    }

    /// The findings for the photos of `h` that are not usable on this device ("Foto KTP
    /// (Ahmad Suryana) tidak ada di perangkat — ambil ulang"): what the photo step shows and
    /// what finalize refuses.
    pub fn local_photo_findings(&self, h: &Household) -> Vec<Finding> {
        self.local_photo_findings_of(h)
    }

    /// [`Device::local_photo_findings`] for any record (a DTSEN family too).
    pub fn local_photo_findings_of<T: RecordContent>(&self, c: &T) -> Vec<Finding> {
        c.photos()
            .iter()
            .filter_map(|p| {
                self.photo_problem(&p.sha256)
                    .map(|problem| c.local_photo_finding(p.kind, p.member_id, problem))
            })
            .collect()
    }

    /// Every finding of a record (household or family): the offline validation and the photos
    /// not usable here.
    pub fn validate(&self, id: HouseholdId) -> Result<Vec<Finding>, DeviceError> {
        let mut findings = self.store.validate(id)?;
        findings.extend(match self.store.content(id)? {
            Record::Household(h) => self.local_photo_findings_of(&*h),
            Record::Family(f) => self.local_photo_findings_of(&*f),
            Record::Case(c) => self.local_photo_findings_of(&*c),
        });
        Ok(findings)
    }

    /// Makes a household final (see [`Store::finalize`]): refused with every finding when
    /// validation finds errors or when a photo it references does not read back from this
    /// device's blobs with its hash.
    pub fn finalize(&mut self, id: HouseholdId) -> Result<Vec<Finding>, DeviceError> {
        let blobs = &self.blobs;
        Ok(self.store.finalize(id, |p| problem_of(blobs, &p.sha256))?)
    }

    /// The photos of a household, as the store keeps them.
    pub fn photos(&self, household: HouseholdId) -> Result<Vec<PhotoRow>, DeviceError> {
        Ok(self.store.photos(household)?)
    }

    /// The stored JPEG bytes of a photo (their SHA-256 is `sha`), e.g. for the sync upload.
    pub fn photo_bytes(&self, sha: &Sha256Hex) -> Result<Vec<u8>, DeviceError> {
        Ok(self.blobs.get(&BlobId::parse(sha.as_str())?)?)
    }

    /// The thumbnail JPEG of a photo, for lists and checklists in the UI.
    pub fn thumbnail(&self, sha: &Sha256Hex) -> Result<Vec<u8>, DeviceError> {
        Ok(self.blobs.get_thumbnail(&BlobId::parse(sha.as_str())?)?)
    }

    /// Deletes a household (see [`Store::delete`]); when it is purged at once, its photos'
    /// blobs are deleted too unless something else still refers to them.
    pub fn delete_household(&mut self, id: HouseholdId) -> Result<DeleteOutcome, DeviceError> {
        let shas: Vec<String> = self
            .store
            .photos(id)?
            .into_iter()
            .map(|p| p.sha256)
            .collect();
        let outcome = self.store.delete(id)?;
        for sha in shas {
            self.drop_if_unreferenced(&sha)?;
        }
        Ok(outcome)
    }

    fn drop_if_unreferenced(&self, sha: &str) -> Result<(), DeviceError> {
        if !self.store.photo_referenced(sha)? {
            self.blobs.delete(&BlobId::parse(sha)?)?;
        }
        Ok(())
    }
}

/// Whether the photo `sha` reads back from `blobs` with its hash; otherwise what is wrong.
fn problem_of(blobs: &BlobStore, sha: &Sha256Hex) -> Option<LocalPhotoProblem> {
    match BlobId::parse(sha.as_str()) {
        Ok(id) => blobs.get(&id).err().map(|e| local_problem(&e)),
        Err(_) => Some(LocalPhotoProblem::Unreadable),
    }
}

/// What a blob read failure means for the photo: gone, damaged, or not readable.
pub(crate) fn local_problem(e: &BlobError) -> LocalPhotoProblem {
    match e {
        BlobError::NotFound { .. } => LocalPhotoProblem::Missing,
        BlobError::Corrupt { .. } => LocalPhotoProblem::Damaged,
        BlobError::TooLarge { .. }
        | BlobError::InvalidId
        | BlobError::Io { .. }
        | BlobError::Key(_) => LocalPhotoProblem::Unreadable,
    }
}

/// EXIF times are the camera's local time without a zone: read them in the device's zone
/// (the phone and its camera share it); an impossible local time falls back to reading as UTC.
fn camera_time_to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    Local
        .from_local_datetime(&t)
        .earliest()
        .map(|l| l.with_timezone(&Utc))
        .unwrap_or_else(|| t.and_utc())
}

#[cfg(test)]
mod storage_full_tests {
    use super::*;

    fn blob_io(kind: std::io::ErrorKind) -> DeviceError {
        DeviceError::Blob(BlobError::Io {
            op: "menulis",
            path: PathBuf::from("photos/x"),
            source: std::io::Error::new(kind, "quota"),
        })
    }

    #[test]
    fn a_full_storage_has_its_own_code_and_a_message_for_people() {
        let full = blob_io(std::io::ErrorKind::StorageFull);
        assert_eq!(full.code(), "storage.full");
        assert!(full.message(Lang::Id).starts_with("Penyimpanan penuh"));
        assert!(full.message(Lang::En).starts_with("The storage is full"));
        // SQLITE_FULL from the store (the store's own pages, its journal).
        let store = DeviceError::Store(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        )));
        assert_eq!(store.code(), "storage.full");
        // Other I/O errors keep theirs.
        let other = blob_io(std::io::ErrorKind::NotFound);
        assert_eq!(other.code(), "blob.io");
        assert!(!other.message(Lang::Id).starts_with("Penyimpanan penuh"));
    }
}
