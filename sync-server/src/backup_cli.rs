//! The `backup`, `verify-backup` and `restore` commands: options to [`pendata_server::backup`],
//! a progress bar on a terminal, and the summary an operator reads.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{bail, Context};
use pendata_server::backup::{self, crypt, Decryption, Encryption, Manifest, Stage};
use pendata_server::Config;

use super::ReadBackup;

/// A progress bar on stderr when it is a terminal (hidden otherwise: cron mails stay short).
struct Bar {
    bar: indicatif::ProgressBar,
    stage: Option<Stage>,
}

impl Bar {
    fn new() -> Self {
        let bar = if std::io::stderr().is_terminal() {
            indicatif::ProgressBar::new(0)
        } else {
            indicatif::ProgressBar::hidden()
        };
        Bar { bar, stage: None }
    }

    fn update(&mut self, stage: Stage, done: u64, total: u64) {
        if self.stage != Some(stage) {
            self.stage = Some(stage);
            let (template, msg) = match stage {
                Stage::Database => ("{msg} {spinner}", "basis data / database"),
                Stage::Photos => (
                    "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})",
                    "foto / photos",
                ),
            };
            self.bar.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            self.bar.set_message(msg);
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }
}

fn decryption(read: &ReadBackup) -> anyhow::Result<Decryption> {
    Ok(match (&read.passphrase_file, &read.identity) {
        (Some(p), _) => Decryption::Passphrase(crypt::passphrase_from_file(p)?),
        (None, Some(i)) => Decryption::IdentityFile(i.clone()),
        (None, None) => Decryption::None,
    })
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn describe(m: &Manifest) -> String {
    let server = m
        .server
        .as_ref()
        .map(|s| format!(", server {} generation {}", s.server_id, s.generation))
        .unwrap_or_default();
    format!(
        "{} household(s), {} revision(s), {} review(s), {} photo(s) ({}), change log at {}{server}; \
         database {} ({}), {}",
        m.counts.households,
        m.counts.revisions,
        m.counts.reviews,
        m.photos.count,
        mb(m.photos.bytes),
        m.change_seq,
        m.database.file,
        mb(m.database.bytes),
        match &m.encryption {
            None => "not encrypted".to_owned(),
            Some(e) if e.passphrase => "encrypted (age, passphrase)".to_owned(),
            Some(e) => format!("encrypted (age) to {}", e.recipients.join(", ")),
        }
    )
}

pub fn backup(
    config: &Config,
    out: &Path,
    encrypt_to: Vec<String>,
    passphrase_file: Option<&Path>,
) -> anyhow::Result<()> {
    let encryption = match (passphrase_file, encrypt_to.is_empty()) {
        (Some(p), _) => Encryption::Passphrase(crypt::passphrase_from_file(p)?),
        (None, false) => Encryption::Recipients(encrypt_to),
        (None, true) => Encryption::None,
    };
    if !config.db_path().is_file() {
        bail!(
            "tidak ada basis data di {} (no database to back up: is --data-dir right?)",
            config.db_path().display()
        );
    }
    let mut bar = Bar::new();
    let report = backup::backup(config, out, encryption, &mut |s, d, t| bar.update(s, d, t))
        .context(
            "pencadangan gagal (backup failed); the snapshot stays partial and is never restored",
        )?;
    bar.bar.finish_and_clear();
    let m = &report.manifest;
    println!("backup {}: {}", m.snapshot, describe(m));
    println!(
        "copied {} new photo(s) ({}); {} were in the backup already",
        m.photos.copied,
        mb(m.photos.copied_bytes),
        m.photos.count - m.photos.copied
    );
    println!("written to {}", report.snapshot_dir.display());
    if report.has_problems() {
        for sha in &m.photos.missing_on_server {
            eprintln!("PERINGATAN: foto {sha} dirujuk tetapi tidak ada di server (photo missing on the server)");
        }
        for sha in &m.photos.corrupt_on_server {
            eprintln!("PERINGATAN: foto {sha} di server rusak, tidak dicadangkan (photo corrupt on the server, not backed up)");
        }
        bail!(
            "the backup is complete, but the server has damaged or missing photos (listed above)"
        );
    }
    Ok(())
}

pub fn verify(dir: &Path, read: &ReadBackup) -> anyhow::Result<()> {
    let mut bar = Bar::new();
    let report = backup::verify(
        dir,
        read.snapshot.as_deref(),
        &decryption(read)?,
        &mut |s, d, t| bar.update(s, d, t),
    )?;
    bar.bar.finish_and_clear();
    println!(
        "snapshot {}: {}",
        report.manifest.snapshot,
        describe(&report.manifest)
    );
    if report.ok() {
        println!(
            "OK: database and {} photo(s) read back and match the manifest",
            report.photos_checked
        );
        return Ok(());
    }
    for p in &report.problems {
        eprintln!("RUSAK: {p}");
    }
    bail!(
        "cadangan rusak: {} masalah (the backup is damaged: {} problem(s))",
        report.problems.len(),
        report.problems.len()
    )
}

pub fn restore(from: &Path, read: &ReadBackup, data_dir: &Path) -> anyhow::Result<()> {
    let mut bar = Bar::new();
    let report = backup::restore(
        from,
        read.snapshot.as_deref(),
        &decryption(read)?,
        data_dir,
        &mut |s, d, t| bar.update(s, d, t),
    )?;
    bar.bar.finish_and_clear();
    println!(
        "restored snapshot {} into {}: {}",
        report.manifest.snapshot,
        data_dir.display(),
        describe(&report.manifest)
    );
    println!(
        "restore generation {}: devices that sync now send again what the server lost \
         (docs/server.md, \"Restore\")",
        report.generation
    );
    Ok(())
}
