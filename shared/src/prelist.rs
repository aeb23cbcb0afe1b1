//! The prelist (assignment) CSV: one row per member, grouped into households by `prelist_id`
//! (docs/server.md, "Importing assignments"). Pure parsing: bytes in, households and per-line
//! errors out; nothing is read from or written to a file here (the server's
//! `import-assignments` hands it the file, the fuzz target arbitrary bytes).
//!
//! Row errors never quote the value (it may be a NIK): only the line, the column and the rule.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::NaiveDate;

use crate::codes::{Relation, Sex};
use crate::model::Family;
use crate::protocol::PrelistMember;

/// The rule of [`is_valid_username`], as people read it.
pub const USERNAME_RULE: &str =
    "username must be 3-64 characters of letters, digits, '.', '_' or '-'";

/// Usernames: 3–64 characters of `a-z A-Z 0-9 . _ -`.
pub fn is_valid_username(username: &str) -> bool {
    (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// [`parse_prelist_csv`] over bytes already in memory.
pub fn parse_prelist_bytes(bytes: &[u8], today: NaiveDate) -> Result<ParsedPrelist, String> {
    parse_prelist_csv(bytes, today)
}

/// The columns of an assignment (prelist) CSV, in order. One row per member.
pub const PRELIST_COLUMNS: [&str; 13] = [
    "prelist_id",
    "desa_code",
    "rt",
    "rw",
    "address",
    "kk_number",
    "family_no",
    "name",
    "nik",
    "relation",
    "sex",
    "birth_date",
    "assigned_to",
];

/// A refused CSV row. The reason never quotes the value (it may be a NIK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// One prelist household as parsed: its rows agreed on the household columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrelistHousehold {
    pub prelist_id: String,
    /// Kemendagri desa/kelurahan code, 10 digits.
    pub desa_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: String,
    pub families: Vec<Family>,
    pub members: Vec<PrelistMember>,
    /// Username of the facilitator it is assigned to; `None`: anyone of the desa.
    pub assigned_to: Option<String>,
}

/// What the parser made of a prelist file.
#[derive(Debug, Default)]
pub struct ParsedPrelist {
    /// Households whose every row was good.
    pub households: Vec<PrelistHousehold>,
    /// Bad rows; their whole household is left out.
    pub errors: Vec<RowError>,
    /// Households left out because of a bad row.
    pub skipped_households: usize,
}

struct Row {
    line: u64,
    prelist_id: String,
    desa_code: String,
    rt: Option<String>,
    rw: Option<String>,
    address: String,
    kk_number: Option<String>,
    family_no: Option<u8>,
    member: PrelistMember,
    assigned_to: Option<String>,
}

/// The trimmed value, `None` when empty.
pub fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The checks of one CSV field, shared by the prelist, the ground-check list and the server's
/// case import (`pendata-server import-cases`). Each returns
/// the reason in both languages, never quoting the value (it may be a NIK).
pub mod field {
    use chrono::NaiveDate;

    use super::{is_valid_username, opt, USERNAME_RULE};
    use crate::nik::{parse_kk, parse_nik};
    use crate::Wilayah;

    pub fn desa_code(v: &str) -> Result<String, String> {
        if Wilayah::embedded().is_village(v) {
            Ok(v.to_owned())
        } else {
            Err("desa_code: bukan kode desa/kelurahan Kemendagri (not a known desa code)".into())
        }
    }

    pub fn rt_rw(v: &str, name: &str) -> Result<Option<String>, String> {
        match opt(v) {
            Some(v) if v.len() > 3 || !v.bytes().all(|b| b.is_ascii_digit()) => {
                Err(format!("{name}: paling banyak 3 angka (at most 3 digits)"))
            }
            v => Ok(v),
        }
    }

    pub fn address(v: &str) -> Result<String, String> {
        if v.chars().count() > 200 {
            return Err("address: paling banyak 200 karakter (at most 200 characters)".into());
        }
        Ok(v.to_owned())
    }

    pub fn kk_number(v: &str, today: NaiveDate) -> Result<Option<String>, String> {
        let kk = opt(v);
        if let Some(kk) = &kk {
            parse_kk(kk, today)
                .map_err(|e| format!("kk_number: {} ({})", e.message_id(), e.message_en()))?;
        }
        Ok(kk)
    }

    pub fn name(v: &str) -> Result<String, String> {
        if v.is_empty() || v.chars().count() > 100 {
            return Err(
                "name: wajib diisi, paling banyak 100 karakter (required, at most 100 characters)"
                    .into(),
            );
        }
        Ok(v.to_owned())
    }

    pub fn nik(v: &str, today: NaiveDate) -> Result<Option<String>, String> {
        let nik = opt(v);
        if let Some(n) = &nik {
            parse_nik(n, today, None)
                .map_err(|e| format!("nik: {} ({})", e.message_id(), e.message_en()))?;
        }
        Ok(nik)
    }

    pub fn birth_date(v: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
        match opt(v) {
            None => Ok(None),
            Some(v) => Ok(Some(
                NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .ok()
                    .filter(|d| *d <= today)
                    .ok_or(
                        "birth_date: tanggal YYYY-MM-DD yang sudah lewat (a past date, YYYY-MM-DD)",
                    )?,
            )),
        }
    }

    pub fn code(v: &str, name: &str) -> Result<Option<u8>, String> {
        match opt(v) {
            None => Ok(None),
            Some(v) => v
                .parse::<u8>()
                .map(Some)
                .map_err(|_| format!("{name}: harus kode angka (must be a numeric code)")),
        }
    }

    pub fn assigned_to(v: &str) -> Result<Option<String>, String> {
        let u = opt(v);
        if let Some(u) = &u {
            if !is_valid_username(u) {
                return Err(format!("assigned_to: {USERNAME_RULE}"));
            }
        }
        Ok(u)
    }
}

fn parse_row(line: u64, rec: &csv::StringRecord, today: NaiveDate) -> Result<Row, String> {
    let get = |i: usize| rec.get(i).unwrap_or("").trim();
    let prelist_id = get(0).to_owned();
    if prelist_id.is_empty() || prelist_id.len() > 64 {
        return Err(
            "prelist_id: wajib diisi, paling banyak 64 karakter (required, at most 64 characters)"
                .into(),
        );
    }
    let desa_code = field::desa_code(get(1))?;
    let rt = field::rt_rw(get(2), "rt")?;
    let rw = field::rt_rw(get(3), "rw")?;
    let address = field::address(get(4))?;
    let kk_number = field::kk_number(get(5), today)?;
    let family_no = match opt(get(6)) {
        None => None,
        Some(v) => Some(
            v.parse::<u8>()
                .ok()
                .filter(|n| (1..=20).contains(n))
                .ok_or("family_no: angka 1-20 (a number 1-20)")?,
        ),
    };
    let name = field::name(get(7))?;
    let birth_date = field::birth_date(get(11), today)?;
    let nik = field::nik(get(8), today)?;
    let relation = match field::code(get(9), "relation")? {
        None => None,
        Some(c) => {
            Some(Relation::from_code(c).ok_or("relation: kode hub_krt 1-8 (hub_krt code 1-8)")?)
        }
    };
    let sex = match field::code(get(10), "sex")? {
        None => None,
        Some(c) => Some(
            Sex::from_code(c).ok_or("sex: 1 laki-laki atau 2 perempuan (1 male or 2 female)")?,
        ),
    };
    let assigned_to = field::assigned_to(get(12))?;
    Ok(Row {
        line,
        prelist_id,
        desa_code,
        rt,
        rw,
        address,
        kk_number: kk_number.clone(),
        family_no: family_no.or(kk_number.as_ref().map(|_| 1)),
        member: PrelistMember {
            name,
            nik,
            relation_to_head: relation,
            sex,
            birth_date,
            family_no: family_no.or(kk_number.as_ref().map(|_| 1)),
        },
        assigned_to,
    })
}

/// Reads an assignment CSV (header [`PRELIST_COLUMNS`]); rows are grouped by `prelist_id`
/// in order of first appearance. The household columns must agree across a household's rows.
pub fn parse_prelist_csv(input: impl Read, today: NaiveDate) -> Result<ParsedPrelist, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let header = reader
        .headers()
        .map_err(|e| format!("cannot read the header: {e}"))?
        .clone();
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names != PRELIST_COLUMNS {
        return Err(format!(
            "the header must be exactly: {} (found: {})",
            PRELIST_COLUMNS.join(","),
            names.join(",")
        ));
    }
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut bad: BTreeMap<String, ()> = BTreeMap::new();
    let mut parsed = ParsedPrelist::default();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                parsed.errors.push(RowError {
                    line: e.position().map_or(line, |p| p.line()),
                    reason: "baris CSV rusak (malformed CSV row)".into(),
                });
                continue;
            }
        };
        let line = rec.position().map_or(line, |p| p.line());
        if rec.len() != PRELIST_COLUMNS.len() {
            parsed.errors.push(RowError {
                line,
                reason: format!(
                    "harus {} kolom, ada {} (expected {} columns)",
                    PRELIST_COLUMNS.len(),
                    rec.len(),
                    PRELIST_COLUMNS.len()
                ),
            });
            if let Some(id) = opt(rec.get(0).unwrap_or("")) {
                bad.insert(id, ());
            }
            continue;
        }
        match parse_row(line, &rec, today) {
            Ok(row) => {
                if let Some(first) = groups.get(&row.prelist_id).and_then(|g| g.first()) {
                    let same = first.desa_code == row.desa_code
                        && first.rt == row.rt
                        && first.rw == row.rw
                        && first.address == row.address
                        && first.assigned_to == row.assigned_to;
                    if !same {
                        parsed.errors.push(RowError {
                            line,
                            reason: format!(
                                "desa_code/rt/rw/address/assigned_to berbeda dengan baris {} untuk prelist_id yang sama (differ from line {} of the same prelist_id)",
                                first.line, first.line
                            ),
                        });
                        bad.insert(row.prelist_id.clone(), ());
                        continue;
                    }
                }
                if !groups.contains_key(&row.prelist_id) {
                    order.push(row.prelist_id.clone());
                }
                groups.entry(row.prelist_id.clone()).or_default().push(row);
            }
            Err(reason) => {
                parsed.errors.push(RowError { line, reason });
                if let Some(id) = opt(rec.get(0).unwrap_or("")) {
                    bad.insert(id, ());
                }
            }
        }
    }
    for id in order {
        let Some(rows) = groups.remove(&id) else {
            continue;
        };
        if bad.contains_key(&id) {
            continue;
        }
        let mut families: Vec<Family> = Vec::new();
        for r in &rows {
            if let (Some(kk), Some(no)) = (&r.kk_number, r.family_no) {
                if !families.iter().any(|f| f.family_no == no) {
                    families.push(Family {
                        family_no: no,
                        kk_number: kk.clone(),
                    });
                }
            }
        }
        let Some(first) = rows.first() else { continue };
        parsed.households.push(PrelistHousehold {
            prelist_id: id.clone(),
            desa_code: first.desa_code.clone(),
            rt: first.rt.clone(),
            rw: first.rw.clone(),
            address: first.address.clone(),
            families,
            assigned_to: first.assigned_to.clone(),
            members: rows.into_iter().map(|r| r.member).collect(),
        });
    }
    parsed.skipped_households = bad.len();
    Ok(parsed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn usernames() {
        assert!(is_valid_username("ani.s_2"));
        assert!(!is_valid_username("a"));
        assert!(!is_valid_username("ani/../x"));
    }

    #[test]
    fn garbage_never_panics_and_a_wrong_header_is_refused() {
        assert!(parse_prelist_bytes(b"a,b,c\n1,2,3\n", today()).is_err());
        assert!(parse_prelist_bytes(b"", today()).is_err());
        let header = PRELIST_COLUMNS.join(",");
        let tails: [&[u8]; 4] = [
            b"\n\"",
            b"\nP1,\xff\xfe",
            b"\n,,,,,,,,,,,,",
            b"\nP1,3201022001,1,2,x,3201021501169999,99,A,1,1,1,1,a",
        ];
        for tail in tails {
            let mut input = header.clone().into_bytes();
            input.extend_from_slice(tail);
            let _ = parse_prelist_bytes(&input, today());
        }
    }
}
