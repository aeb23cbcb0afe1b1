//! Key management for encryption at rest.
//!
//! Key hierarchy:
//!
//! ```text
//! PIN / passphrase ──argon2id(salt, m, t, p)──▶ KEK (key-encryption key, never stored)
//! KEK ──XChaCha20-Poly1305──▶ wraps DEK (random 32 bytes, generated once) ──▶ keys.json
//! DEK ──HKDF-SHA256(info)──▶ database key (SQLCipher raw key)
//!                         ├─▶ blob encryption key (XChaCha20-Poly1305)
//!                         └─▶ blob name key (HMAC-SHA256 of blob ids)
//! ```
//!
//! Changing the PIN re-wraps the same DEK under a new salt and nonce; the data itself is not
//! re-encrypted. A wrong PIN is detected by the authentication tag of the wrapped key and never
//! modifies anything on disk.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::files;

/// Name of the key file inside the data directory.
pub const KEY_FILE: &str = "keys.json";
/// Minimum PIN / passphrase length, in Unicode scalar values.
pub const MIN_PIN_CHARS: usize = 6;
/// Key file format version written by this code.
pub const KEY_FILE_VERSION: u32 = 1;

const KEY_FILE_FORMAT: &str = "pendata-keys";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;
/// Upper bound accepted from a key file, so a tampered file cannot make unlock allocate
/// gigabytes (1 GiB).
const MAX_M_KIB: u32 = 1024 * 1024;
const MAX_T: u32 = 64;
const MAX_P: u32 = 16;
/// Largest key file we are willing to read.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Errors of the key store. Each has a stable [`code`](CryptoError::code); `Display` is Bahasa
/// Indonesia, [`message_en`](CryptoError::message_en) is English. No variant carries secrets.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("PIN salah")]
    WrongPin,
    #[error("PIN terlalu pendek: minimal {min} karakter")]
    PinTooShort { min: usize },
    #[error("Berkas kunci tidak ditemukan di {}", path.display())]
    KeyFileMissing { path: PathBuf },
    #[error("Berkas kunci sudah ada di {}", path.display())]
    KeyFileExists { path: PathBuf },
    #[error("Berkas kunci rusak: {reason}")]
    KeyFileCorrupt { reason: String },
    #[error("Versi berkas kunci {version} tidak didukung")]
    UnsupportedVersion { version: u32 },
    #[error("Parameter KDF tidak valid: {reason}")]
    InvalidKdfParams { reason: String },
    #[error("Gagal {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("Sumber bilangan acak sistem gagal")]
    Random,
    #[error("Operasi kriptografi gagal")]
    Crypto,
}

impl CryptoError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CryptoError::WrongPin => "store.wrong_pin",
            CryptoError::PinTooShort { .. } => "store.pin_too_short",
            CryptoError::KeyFileMissing { .. } => "store.key_missing",
            CryptoError::KeyFileExists { .. } => "store.key_exists",
            CryptoError::KeyFileCorrupt { .. } => "store.key_corrupt",
            CryptoError::UnsupportedVersion { .. } => "store.key_version",
            CryptoError::InvalidKdfParams { .. } => "store.kdf_params",
            CryptoError::Io { .. } => "store.io",
            CryptoError::Random => "store.random",
            CryptoError::Crypto => "store.crypto",
        }
    }

    /// English message (the `Display` form is Bahasa Indonesia).
    pub fn message_en(&self) -> String {
        match self {
            CryptoError::WrongPin => "Wrong PIN".to_owned(),
            CryptoError::PinTooShort { min } => {
                format!("PIN too short: at least {min} characters")
            }
            CryptoError::KeyFileMissing { path } => {
                format!("Key file not found at {}", path.display())
            }
            CryptoError::KeyFileExists { path } => {
                format!("Key file already exists at {}", path.display())
            }
            CryptoError::KeyFileCorrupt { reason } => format!("Key file is corrupt: {reason}"),
            CryptoError::UnsupportedVersion { version } => {
                format!("Unsupported key file version {version}")
            }
            CryptoError::InvalidKdfParams { reason } => format!("Invalid KDF parameters: {reason}"),
            CryptoError::Io { op, path, source } => {
                format!("Failed to {op} {}: {source}", path.display())
            }
            CryptoError::Random => "System random number source failed".to_owned(),
            CryptoError::Crypto => "Cryptographic operation failed".to_owned(),
        }
    }
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> CryptoError + 'a {
    move |source| CryptoError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// Argon2id cost parameters.
///
/// Default: m = 64 MiB, t = 3, p = 1. Reasoning: the PIN is short and low-entropy, so offline
/// guessing against a copied `keys.json` is the main threat and each guess must be as costly as
/// the phone can afford. 64 MiB × 3 passes (OWASP's and RFC 9106's second recommended profile is
/// 64 MiB) takes well under a second on a mid-range 2020s Android phone while leaving ample
/// memory for the app on 2–3 GB devices; p = 1 because the unlock happens on one thread of a
/// phone that may have only slow cores, and raising p does not raise an attacker's cost per
/// guess. The parameters are stored in the key file, so they can be raised later (on PIN change
/// or a future re-wrap) without breaking existing installations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory cost in KiB.
    pub m_kib: u32,
    /// Number of passes.
    pub t: u32,
    /// Lanes (parallelism).
    pub p: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

impl KdfParams {
    /// Cheap parameters for tests only (m = 64 KiB, t = 1). Never use for real data.
    pub fn insecure_for_tests() -> Self {
        KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        }
    }

    fn validate(&self) -> Result<Params, CryptoError> {
        if self.m_kib > MAX_M_KIB || self.t > MAX_T || self.p > MAX_P {
            return Err(CryptoError::InvalidKdfParams {
                reason: format!(
                    "m={} t={} p={} above limits m<={MAX_M_KIB} t<={MAX_T} p<={MAX_P}",
                    self.m_kib, self.t, self.p
                ),
            });
        }
        Params::new(self.m_kib, self.t, self.p, Some(KEY_LEN)).map_err(|e| {
            CryptoError::InvalidKdfParams {
                reason: e.to_string(),
            }
        })
    }
}

/// The data-encryption key (DEK): 32 random bytes. Lives on the heap so moves do not leave
/// copies behind; zeroized on drop; `Debug` prints nothing secret. Not `Clone`.
pub struct DataKey(Box<[u8; KEY_LEN]>);

impl Drop for DataKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// What a sub-key is for; each purpose has its own HKDF info string, so sub-keys are
/// independent of each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPurpose {
    /// SQLCipher raw database key.
    Database,
    /// XChaCha20-Poly1305 key for photo / thumbnail blobs.
    Blobs,
    /// HMAC-SHA256 key for blob file names.
    BlobNames,
}

impl KeyPurpose {
    fn info(self) -> &'static [u8] {
        match self {
            KeyPurpose::Database => b"pendata/v1/sqlcipher-database",
            KeyPurpose::Blobs => b"pendata/v1/blob-aead",
            KeyPurpose::BlobNames => b"pendata/v1/blob-name-hmac",
        }
    }
}

/// A 32-byte key derived from the DEK for one [`KeyPurpose`]. Zeroized on drop.
pub struct SubKey(Zeroizing<[u8; KEY_LEN]>);

impl SubKey {
    /// The raw key bytes. Do not log or persist them.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for SubKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubKey(<redacted>)")
    }
}

impl DataKey {
    fn generate() -> Result<Self, CryptoError> {
        let mut key = Box::new([0u8; KEY_LEN]);
        OsRng
            .try_fill_bytes(&mut key[..])
            .map_err(|_| CryptoError::Random)?;
        Ok(DataKey(key))
    }

    fn from_slice(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != KEY_LEN {
            return None;
        }
        let mut key = Box::new([0u8; KEY_LEN]);
        key.copy_from_slice(bytes);
        Some(DataKey(key))
    }

    /// Derives the sub-key for `purpose` with HKDF-SHA256 (no salt: the DEK is already uniformly
    /// random; the info string separates the purposes).
    pub fn subkey(&self, purpose: KeyPurpose) -> Result<SubKey, CryptoError> {
        let hk = Hkdf::<Sha256>::new(None, &self.0[..]);
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        // 32 bytes is far below HKDF-SHA256's 255 * 32 byte limit; the error path exists only
        // so that an impossible failure can never yield an all-zero key.
        hk.expand(purpose.info(), &mut out[..])
            .map_err(|_| CryptoError::Crypto)?;
        Ok(SubKey(out))
    }
}

/// On-disk layout of `keys.json`. All binary fields are lowercase hex.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    kdf: KdfSection,
    salt: String,
    nonce: String,
    wrapped_key: String,
}

#[derive(Serialize, Deserialize)]
struct KdfSection {
    algorithm: String,
    argon2_version: u32,
    m_kib: u32,
    t: u32,
    p: u32,
}

/// Associated data for the key wrap: binds the format version, KDF parameters and salt to the
/// wrapped key, so none of them can be altered without the unwrap failing.
fn wrap_aad(params: &KdfParams, salt: &[u8]) -> Vec<u8> {
    format!(
        "{KEY_FILE_FORMAT}/v{KEY_FILE_VERSION}/argon2id-v19/m={}/t={}/p={}/salt={}",
        params.m_kib,
        params.t,
        params.p,
        hex::encode(salt)
    )
    .into_bytes()
}

fn check_pin_policy(pin: &str) -> Result<(), CryptoError> {
    if pin.chars().count() < MIN_PIN_CHARS {
        return Err(CryptoError::PinTooShort { min: MIN_PIN_CHARS });
    }
    Ok(())
}

fn derive_kek(
    pin: &str,
    salt: &[u8],
    params: &KdfParams,
) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.validate()?);
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(pin.as_bytes(), salt, &mut kek[..])
        .map_err(|e| CryptoError::InvalidKdfParams {
            reason: e.to_string(),
        })?;
    Ok(kek)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    OsRng
        .try_fill_bytes(&mut out)
        .map_err(|_| CryptoError::Random)?;
    Ok(out)
}

fn wrap(dek: &DataKey, pin: &str, params: &KdfParams) -> Result<KeyFile, CryptoError> {
    let salt: [u8; SALT_LEN] = random_bytes()?;
    let nonce: [u8; NONCE_LEN] = random_bytes()?;
    let kek = derive_kek(pin, &salt, params)?;
    let cipher = XChaCha20Poly1305::new(Key::from_slice(&kek[..]));
    let aad = wrap_aad(params, &salt);
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &dek.0[..],
                aad: &aad,
            },
        )
        .map_err(|_| CryptoError::Crypto)?;
    Ok(KeyFile {
        format: KEY_FILE_FORMAT.to_owned(),
        version: KEY_FILE_VERSION,
        kdf: KdfSection {
            algorithm: "argon2id".to_owned(),
            argon2_version: 0x13,
            m_kib: params.m_kib,
            t: params.t,
            p: params.p,
        },
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        wrapped_key: hex::encode(wrapped),
    })
}

fn corrupt(reason: impl Into<String>) -> CryptoError {
    CryptoError::KeyFileCorrupt {
        reason: reason.into(),
    }
}

fn decode_field(name: &str, value: &str, len: usize) -> Result<Vec<u8>, CryptoError> {
    let bytes = hex::decode(value).map_err(|_| corrupt(format!("{name} is not hex")))?;
    if bytes.len() != len {
        return Err(corrupt(format!(
            "{name} has {} bytes, expected {len}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn unwrap_key(file: &KeyFile, pin: &str) -> Result<(DataKey, KdfParams), CryptoError> {
    if file.format != KEY_FILE_FORMAT {
        return Err(corrupt("unknown format"));
    }
    if file.version != KEY_FILE_VERSION {
        return Err(CryptoError::UnsupportedVersion {
            version: file.version,
        });
    }
    if file.kdf.algorithm != "argon2id" || file.kdf.argon2_version != 0x13 {
        return Err(corrupt("unsupported KDF"));
    }
    let params = KdfParams {
        m_kib: file.kdf.m_kib,
        t: file.kdf.t,
        p: file.kdf.p,
    };
    let salt = decode_field("salt", &file.salt, SALT_LEN)?;
    let nonce = decode_field("nonce", &file.nonce, NONCE_LEN)?;
    // 32-byte key + 16-byte Poly1305 tag.
    let wrapped = decode_field("wrapped_key", &file.wrapped_key, KEY_LEN + 16)?;
    let kek = derive_kek(pin, &salt, &params)?;
    let cipher = XChaCha20Poly1305::new(Key::from_slice(&kek[..]));
    let aad = wrap_aad(&params, &salt);
    // A failed tag check means either a wrong PIN or a tampered file; the two cannot be told
    // apart (by design), and a wrong PIN is by far the likelier.
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &wrapped,
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::WrongPin)?,
    );
    let key = DataKey::from_slice(&plain).ok_or_else(|| corrupt("wrapped key has wrong length"))?;
    Ok((key, params))
}

/// The PIN-protected key file in a data directory.
pub struct KeyStore;

impl KeyStore {
    /// Path of the key file for `data_dir`.
    pub fn key_file_path(data_dir: &Path) -> PathBuf {
        data_dir.join(KEY_FILE)
    }

    /// Whether a key file exists in `data_dir`.
    pub fn exists(data_dir: &Path) -> bool {
        files::is_file(&Self::key_file_path(data_dir))
    }

    /// Generates a new DEK, wraps it under `pin` and writes `keys.json` atomically.
    /// Fails with [`CryptoError::KeyFileExists`] rather than overwrite an existing key.
    pub fn create(data_dir: &Path, pin: &str, params: KdfParams) -> Result<DataKey, CryptoError> {
        check_pin_policy(pin)?;
        params.validate()?;
        let path = Self::key_file_path(data_dir);
        if files::is_file(&path) {
            return Err(CryptoError::KeyFileExists { path });
        }
        files::create_dir_all(data_dir).map_err(io_err("create directory", data_dir))?;
        let dek = DataKey::generate()?;
        let file = wrap(&dek, pin, &params)?;
        write_key_file(&path, &file)?;
        tracing::info!(
            m_kib = params.m_kib,
            t = params.t,
            p = params.p,
            "key store created"
        );
        Ok(dek)
    }

    /// Unwraps the DEK with `pin`. Wrong PIN: [`CryptoError::WrongPin`], nothing is written.
    pub fn unlock(data_dir: &Path, pin: &str) -> Result<DataKey, CryptoError> {
        let file = read_key_file(&Self::key_file_path(data_dir))?;
        let (key, _) = unwrap_key(&file, pin)?;
        Ok(key)
    }

    /// Re-wraps the same DEK under `new_pin` (fresh salt and nonce, same KDF parameters).
    /// The data is not re-encrypted. A wrong `old_pin` changes nothing.
    pub fn change_pin(data_dir: &Path, old_pin: &str, new_pin: &str) -> Result<(), CryptoError> {
        let path = Self::key_file_path(data_dir);
        let file = read_key_file(&path)?;
        let (key, params) = unwrap_key(&file, old_pin)?;
        check_pin_policy(new_pin)?;
        let new_file = wrap(&key, new_pin, &params)?;
        write_key_file(&path, &new_file)?;
        tracing::info!("PIN changed, data key re-wrapped");
        Ok(())
    }
}

fn read_key_file(path: &Path) -> Result<KeyFile, CryptoError> {
    let len = match files::len(path) {
        Ok(len) => len,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(CryptoError::KeyFileMissing {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(io_err("read", path)(e)),
    };
    if len > MAX_KEY_FILE_BYTES {
        return Err(corrupt("file too large"));
    }
    let bytes = files::read(path).map_err(io_err("read", path))?;
    serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("invalid JSON: {e}")))
}

fn write_key_file(path: &Path, file: &KeyFile) -> Result<(), CryptoError> {
    let mut json = serde_json::to_vec_pretty(file).map_err(|e| corrupt(e.to_string()))?;
    json.push(b'\n');
    files::write_atomic(path, &json).map_err(io_err("write", path))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_key_material() {
        let key = DataKey::from_slice(&[0xAB; 32]).unwrap();
        let dbg = format!("{key:?}");
        assert!(!dbg.to_lowercase().contains("abab"), "{dbg}");
        assert!(!dbg.contains("171"), "{dbg}");
        let sub = key.subkey(KeyPurpose::Database).unwrap();
        let sub_hex = hex::encode(sub.expose());
        let dbg = format!("{sub:?}");
        assert!(!dbg.contains(&sub_hex[..8]), "{dbg}");
    }

    #[test]
    fn subkeys_are_deterministic_and_distinct() {
        let key = DataKey::from_slice(&[7; 32]).unwrap();
        let again = DataKey::from_slice(&[7; 32]).unwrap();
        let other = DataKey::from_slice(&[8; 32]).unwrap();
        let purposes = [
            KeyPurpose::Database,
            KeyPurpose::Blobs,
            KeyPurpose::BlobNames,
        ];
        for p in purposes {
            assert_eq!(
                key.subkey(p).unwrap().expose(),
                again.subkey(p).unwrap().expose()
            );
            assert_ne!(
                key.subkey(p).unwrap().expose(),
                other.subkey(p).unwrap().expose()
            );
            assert_ne!(key.subkey(p).unwrap().expose(), &[7; 32]);
        }
        assert_ne!(
            key.subkey(KeyPurpose::Database).unwrap().expose(),
            key.subkey(KeyPurpose::Blobs).unwrap().expose()
        );
        assert_ne!(
            key.subkey(KeyPurpose::Blobs).unwrap().expose(),
            key.subkey(KeyPurpose::BlobNames).unwrap().expose()
        );
        assert_ne!(
            key.subkey(KeyPurpose::Database).unwrap().expose(),
            key.subkey(KeyPurpose::BlobNames).unwrap().expose()
        );
    }

    #[test]
    fn default_kdf_params_are_the_documented_ones() {
        let p = KdfParams::default();
        assert_eq!((p.m_kib, p.t, p.p), (65536, 3, 1));
        assert!(p.validate().is_ok());
        assert!(KdfParams::insecure_for_tests().validate().is_ok());
    }

    #[test]
    fn tampered_kdf_params_are_rejected_or_fail_unwrap() {
        let dek = DataKey::from_slice(&[1; 32]).unwrap();
        let params = KdfParams::insecure_for_tests();
        let mut file = wrap(&dek, "123456", &params).unwrap();
        file.kdf.t = 2;
        assert!(matches!(
            unwrap_key(&file, "123456"),
            Err(CryptoError::WrongPin)
        ));
        file.kdf.m_kib = u32::MAX;
        assert_eq!(
            unwrap_key(&file, "123456").err().map(|e| e.code()),
            Some("store.kdf_params")
        );
    }

    #[test]
    fn pin_policy_counts_characters() {
        assert_eq!(
            check_pin_policy("12345").err().map(|e| e.code()),
            Some("store.pin_too_short")
        );
        assert!(check_pin_policy("123456").is_ok());
        assert!(check_pin_policy("ñññññ").is_err());
    }
}
