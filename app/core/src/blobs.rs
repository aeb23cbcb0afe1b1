//! Encrypted content-addressed store for photos and thumbnails in `<data_dir>/photos/`.
//!
//! * A blob's id ([`BlobId`]) is the SHA-256 (lowercase hex) of its plaintext.
//! * Its file name is HMAC-SHA256(blob-name sub-key, id) in hex, so names reveal nothing about
//!   the content (not even whether two devices hold the same photo).
//! * File layout: `MAGIC` (4 bytes) ‖ version (1 byte) ‖ nonce (24 random bytes) ‖
//!   XChaCha20-Poly1305 ciphertext with tag. The associated data is magic ‖ version ‖ id, so a
//!   file renamed to another blob's name, or with an altered header, fails to decrypt.
//! * Writes are atomic (temp file, fsync, rename, fsync of the directory).
//! * `get` authenticates, decrypts, and re-checks the SHA-256 of the plaintext against the id.
//! * A photo's thumbnail is stored next to it as a *variant* of the photo's id: file name
//!   HMAC(name key, id ‖ "#thumb"), associated data magic ‖ version ‖ id ‖ "#thumb". It is
//!   found from the photo's id alone and [`BlobStore::delete`] removes both.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::crypto::{CryptoError, DataKey, KeyPurpose, SubKey};
use crate::files;

/// Directory under the data dir that holds the blobs.
pub const PHOTOS_DIR: &str = "photos";
/// File magic of an encrypted blob.
pub const MAGIC: &[u8; 4] = b"PDBL";
/// Blob file format version.
pub const BLOB_VERSION: u8 = 1;
/// Largest plaintext accepted (32 MiB; photos are far smaller after the photo pipeline).
pub const MAX_BLOB_BYTES: usize = 32 * 1024 * 1024;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = MAGIC.len() + 1;
/// Suffix that names the thumbnail variant of a photo blob.
const THUMB: &str = "#thumb";

/// Errors of the blob store. `Display` is Bahasa Indonesia, [`message_en`](BlobError::message_en)
/// English, [`code`](BlobError::code) stable. No variant carries plaintext.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("Berkas foto {id} tidak ditemukan")]
    NotFound { id: BlobId },
    #[error("Berkas foto {id} rusak atau telah diubah: {reason}")]
    Corrupt { id: BlobId, reason: &'static str },
    #[error("Foto terlalu besar: {size} bita (maksimal {max})")]
    TooLarge { size: u64, max: usize },
    #[error("ID foto tidak valid")]
    InvalidId,
    #[error("Gagal {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Key(#[from] CryptoError),
}

impl BlobError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            BlobError::NotFound { .. } => "blob.not_found",
            BlobError::Corrupt { .. } => "blob.corrupt",
            BlobError::TooLarge { .. } => "blob.too_large",
            BlobError::InvalidId => "blob.invalid_id",
            BlobError::Io { .. } => "blob.io",
            BlobError::Key(e) => e.code(),
        }
    }

    /// English message (the `Display` form is Bahasa Indonesia).
    pub fn message_en(&self) -> String {
        match self {
            BlobError::NotFound { id } => format!("Photo file {id} not found"),
            BlobError::Corrupt { id, reason } => {
                format!("Photo file {id} is corrupt or was tampered with: {reason}")
            }
            BlobError::TooLarge { size, max } => {
                format!("Photo too large: {size} bytes (at most {max})")
            }
            BlobError::InvalidId => "Invalid photo id".to_owned(),
            BlobError::Io { op, path, source } => {
                format!("Failed to {op} {}: {source}", path.display())
            }
            BlobError::Key(e) => e.message_en(),
        }
    }
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> BlobError + 'a {
    move |source| BlobError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// SHA-256 of a blob's plaintext, 64 lowercase hex characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(String);

impl BlobId {
    /// The id of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        BlobId(hex::encode(Sha256::digest(bytes)))
    }

    /// Parses a stored id; accepts exactly 64 hex digits (either case, normalised to lower).
    pub fn parse(s: &str) -> Result<Self, BlobError> {
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BlobError::InvalidId);
        }
        Ok(BlobId(s.to_ascii_lowercase()))
    }

    /// The hex form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The encrypted blob store of one data directory.
pub struct BlobStore {
    dir: PathBuf,
    enc_key: SubKey,
    name_key: SubKey,
}

impl fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl BlobStore {
    /// Opens the store in `<data_dir>/photos/`, creating the directory if needed.
    pub fn open(data_dir: &Path, key: &DataKey) -> Result<Self, BlobError> {
        let dir = data_dir.join(PHOTOS_DIR);
        files::create_dir_all(&dir).map_err(io_err("create directory", &dir))?;
        Ok(BlobStore {
            dir,
            enc_key: key.subkey(KeyPurpose::Blobs)?,
            name_key: key.subkey(KeyPurpose::BlobNames)?,
        })
    }

    /// The directory holding the blob files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of the file that holds (or would hold) blob `id`.
    pub fn path_of(&self, id: &BlobId) -> Result<PathBuf, BlobError> {
        self.variant_path(id, "")
    }

    /// Path of the thumbnail variant of photo blob `id`.
    pub fn thumbnail_path_of(&self, id: &BlobId) -> Result<PathBuf, BlobError> {
        self.variant_path(id, THUMB)
    }

    /// The file that holds a photo's encrypted bytes. Its name is keyed, so only the device can
    /// tell which file is which: for diagnostics, and for tests that remove or damage it.
    pub fn file_of(&self, id: &BlobId) -> Result<PathBuf, BlobError> {
        self.variant_path(id, "")
    }

    fn variant_path(&self, id: &BlobId, variant: &str) -> Result<PathBuf, BlobError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.name_key.expose())
            .map_err(|_| BlobError::Key(CryptoError::Crypto))?;
        mac.update(id.as_str().as_bytes());
        mac.update(variant.as_bytes());
        Ok(self.dir.join(hex::encode(mac.finalize().into_bytes())))
    }

    fn aad(id: &BlobId, variant: &str) -> Vec<u8> {
        let mut aad = Vec::with_capacity(HEADER_LEN + 64 + variant.len());
        aad.extend_from_slice(MAGIC);
        aad.push(BLOB_VERSION);
        aad.extend_from_slice(id.as_str().as_bytes());
        aad.extend_from_slice(variant.as_bytes());
        aad
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(self.enc_key.expose()))
    }

    /// Encrypts and stores `bytes`; returns its id. Storing the same content twice is a no-op
    /// (unless the stored copy is damaged, which is then replaced).
    pub fn put(&self, bytes: &[u8]) -> Result<BlobId, BlobError> {
        if bytes.len() > MAX_BLOB_BYTES {
            return Err(BlobError::TooLarge {
                size: bytes.len() as u64,
                max: MAX_BLOB_BYTES,
            });
        }
        let id = BlobId::of(bytes);
        let path = self.path_of(&id)?;
        // Already stored and intact: nothing to do. A damaged copy is replaced.
        if files::is_file(&path) && self.get(&id).is_ok() {
            return Ok(id);
        }
        self.write_variant(&id, "", bytes)?;
        Ok(id)
    }

    /// Encrypts and stores the thumbnail of photo blob `id` (replacing any earlier one).
    pub fn put_thumbnail(&self, id: &BlobId, bytes: &[u8]) -> Result<(), BlobError> {
        if bytes.len() > MAX_BLOB_BYTES {
            return Err(BlobError::TooLarge {
                size: bytes.len() as u64,
                max: MAX_BLOB_BYTES,
            });
        }
        self.write_variant(id, THUMB, bytes)
    }

    /// Reads, authenticates and decrypts the thumbnail of photo blob `id`.
    pub fn get_thumbnail(&self, id: &BlobId) -> Result<Vec<u8>, BlobError> {
        self.read_variant(id, THUMB)
    }

    fn write_variant(&self, id: &BlobId, variant: &str, bytes: &[u8]) -> Result<(), BlobError> {
        let path = self.variant_path(id, variant)?;
        let mut nonce = [0u8; NONCE_LEN];
        OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|_| BlobError::Key(CryptoError::Random))?;
        let aad = Self::aad(id, variant);
        let ct = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: bytes,
                    aad: &aad,
                },
            )
            .map_err(|_| BlobError::Key(CryptoError::Crypto))?;
        let mut file = Vec::with_capacity(HEADER_LEN + NONCE_LEN + ct.len());
        file.extend_from_slice(MAGIC);
        file.push(BLOB_VERSION);
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&ct);
        files::write_atomic(&path, &file).map_err(io_err("write", &path))
    }

    /// Reads, authenticates and decrypts blob `id`, and checks its SHA-256.
    pub fn get(&self, id: &BlobId) -> Result<Vec<u8>, BlobError> {
        let plain = self.read_variant(id, "")?;
        if BlobId::of(&plain) != *id {
            return Err(BlobError::Corrupt {
                id: id.clone(),
                reason: "content hash mismatch",
            });
        }
        Ok(plain)
    }

    fn read_variant(&self, id: &BlobId, variant: &str) -> Result<Vec<u8>, BlobError> {
        let path = self.variant_path(id, variant)?;
        let data = match files::read(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(BlobError::NotFound { id: id.clone() })
            }
            Err(e) => return Err(io_err("read", &path)(e)),
        };
        let corrupt = |reason| BlobError::Corrupt {
            id: id.clone(),
            reason,
        };
        if data.len() > HEADER_LEN + NONCE_LEN + TAG_LEN + MAX_BLOB_BYTES {
            return Err(corrupt("file larger than any blob"));
        }
        if data.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
            return Err(corrupt("file truncated"));
        }
        let (header, rest) = data.split_at(HEADER_LEN);
        if &header[..MAGIC.len()] != MAGIC {
            return Err(corrupt("bad magic"));
        }
        if header[MAGIC.len()] != BLOB_VERSION {
            return Err(corrupt("unsupported version"));
        }
        let (nonce, ct) = rest.split_at(NONCE_LEN);
        let aad = Self::aad(id, variant);
        self.cipher()
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| corrupt("authentication failed"))
    }

    /// Whether blob `id` is stored.
    pub fn exists(&self, id: &BlobId) -> Result<bool, BlobError> {
        let path = self.path_of(id)?;
        files::try_exists(&path).map_err(io_err("check", &path))
    }

    /// Deletes blob `id` and its thumbnail, if any; returns whether the blob existed.
    pub fn delete(&self, id: &BlobId) -> Result<bool, BlobError> {
        let existed = self.remove(&self.path_of(id)?)?;
        let thumb = self.remove(&self.thumbnail_path_of(id)?)?;
        if existed || thumb {
            files::sync_dir(&self.dir).map_err(io_err("sync", &self.dir))?;
        }
        Ok(existed)
    }

    fn remove(&self, path: &Path) -> Result<bool, BlobError> {
        match files::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_err("delete", path)(e)),
        }
    }
}
