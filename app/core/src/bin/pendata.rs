//! `pendata`: the headless Pendata client. Messages in Bahasa Indonesia; `--lang en` for English.
//!
//! The data directory is always encrypted. `pendata init` sets it up with a PIN; every other
//! command unlocks it with the PIN from `PENDATA_PASSPHRASE` or, when that is unset, from a
//! prompt on the terminal. Exit codes: 0 success, 1 failure, 2 usage, 3 wrong PIN, 4 data
//! directory not set up (run `pendata init`).
//!
//! `PENDATA_KDF=test` makes `init` use cheap argon2 parameters. It is for automated tests only:
//! a key file made that way protects nothing against PIN guessing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use pendata_core::crypto::KdfParams;
use pendata_core::store::{DeleteOutcome, RecordState, SearchQuery, StoreError};

#[path = "pendata/case_cli.rs"]
mod case_cli;
#[path = "pendata/family_cli.rs"]
mod family_cli;
#[path = "pendata/sync_cli.rs"]
mod sync_cli;
use pendata_core::{Device, DeviceError, PhotoOptions};
use pendata_shared::photos::{photo_checklist, PhotoKind};
use pendata_shared::validate::Context;
use pendata_shared::{
    validate_household, CodeList, Finding, Household, HouseholdId, Lang, RecordKind, Severity,
};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Id,
    En,
}

#[derive(Debug, Parser)]
#[command(
    name = "pendata",
    version,
    about = "Pendata: klien pendataan DTKS tanpa antarmuka grafis"
)]
struct Cli {
    /// Data directory (default: $XDG_DATA_HOME/pendata or ~/.local/share/pendata)
    #[arg(long, global = true, env = "PENDATA_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Message language
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "id",
        env = "PENDATA_LANG"
    )]
    lang: LangArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Set up the data directory: create the PIN-protected key (PIN asked twice, or
    /// PENDATA_PASSPHRASE)
    Init,
    /// Change the PIN (old: PENDATA_PASSPHRASE, new: PENDATA_NEW_PASSPHRASE, or prompts)
    ChangePin,
    /// Household records
    #[command(subcommand)]
    Household(HouseholdCmd),
    /// Photos of a household
    #[command(subcommand)]
    Photo(PhotoCmd),
    /// DTSEN (Regsosek2022K) family forms
    #[command(subcommand)]
    Family(FamilyCmd),
    /// Cases taken to the field: usul-sanggah verification, PBI-JK reactivation, graduasi PKH
    #[command(subcommand)]
    Case(CaseCmd),
    /// Log in to the sync server and enrol this device (password: PENDATA_PASSWORD, stdin
    /// when it is not a terminal, or a prompt). The session is kept in the encrypted store.
    Login {
        /// Server address, e.g. https://pendata.kecamatan.example
        #[arg(long)]
        server: String,
        #[arg(long)]
        username: String,
        /// PEM file of the office server's CA certificate (docs/tls.md)
        #[arg(long)]
        ca_cert: Option<PathBuf>,
        /// How the server lists this device (default: the host name)
        #[arg(long)]
        device_name: Option<String>,
    },
    /// Log out: revoke this device's token on the server when it is reachable and always forget
    /// it on the device. Unsent records and photos stay on the device (their count is shown)
    Logout,
    /// Queue the final records, send photos and queued records, then fetch assignments,
    /// reviews and conflicts. Exits 1 when the server refused something (listed with reasons)
    Sync,
    /// Counts per state, what waits to be sent, refused records, conflicts, last sync
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Assignments pulled by `pendata sync`: prelist households (verivali) and ground-check
    /// families (DTSEN)
    #[command(subcommand)]
    Assignment(AssignmentCmd),
    /// Test helpers
    #[command(subcommand, hide = true)]
    Debug(DebugCmd),
}

#[derive(Debug, Subcommand)]
enum HouseholdCmd {
    /// Import households from a JSON file (one household or an array); all or nothing
    Import {
        file: PathBuf,
        /// Store records with validation errors as drafts instead of refusing the file
        #[arg(long)]
        allow_errors: bool,
    },
    /// List households
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        desa: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Show one household
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Make a household final (refused when validation finds errors)
    Finalize { id: String },
    /// Delete a household (a tombstone until the server acknowledges it)
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
enum FamilyCmd {
    /// Check DTSEN family forms from a JSON file (one family or an array) with the offline
    /// rules; needs no data directory. Exits 1 when a family has an error
    Validate {
        file: PathBuf,
        /// Print the findings as JSON
        #[arg(long)]
        json: bool,
    },
    /// Ground-check families: those not opened yet (from `pendata sync`) and those on this device
    List {
        /// Name, NIK, KK number, list id or address
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Open a ground-check assignment: the first time makes the family's draft from the list
    Open { id: String },
    /// Show a family (members numbered for --presence)
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Nobody home ("kunjungi lagi"): record the visit; the family goes to the revisit list
    Revisit {
        id: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The families waiting for another visit
    Revisits {
        #[arg(long)]
        json: bool,
    },
    /// Record the ground-check outcome of a visit: found, moved, died, not_found
    Outcome {
        id: String,
        /// found | moved | died | not_found
        #[arg(long)]
        outcome: String,
        /// A member's keberadaan (404), NUMBER=CODE as `family show` numbers them, e.g. 2=3
        /// (repeatable); members left out get the outcome's default
        #[arg(long)]
        presence: Vec<String>,
        /// Hasil pendataan (205): 1-5 (moved: 5 when left out)
        #[arg(long)]
        result: Option<u8>,
        /// Catatan (Blok VI), required when 205 is 2-5
        #[arg(long)]
        note: Option<String>,
    },
    /// Set one field of the form, e.g. `housing.floor_area_m2 36` or `members[0].marital_status 2`
    Set {
        id: String,
        path: String,
        /// A JSON value (a bare word is text)
        value: String,
    },
    /// Save a whole family from a JSON file (e.g. `family show ID --json`, edited)
    Save { file: PathBuf },
    /// Make a family final (refused with every finding when the form is not complete)
    Finalize { id: String },
    /// Show or set this device's revisit policy (as the Dinsos decided it)
    Rules {
        #[arg(long)]
        max_attempts: Option<u8>,
        #[arg(long)]
        min_days_between: Option<u16>,
    },
}

#[derive(Debug, Subcommand)]
enum CaseCmd {
    /// The cases of this device by due date: opened ones with their state, and those not
    /// opened yet (from `pendata sync`)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Open a case from its assignment: the first time makes its draft
    Open { id: String },
    /// Show a case: what was assigned, what was found, the photo checklist
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Record the finding (options left out keep what is stored). Photos: `pendata photo add
    /// --household ID --kind F-RUMAH|F-SURAT-FASKES|F-SKTM|F-SURAT-GRADUASI|… FILE`
    Finding {
        id: String,
        /// Usul-sanggah: layak | tidak_layak
        #[arg(long)]
        verdict: Option<String>,
        /// Usul-sanggah: the tidak-layak reason id (`pendata case reasons`); graduasi: the
        /// reason, as text
        #[arg(long)]
        reason: Option<String>,
        /// The facilitator's note (usul-sanggah, PBI-JK)
        #[arg(long)]
        note: Option<String>,
        /// PBI-JK: yes | no (the facilitator's view of the emergency)
        #[arg(long)]
        emergency: Option<String>,
        /// Graduasi: mandiri | alami | paksa
        #[arg(long = "type")]
        graduation_type: Option<String>,
        /// Graduasi: the assessment note
        #[arg(long)]
        assessment: Option<String>,
        /// Where the facilitator stands (typed in: source manual), with --lon
        #[arg(long, requires = "lon", allow_hyphen_values = true)]
        lat: Option<f64>,
        #[arg(long, requires = "lat", allow_hyphen_values = true)]
        lon: Option<f64>,
    },
    /// The tidak-layak reasons (DTSEN-REFERENCE §3.8) with their ids
    Reasons,
    /// Make a case final (refused with every finding when it is not complete)
    Finalize { id: String },
}

#[derive(Debug, Subcommand)]
enum AssignmentCmd {
    /// List the active assignments
    List {
        #[arg(long)]
        desa: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Open an assignment: makes the draft record from the prelist (a DTKS household) or the
    /// ground-check list (a DTSEN family)
    Open { id: String },
}

#[derive(Debug, Subcommand)]
enum PhotoCmd {
    /// Take a photo file (JPEG or PNG) into a household; a retake replaces the earlier one
    Add {
        #[arg(long)]
        household: String,
        /// F-RUMAH, F-RUMAH-DALAM, F-DINDING, F-LANTAI, F-ATAP, F-DAPUR, F-JAMBAN, F-KK, F-KTP,
        /// F-KRT, F-BERITA-ACARA; for cases F-SURAT-FASKES, F-SKTM, F-SURAT-GRADUASI
        #[arg(long)]
        kind: String,
        /// The member shown (F-KTP, F-KRT)
        #[arg(long)]
        member: Option<String>,
        file: PathBuf,
    },
    /// List a household's photos
    List {
        #[arg(long)]
        household: String,
    },
}

#[derive(Debug, Subcommand)]
enum DebugCmd {
    /// Edit a field N times, printing `ack <i>` after each committed transaction
    AutosaveLoop {
        #[arg(long)]
        household: String,
        #[arg(long)]
        count: u64,
    },
}

/// Pick the message in the asked language.
fn t(lang: Lang, id: &str, en: &str) -> String {
    pendata_shared::text::pick_ref(lang, id, en).to_string()
}

fn default_data_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(x).join("pendata");
    }
    if let Some(a) = std::env::var_os("LOCALAPPDATA").filter(|x| !x.is_empty()) {
        return PathBuf::from(a).join("pendata");
    }
    match std::env::var_os("HOME").filter(|x| !x.is_empty()) {
        Some(h) => PathBuf::from(h).join(".local/share/pendata"),
        None => PathBuf::from("pendata-data"),
    }
}

/// An error that ends the program with a particular exit code.
#[derive(Debug)]
struct Exit {
    code: u8,
    message: String,
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

const EXIT_WRONG_PIN: u8 = 3;
const EXIT_NOT_INITIALIZED: u8 = 4;

fn not_initialized(dir: &Path) -> anyhow::Error {
    Exit {
        code: EXIT_NOT_INITIALIZED,
        message: format!(
            "Data belum disiapkan di {0}: jalankan `pendata init` terlebih dahulu.\n\
             Not set up in {0}: run `pendata init` first.",
            dir.display()
        ),
    }
    .into()
}

/// A device error for people: wrong PIN and a missing key file get their own exit codes.
fn device_err(e: DeviceError, dir: &Path, lang: Lang) -> anyhow::Error {
    if e.is_wrong_pin() {
        return Exit {
            code: EXIT_WRONG_PIN,
            message: format!(
                "{} ({})",
                t(lang, "PIN salah", "Wrong PIN (PIN salah)"),
                e.code()
            ),
        }
        .into();
    }
    if matches!(e, DeviceError::NotInitialized { .. }) {
        return not_initialized(dir);
    }
    anyhow::anyhow!("{} ({})", e.message(lang), e.code())
}

/// Reads a secret: from the environment variable `var` when set, else from the terminal.
fn secret(var: &str, prompt: &str, lang: Lang) -> anyhow::Result<String> {
    if let Ok(v) = std::env::var(var) {
        return Ok(v);
    }
    // Prompt only when a person is at the terminal; scripts must use the variable.
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        anyhow::bail!(t(
            lang,
            &format!("tidak ada terminal untuk menanyakan PIN; setel {var}"),
            &format!("no terminal to ask for the PIN; set {var}"),
        ));
    }
    rpassword::prompt_password(prompt).with_context(|| {
        t(
            lang,
            &format!("tidak dapat membaca PIN dari terminal; setel {var}"),
            &format!("cannot read the PIN from the terminal; set {var}"),
        )
    })
}

/// Reads a new secret: from `var`, else prompted twice (both must match).
fn new_secret(var: &str, lang: Lang) -> anyhow::Result<String> {
    if let Ok(v) = std::env::var(var) {
        return Ok(v);
    }
    let first = secret(var, &t(lang, "PIN baru: ", "New PIN: "), lang)?;
    let again = secret(
        var,
        &t(lang, "Ulangi PIN baru: ", "Repeat the new PIN: "),
        lang,
    )?;
    if first != again {
        anyhow::bail!(t(
            lang,
            "kedua PIN tidak sama; tidak ada yang diubah",
            "the two PINs differ; nothing was changed"
        ));
    }
    Ok(first)
}

/// Argon2 cost for new key files: the real default, or cheap ones under `PENDATA_KDF=test`.
fn kdf_params(lang: Lang) -> anyhow::Result<KdfParams> {
    match std::env::var("PENDATA_KDF").ok().as_deref() {
        None | Some("") | Some("default") => Ok(KdfParams::default()),
        Some("test") => {
            tracing::warn!("PENDATA_KDF=test: cheap key derivation, for tests only");
            Ok(KdfParams::insecure_for_tests())
        }
        Some(other) => anyhow::bail!(t(
            lang,
            &format!("PENDATA_KDF tidak dikenal: {other} (default atau test)"),
            &format!("unknown PENDATA_KDF: {other} (default or test)")
        )),
    }
}

/// The one place the CLI unlocks the data directory.
fn open_device(dir: &Path, lang: Lang) -> anyhow::Result<Device> {
    if !Device::exists(dir) {
        return Err(not_initialized(dir));
    }
    let pin = secret("PENDATA_PASSPHRASE", &t(lang, "PIN: ", "PIN: "), lang)?;
    Device::unlock(dir, &pin).map_err(|e| device_err(e, dir, lang))
}

fn parse_id(s: &str, lang: Lang) -> anyhow::Result<HouseholdId> {
    s.trim().parse().map_err(|_| {
        anyhow::anyhow!(t(
            lang,
            &format!("id rumah tangga tidak sah: {s}"),
            &format!("invalid household id: {s}")
        ))
    })
}

fn print_findings(findings: &[Finding], lang: Lang) {
    for f in findings {
        let sev = match (f.severity, lang) {
            (Severity::Error, Lang::Id) => "KESALAHAN",
            (Severity::Error, Lang::En) => "ERROR",
            (Severity::Warning, Lang::Id) => "peringatan",
            (Severity::Warning, Lang::En) => "warning",
        };
        println!("  {sev} {} [{}]: {}", f.path, f.code, f.message_in(lang));
    }
}

/// Makes a record final (household, family or case), printing every finding; exits 1 with the
/// findings when it cannot be final.
fn finalize(
    device: &mut Device,
    id: HouseholdId,
    dir: &Path,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    match device.finalize(id) {
        Ok(findings) => {
            print_findings(&findings, lang);
            println!("{}", t(lang, "status: final", "state: final"));
            Ok(ExitCode::SUCCESS)
        }
        Err(DeviceError::Store(StoreError::NotFinalizable(findings))) => {
            print_findings(&findings, lang);
            eprintln!(
                "{}",
                t(
                    lang,
                    "tidak dapat difinalkan: perbaiki kesalahan di atas",
                    "cannot be made final: fix the errors above",
                )
            );
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(device_err(e, dir, lang)),
    }
}

fn store_err(e: StoreError, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!("{} ({})", e.message(lang), e.code())
}

fn main() -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PENDATA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    let cli = Cli::parse();
    let lang = match cli.lang {
        LangArg::Id => Lang::Id,
        LangArg::En => Lang::En,
    };
    match run(cli, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {e:#}", t(lang, "galat", "error"));
            match e.downcast_ref::<Exit>() {
                Some(exit) => ExitCode::from(exit.code),
                None => ExitCode::FAILURE,
            }
        }
    }
}

fn run(cli: Cli, lang: Lang) -> anyhow::Result<ExitCode> {
    let dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    match cli.command {
        Command::Init => {
            if Device::exists(&dir) {
                anyhow::bail!(t(
                    lang,
                    &format!("data sudah disiapkan di {}", dir.display()),
                    &format!("already set up in {}", dir.display())
                ));
            }
            let params = kdf_params(lang)?;
            let pin = new_secret("PENDATA_PASSPHRASE", lang)?;
            Device::create(&dir, &pin, params).map_err(|e| device_err(e, &dir, lang))?;
            println!(
                "{}",
                t(
                    lang,
                    &format!("data disiapkan di {}", dir.display()),
                    &format!("set up in {}", dir.display())
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::ChangePin => {
            if !Device::exists(&dir) {
                return Err(not_initialized(&dir));
            }
            let old = secret(
                "PENDATA_PASSPHRASE",
                &t(lang, "PIN lama: ", "Current PIN: "),
                lang,
            )?;
            let new = new_secret("PENDATA_NEW_PASSPHRASE", lang)?;
            Device::change_pin(&dir, &old, &new).map_err(|e| device_err(e, &dir, lang))?;
            println!("{}", t(lang, "PIN diganti", "PIN changed"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Household(cmd) => household(cmd, &dir, lang),
        Command::Photo(cmd) => photo(cmd, &dir, lang),
        Command::Family(cmd) => family_cli::run(cmd, &dir, lang),
        Command::Case(cmd) => case_cli::run(cmd, &dir, lang),
        Command::Login {
            server,
            username,
            ca_cert,
            device_name,
        } => sync_cli::login(
            &dir,
            lang,
            &server,
            &username,
            ca_cert.as_deref(),
            device_name,
        ),
        Command::Logout => sync_cli::logout(&dir, lang),
        Command::Sync => sync_cli::sync(&dir, lang),
        Command::Status { json } => sync_cli::status(&dir, lang, json),
        Command::Assignment(cmd) => sync_cli::assignment(cmd, &dir, lang),
        Command::Debug(DebugCmd::AutosaveLoop { household, count }) => {
            let id = parse_id(&household, lang)?;
            let mut device = open_device(&dir, lang)?;
            let store = device.store_mut();
            let stdout = std::io::stdout();
            for i in 1..=count {
                store
                    .set_field(
                        id,
                        "notes",
                        serde_json::Value::String(format!("autosave {i}")),
                    )
                    .map_err(|e| store_err(e, lang))?;
                let mut out = stdout.lock();
                writeln!(out, "ack {i}")?;
                out.flush()?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn household(cmd: HouseholdCmd, dir: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        HouseholdCmd::Import { file, allow_errors } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| t(lang, "membaca berkas", "reading the file"))?;
            let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
                t(
                    lang,
                    "berkas bukan JSON yang sah",
                    "the file is not valid JSON",
                )
            })?;
            let items = match value {
                serde_json::Value::Array(a) => a,
                other => vec![other],
            };
            let mut households = Vec::new();
            for (i, v) in items.into_iter().enumerate() {
                let h: Household = serde_json::from_value(v).with_context(|| {
                    t(
                        lang,
                        &format!("rumah tangga ke-{} tidak sesuai format", i + 1),
                        &format!("household #{} does not match the format", i + 1),
                    )
                })?;
                households.push(h);
            }
            let ctx =
                Context::embedded(pendata_shared::month::zone::latest_today(chrono::Utc::now()));
            let mut errors = 0usize;
            for h in &households {
                let findings = validate_household(h, &ctx);
                errors += findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count();
                println!(
                    "{} ({} {})",
                    h.id,
                    findings.len(),
                    t(lang, "temuan", "findings")
                );
                print_findings(&findings, lang);
            }
            if errors > 0 && !allow_errors {
                eprintln!(
                    "{}",
                    t(
                        lang,
                        &format!("{errors} kesalahan: tidak ada yang disimpan"),
                        &format!("{errors} errors: nothing was stored"),
                    )
                );
                return Ok(ExitCode::FAILURE);
            }
            let mut device = open_device(dir, lang)?;
            device
                .store_mut()
                .import(&households)
                .map_err(|e| store_err(e, lang))?;
            println!(
                "{}",
                t(
                    lang,
                    &format!("{} rumah tangga disimpan", households.len()),
                    &format!("{} households stored", households.len()),
                )
            );
            // A file carries photo references, never photo bytes: each household whose photos are
            // not on this device stays a draft and cannot be final until they are taken again.
            let mut not_here = 0usize;
            for h in &households {
                let findings = device.local_photo_findings(h);
                if !findings.is_empty() {
                    println!("{}", h.id);
                    print_findings(&findings, lang);
                    not_here += findings.len();
                }
            }
            if not_here > 0 {
                println!(
                    "{}",
                    t(
                        lang,
                        &format!(
                            "{not_here} foto belum ada di perangkat: rumah tangga disimpan sebagai \
                             draf dan baru dapat difinalkan setelah fotonya diambil ulang"
                        ),
                        &format!(
                            "{not_here} photos are not on this device: the households are kept as \
                             drafts and can be made final once the photos are taken again"
                        ),
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        HouseholdCmd::List {
            state,
            search,
            desa,
            limit,
            offset,
        } => {
            let state = match state {
                Some(s) => Some(RecordState::parse(&s).ok_or_else(|| {
                    anyhow::anyhow!(t(
                        lang,
                        &format!("status tidak dikenal: {s}"),
                        &format!("unknown state: {s}")
                    ))
                })?),
                None => None,
            };
            let device = open_device(dir, lang)?;
            let rows = device
                .store()
                .search(&SearchQuery {
                    text: search,
                    state,
                    desa_code: desa,
                    limit,
                    after: None,
                    offset,
                })
                .map_err(|e| store_err(e, lang))?;
            for r in rows {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.state.label(lang),
                    r.desa_code,
                    r.head_name,
                    r.address
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        HouseholdCmd::Show { id, json } => {
            let id = parse_id(&id, lang)?;
            let device = open_device(dir, lang)?;
            let store = device.store();
            let h = store.household(id).map_err(|e| store_err(e, lang))?;
            let rec = store.record(id).map_err(|e| store_err(e, lang))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&h)?);
            } else {
                show(&h, rec.state, rec.review_note.as_deref(), lang);
            }
            Ok(ExitCode::SUCCESS)
        }
        HouseholdCmd::Finalize { id } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            finalize(&mut device, id, dir, lang)
        }
        HouseholdCmd::Delete { id } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            match device
                .delete_household(id)
                .map_err(|e| device_err(e, dir, lang))?
            {
                DeleteOutcome::Purged => println!("{}", t(lang, "dihapus", "deleted")),
                DeleteOutcome::Tombstoned => println!(
                    "{}",
                    t(
                        lang,
                        "ditandai hapus; akan dikirim ke server",
                        "marked deleted; will be sent to the server"
                    )
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn photo(cmd: PhotoCmd, dir: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        PhotoCmd::Add {
            household,
            kind,
            member,
            file,
        } => {
            let id = parse_id(&household, lang)?;
            let kind = PhotoKind::parse(&kind).ok_or_else(|| {
                let all: Vec<&str> = PhotoKind::ALL.iter().map(|k| k.stereotype()).collect();
                anyhow::anyhow!(t(
                    lang,
                    &format!(
                        "jenis foto tidak dikenal: {kind} (pilih {})",
                        all.join(", ")
                    ),
                    &format!("unknown photo kind: {kind} (one of {})", all.join(", "))
                ))
            })?;
            let member_id = match member {
                Some(m) => Some(m.trim().parse().map_err(|_| {
                    anyhow::anyhow!(t(
                        lang,
                        &format!("id anggota tidak sah: {m}"),
                        &format!("invalid member id: {m}")
                    ))
                })?),
                None => None,
            };
            let bytes = std::fs::read(&file)
                .with_context(|| t(lang, "membaca berkas foto", "reading the photo file"))?;
            let mut device = open_device(dir, lang)?;
            let photo = device
                .add_photo(
                    id,
                    kind,
                    &bytes,
                    PhotoOptions {
                        member_id,
                        ..PhotoOptions::default()
                    },
                )
                .map_err(|e| device_err(e, dir, lang))?;
            println!(
                "{} {} {} {}x{} {}",
                photo.kind,
                photo.sha256,
                photo.bytes,
                photo.width,
                photo.height,
                photo.taken_at.to_rfc3339()
            );
            Ok(ExitCode::SUCCESS)
        }
        PhotoCmd::List { household } => {
            let id = parse_id(&household, lang)?;
            let device = open_device(dir, lang)?;
            device.store().record(id).map_err(|e| store_err(e, lang))?;
            for p in device.photos(id).map_err(|e| device_err(e, dir, lang))? {
                println!(
                    "{}\t{}\t{}\t{}x{}\t{}\t{}/{}",
                    p.kind, p.sha256, p.bytes, p.width, p.height, p.taken_at, p.uploaded, p.bytes
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn opt<T: CodeList>(v: Option<T>, lang: Lang) -> String {
    v.map(|c| format!("{} ({})", c.label(lang), c.code()))
        .unwrap_or_else(|| "-".into())
}

fn show(h: &Household, state: RecordState, note: Option<&str>, lang: Lang) {
    let l = |id: &str, en: &str| t(lang, id, en);
    println!("{}: {}", l("ID", "ID"), h.id);
    println!("{}: {}", l("Status", "State"), state.label(lang));
    match &h.kind {
        RecordKind::Verivali { prelist_id } => {
            println!("{}: verivali (prelist {prelist_id})", l("Jenis", "Kind"))
        }
        RecordKind::UsulanBaru { .. } => {
            println!(
                "{}: {}",
                l("Jenis", "Kind"),
                l("usulan baru", "new proposal")
            )
        }
    }
    if let Some(n) = note {
        println!("{}: {n}", l("Catatan pemeriksa", "Reviewer's note"));
    }
    println!(
        "{}: {} RT {} RW {} — {}",
        l("Lokasi", "Location"),
        h.location.desa_code,
        h.location.rt.as_deref().unwrap_or("-"),
        h.location.rw.as_deref().unwrap_or("-"),
        h.location.address
    );
    for f in &h.families {
        println!("KK {}: {}", f.family_no, f.kk_number);
    }
    println!("{} ({}):", l("Anggota", "Members"), h.members.len());
    for (i, m) in h.members.iter().enumerate() {
        println!(
            "  {}. {} | NIK {} | {} | {} | {}",
            i + 1,
            m.name,
            m.nik.as_deref().unwrap_or("-"),
            opt(m.relation_to_head, lang),
            opt(m.sex, lang),
            m.birth_date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into())
        );
    }
    let hs = &h.housing;
    println!("{}:", l("Perumahan", "Housing"));
    println!(
        "  {}: {}",
        l("Status bangunan", "Ownership"),
        opt(hs.ownership, lang)
    );
    println!("  {}: {}", l("Lantai", "Floor"), opt(hs.floor, lang));
    println!("  {}: {}", l("Dinding", "Wall"), opt(hs.wall, lang));
    println!("  {}: {}", l("Atap", "Roof"), opt(hs.roof, lang));
    println!(
        "  {}: {}",
        l("Air minum", "Drinking water"),
        opt(hs.drinking_water, lang)
    );
    println!(
        "  {}: {}",
        l("Penerangan", "Lighting"),
        opt(hs.lighting, lang)
    );
    println!(
        "  {}: {}",
        l("Bahan bakar memasak", "Cooking fuel"),
        opt(hs.cooking_fuel, lang)
    );
    println!(
        "  {}: {}",
        l("Fasilitas BAB", "Toilet"),
        opt(hs.toilet_facility, lang)
    );
    println!("{}:", l("Foto", "Photos"));
    for (kind, present) in photo_checklist(h) {
        let label = match lang {
            Lang::Id => kind.label_id(),
            Lang::En => kind.label_en(),
        };
        println!(
            "  [{}] {} {label}",
            if present { "x" } else { " " },
            kind.stereotype()
        );
    }
    if let Some(n) = &h.notes {
        println!("{}: {n}", l("Catatan", "Notes"));
    }
}
