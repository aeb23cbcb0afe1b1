//! Desil import benchmark (not a test): prints one JSON object.
//!
//! A SIKS-NG desil file of `--rows` people (default 100,000; 3 per family, as SIKS-NG lists
//! each member) is written to disk line by line, then imported as `pendata-server
//! import-desil` does (`desil_import::import_desil`: streamed, every NIK and KK checked, one
//! desil per family, one transaction) into a fresh SQLite store. The anchor, in the same run:
//! the same file parsed with the csv crate and its (KK, desil) rows inserted into a plain
//! SQLite table in one transaction with a prepared statement — the least any import must do.
//! Also the process's peak resident memory growth during the import beside the file's size
//! (it must stream: the growth is one entry per family, not the file).
//!
//! `cargo run --release -p pendata-server --example desil_bench -- [--rows 100000]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufWriter, Write};
use std::time::Instant;

use chrono::NaiveDate;
use pendata_server::store::sqlite::SqliteStore;
use pendata_shared::codes::Sex;
use pendata_shared::nik::make_nik;
use serde_json::json;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident set size of this process so far, KiB (Linux).
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn write_file(path: &std::path::Path, rows: u64) -> u64 {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "No;Nomor KK;NIK;Nama;Desil").unwrap();
    let born = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap();
    for i in 0..rows {
        let family = i / 3 + 1;
        let kecamatan = format!("3201{:02}", family % 40 + 1);
        let nik = make_nik(
            &kecamatan,
            if i % 2 == 0 { Sex::Male } else { Sex::Female },
            born + chrono::Days::new(i % 9_000),
            (i % 9_000 + 1) as u16,
        );
        writeln!(
            out,
            "{};'{kecamatan}0101{:02}{:04};'{nik};Warga {i};{}",
            i + 1,
            family / 9_999 % 26,
            family % 9_999 + 1,
            family % 10 + 1
        )
        .unwrap();
    }
    out.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

fn raw_anchor(csv_path: &std::path::Path, db: &std::path::Path) -> f64 {
    let start = Instant::now();
    let mut conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE d (kk TEXT PRIMARY KEY, desil INTEGER NOT NULL) WITHOUT ROWID;",
    )
    .unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(csv_path)
        .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut put = tx
            .prepare("INSERT INTO d (kk, desil) VALUES (?1, ?2) ON CONFLICT (kk) DO NOTHING")
            .unwrap();
        for rec in reader.records() {
            let rec = rec.unwrap();
            let desil: u8 = rec[4].parse().unwrap();
            put.execute(rusqlite::params![&rec[1][1..], desil]).unwrap();
        }
    }
    tx.commit().unwrap();
    start.elapsed().as_secs_f64()
}

fn main() {
    let rows = arg("--rows", 100_000);
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("desil.csv");
    let file_bytes = write_file(&csv_path, rows);
    let store = SqliteStore::open(&dir.path().join("pendata.db"), 1).unwrap();
    let today = chrono::Utc::now().date_naive();

    let hwm_before = vm_hwm_kib();
    let start = Instant::now();
    let input =
        std::io::BufReader::with_capacity(256 * 1024, std::fs::File::open(&csv_path).unwrap());
    let import =
        pendata_server::desil_import::import_desil(input, "bench", None, &store, today).unwrap();
    let import_s = start.elapsed().as_secs_f64();
    let hwm_growth_kib = vm_hwm_kib().saturating_sub(hwm_before);
    assert_eq!(import.rows, rows);

    let raw_s = raw_anchor(&csv_path, &dir.path().join("raw.db"));
    println!(
        "{}",
        json!({
            "rows": rows,
            "families": import.families,
            "file_mb": file_bytes as f64 / 1e6,
            "import_s": import_s,
            "import_rows_per_s": rows as f64 / import_s,
            "raw_s": raw_s,
            "raw_rows_per_s": rows as f64 / raw_s,
            "desil_import_ratio_vs_raw": raw_s / import_s,
            "desil_import_peak_rss_growth_mb": hwm_growth_kib as f64 / 1024.0,
        })
    );
}
