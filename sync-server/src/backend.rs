//! The storage a server process or an operator command runs on, picked from the configuration:
//! no `database_url` is the embedded SQLite file in the data directory (as always, nothing to
//! install); `database_url = "postgres://..."` is PostgreSQL. Photos: the folder in the data
//! directory, or with `blob_url` an S3-compatible bucket.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{LoginLimit, LoginLimiter};
use crate::config::Config;
use crate::store::files::FileBlobStore;
use crate::store::postgres::{PgChunkStaging, PgLoginLimiter, PgStore};
use crate::store::s3::{self, S3BlobStore};
use crate::store::sqlite::SqliteStore;
use crate::store::web::WebSessionStore;
use crate::store::{
    AccountStore, BlobLimits, BlobStore, CaseStore, PeriodStore, RecordStore, RegistryStore,
    RestoreStore,
};
use crate::ServerError;

/// The database behind the stores.
#[derive(Clone)]
pub enum Database {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

/// The stores of one deployment, as trait objects.
#[derive(Clone)]
pub struct Backend {
    pub database: Database,
    pub accounts: Arc<dyn AccountStore>,
    pub records: Arc<dyn RecordStore>,
    pub restores: Arc<dyn RestoreStore>,
    pub registry: Arc<dyn RegistryStore>,
    /// Case work (issue 21 §1).
    pub cases: Arc<dyn CaseStore>,
    /// The Dinsos month: proposals' periods, musdes/SPTJM, ratification (issue 21).
    pub periods: Arc<dyn PeriodStore>,
    pub web_sessions: Arc<dyn WebSessionStore>,
    pub limiter: Arc<dyn LoginLimit>,
}

impl Backend {
    /// Opens (and migrates) the database the configuration names. `readers`: idle SQLite
    /// readers kept (the server keeps many, a CLI command one).
    pub fn open(config: &Config, readers: usize) -> Result<Self, ServerError> {
        config.prepare_data_dir()?;
        let window = Duration::from_secs(config.limits.login_window_secs);
        let max_failures = config.limits.login_max_failures;
        match &config.database_url {
            None => {
                let db = Arc::new(SqliteStore::open(&config.db_path(), readers)?);
                Ok(Backend {
                    accounts: db.clone(),
                    records: db.clone(),
                    restores: db.clone(),
                    registry: db.clone(),
                    cases: db.clone(),
                    periods: db.clone(),
                    web_sessions: db.clone(),
                    limiter: Arc::new(LoginLimiter::new(max_failures, window)),
                    database: Database::Sqlite(db),
                })
            }
            Some(url) => {
                let db = Arc::new(PgStore::connect(
                    url.expose(),
                    config.limits.db_connections,
                )?);
                tracing::info!(database = %url, "PostgreSQL backend");
                Ok(Backend {
                    accounts: db.clone(),
                    records: db.clone(),
                    restores: db.clone(),
                    registry: db.clone(),
                    cases: db.clone(),
                    periods: db.clone(),
                    web_sessions: db.clone(),
                    limiter: Arc::new(PgLoginLimiter::new(db.clone(), max_failures, window)),
                    database: Database::Postgres(db),
                })
            }
        }
    }

    /// The photo store the configuration names.
    pub fn open_blobs(&self, config: &Config) -> Result<Arc<dyn BlobStore>, ServerError> {
        let limits = BlobLimits {
            max_blob_bytes: config.limits.max_photo_bytes,
            max_chunk_bytes: config.limits.max_chunk_bytes,
        };
        if let Some(url) = &config.blob_url {
            // Uploads in progress are staged in PostgreSQL, where every server process sees
            // them (the configuration refuses blob_url without database_url).
            let Some(db) = self.postgres() else {
                return Err(ServerError::Blobs(format!(
                    "blob_url {url} needs database_url (PostgreSQL): uploads in progress are \
                     staged there"
                )));
            };
            let objects = s3::from_env(url).map_err(|e| ServerError::Blobs(e.to_string()))?;
            tracing::info!(blob_url = %url, "S3 photo store");
            return Ok(Arc::new(S3BlobStore::new(
                objects,
                &url.prefix,
                Arc::new(PgChunkStaging::new(db.clone())),
                limits,
            )));
        }
        let photos = config.photos_dir();
        let files = FileBlobStore::open(&photos, limits).map_err(|source| ServerError::Photos {
            path: photos.clone(),
            source,
        })?;
        Ok(Arc::new(files))
    }

    /// The SQLite database, when that is the backend.
    pub fn sqlite(&self) -> Option<&Arc<SqliteStore>> {
        match &self.database {
            Database::Sqlite(db) => Some(db),
            Database::Postgres(_) => None,
        }
    }

    /// The PostgreSQL database, when that is the backend.
    pub fn postgres(&self) -> Option<&Arc<PgStore>> {
        match &self.database {
            Database::Postgres(db) => Some(db),
            Database::Sqlite(_) => None,
        }
    }

    /// What the stores are, for the start-up log line (no password).
    pub fn describe(&self, config: &Config) -> String {
        match (&self.database, &config.database_url) {
            (Database::Postgres(_), Some(url)) => format!("PostgreSQL {url}"),
            _ => format!("SQLite {}", config.db_path().display()),
        }
    }
}
