//! `pendata-server`: run the sync server or manage users of the same data directory.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use pendata_server::auth::{hash_password, validate_password, validate_username, validate_wilayah};
use pendata_server::config::FileConfig;
use pendata_server::store::sqlite::SqliteStore;
use pendata_server::store::{AccountStore, NewUser, Role, StoreError};
use pendata_server::Config;

#[derive(Parser)]
#[command(name = "pendata-server", version, about = "Pendata sync server")]
struct Cli {
    /// Data directory (database at DIR/pendata.db, photos under DIR/photos/).
    #[arg(long, global = true, env = "PENDATA_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// TOML config file (keys: data_dir, listen, [limits]).
    #[arg(long, global = true, env = "PENDATA_CONFIG")]
    config: Option<PathBuf>,
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
    },
    /// Manage users (works while `serve` runs on the same data directory).
    #[command(subcommand)]
    User(UserCommand),
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
    match cli.command {
        Command::Serve { listen } => {
            let config = Config::resolve(cli.data_dir, listen, file)?;
            serve(config)
        }
        Command::User(cmd) => {
            let config = Config::resolve(cli.data_dir, None, file)?;
            user_command(&config, cmd)
        }
    }
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
        let state = pendata_server::AppState::open(config.clone())
            .with_context(|| format!("opening data directory {}", config.data_dir.display()))?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        pendata_server::serve_state(state, listener, pendata_server::shutdown_signal())
            .await
            .context("server failed")
    })
}

fn open_store(config: &Config) -> anyhow::Result<SqliteStore> {
    config.prepare_data_dir()?;
    SqliteStore::open(&config.db_path(), 1)
        .with_context(|| format!("opening database {}", config.db_path().display()))
}

fn user_command(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let store = open_store(config)?;
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
