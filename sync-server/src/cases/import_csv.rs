//! The usul-sanggah file (docs/formats.md, "Usul-sanggah cases"): one row per proposal or
//! objection of the Cek Bansos channel, as a Dinsos operator exports or types it. Read whole,
//! every row checked with the shared CSV field checks (`pendata_shared::prelist::field`, the
//! prelist's and the ground-check list's); a refused row is named by its line and rule, never
//! by its value (it may be a NIK).

use std::collections::HashSet;

use chrono::NaiveDate;
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::prelist::{field, opt, RowError};

/// The columns, in order.
pub const CASE_COLUMNS: [&str; 15] = [
    "case_id",
    "submission",
    "proposer",
    "submitted_on",
    "desa_code",
    "rt",
    "rw",
    "address",
    "kk_number",
    "nik",
    "name",
    "programme",
    "reason",
    "evidence",
    "assigned_to",
];

/// Longest free text (reason, evidence, proposer).
const MAX_TEXT: usize = 500;

/// Usulan (a proposal) or sanggah (an objection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    Usulan,
    Sanggah,
}

impl Submission {
    pub const fn id(self) -> &'static str {
        match self {
            Submission::Usulan => "usulan",
            Submission::Sanggah => "sanggah",
        }
    }
}

/// One good row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsulSanggahRow {
    pub line: u64,
    pub case_id: String,
    pub submission: Submission,
    pub proposer: Option<String>,
    /// The day the channel received it; the due date counts from it (else from the import).
    pub submitted_on: Option<NaiveDate>,
    pub desa_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: String,
    pub kk_number: Option<String>,
    pub nik: Option<String>,
    pub name: String,
    pub programme: ListProgramme,
    pub reason: Option<String>,
    pub evidence: Option<String>,
    pub assigned_to: Option<String>,
}

/// What the reader made of a file.
#[derive(Debug, Default)]
pub struct ParsedCases {
    pub rows: Vec<UsulSanggahRow>,
    pub errors: Vec<RowError>,
}

fn text(v: &str, name: &str) -> Result<Option<String>, String> {
    let v = opt(v);
    if v.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(format!(
            "{name}: paling banyak {MAX_TEXT} karakter (at most {MAX_TEXT} characters)"
        ));
    }
    Ok(v)
}

fn parse_row(
    line: u64,
    rec: &csv::StringRecord,
    today: NaiveDate,
) -> Result<UsulSanggahRow, String> {
    let get = |i: usize| rec.get(i).unwrap_or("").trim();
    let case_id = get(0).to_owned();
    if case_id.is_empty() || case_id.len() > 64 {
        return Err(
            "case_id: wajib diisi, paling banyak 64 karakter (required, at most 64 characters)"
                .into(),
        );
    }
    let submission = match get(1).to_ascii_lowercase().as_str() {
        "usulan" | "usul" => Submission::Usulan,
        "sanggah" | "sanggahan" => Submission::Sanggah,
        _ => return Err("submission: usulan atau sanggah (usulan or sanggah)".into()),
    };
    let proposer = text(get(2), "proposer")?;
    let submitted_on = match opt(get(3)) {
        None => None,
        Some(v) => Some(
            NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= today)
                .ok_or(
                    "submitted_on: tanggal YYYY-MM-DD yang sudah lewat (a past date, YYYY-MM-DD)",
                )?,
        ),
    };
    let desa_code = field::desa_code(get(4))?;
    let rt = field::rt_rw(get(5), "rt")?;
    let rw = field::rt_rw(get(6), "rw")?;
    let address = field::address(get(7))?;
    let kk_number = field::kk_number(get(8), today)?;
    let nik = field::nik(get(9), today)?;
    if kk_number.is_none() && nik.is_none() {
        return Err(
            "nik/kk_number: isi NIK atau nomor KK orang yang diusulkan atau disanggah \
             (give the NIK or the KK number of the person concerned)"
                .into(),
        );
    }
    let name = field::name(get(10))?;
    let programme = ListProgramme::parse(get(11))
        .ok_or("programme: pkh, sembako (bpnt) atau pbi_jk (pkh, sembako (bpnt) or pbi_jk)")?;
    let reason = text(get(12), "reason")?;
    if submission == Submission::Sanggah && reason.is_none() {
        return Err("reason: sanggahan wajib beralasan (an objection needs its reason)".into());
    }
    let evidence = text(get(13), "evidence")?;
    let assigned_to = field::assigned_to(get(14))?;
    Ok(UsulSanggahRow {
        line,
        case_id,
        submission,
        proposer,
        submitted_on,
        desa_code,
        rt,
        rw,
        address,
        kk_number,
        nik,
        name,
        programme,
        reason,
        evidence,
        assigned_to,
    })
}

/// Whether `bytes` look like a usul-sanggah file (its first column is `case_id`).
pub fn is_case_csv(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
    first.starts_with(b"case_id")
}

/// Reads a usul-sanggah file: the header must be [`CASE_COLUMNS`]; every row is checked, a
/// case id repeated in the file is refused at its second line.
pub fn parse_cases_csv(bytes: &[u8], today: NaiveDate) -> Result<ParsedCases, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| format!("cannot read the header: {e}"))?
        .clone();
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names != CASE_COLUMNS {
        return Err(format!(
            "baris pertama harus tepat / the header must be exactly: {}",
            CASE_COLUMNS.join(",")
        ));
    }
    let mut parsed = ParsedCases::default();
    let mut seen = HashSet::new();
    for (i, rec) in reader.records().enumerate() {
        let fallback = i as u64 + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                parsed.errors.push(RowError {
                    line: e.position().map_or(fallback, |p| p.line()),
                    reason: "baris CSV rusak (malformed CSV row)".into(),
                });
                continue;
            }
        };
        let line = rec.position().map_or(fallback, |p| p.line());
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match parse_row(line, &rec, today) {
            Ok(row) if !seen.insert(row.case_id.clone()) => parsed.errors.push(RowError {
                line,
                reason: "case_id: sudah ada di baris sebelumnya (repeats an earlier row)".into(),
            }),
            Ok(row) => parsed.rows.push(row),
            Err(reason) => parsed.errors.push(RowError { line, reason }),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NIK: &str = "3201024501900003";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    #[test]
    fn good_rows_are_read_and_bad_ones_named_by_line_without_their_value() {
        let file = format!(
            "{}\n\
             CB-1,sanggah,Tetangga,2026-12-01,3201022001,001,002,Jl. Mawar 1,,{NIK},Siti,pkh,ASN,foto rumah,pendamping.a\n\
             CB-2,usulan,,,3201022001,,,,,{NIK}9,Budi,sembako,,,\n\
             CB-3,sanggah,,,3201022001,,,,,{NIK},Ani,pkh,,,\n\
             CB-1,usulan,,,3201022001,,,,,{NIK},Siti,pkh,,,\n\
             CB-5,usulan,,,3201022001,,,,,,Tanpa,pkh,,,\n",
            CASE_COLUMNS.join(",")
        );
        let p = parse_cases_csv(file.as_bytes(), today()).unwrap();
        assert_eq!(p.rows.len(), 1);
        let r = &p.rows[0];
        assert_eq!(r.line, 2);
        assert_eq!(r.submission, Submission::Sanggah);
        assert_eq!(r.programme, ListProgramme::Pkh);
        assert_eq!(r.nik.as_deref(), Some(NIK));
        assert_eq!(r.submitted_on, NaiveDate::from_ymd_opt(2026, 12, 1));
        let lines: Vec<u64> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        assert!(p.errors[0].reason.starts_with("nik:"), "{:?}", p.errors[0]);
        assert!(p.errors[1].reason.starts_with("reason:"));
        assert!(p.errors[2].reason.starts_with("case_id:"));
        assert!(p.errors[3].reason.starts_with("nik/kk_number:"));
        for e in &p.errors {
            assert!(!e.reason.contains(NIK), "{e}");
        }
    }

    #[test]
    fn a_wrong_header_is_refused_whole() {
        let err = parse_cases_csv(b"prelist_id,desa_code\n1,2\n", today()).unwrap_err();
        assert!(err.contains("case_id,submission"), "{err}");
        assert!(is_case_csv(b"\xEF\xBB\xBFcase_id,submission\n"));
        assert!(!is_case_csv(b"prelist_id,desa_code\n"));
    }
}
