//! `pendata login`, `pendata sync`, `pendata status`, `pendata assignment …`.

use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use pendata_core::store::{
    ConflictRow, PendingRow, PhotoProblemRow, Record, RecordState, RejectedPush, StatusCounts,
};
use pendata_core::sync::{Phase, Progress, Revoke, SyncOutcome};
use pendata_core::{Device, DeviceError};
use pendata_shared::protocol::{ReviewDecision, Role, UserInfo};
use pendata_shared::Lang;
use serde::Serialize;

use super::{device_err, open_device, parse_id, print_findings, show, store_err, t, AssignmentCmd};

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio runtime")
}

/// The password: `PENDATA_PASSWORD`, else one line of stdin when it is not a terminal, else a
/// prompt. Never echoed, never logged.
fn password(lang: Lang) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("PENDATA_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).with_context(|| {
            t(
                lang,
                "membaca kata sandi dari stdin",
                "reading the password from stdin",
            )
        })?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    rpassword::prompt_password(t(lang, "Kata sandi: ", "Password: ")).with_context(|| {
        t(
            lang,
            "tidak dapat membaca kata sandi; setel PENDATA_PASSWORD",
            "cannot read the password; set PENDATA_PASSWORD",
        )
    })
}

fn role_label(role: Role, lang: Lang) -> String {
    match (role, lang) {
        (Role::Enumerator, Lang::Id) => "pendata (enumerator)".into(),
        (Role::Enumerator, Lang::En) => "enumerator".into(),
        (Role::Supervisor, Lang::Id) => "pemeriksa (supervisor)".into(),
        (Role::Supervisor, Lang::En) => "supervisor".into(),
        (Role::Admin, _) => "admin".into(),
        (Role::KepalaOpd, Lang::Id) => "kepala OPD".into(),
        (Role::KepalaOpd, Lang::En) => "head of agency (Kepala OPD)".into(),
    }
}

fn print_user(user: &UserInfo, lang: Lang) {
    let wilayah = if user.wilayah.is_empty() {
        t(lang, "semua wilayah", "all regions")
    } else {
        user.wilayah.clone()
    };
    println!(
        "{}",
        t(
            lang,
            &format!(
                "Masuk sebagai {} — {}, wilayah {wilayah}",
                user.username,
                role_label(user.role, lang)
            ),
            &format!(
                "Logged in as {} — {}, region {wilayah}",
                user.username,
                role_label(user.role, lang)
            ),
        )
    );
}

pub(super) fn login(
    dir: &Path,
    lang: Lang,
    server: &str,
    username: &str,
    ca_cert: Option<&Path>,
    device_name: Option<String>,
) -> anyhow::Result<ExitCode> {
    let mut device = open_device(dir, lang)?;
    let password = password(lang)?;
    let name = device_name
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| "pendata-cli".into());
    let rt = runtime()?;
    let user = rt
        .block_on(device.login(server, ca_cert, username, &password, &name))
        .map_err(|e| device_err(e, dir, lang))?;
    print_user(&user, lang);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn logout(dir: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut device = open_device(dir, lang)?;
    let rt = runtime()?;
    let out = rt
        .block_on(device.logout())
        .map_err(|e| device_err(e, dir, lang))?;
    match &out.revoked {
        Revoke::Revoked => println!(
            "{}",
            t(
                lang,
                "Keluar: token perangkat dicabut di server dan dihapus dari perangkat",
                "Logged out: the device token was revoked on the server and removed here"
            )
        ),
        Revoke::AlreadyInvalid => println!(
            "{}",
            t(
                lang,
                "Keluar: server sudah tidak mengenal token ini; token dihapus dari perangkat",
                "Logged out: the server no longer knew this token; removed here"
            )
        ),
        Revoke::NotLoggedIn => println!(
            "{}",
            t(
                lang,
                "Perangkat ini belum masuk; tidak ada token untuk dihapus",
                "This device was not logged in; no token to remove"
            )
        ),
        Revoke::Failed { code, message } => eprintln!(
            "{}",
            t(
                lang,
                &format!(
                    "Peringatan [{code}]: token tidak dapat dicabut di server ({message}); token \
                     dihapus dari perangkat. Minta admin mereset perangkat ini \
                     (pendata-server user reset-devices)."
                ),
                &format!(
                    "Warning [{code}]: the token could not be revoked on the server ({message}); \
                     it was removed here. Ask an administrator to reset this device \
                     (pendata-server user reset-devices)."
                )
            )
        ),
    }
    let u = out.unsent;
    if u.records > 0 || u.photos > 0 || u.drafts > 0 {
        eprintln!(
            "{}",
            t(
                lang,
                &format!(
                    "Peringatan [sync.unsent]: {} data dan {} foto belum terkirim, {} draf; \
                     semuanya tetap di perangkat dan dikirim setelah masuk lagi \
                     (pendata login, lalu pendata sync).",
                    u.records, u.photos, u.drafts
                ),
                &format!(
                    "Warning [sync.unsent]: {} records and {} photos not sent yet, {} drafts; \
                     all stay on this device and are sent after the next login \
                     (pendata login, then pendata sync).",
                    u.records, u.photos, u.drafts
                )
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn phase_label(phase: Phase, lang: Lang) -> String {
    match phase {
        Phase::Photos => t(lang, "foto", "photos"),
        Phase::Push => t(lang, "kirim", "send"),
        Phase::Pull => t(lang, "ambil", "fetch"),
        Phase::Listing => t(lang, "daftar kerja", "work list"),
        Phase::Done => t(lang, "selesai", "done"),
    }
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template("{prefix:>6} [{bar:30}] {pos}/{len} {msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

pub(super) fn sync(dir: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut device = open_device(dir, lang)?;
    if !device
        .is_logged_in()
        .map_err(|e| device_err(e, dir, lang))?
    {
        return Err(device_err(DeviceError::NotLoggedIn, dir, lang));
    }
    // Final records go into the outbox now; drafts stay on the device.
    let queued = device
        .store_mut()
        .queue_all_final()
        .map_err(|e| store_err(e, lang))?;
    if queued > 0 {
        println!(
            "{}",
            t(
                lang,
                &format!("{queued} data final dimasukkan ke antrean"),
                &format!("{queued} final records queued")
            )
        );
    }
    let bar = progress_bar();
    let mut on_progress = |p: Progress| {
        bar.set_prefix(phase_label(p.phase, lang));
        bar.set_length(p.items_total);
        bar.set_position(p.items_done);
        if p.bytes_total > 0 {
            bar.set_message(format!("{} / {}", kib(p.bytes_done), kib(p.bytes_total)));
        } else {
            bar.set_message("");
        }
    };
    let rt = runtime()?;
    let result = rt.block_on(device.sync(&mut on_progress));
    bar.finish_and_clear();
    match result {
        Ok(outcome) => {
            print_summary(&device, &outcome, lang)?;
            let report = &outcome.report;
            let refused = !report.rejected.is_empty()
                || !report.issues.is_empty()
                || !report.set_aside.is_empty();
            Ok(if refused {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(DeviceError::Sync(e)) => {
            // What was done before the stop stays done: show it, then the cause.
            let partial = SyncOutcome {
                report: (*e.partial).clone(),
                reviews: Vec::new(),
                pulled: Default::default(),
            };
            print_summary(&device, &partial, lang)?;
            Err(device_err(DeviceError::Sync(e), dir, lang))
        }
        Err(e) => Err(device_err(e, dir, lang)),
    }
}

fn print_summary(device: &Device, outcome: &SyncOutcome, lang: Lang) -> anyhow::Result<()> {
    let r = &outcome.report;
    println!(
        "{}",
        t(
            lang,
            &format!(
                "Terkirim: {} data baru, {} sudah ada di server; {} foto ({} dikirim)",
                r.sent,
                r.duplicate,
                r.photos_uploaded,
                kib(r.photo_bytes_sent)
            ),
            &format!(
                "Sent: {} new records, {} already on the server; {} photos ({} sent)",
                r.sent,
                r.duplicate,
                r.photos_uploaded,
                kib(r.photo_bytes_sent)
            ),
        )
    );
    if r.reoffered > 0 {
        println!(
            "{}",
            t(
                lang,
                &format!(
                    "Server dipulihkan dari cadangan: {} data yang pernah diterimanya dikirim ulang",
                    r.reoffered
                ),
                &format!(
                    "The server was restored from a backup: {} records it had accepted were sent again",
                    r.reoffered
                ),
            )
        );
    }
    if r.incomplete > 0 {
        println!(
            "{}",
            t(
                lang,
                &format!("{} data menunggu foto yang belum sampai", r.incomplete),
                &format!("{} records wait for photos not yet received", r.incomplete),
            )
        );
    }
    if !r.rejected.is_empty() {
        println!(
            "{}",
            t(
                lang,
                &format!("Ditolak server: {}", r.rejected.len()),
                &format!("Refused by the server: {}", r.rejected.len()),
            )
        );
        let stored = device
            .store()
            .rejected_pushes()
            .map_err(|e| store_err(e, lang))?;
        for rej in &r.rejected {
            println!("  {} ({})", rej.household_id, rej.revision);
            match stored.iter().find(|s| s.revision == rej.revision) {
                Some(s) if !s.findings.is_empty() => print_findings(&s.findings, lang),
                _ => {
                    for m in &rej.messages {
                        println!("    {m}");
                    }
                }
            }
        }
    }
    if !r.conflicts.is_empty() {
        println!(
            "{}",
            t(
                lang,
                &format!(
                    "Konflik (disimpan di server di samping versi terkini; pemeriksa memilih): {}",
                    r.conflicts.len()
                ),
                &format!(
                    "Conflicts (kept on the server beside the current version; a supervisor picks): {}",
                    r.conflicts.len()
                ),
            )
        );
        for c in &r.conflicts {
            let reason = serde_json::to_value(c.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            println!("  {} ({reason})", c.household_id);
        }
    }
    if !r.set_aside.is_empty() {
        println!(
            "{}",
            t(
                lang,
                &format!(
                    "Tidak dikirim, perlu foto ulang (data lain tetap dikirim): {}",
                    r.set_aside.len()
                ),
                &format!(
                    "Not sent, photo retake needed (everything else was sent): {}",
                    r.set_aside.len()
                ),
            )
        );
        for s in &r.set_aside {
            println!("  {}", s.household_id);
            print_findings(std::slice::from_ref(&s.finding), lang);
        }
    }
    for issue in &r.issues {
        println!("  ! {} ({})", issue.message, issue.code);
    }
    println!(
        "{}",
        t(
            lang,
            &format!(
                "Diterima: {} penugasan, {} hasil pemeriksaan, {} pemberitahuan konflik",
                r.pulled.assignments, r.pulled.reviews, r.pulled.conflicts
            ),
            &format!(
                "Received: {} assignments, {} reviews, {} conflict notices",
                r.pulled.assignments, r.pulled.reviews, r.pulled.conflicts
            ),
        )
    );
    for rev in &outcome.reviews {
        let decision = match (rev.decision, lang) {
            (ReviewDecision::Approved, Lang::Id) => "disetujui",
            (ReviewDecision::Approved, Lang::En) => "approved",
            (ReviewDecision::Rejected, Lang::Id) => "ditolak",
            (ReviewDecision::Rejected, Lang::En) => "rejected",
        };
        match &rev.note {
            Some(note) => println!("  {} {decision}: {note}", rev.household_id),
            None => println!("  {} {decision}", rev.household_id),
        }
    }
    Ok(())
}

/// Everything `pendata status` shows.
#[derive(Serialize)]
struct StatusView {
    #[serde(flatten)]
    counts: StatusCounts,
    server_url: Option<String>,
    username: Option<String>,
    logged_in: bool,
    pending: Vec<PendingRow>,
    rejected: Vec<RejectedPush>,
    conflicts: Vec<ConflictRow>,
    /// Households waiting for a photo retake, one row per photo.
    needs_photo: Vec<PhotoProblemRow>,
}

pub(super) fn status(dir: &Path, lang: Lang, json: bool) -> anyhow::Result<ExitCode> {
    let device = open_device(dir, lang)?;
    let store = device.store();
    let session = device.session().map_err(|e| device_err(e, dir, lang))?;
    let view = StatusView {
        counts: store.status().map_err(|e| store_err(e, lang))?,
        server_url: session.as_ref().map(|s| s.server_url.clone()),
        username: store.username().map(str::to_string),
        logged_in: device
            .is_logged_in()
            .map_err(|e| device_err(e, dir, lang))?,
        pending: store.pending_list().map_err(|e| store_err(e, lang))?,
        rejected: store.rejected_pushes().map_err(|e| store_err(e, lang))?,
        conflicts: store
            .conflicts(None)
            .map_err(|e| store_err(e, lang))?
            .into_iter()
            .filter(|c| c.resolved_with.is_none())
            .collect(),
        needs_photo: store.photo_problems().map_err(|e| store_err(e, lang))?,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    let st = &view.counts;
    for s in RecordState::ALL {
        let n = st.states.get(s.as_str()).copied().unwrap_or(0);
        println!("{:<12} {n}", s.label(lang));
    }
    println!("{:<12} {}", t(lang, "antrean", "outbox"), st.outbox_pending);
    println!(
        "{:<12} {}",
        t(lang, "konflik", "conflicts"),
        st.open_conflicts
    );
    println!(
        "{:<12} {}",
        t(lang, "penugasan", "assignments"),
        st.assignments_active
    );
    println!(
        "{}: {}",
        t(lang, "Sinkron terakhir", "Last sync"),
        st.last_sync_at
            .clone()
            .unwrap_or_else(|| t(lang, "belum pernah", "never"))
    );
    match (&view.server_url, &view.username, view.logged_in) {
        (Some(url), Some(user), true) => println!(
            "{}",
            t(
                lang,
                &format!("Server: {url} (masuk sebagai {user})"),
                &format!("Server: {url} (logged in as {user})")
            )
        ),
        _ => println!(
            "{}",
            t(
                lang,
                "Belum masuk ke server (pendata login)",
                "Not logged in (pendata login)"
            )
        ),
    }
    if !view.pending.is_empty() {
        println!("{}:", t(lang, "Menunggu dikirim", "Waiting to be sent"));
        for p in &view.pending {
            let op = if p.op == "delete" {
                t(lang, " (hapus)", " (delete)")
            } else {
                String::new()
            };
            let err = p
                .last_error
                .as_deref()
                .map(|e| format!(" [{e}]"))
                .unwrap_or_default();
            println!("  {}{op}{err}", p.household_id);
        }
    }
    if !view.rejected.is_empty() {
        println!("{}:", t(lang, "Ditolak server", "Refused by the server"));
        for r in &view.rejected {
            println!("  {}", r.household_id);
            print_findings(&r.findings, lang);
        }
    }
    if !view.needs_photo.is_empty() {
        println!("{}:", t(lang, "Perlu foto ulang", "Photo retake needed"));
        for p in &view.needs_photo {
            println!("  {} {}", p.household_id, p.head_name);
            print_findings(std::slice::from_ref(&p.finding), lang);
        }
    }
    if !view.conflicts.is_empty() {
        println!("{}:", t(lang, "Konflik", "Conflicts"));
        for c in &view.conflicts {
            let note = c
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            println!("  {} ({}){note}", c.household_id, c.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn assignment(cmd: AssignmentCmd, dir: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        AssignmentCmd::List { desa, json } => {
            let device = open_device(dir, lang)?;
            let list = device
                .store()
                .assignments(desa.as_deref())
                .map_err(|e| store_err(e, lang))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for a in &list {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        a.household_id,
                        a.prelist_id,
                        a.desa_code,
                        a.head_name,
                        a.address,
                        a.kind.text().get(lang)
                    );
                }
                println!(
                    "{}",
                    t(
                        lang,
                        &format!("{} penugasan", list.len()),
                        &format!("{} assignments", list.len())
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        AssignmentCmd::Open { id } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            let record = device
                .store_mut()
                .open_any_assignment(id)
                .map_err(|e| store_err(e, lang))?;
            let info = device.store().record(id).map_err(|e| store_err(e, lang))?;
            match record {
                Record::Household(h) => show(&h, info.state, info.review_note.as_deref(), lang),
                Record::Family(f) => {
                    super::family_cli::show(&f, info.state, info.review_note.as_deref(), lang)
                }
                Record::Case(c) => {
                    super::case_cli::show(&c, info.state, info.review_note.as_deref(), lang)
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
