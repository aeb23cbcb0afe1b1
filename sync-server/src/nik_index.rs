//! Duplicate NIKs across the whole registry (issue 21, "NIK ganda"): the same person in two
//! households or families, found whoever sent them, listed for the supervisor.
//!
//! The index must not keep NIKs in clear text in a new place: it keeps an HMAC-SHA256 of each
//! NIK under a key held outside the database ([`NikKey`], a file beside the data by default).
//! Equal NIKs give equal digests; a digest says nothing without the key. The index is derived
//! data: [`refresh`] brings it up to the households' current revisions (the server runs it
//! every [`EVERY`] and the dashboard before it lists), and it can always be rebuilt. The
//! database remembers the key's fingerprint: a process with another key refuses to index
//! (several processes on one PostgreSQL must share the key file; `reindex-nik` starts over
//! with a new key).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use pendata_shared::protocol::Change;
use sha2::Sha256;

use crate::store::{NikEntry, RegistryStore, StoreError};

/// How often a serving process brings the index up to date.
pub const EVERY: Duration = Duration::from_secs(30);

/// Households read per round of [`refresh`].
const PAGE: u32 = 500;

/// The secret the NIK digests are keyed with.
pub struct NikKey([u8; 32]);

impl std::fmt::Debug for NikKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NikKey(…)")
    }
}

/// Why the key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum NikKeyError {
    #[error("kunci indeks NIK {path} tidak terbaca (the NIK index key cannot be read): {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "kunci indeks NIK {0} rusak: harus 64 digit heksadesimal \
         (the NIK index key is damaged: it must be 64 hex digits)"
    )]
    Malformed(String),
}

impl NikKey {
    /// The key in `path`, made (32 random bytes, readable by the owner only) when absent.
    pub fn load_or_create(path: &Path) -> Result<Self, NikKeyError> {
        let io = |source| NikKeyError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim())
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| NikKeyError::Malformed(path.display().to_string()))?;
                Ok(Self(bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                write_private(path, format!("{}\n", hex::encode(key)).as_bytes()).map_err(io)?;
                tracing::info!(path = %path.display(), "NIK index key made");
                Ok(Self(key))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// A key from bytes (tests, benchmarks).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!())
    }

    /// The digest of one NIK.
    pub fn digest(&self, nik: &str) -> Vec<u8> {
        let mut mac = self.mac();
        mac.update(b"pendata nik v1\0");
        mac.update(nik.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// What the database remembers of the key (not the key).
    pub fn fingerprint(&self) -> String {
        let mut mac = self.mac();
        mac.update(b"pendata nik-index fingerprint v1");
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// The index entries of one revision: each member with a whole NIK (16 digits).
pub fn entries(change: &Change, key: &NikKey) -> Vec<NikEntry> {
    let members: Vec<(String, &str, Option<&str>)> = match change {
        Change::Upsert { household } => household
            .members
            .iter()
            .map(|m| (m.id.to_string(), m.name.as_str(), m.nik.as_deref()))
            .collect(),
        Change::UpsertFamily { family } => family
            .members
            .iter()
            .map(|m| (m.id.to_string(), m.name.as_str(), m.nik.as_deref()))
            .collect(),
        // A case's finding is about a person, it does not list a family's members.
        Change::UpsertCase { .. } | Change::Delete => Vec::new(),
    };
    members
        .into_iter()
        .filter_map(|(member, name, nik)| {
            let nik = nik?.trim();
            (nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit())).then(|| NikEntry {
                member,
                member_name: name.to_owned(),
                digest: key.digest(nik),
            })
        })
        .collect()
}

/// Why the index was not brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(
        "kunci indeks NIK berbeda dengan yang dipakai sebelumnya di basis data ini; salin berkas \
         kunci dari server lain, atau jalankan `pendata-server reindex-nik` \
         (the NIK index key differs from the one used before on this database; copy the key \
         file from the other server, or run `pendata-server reindex-nik`)"
    )]
    KeyMismatch,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RefreshError {
    pub fn code(&self) -> &'static str {
        match self {
            RefreshError::KeyMismatch => "nik_index.key_mismatch",
            RefreshError::Store(_) => "nik_index.store",
        }
    }
}

/// Brings the index up to the households' current revisions; returns how many households it
/// indexed. The first run on a database records the key's fingerprint.
pub fn refresh(store: &dyn RegistryStore, key: &NikKey) -> Result<u64, RefreshError> {
    let fingerprint = key.fingerprint();
    match store.nik_key_fingerprint()? {
        Some(known) if known != fingerprint => return Err(RefreshError::KeyMismatch),
        Some(_) => {}
        None => store.reset_nik_index(&fingerprint)?,
    }
    let mut indexed = 0u64;
    loop {
        let stale = store.nik_index_stale(PAGE)?;
        if stale.is_empty() {
            return Ok(indexed);
        }
        for head in &stale {
            let found = head
                .change
                .as_ref()
                .map(|c| entries(c, key))
                .unwrap_or_default();
            store.put_nik_index(head, &found)?;
            indexed += 1;
        }
    }
}

/// Starts over with `key`: forgets every digest, records the new fingerprint, indexes all.
pub fn reindex(store: &dyn RegistryStore, key: &NikKey) -> Result<u64, RefreshError> {
    store.reset_nik_index(&key.fingerprint())?;
    refresh(store, key)
}

/// Refreshes every [`EVERY`] until the task is dropped (a serving process).
pub async fn run(store: Arc<dyn RegistryStore>, key: Arc<NikKey>) {
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let (store, key) = (store.clone(), key.clone());
        match tokio::task::spawn_blocking(move || refresh(store.as_ref(), &key)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::debug!(households = n, "NIK index brought up to date"),
            Ok(Err(e)) => tracing::warn!(code = e.code(), error = %e, "NIK index not updated"),
            Err(e) => tracing::warn!(error = %e, "NIK index task failed"),
        }
    }
}
