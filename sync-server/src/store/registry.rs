//! The registry's own data beside the records (issue 21), for every backend: the desil BPS
//! gives each family, imported from SIKS-NG (`pendata-server import-desil`; Pendata shows a
//! desil, it never computes one), and the index of keyed NIK digests that finds the same person
//! in two records (`crate::nik_index`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::month::desil::FamilyDesil;
use pendata_shared::protocol::Change;
use pendata_shared::{HouseholdId, RevisionId};

use super::{Scope, StoreError};

/// One desil import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesilImport {
    pub id: i64,
    pub imported_at: DateTime<Utc>,
    /// What the operator called it (by default the file's name).
    pub label: String,
    pub username: Option<String>,
    /// Good rows (people) in the file.
    pub rows: u64,
    /// Families (KK numbers) it set.
    pub families: u64,
}

/// A household whose current revision is not indexed yet.
#[derive(Debug, Clone)]
pub struct StaleHead {
    pub id: HouseholdId,
    /// The current revision; `None` when the household has none (an unopened assignment).
    pub head: Option<RevisionId>,
    pub desa_code: String,
    /// The current revision's change; `None` when deleted or absent.
    pub change: Option<Change>,
}

/// One member with a whole NIK, as the index keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NikEntry {
    /// The member's id in the record.
    pub member: String,
    pub member_name: String,
    /// HMAC-SHA256 of the NIK under the server's key.
    pub digest: Vec<u8>,
}

/// One record holding a NIK that another record holds too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRecord {
    pub household_id: HouseholdId,
    pub desa_code: String,
    pub member_name: String,
    pub questionnaire: String,
}

/// A NIK found in more than one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateNik {
    /// An opaque name of the group (the digest's first bytes): never the NIK.
    pub group: String,
    /// The records of it inside the asker's wilayah, by desa and id.
    pub records: Vec<DuplicateRecord>,
    /// How many records of it lie outside the asker's wilayah (shown as a count only).
    pub outside_scope: u64,
}

/// The registry data of one database.
pub trait RegistryStore: Send + Sync {
    /// Sets the desil of every family of one checked file, in one transaction: a family already
    /// known takes the new desil, families not in the file keep theirs.
    fn import_desil(
        &self,
        families: &[FamilyDesil],
        rows: u64,
        label: &str,
        username: Option<&str>,
    ) -> Result<DesilImport, StoreError>;

    /// The desil of those of `kk_numbers` that have one.
    fn desil_of(&self, kk_numbers: &[&str]) -> Result<BTreeMap<String, WelfareDecile>, StoreError>;

    /// The imports, newest first, at most `limit`.
    fn desil_imports(&self, limit: u32) -> Result<Vec<DesilImport>, StoreError>;

    /// The fingerprint of the key the NIK index was built with, if it was.
    fn nik_key_fingerprint(&self) -> Result<Option<String>, StoreError>;

    /// Forgets the whole NIK index and records `fingerprint` as its key's.
    fn reset_nik_index(&self, fingerprint: &str) -> Result<(), StoreError>;

    /// Households whose current revision the index does not reflect, at most `limit`.
    fn nik_index_stale(&self, limit: u32) -> Result<Vec<StaleHead>, StoreError>;

    /// Replaces the index entries of `head.id` with `entries`, as of `head.head`.
    fn put_nik_index(&self, head: &StaleHead, entries: &[NikEntry]) -> Result<(), StoreError>;

    /// NIKs held by more than one record (households or families, not deleted), where at
    /// least one of those records lies in `scope`; at most `limit` groups.
    fn nik_duplicates(&self, scope: &Scope, limit: u32) -> Result<Vec<DuplicateNik>, StoreError>;
}

/// A stored desil code back as the code list's value.
/// Forgets the NIK index and its key's fingerprint, on either backend (derived data: the next
/// refresh rebuilds it under whatever key the server holds). Run by `reset_nik_index` before it
/// records a new key, and by a restore.
pub(crate) const FORGET_NIK_INDEX_SQL: &str =
    "DELETE FROM nik_index; DELETE FROM nik_indexed; DELETE FROM nik_index_key;";

pub(crate) fn decile(code: i64) -> Result<WelfareDecile, StoreError> {
    u8::try_from(code)
        .ok()
        .and_then(WelfareDecile::from_code)
        .ok_or_else(|| StoreError::Corrupt("desil".into()))
}

/// Groups rows of (digest, record) ordered by digest into the duplicates `scope` may see: a
/// group shows only when one of its records is inside; records outside are only counted.
pub(crate) fn group_duplicates(
    rows: Vec<(Vec<u8>, DuplicateRecord)>,
    scope: &Scope,
    limit: u32,
) -> Vec<DuplicateNik> {
    let mut out: Vec<DuplicateNik> = Vec::new();
    let mut current: Option<(Vec<u8>, DuplicateNik)> = None;
    let flush = |group: Option<(Vec<u8>, DuplicateNik)>, out: &mut Vec<DuplicateNik>| {
        if let Some((_, g)) = group {
            if !g.records.is_empty() && out.len() < limit as usize {
                out.push(g);
            }
        }
    };
    for (digest, record) in rows {
        if current.as_ref().map(|(d, _)| d) != Some(&digest) {
            flush(current.take(), &mut out);
            let group = hex::encode(&digest[..digest.len().min(6)]);
            current = Some((
                digest,
                DuplicateNik {
                    group,
                    records: Vec::new(),
                    outside_scope: 0,
                },
            ));
        }
        if let Some((_, g)) = current.as_mut() {
            if scope.covers(&record.desa_code) {
                g.records.push(record);
            } else {
                g.outside_scope += 1;
            }
        }
    }
    flush(current.take(), &mut out);
    out
}
