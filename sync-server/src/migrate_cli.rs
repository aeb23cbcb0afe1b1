//! The `migrate-storage` command: options to [`pendata_server::migrate`], a progress bar on a
//! terminal, and the count an operator reads at the end.

use std::io::IsTerminal;

use anyhow::Context;
use pendata_server::config::{BlobUrl, DatabaseUrl};
use pendata_server::migrate::{self, MigrateOptions};
use pendata_server::Config;

pub fn migrate_storage(
    config: &Config,
    to_database_url: &str,
    to_blob_url: Option<&str>,
    batch_rows: usize,
    stop_after_rows: Option<u64>,
) -> anyhow::Result<()> {
    let options = MigrateOptions {
        data_dir: config.data_dir.clone(),
        to_database_url: DatabaseUrl::parse(to_database_url).context("--to-database-url")?,
        to_blob_url: to_blob_url
            .map(BlobUrl::parse)
            .transpose()
            .context("--to-blob-url")?,
        batch_rows,
        stop_after_rows,
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:24} [{bar:40}] {pos}/{len} ({per_sec}, {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = migrate::migrate_storage(&options, &bar);
    bar.finish_and_clear();
    let report = report?;
    let secs = |d: std::time::Duration| d.as_secs_f64().max(1e-3);
    println!(
        "server {}: {} baris dibaca, {} ditulis ({} rows read, {} written) in {:.1} s ({:.0} rows/s){}",
        report.server_id,
        report.rows_read(),
        report.rows_written(),
        report.rows_read(),
        report.rows_written(),
        report.rows_took.as_secs_f64(),
        report.rows_read() as f64 / secs(report.rows_took),
        if report.target_was_empty {
            ""
        } else {
            " — melanjutkan salinan sebelumnya (resumed an earlier copy)"
        }
    );
    println!(
        "{:<26} {:>12} {:>12}",
        "tabel / table", "SQLite", "PostgreSQL"
    );
    for c in &report.counts {
        println!("{:<26} {:>12} {:>12}", c.table, c.source, c.target);
    }
    match report.photos_copied {
        Some(p) => println!(
            "foto / photos: {} di folder, semuanya di bucket; {} disalin, {} sudah ada ({} in the folder, all in the bucket; {} copied, {} already there) in {:.1} s ({:.0} photos/s)",
            report.photos,
            p.copied,
            p.already_there,
            report.photos,
            p.copied,
            p.already_there,
            report.photos_took.as_secs_f64(),
            p.copied as f64 / secs(report.photos_took),
        ),
        None => println!(
            "foto / photos: {} tetap di {} (stay in the photo folder; start the new server with the same --data-dir)",
            report.photos,
            config.photos_dir().display()
        ),
    }
    println!(
        "cocok: semua hitungan sama. Jalankan pendata-server dengan --database-url{} (all counts match; start pendata-server with --database-url{})",
        if options.to_blob_url.is_some() { " dan --blob-url" } else { "" },
        if options.to_blob_url.is_some() { " and --blob-url" } else { "" },
    );
    Ok(())
}
