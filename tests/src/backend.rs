//! The store a scenario's real `pendata-server` runs on, so one scenario runs on both backends:
//! the default SQLite data directory, or PostgreSQL (a fresh schema of the test server that
//! `pg_virtualenv` or `PENDATA_TEST_DATABASE_URL` names; `PENDATA_REQUIRE_POSTGRES=1` makes a
//! missing one fail instead of skip).

use std::path::Path;

use pendata_server::store::postgres::testing;
use pendata_server::Config;

/// Where the server keeps its records (photos stay in the data directory either way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// A PostgreSQL URL naming a schema of its own.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL in a fresh schema tagged `tag`, or `None` (said on stderr) when there is no
    /// test server and it is not required.
    pub fn postgres_or_skip(test: &str, tag: &str) -> Option<Self> {
        let base = testing::config_or_skip(test)?;
        Some(Backend::Postgres(testing::url_of(&testing::fresh_schema(
            &base, tag,
        ))))
    }

    /// The configuration of a server on `data` with this backend.
    pub fn config(&self, data: &Path) -> anyhow::Result<Config> {
        let config = Config::with_data_dir(data);
        Ok(match self {
            Backend::Sqlite => config,
            Backend::Postgres(url) => config.with_storage(Some(url), None)?,
        })
    }

    /// The environment that points the real binary (`serve` and the operator commands) at it.
    pub fn env(&self) -> Vec<(&'static str, &str)> {
        match self {
            Backend::Sqlite => Vec::new(),
            Backend::Postgres(url) => vec![("PENDATA_DATABASE_URL", url.as_str())],
        }
    }
}
