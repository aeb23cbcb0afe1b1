//! Importing SIKS-NG's desil file (issue 21): read as a stream and checked whole first
//! ([`pendata_shared::month::desil`]); a file with any bad row changes nothing; a good one sets
//! every family's desil in one transaction ([`RegistryStore::import_desil`]). The CLI
//! (`pendata-server import-desil`) calls it; a dashboard upload can call it the same way.

use std::io::BufRead;

use chrono::NaiveDate;
use pendata_shared::month::desil::{DesilFile, DesilFileError, DesilReader};
use pendata_shared::prelist::RowError;

use crate::store::{DesilImport, RegistryStore, StoreError};

/// Why a desil file was not imported. Nothing was changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum DesilImportError {
    #[error(transparent)]
    File(#[from] DesilFileError),
    #[error(
        "{count} baris salah; tidak ada yang diubah — perbaiki lalu impor lagi \
         ({count} bad row(s); nothing was changed — fix them and import again)"
    )]
    BadRows {
        /// The first bad rows (line and reason; never a NIK).
        rows: Vec<RowError>,
        count: u64,
    },
    #[error("berkas tidak berisi satu keluarga pun (the file holds no family)")]
    NoFamilies,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DesilImportError {
    /// The stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            DesilImportError::File(e) => e.code(),
            DesilImportError::BadRows { .. } => "desil.bad_rows",
            DesilImportError::NoFamilies => "desil.no_families",
            DesilImportError::Store(_) => "desil.store",
        }
    }
}

/// Reads, checks and imports one desil file.
pub fn import_desil(
    input: impl BufRead,
    label: &str,
    username: Option<&str>,
    store: &dyn RegistryStore,
    today: NaiveDate,
) -> Result<DesilImport, DesilImportError> {
    let file = DesilFile::check(DesilReader::new(input, today)?);
    if file.error_count > 0 {
        return Err(DesilImportError::BadRows {
            rows: file.errors,
            count: file.error_count,
        });
    }
    if file.families.is_empty() {
        return Err(DesilImportError::NoFamilies);
    }
    let import = store.import_desil(&file.families, file.rows, label, username)?;
    tracing::info!(
        import = import.id,
        rows = import.rows,
        families = import.families,
        "desil imported"
    );
    Ok(import)
}
