//! Server configuration. Every path derives from the data directory.
//!
//! Precedence: command line / environment, then the TOML file, then the defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const DEFAULT_DATA_DIR: &str = "./pendata-data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Problems found at start-up, phrased for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error("listen address {0:?} is not a valid IP:port (e.g. 127.0.0.1:8080 or [::]:8080)")]
    BadListen(String),
    #[error("data directory {path} cannot be created: {source}")]
    CreateDataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("data directory {path} is not writable: {source}")]
    DataDirNotWritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("limit {name} must be greater than zero")]
    ZeroLimit { name: &'static str },
    #[error("database_url must start with postgres:// or postgresql:// (no URL: the embedded SQLite database)")]
    BadDatabaseUrl,
    #[error("blob_url {0:?} must look like s3://bucket or s3://bucket/prefix (no URL: the photo folder)")]
    BadBlobUrl(String),
    #[error("blob_url (S3 photo storage) needs database_url too: uploads in progress are staged in PostgreSQL, where every server process sees them")]
    BlobUrlWithoutDatabase,
}

/// Where records and accounts live: `postgres://user:password@host:port/db`. Its `Debug` and
/// `Display` never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl(url.to_owned()))
        } else {
            Err(ConfigError::BadDatabaseUrl)
        }
    }

    /// The URL itself, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL without its user information, for logs and messages.
    pub fn redacted(&self) -> String {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("postgres", &self.0));
        let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        format!("{scheme}://{host}")
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Where photos live: an S3-compatible bucket and a key prefix (`s3://bucket/prefix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobUrl {
    pub bucket: String,
    /// `""` or a prefix ending in `/`.
    pub prefix: String,
}

impl BlobUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let bad = || ConfigError::BadBlobUrl(url.to_owned());
        let rest = url.trim().strip_prefix("s3://").ok_or_else(bad)?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        let prefix = prefix.trim_matches('/');
        if !bucket_ok || prefix.contains("//") || prefix.contains("..") {
            return Err(bad());
        }
        Ok(BlobUrl {
            bucket: bucket.to_owned(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
        })
    }
}

impl std::fmt::Display for BlobUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// Size and rate limits.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest JSON request body.
    pub max_json_bytes: u64,
    /// Largest photo chunk body.
    pub max_chunk_bytes: u64,
    /// Largest photo.
    pub max_photo_bytes: u64,
    /// Failed logins allowed per username and per client IP within the window.
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    /// Idle SQLite reader connections kept open. Every request reads (the token, then pulls),
    /// and a reader opened beyond these is closed after its one use: opening one costs a
    /// schema parse and its statements are prepared again.
    pub db_readers: usize,
    /// Seconds a request body may stay silent (no bytes arriving) before the server gives up
    /// on it. A phone that drops off the network without closing its connection otherwise
    /// leaves the upload handler, and the photo's lock, waiting forever.
    pub body_idle_secs: u64,
    /// Connections to PostgreSQL one server process keeps at most (with `database_url`).
    pub db_connections: usize,
    /// Hours an unfinished photo upload may stay silent before the server forgets its chunks
    /// (checked hourly; the phone then sends that photo again from the start).
    pub abandoned_upload_hours: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_json_bytes: 16 * 1024 * 1024,
            max_chunk_bytes: 64 * 1024 * 1024,
            max_photo_bytes: 20 * 1024 * 1024,
            login_max_failures: 5,
            login_window_secs: 300,
            db_readers: 32,
            body_idle_secs: 60,
            db_connections: 16,
            abandoned_upload_hours: 7 * 24,
        }
    }
}

/// The TOML file: the same keys as the command line plus `[limits]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    /// PostgreSQL for records and accounts; none: the SQLite file in the data directory.
    pub database_url: Option<String>,
    /// An S3-compatible bucket for photos; none: the photo folder in the data directory.
    pub blob_url: Option<String>,
    /// The built web app served under `/app/` (`scripts/build-web app` → target/web/app).
    pub web_dir: Option<PathBuf>,
    /// The key of the duplicate-NIK index (`nik_index.rs`); default `data_dir/nik-index.key`.
    /// Several processes on one PostgreSQL must name the same key (copy the file).
    pub nik_key_file: Option<PathBuf>,
    pub limits: Limits,
    pub dtsen: pendata_shared::dtsen::DtsenRules,
    /// The monthly cycle (`[month] cutoff_day = 17`).
    pub month: pendata_shared::month::period::MonthRules,
    /// Case work: due days per kind, the PBI-JK update period, the graduasi target (`[cases]`,
    /// `pendata_shared::cases::CaseRules`, docs/formats.md "Cases").
    pub cases: pendata_shared::cases::CaseRules,
    /// Registry checks: `[registry.geo]` distances, `[registry.desil_cutoff]` (registry_rules.rs).
    pub registry: crate::registry_rules::RegistryRules,
}

impl FileConfig {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ConfigError::ParseFile {
            path: path.to_owned(),
            message,
        })
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let file: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        file.registry.desil_cutoff.check()?;
        Ok(file)
    }
}

/// The web app built in the same tree as this binary (`target/<profile>/pendata-server` →
/// `target/web/app`), if there is one: `scripts/run` needs no flag for it.
pub fn default_web_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?.join("web").join("app");
    dir.join("index.html").is_file().then_some(dir)
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub limits: Limits,
    /// The DTSEN choices the reference leaves open (revisit rule, ages of 431e/431f):
    /// `[dtsen]` in the config file, documented in docs/formats.md.
    pub dtsen: pendata_shared::dtsen::DtsenRules,
    /// The monthly cycle: its cut-off day (`[month]` in the config file).
    pub month: pendata_shared::month::period::MonthRules,
    /// Case work (`[cases]` in the config file).
    pub cases: pendata_shared::cases::CaseRules,
    /// Registry checks: where a household is, each programme's desil cut-off.
    pub registry: crate::registry_rules::RegistryRules,
    /// `None`: the embedded SQLite database (`data_dir/pendata.db`).
    pub database_url: Option<DatabaseUrl>,
    /// `None`: the photo folder (`data_dir/photos`).
    pub blob_url: Option<BlobUrl>,
    /// The built web app served under `/app/`; `None`: `/app/` says it is not installed.
    /// Static files of the build, not data: outside the data directory.
    pub web_dir: Option<PathBuf>,
    /// The duplicate-NIK index key; `None`: `data_dir/nik-index.key` ([`Config::nik_key_path`]).
    pub nik_key_file: Option<PathBuf>,
}

impl Config {
    /// Merges command line values (already including the environment) over the file.
    pub fn resolve(
        data_dir: Option<PathBuf>,
        listen: Option<String>,
        file: Option<FileConfig>,
    ) -> Result<Self, ConfigError> {
        let file = file.unwrap_or_default();
        let data_dir = data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let listen_text = listen
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_text
            .trim()
            .parse::<SocketAddr>()
            .map_err(|_| ConfigError::BadListen(listen_text.clone()))?;
        let database_url = file
            .database_url
            .as_deref()
            .map(DatabaseUrl::parse)
            .transpose()?;
        let blob_url = file.blob_url.as_deref().map(BlobUrl::parse).transpose()?;
        let config = Config {
            data_dir,
            listen,
            limits: file.limits,
            dtsen: file.dtsen,
            month: file.month,
            cases: file.cases,
            registry: file.registry,
            database_url,
            blob_url,
            web_dir: file.web_dir.or_else(default_web_dir),
            nik_key_file: file.nik_key_file,
        };
        config.check_limits()?;
        config.check_storage()?;
        Ok(config)
    }

    /// Defaults with the given data directory (tests, CLI).
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            // A literal that always parses; the fallback is never used.
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            limits: Limits::default(),
            dtsen: pendata_shared::dtsen::DtsenRules::default(),
            month: pendata_shared::month::period::MonthRules::default(),
            cases: pendata_shared::cases::CaseRules::default(),
            registry: crate::registry_rules::RegistryRules::default(),
            database_url: None,
            blob_url: None,
            web_dir: None,
            nik_key_file: None,
        }
    }

    /// The storage URLs given on the command line or in the environment
    /// (`PENDATA_DATABASE_URL`, `PENDATA_BLOB_URL`), over the file's; an empty value means
    /// "none" (the embedded defaults).
    pub fn with_storage(
        mut self,
        database_url: Option<&str>,
        blob_url: Option<&str>,
    ) -> Result<Self, ConfigError> {
        if let Some(url) = database_url {
            self.database_url = (!url.trim().is_empty())
                .then(|| DatabaseUrl::parse(url))
                .transpose()?;
        }
        if let Some(url) = blob_url {
            self.blob_url = (!url.trim().is_empty())
                .then(|| BlobUrl::parse(url))
                .transpose()?;
        }
        self.check_storage()?;
        Ok(self)
    }

    fn check_storage(&self) -> Result<(), ConfigError> {
        if self.blob_url.is_some() && self.database_url.is_none() {
            return Err(ConfigError::BlobUrlWithoutDatabase);
        }
        Ok(())
    }

    fn check_limits(&self) -> Result<(), ConfigError> {
        let l = &self.limits;
        for (name, value) in [
            ("max_json_bytes", l.max_json_bytes),
            ("max_chunk_bytes", l.max_chunk_bytes),
            ("max_photo_bytes", l.max_photo_bytes),
            ("login_max_failures", u64::from(l.login_max_failures)),
            ("login_window_secs", l.login_window_secs),
            ("body_idle_secs", l.body_idle_secs),
            ("db_connections", l.db_connections as u64),
            ("abandoned_upload_hours", l.abandoned_upload_hours),
        ] {
            if value == 0 {
                return Err(ConfigError::ZeroLimit { name });
            }
        }
        Ok(())
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("pendata.db")
    }

    /// The key file of the duplicate-NIK index: kept outside the database, beside it by
    /// default (a backup of the data directory carries it).
    pub fn nik_key_path(&self) -> PathBuf {
        self.nik_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("nik-index.key"))
    }

    pub fn photos_dir(&self) -> PathBuf {
        self.data_dir.join("photos")
    }

    pub fn photos_staging_dir(&self) -> PathBuf {
        self.photos_dir().join(".partial")
    }

    /// Creates the data directory if needed and proves it is writable.
    pub fn prepare_data_dir(&self) -> Result<(), ConfigError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|source| ConfigError::CreateDataDir {
            path: self.data_dir.clone(),
            source,
        })?;
        let probe = self.data_dir.join(".pendata-write-test");
        let result = std::fs::write(&probe, b"ok").and_then(|()| std::fs::remove_file(&probe));
        result.map_err(|source| ConfigError::DataDirNotWritable {
            path: self.data_dir.clone(),
            source,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn command_line_wins_over_file_wins_over_defaults() {
        let file = FileConfig::parse(
            "data_dir = \"/srv/pendata\"\nlisten = \"0.0.0.0:9000\"\n[limits]\nmax_photo_bytes = 1000\n",
        )
        .unwrap();
        let c = Config::resolve(None, None, Some(file.clone())).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/srv/pendata"));
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.limits.max_photo_bytes, 1000);
        assert_eq!(c.limits.max_json_bytes, Limits::default().max_json_bytes);
        let c = Config::resolve(Some("/d".into()), Some("[::1]:1".into()), Some(file)).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/d"));
        assert_eq!(c.listen.to_string(), "[::1]:1");
        let c = Config::resolve(None, None, None).unwrap();
        assert_eq!(c.db_path(), PathBuf::from("./pendata-data/pendata.db"));
        assert_eq!(
            c.photos_staging_dir(),
            PathBuf::from("./pendata-data/photos/.partial")
        );
    }

    #[test]
    fn the_month_and_the_nik_key_are_read_from_the_file() {
        let c = Config::resolve(None, None, None).unwrap();
        assert_eq!(c.month.cutoff_day.day(), 17);
        assert_eq!(
            c.nik_key_path(),
            PathBuf::from("./pendata-data/nik-index.key")
        );
        let file =
            FileConfig::parse("nik_key_file = \"/etc/pendata/nik.key\"\n[month]\ncutoff_day = 5\n")
                .unwrap();
        let c = Config::resolve(None, None, Some(file)).unwrap();
        assert_eq!(c.month.cutoff_day.day(), 5);
        assert_eq!(c.nik_key_path(), PathBuf::from("/etc/pendata/nik.key"));
        let err = FileConfig::parse("[month]\ncutoff_day = 31\n").unwrap_err();
        assert!(err.contains("1-28"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::resolve(None, Some("localhost".into()), None).unwrap_err();
        assert!(err.to_string().contains("\"localhost\""), "{err}");
        assert!(FileConfig::parse("lisen = \"x\"")
            .unwrap_err()
            .contains("lisen"));
        let file = FileConfig::parse("[limits]\nmax_json_bytes = 0").unwrap();
        assert!(matches!(
            Config::resolve(None, None, Some(file)),
            Err(ConfigError::ZeroLimit {
                name: "max_json_bytes"
            })
        ));
    }

    #[test]
    fn unwritable_data_dir_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        // A regular file where the directory should be: cannot be created.
        let err = Config::with_data_dir(file.join("sub"))
            .prepare_data_dir()
            .unwrap_err();
        assert!(matches!(err, ConfigError::CreateDataDir { .. }), "{err}");
        Config::with_data_dir(dir.path().join("new"))
            .prepare_data_dir()
            .unwrap();
    }

    #[test]
    fn storage_urls_come_from_the_file_or_the_environment_and_hide_passwords() {
        let file = FileConfig::parse(
            "database_url = \"postgres://pendata:rahasia@db.example:5432/pendata\"\nblob_url = \"s3://foto-jabar/prov/32\"\n",
        )
        .unwrap();
        let c = Config::resolve(None, None, Some(file.clone())).unwrap();
        let db = c.database_url.clone().unwrap();
        assert_eq!(
            db.expose(),
            "postgres://pendata:rahasia@db.example:5432/pendata"
        );
        assert_eq!(db.to_string(), "postgres://db.example:5432/pendata");
        assert!(!format!("{c:?}").contains("rahasia"), "{c:?}");
        let blobs = c.blob_url.clone().unwrap();
        assert_eq!(
            (blobs.bucket.as_str(), blobs.prefix.as_str()),
            ("foto-jabar", "prov/32/")
        );
        // The environment (command line) wins; an empty value goes back to the default.
        let c = c.with_storage(Some("postgresql://other/db"), None).unwrap();
        assert_eq!(c.database_url.unwrap().expose(), "postgresql://other/db");
        let c = Config::resolve(None, None, Some(file))
            .unwrap()
            .with_storage(Some(""), Some(""))
            .unwrap();
        assert!(c.database_url.is_none() && c.blob_url.is_none());
        // No URL at all: SQLite and the photo folder, as always.
        let c = Config::resolve(None, None, None).unwrap();
        assert!(c.database_url.is_none() && c.blob_url.is_none());
    }

    #[test]
    fn bad_storage_urls_are_refused() {
        let base = || Config::with_data_dir("/d");
        assert!(matches!(
            base().with_storage(Some("mysql://x/y"), None),
            Err(ConfigError::BadDatabaseUrl)
        ));
        for bad in ["http://bucket", "s3://", "s3://UPPER", "s3://b/../x"] {
            assert!(
                matches!(
                    base().with_storage(Some("postgres://h/d"), Some(bad)),
                    Err(ConfigError::BadBlobUrl(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            base().with_storage(None, Some("s3://bucket")),
            Err(ConfigError::BlobUrlWithoutDatabase)
        ));
    }
}
