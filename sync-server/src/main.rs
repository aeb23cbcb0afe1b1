//! `pendata-server`: run the sync server or manage users of the same data directory.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use pendata_server::auth::{hash_password, validate_password, validate_username, validate_wilayah};
use pendata_server::backend::Backend;
use pendata_server::config::FileConfig;
use pendata_server::operator::{CsvExport, DtsenCsvExport, XlsxExport};
use pendata_server::store::{each_exported, NewUser, Role, Scope, StoreError};
use pendata_server::Config;

mod backup_cli;
mod migrate_cli;

#[derive(Parser)]
#[command(name = "pendata-server", version, about = "Pendata sync server")]
struct Cli {
    /// Data directory (database at DIR/pendata.db, photos under DIR/photos/).
    #[arg(long, global = true, env = "PENDATA_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// TOML config file (keys: data_dir, listen, database_url, blob_url, [limits]).
    #[arg(long, global = true, env = "PENDATA_CONFIG")]
    config: Option<PathBuf>,
    /// PostgreSQL for records and accounts, postgres://user:password@host:port/db (default:
    /// the SQLite file in the data directory). Every subcommand uses it.
    #[arg(
        long,
        global = true,
        env = "PENDATA_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// S3-compatible bucket for photos, s3://bucket/prefix (default: DIR/photos/); needs
    /// --database-url. Endpoint in PENDATA_S3_ENDPOINT, credentials in AWS_* variables.
    #[arg(long, global = true, env = "PENDATA_BLOB_URL")]
    blob_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server until SIGINT/SIGTERM.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (default) or 0.0.0.0:8080.
        #[arg(long, env = "PENDATA_LISTEN")]
        listen: Option<String>,
        /// The built web app to serve under /app/ (scripts/build-web app → target/web/app;
        /// default: the one built beside this binary, if any).
        #[arg(long, env = "PENDATA_WEB_DIR")]
        web_dir: Option<PathBuf>,
    },
    /// Manage users (works while `serve` runs on the same data directory).
    #[command(subcommand)]
    User(UserCommand),
    /// Import prelist households (assignments) from a CSV file; see docs/server.md.
    /// Bad rows are reported with their line numbers; good households are imported in one
    /// transaction. Re-importing a prelist_id updates it.
    ImportAssignments {
        /// CSV with the columns of docs/server.md, one row per member.
        file: PathBuf,
    },
    /// Import SIKS-NG's "Pemeringkatan Desil" export (columns Nomor KK, NIK, Desil; comma or
    /// semicolon). Read as a stream; a file with any bad row changes nothing (the bad rows are
    /// listed by line number). Each family named takes the file's desil; others keep theirs.
    ImportDesil {
        /// The CSV exported from SIKS-NG.
        file: PathBuf,
        /// A name for this import on the dashboard (default: the file's name).
        #[arg(long)]
        label: Option<String>,
    },
    /// Import usul-sanggah cases (Cek Bansos proposals and objections) from a CSV
    /// (docs/formats.md, "Usul-sanggah cases"): the whole file or, with any bad row, nothing.
    ImportCases { file: PathBuf },
    /// Rebuild the duplicate-NIK index with this server's key (`nik_key_file`, default
    /// DATA_DIR/nik-index.key): after the key was lost or replaced. Other server processes on
    /// the same database must then use the same key file.
    ReindexNik,
    /// Export households and members (one row per member) as CSV or XLSX.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// Only this region code prefix (desa, kecamatan, …); default everything.
        #[arg(long)]
        wilayah: Option<String>,
    },
    /// Export the DTSEN (Regsosek2022K) results for Kemensos/BPS as two CSV files: one row per
    /// family and one per member, code and label columns (docs/formats.md).
    ExportDtsen {
        /// Output CSV of families.
        #[arg(long)]
        families: PathBuf,
        /// Output CSV of members.
        #[arg(long)]
        members: PathBuf,
        /// Only this region code prefix (desa, kecamatan, …); default everything.
        #[arg(long)]
        wilayah: Option<String>,
    },
    /// Seed demo accounts (password `pendata-demo`) and the sample prelist. Idempotent.
    Demo,
    /// Back up the database and photos into a backup folder (works while `serve` runs; each
    /// run adds a snapshot and copies only new photos). See docs/server.md.
    Backup {
        /// The backup folder (e.g. on a USB disk).
        #[arg(long)]
        out: PathBuf,
        /// Encrypt to this age public key (`age1…`, from `age-keygen`); repeatable.
        #[arg(long = "encrypt-to", value_name = "AGE_PUBLIC_KEY")]
        encrypt_to: Vec<String>,
        /// Encrypt under the passphrase in this file (its first line).
        #[arg(long, conflicts_with = "encrypt_to")]
        passphrase_file: Option<PathBuf>,
    },
    /// Check a backup without restoring it (every photo and the database are read back).
    VerifyBackup {
        /// The backup folder, or one of its snapshots (`DIR/snapshots/NAME`).
        dir: PathBuf,
        #[command(flatten)]
        read: ReadBackup,
    },
    /// After PostgreSQL was restored with its own tools (pg_restore, point-in-time recovery),
    /// start a new timeline so the phones re-send what the restored database lacks. Run it once,
    /// with every pendata-server stopped. (On SQLite, `restore` does this itself.)
    MarkRestored {
        /// Which backup was restored (shown on the dashboard), e.g. "pg_dump 2026-12-06 02:00".
        #[arg(long)]
        snapshot: String,
    },
    /// Copy this SQLite data directory (database, and photos with --to-blob-url) into
    /// PostgreSQL (+ an S3 bucket). Stop `serve` first. Idempotent: run it again after a cut
    /// to finish. Ends with a count of both sides. See docs/server.md.
    MigrateStorage {
        /// The PostgreSQL to copy into (empty, or an unfinished earlier copy of this data).
        #[arg(long, env = "PENDATA_TO_DATABASE_URL", hide_env_values = true)]
        to_database_url: String,
        /// Copy the photos into this bucket, s3://bucket/prefix (endpoint and keys as for
        /// --blob-url); default: they stay in DIR/photos.
        #[arg(long)]
        to_blob_url: Option<String>,
        /// Rows per INSERT.
        #[arg(long, default_value_t = pendata_server::migrate::DEFAULT_BATCH_ROWS)]
        batch_rows: usize,
        /// Testing: stop after reading this many rows (a cut migration).
        #[arg(long, hide = true)]
        stop_after_rows: Option<u64>,
    },
    /// Restore a backup into a NEW, empty data directory (`--data-dir`).
    Restore {
        /// The backup folder, or one of its snapshots (`DIR/snapshots/NAME`).
        #[arg(long)]
        from: PathBuf,
        #[command(flatten)]
        read: ReadBackup,
    },
}

/// Which snapshot of a backup to read, and its key when it is encrypted.
#[derive(clap::Args)]
struct ReadBackup {
    /// A snapshot name (default: the newest).
    #[arg(long)]
    snapshot: Option<String>,
    /// The passphrase of an encrypted backup, in this file (its first line).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// An age identity file (`AGE-SECRET-KEY-1…`) for a backup encrypted with --encrypt-to.
    #[arg(long, conflicts_with = "passphrase_file")]
    identity: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password is read from stdin when it is not a terminal, else prompted.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: Role,
        /// Dotless region code of 2, 4, 6 or 10 digits (e.g. 320101 or 3201012001);
        /// admins may omit it or pass "" for all regions.
        #[arg(long, default_value = "")]
        wilayah: String,
    },
    /// List users.
    List,
    /// Disable a user; their tokens stop working at once.
    Disable { username: String },
    /// Re-enable a disabled user.
    Enable { username: String },
    /// Log a user out of every device.
    ResetDevices { username: String },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    let file = cli
        .config
        .as_deref()
        .map(FileConfig::load)
        .transpose()
        .context("reading the config file")?;
    let (database_url, blob_url) = (cli.database_url, cli.blob_url);
    let resolve = |listen: Option<String>| -> anyhow::Result<Config> {
        Ok(Config::resolve(cli.data_dir.clone(), listen, file.clone())?
            .with_storage(database_url.as_deref(), blob_url.as_deref())?)
    };
    match cli.command {
        Command::Serve { listen, web_dir } => {
            let mut config = resolve(listen)?;
            if web_dir.is_some() {
                config.web_dir = web_dir;
            }
            serve(config)
        }
        Command::User(cmd) => user_command(&resolve(None)?, cmd),
        Command::ImportAssignments { file: csv } => import_assignments(&resolve(None)?, &csv),
        Command::ReindexNik => reindex_nik(&resolve(None)?),
        Command::ImportCases { file } => import_cases(&resolve(None)?, &file),
        Command::ImportDesil { file, label } => {
            import_desil(&resolve(None)?, &file, label.as_deref())
        }
        Command::Export {
            format,
            out,
            wilayah,
        } => export(&resolve(None)?, format, &out, wilayah.as_deref()),
        Command::ExportDtsen {
            families,
            members,
            wilayah,
        } => export_dtsen(&resolve(None)?, &families, &members, wilayah.as_deref()),
        Command::Demo => demo(&resolve(None)?),
        Command::Backup {
            out,
            encrypt_to,
            passphrase_file,
        } => {
            let config = resolve(None)?;
            if let Some(url) = &config.database_url {
                bail!(
                    "backup copies the SQLite data directory; this server runs on PostgreSQL ({url}): back it up with pg_dump or the database's own point-in-time recovery, and the photo bucket with its replication; after restoring it, run `pendata-server mark-restored` (docs/server.md)"
                );
            }
            backup_cli::backup(&config, &out, encrypt_to, passphrase_file.as_deref())
        }
        Command::VerifyBackup { dir, read } => backup_cli::verify(&dir, &read),
        Command::MarkRestored { snapshot } => mark_restored(&resolve(None)?, &snapshot),
        Command::MigrateStorage {
            to_database_url,
            to_blob_url,
            batch_rows,
            stop_after_rows,
        } => {
            let config = resolve(None)?;
            if config.database_url.is_some() || config.blob_url.is_some() {
                bail!(
                    "migrate-storage membaca direktori data SQLite; --database-url/--blob-url menunjuk sumber, pakai --to-database-url/--to-blob-url \
                     (migrate-storage reads the SQLite data directory; name the target with --to-database-url/--to-blob-url, not --database-url/--blob-url)"
                );
            }
            migrate_cli::migrate_storage(
                &config,
                &to_database_url,
                to_blob_url.as_deref(),
                batch_rows,
                stop_after_rows,
            )
        }
        Command::Restore { from, read } => {
            let Some(data_dir) = cli.data_dir else {
                bail!(
                    "restore needs --data-dir NEW: the new, empty data directory to restore into"
                );
            };
            backup_cli::restore(&from, &read, &data_dir)
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn import_assignments(config: &Config, path: &std::path::Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message("reading");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    std::io::Read::read_to_end(&mut bar.wrap_read(file), &mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    // A ground-check list (first column assignment_id) or a DTKS prelist (prelist_id).
    let parsed = pendata_server::operator::parse_assignments_csv(&bytes, today())
        .map_err(anyhow::Error::msg)?;
    bar.set_message("importing");
    let store = open_store(config)?;
    let summary = store
        .records
        .import_prelist(&parsed.households)
        .context("importing (nothing was imported)")?;
    bar.finish_and_clear();
    for e in &parsed.errors {
        eprintln!("{}: {e}", path.display());
    }
    println!(
        "imported {} household(s): {} created, {} updated; {} bad row(s), {} household(s) skipped",
        parsed.households.len(),
        summary.created,
        summary.updated,
        parsed.errors.len(),
        parsed.skipped_households
    );
    if !parsed.errors.is_empty() {
        bail!(
            "{} bad row(s); fix them and import again",
            parsed.errors.len()
        );
    }
    Ok(())
}

fn reindex_nik(config: &Config) -> anyhow::Result<()> {
    let key = pendata_server::nik_index::NikKey::load_or_create(&config.nik_key_path())?;
    let store = open_store(config)?;
    let n = pendata_server::nik_index::reindex(store.registry.as_ref(), &key)
        .map_err(|e| anyhow::anyhow!("[{}] {e}", e.code()))?;
    println!(
        "indeks NIK dibangun ulang: {n} rumah tangga/keluarga (NIK index rebuilt: {n} records)"
    );
    Ok(())
}

fn import_cases(config: &Config, path: &std::path::Path) -> anyhow::Result<()> {
    use pendata_server::cases::import::{import_case_file, CaseFileError};
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let store = open_store(config)?;
    match import_case_file(&bytes, store.cases.as_ref(), &config.cases) {
        Ok(s) => {
            println!(
                "imported cases: {} created, {} updated",
                s.created, s.updated
            );
            Ok(())
        }
        Err(CaseFileError::BadRows(rows)) => {
            for e in &rows {
                eprintln!("{}: {e}", path.display());
            }
            bail!(
                "{} bad row(s); nothing was imported — fix them and import the whole file again",
                rows.len()
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn import_desil(
    config: &Config,
    path: &std::path::Path,
    label: Option<&str>,
) -> anyhow::Result<()> {
    use pendata_server::desil_import::{import_desil, DesilImportError};
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let label = match label {
        Some(l) => l.to_owned(),
        None => path
            .file_name()
            .map_or_else(|| "desil".into(), |n| n.to_string_lossy().into_owned()),
    };
    let store = open_store(config)?;
    let input = std::io::BufReader::with_capacity(256 * 1024, file);
    match import_desil(input, &label, None, store.registry.as_ref(), today()) {
        Ok(import) => {
            println!(
                "desil diimpor: {} keluarga dari {} baris (desil imported: {} families from {} rows)",
                import.families, import.rows, import.families, import.rows
            );
            Ok(())
        }
        Err(DesilImportError::BadRows { rows, count }) => {
            for e in &rows {
                eprintln!("{}: {e}", path.display());
            }
            if count > rows.len() as u64 {
                eprintln!("… {} more", count - rows.len() as u64);
            }
            bail!(DesilImportError::BadRows {
                rows: Vec::new(),
                count
            })
        }
        Err(e) => bail!("[{}] {e}", e.code()),
    }
}

fn export(
    config: &Config,
    format: ExportFormat,
    out: &std::path::Path,
    wilayah: Option<&str>,
) -> anyhow::Result<()> {
    let scope = export_scope(wilayah)?;
    let store = open_store(config)?;
    let records = store.records.as_ref();
    // One page of households in memory at a time (a province does not fit).
    let (households, rows) = match format {
        ExportFormat::Csv => {
            let file = std::fs::File::create(out)
                .with_context(|| format!("creating {}", out.display()))?;
            let mut csv =
                CsvExport::new(std::io::BufWriter::new(file)).map_err(anyhow::Error::msg)?;
            let n = each_exported(records, &scope, |e| {
                csv.write(&e).map_err(anyhow::Error::msg)
            })?;
            (n, csv.finish().map_err(anyhow::Error::msg)?)
        }
        ExportFormat::Xlsx => {
            let mut xlsx = XlsxExport::new().map_err(anyhow::Error::msg)?;
            let n = each_exported(records, &scope, |e| {
                xlsx.write(&e).map_err(anyhow::Error::msg)
            })?;
            (n, xlsx.finish(out).map_err(anyhow::Error::msg)?)
        }
    };
    println!(
        "exported {households} household(s), {rows} row(s) to {}",
        out.display()
    );
    Ok(())
}

fn export_scope(wilayah: Option<&str>) -> anyhow::Result<Scope> {
    Ok(match wilayah {
        None => Scope::all(),
        Some(w) => {
            validate_wilayah(Role::Supervisor, w).map_err(anyhow::Error::msg)?;
            Scope::within(w)
        }
    })
}

fn export_dtsen(
    config: &Config,
    families: &std::path::Path,
    members: &std::path::Path,
    wilayah: Option<&str>,
) -> anyhow::Result<()> {
    let scope = export_scope(wilayah)?;
    let store = open_store(config)?;
    let create = |p: &std::path::Path| {
        std::fs::File::create(p)
            .map(std::io::BufWriter::new)
            .with_context(|| format!("creating {}", p.display()))
    };
    let mut dtsen =
        DtsenCsvExport::new(create(families)?, create(members)?).map_err(anyhow::Error::msg)?;
    each_exported(store.records.as_ref(), &scope, |e| {
        dtsen.write(&e).map_err(anyhow::Error::msg)
    })?;
    let (f, m) = dtsen.finish().map_err(anyhow::Error::msg)?;
    println!(
        "exported {f} DTSEN famil{} to {} and {m} member row(s) to {}",
        if f == 1 { "y" } else { "ies" },
        families.display(),
        members.display()
    );
    Ok(())
}

fn demo(config: &Config) -> anyhow::Result<()> {
    let store = open_store(config)?;
    let said = pendata_server::operator::seed_demo(
        store.accounts.as_ref(),
        store.records.as_ref(),
        today(),
    )
    .map_err(anyhow::Error::msg)?;
    for line in said {
        println!("{line}");
    }
    println!(
        "WARNING: demo accounts share the password {:?}. For trying Pendata out only; never on a real server.",
        pendata_server::operator::DEMO_PASSWORD
    );
    Ok(())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PENDATA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn serve(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let state = pendata_server::AppState::open(config.clone()).with_context(|| {
            format!(
                "opening data directory {} ({})",
                config.data_dir.display(),
                storage_name(&config)
            )
        })?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        pendata_server::serve_state(state, listener, pendata_server::shutdown_signal())
            .await
            .context("server failed")
    })
}

/// `mark-restored`: a new timeline on a PostgreSQL database restored with its own tools.
fn mark_restored(config: &Config, snapshot: &str) -> anyhow::Result<()> {
    if config.database_url.is_none() {
        bail!(
            "pada SQLite, `pendata-server restore` sudah menandai pemulihan (on SQLite, `pendata-server restore` marks the restore itself)"
        );
    }
    if snapshot.trim().is_empty() {
        bail!("--snapshot tidak boleh kosong (--snapshot must say which backup was restored)");
    }
    let backend = open_store(config)?;
    let generation = backend
        .restores
        .mark_restored(snapshot.trim())
        .context("marking the restore (nothing changed)")?;
    println!(
        "dipulihkan: generasi {generation}. Jalankan pendata-server lagi; HP petugas mengirim ulang yang hilang saat sinkron berikutnya. \
         (marked restored: generation {generation}. Start pendata-server again; the phones re-send what is missing at their next sync.)"
    );
    Ok(())
}

/// The stores the configuration names (SQLite in the data directory, or PostgreSQL).
fn open_store(config: &Config) -> anyhow::Result<Backend> {
    let backend = Backend::open(config, 1)
        .with_context(|| format!("opening the database ({})", storage_name(config)))?;
    Ok(backend)
}

fn storage_name(config: &Config) -> String {
    match &config.database_url {
        Some(url) => format!("PostgreSQL {url}"),
        None => config.db_path().display().to_string(),
    }
}

fn user_command(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let backend = open_store(config)?;
    let store = backend.accounts.as_ref();
    match cmd {
        UserCommand::Add {
            username,
            role,
            wilayah,
        } => {
            validate_username(&username).map_err(anyhow::Error::msg)?;
            let wilayah = wilayah.trim().to_owned();
            validate_wilayah(role, &wilayah).map_err(anyhow::Error::msg)?;
            let password = read_password()?;
            validate_password(&password).map_err(anyhow::Error::msg)?;
            let password_hash =
                hash_password(&password).map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
            match store.create_user(NewUser {
                username: username.clone(),
                password_hash,
                role,
                wilayah,
            }) {
                Ok(user) => println!(
                    "added {} ({}, wilayah {})",
                    user.username,
                    user.role,
                    shown_wilayah(&user.wilayah)
                ),
                Err(StoreError::UsernameTaken) => bail!("username {username:?} already exists"),
                Err(e) => return Err(e).context("adding the user"),
            }
        }
        UserCommand::List => {
            println!(
                "{:<24} {:<11} {:<11} {:<9} devices",
                "username", "role", "wilayah", "status"
            );
            for u in store.list_users()? {
                println!(
                    "{:<24} {:<11} {:<11} {:<9} {}",
                    u.username,
                    u.role,
                    shown_wilayah(&u.wilayah),
                    if u.disabled { "disabled" } else { "active" },
                    u.active_devices
                );
            }
        }
        UserCommand::Disable { username } => {
            if !store.set_disabled(&username, true)? {
                bail!("no user {username:?}");
            }
            println!("disabled {username}");
        }
        UserCommand::Enable { username } => {
            if !store.set_disabled(&username, false)? {
                bail!("no user {username:?}");
            }
            println!("enabled {username}");
        }
        UserCommand::ResetDevices { username } => match store.reset_devices(&username)? {
            None => bail!("no user {username:?}"),
            Some(n) => println!("revoked {n} token(s) of {username}"),
        },
    }
    Ok(())
}

fn shown_wilayah(w: &str) -> &str {
    if w.is_empty() {
        "(semua)"
    } else {
        w
    }
}

/// One line from stdin when piped; else prompted twice on the terminal.
fn read_password() -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if password.is_empty() {
            bail!("no password on stdin");
        }
        return Ok(password);
    }
    let first = rpassword::prompt_password("Password: ").context("reading the password")?;
    let second = rpassword::prompt_password("Repeat password: ").context("reading the password")?;
    if first != second {
        bail!("the passwords do not match");
    }
    Ok(first)
}
