//! Regenerate `assets/wilayah/wilayah.tsv` from the Kemendagri CSVs.
//!
//! `cargo run -p pendata-shared --example gen_wilayah -- ../shared/data/wilayah assets/wilayah/wilayah.tsv`

use std::error::Error;
use std::fmt::Write as _;

fn kind_char(file: &str, ty: &str) -> Result<char, String> {
    Ok(match (file, ty) {
        ("provinces", _) => 'P',
        ("regencies", "kabupaten") => 'B',
        ("regencies", "kota") => 'K',
        ("districts", _) => 'C',
        ("villages", "desa") => 'D',
        ("villages", "kelurahan") => 'L',
        ("villages", "desa_adat") => 'A',
        other => return Err(format!("unknown region type {other:?}")),
    })
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let src = args
        .next()
        .unwrap_or_else(|| "../shared/data/wilayah".into());
    let out = args
        .next()
        .unwrap_or_else(|| "assets/wilayah/wilayah.tsv".into());
    let mut rows: Vec<(String, char, String)> = Vec::new();
    for (file, type_col) in [
        ("provinces", None),
        ("regencies", Some(3)),
        ("districts", None),
        ("villages", Some(3)),
    ] {
        let mut rdr = csv::Reader::from_path(format!("{src}/{file}.csv"))?;
        for rec in rdr.records() {
            let rec = rec?;
            let code = rec.get(0).ok_or("missing code")?.replace('.', "");
            let name_col = if file == "provinces" { 1 } else { 2 };
            let name = rec.get(name_col).ok_or("missing name")?.to_string();
            if name.contains(['\t', '\n']) {
                return Err(format!("name with a tab or newline: {name:?}").into());
            }
            let ty = type_col.and_then(|c| rec.get(c)).unwrap_or("");
            rows.push((code, kind_char(file, ty)?, name));
        }
    }
    rows.sort();
    let mut text = String::new();
    for (code, kind, name) in &rows {
        writeln!(text, "{code}\t{kind}\t{name}")?;
    }
    std::fs::write(&out, text)?;
    eprintln!("wrote {} regions to {out}", rows.len());
    Ok(())
}
