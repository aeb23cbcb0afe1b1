//! The registry's own data beside the records (issue 21), for every backend: the desil BPS
//! gives each family, imported from SIKS-NG (`pendata-server import-desil`). Pendata shows a
//! desil; it never computes one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::month::desil::FamilyDesil;

use super::StoreError;

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
}

/// A stored desil code back as the code list's value.
pub(crate) fn decile(code: i64) -> Result<WelfareDecile, StoreError> {
    u8::try_from(code)
        .ok()
        .and_then(WelfareDecile::from_code)
        .ok_or_else(|| StoreError::Corrupt("desil".into()))
}
