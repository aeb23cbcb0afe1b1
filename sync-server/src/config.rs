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
        }
    }
}

/// The TOML file: the same keys as the command line plus `[limits]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub limits: Limits,
    pub dtsen: pendata_shared::dtsen::DtsenRules,
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
        toml::from_str(text).map_err(|e| e.to_string())
    }
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
        let config = Config {
            data_dir,
            listen,
            limits: file.limits,
            dtsen: file.dtsen,
        };
        config.check_limits()?;
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
        }
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
}
