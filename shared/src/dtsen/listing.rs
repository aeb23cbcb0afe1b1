//! The ground-check list a supervisor imports (CSV; docs/formats.md "The ground-check list";
//! a sample is assets/examples/ground-check.csv): the listed beneficiary families of one
//! programme (PKH, BPNT/Sembako, PBI-JK) to be checked in the field. One row per listed
//! member, grouped into families (one KK) by `assignment_id`. Pure parsing, like
//! [`crate::prelist`], whose field checks it shares; row errors never quote a value.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::codes::{Relation, Sex, WelfareDecile};
use super::family::ListProgramme;
use crate::prelist::{field, opt, RowError};

/// The columns, in order. `desil`, `rt`, `rw`, `building_no`, `nik`, `relation`, `sex`,
/// `birth_date` and `assigned_to` may be empty.
pub const GROUND_CHECK_COLUMNS: [&str; 15] = [
    "assignment_id",
    "programme",
    "desil",
    "desa_code",
    "rt",
    "rw",
    "address",
    "building_no",
    "kk_number",
    "name",
    "nik",
    "relation",
    "sex",
    "birth_date",
    "assigned_to",
];

/// A member as the list knows them (Regsosek codes: 409 relation, 405 sex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMember {
    pub name: String,
    pub nik: Option<String>,
    pub relation: Option<Relation>,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
}

/// One listed family to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFamily {
    pub assignment_id: String,
    pub programme: ListProgramme,
    pub desil: Option<WelfareDecile>,
    pub desa_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: String,
    pub building_no: Option<u16>,
    pub kk_number: String,
    pub members: Vec<ListedMember>,
    pub assigned_to: Option<String>,
}

/// What the parser made of a ground-check list.
#[derive(Debug, Default)]
pub struct ParsedGroundCheckList {
    /// Families whose every row was good.
    pub families: Vec<ListedFamily>,
    /// Bad rows; their whole family is left out.
    pub errors: Vec<RowError>,
    /// Families left out because of a bad row.
    pub skipped_families: usize,
}

struct Row {
    line: u64,
    family: ListedFamily,
    member: ListedMember,
}

fn parse_row(line: u64, rec: &csv::StringRecord, today: NaiveDate) -> Result<Row, String> {
    let get = |i: usize| rec.get(i).unwrap_or("").trim();
    let assignment_id = get(0).to_owned();
    if assignment_id.is_empty() || assignment_id.len() > 64 {
        return Err("assignment_id: wajib diisi, paling banyak 64 karakter (required, at most 64 characters)".into());
    }
    let programme = ListProgramme::parse(get(1))
        .ok_or("programme: pkh, sembako (bpnt) atau pbi_jk (pkh, sembako/bpnt or pbi_jk)")?;
    let desil = match field::code(get(2), "desil")? {
        None => None,
        Some(c) => Some(WelfareDecile::from_code(c).ok_or("desil: 1-10")?),
    };
    let building_no = match opt(get(7)) {
        None => None,
        Some(v) => Some(
            v.parse::<u16>()
                .ok()
                .filter(|n| (1..=999).contains(n))
                .ok_or("building_no: angka 1-999 (a number 1-999)")?,
        ),
    };
    let kk_number = field::kk_number(get(8), today)?.ok_or(
        "kk_number: wajib diisi (required): satu keluarga = satu KK (one family = one KK)",
    )?;
    let relation = match field::code(get(11), "relation")? {
        None => None,
        Some(c) => Some(Relation::from_code(c).ok_or("relation: kode 409, 1-8 (code 409, 1-8)")?),
    };
    let sex = match field::code(get(12), "sex")? {
        None => None,
        Some(c) => Some(
            Sex::from_code(c).ok_or("sex: 1 laki-laki atau 2 perempuan (1 male or 2 female)")?,
        ),
    };
    Ok(Row {
        line,
        family: ListedFamily {
            assignment_id,
            programme,
            desil,
            desa_code: field::desa_code(get(3))?,
            rt: field::rt_rw(get(4), "rt")?,
            rw: field::rt_rw(get(5), "rw")?,
            address: field::address(get(6))?,
            building_no,
            kk_number,
            members: Vec::new(),
            assigned_to: field::assigned_to(get(14))?,
        },
        member: ListedMember {
            name: field::name(get(9))?,
            nik: field::nik(get(10), today)?,
            relation,
            sex,
            birth_date: field::birth_date(get(13), today)?,
        },
    })
}

/// Reads a ground-check list (header [`GROUND_CHECK_COLUMNS`]). Rows are grouped by
/// `assignment_id` in order of first appearance; the family columns must agree across a
/// family's rows, and a bad row leaves its whole family out (reported, never half-imported).
pub fn parse_ground_check_csv(
    bytes: &[u8],
    today: NaiveDate,
) -> Result<ParsedGroundCheckList, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| format!("cannot read the header: {e}"))?
        .clone();
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names != GROUND_CHECK_COLUMNS {
        return Err(format!(
            "the header must be exactly: {} (found: {})",
            GROUND_CHECK_COLUMNS.join(","),
            names.join(",")
        ));
    }
    let mut parsed = ParsedGroundCheckList::default();
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, (u64, ListedFamily)> = BTreeMap::new();
    let mut bad: BTreeMap<String, ()> = BTreeMap::new();
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
        let id = opt(rec.get(0).unwrap_or(""));
        let row = if rec.len() == GROUND_CHECK_COLUMNS.len() {
            parse_row(line, &rec, today)
        } else {
            Err(format!(
                "harus {n} kolom, ada {} (expected {n} columns)",
                rec.len(),
                n = GROUND_CHECK_COLUMNS.len()
            ))
        };
        let row = match row {
            Ok(row) => row,
            Err(reason) => {
                parsed.errors.push(RowError { line, reason });
                if let Some(id) = id {
                    bad.insert(id, ());
                }
                continue;
            }
        };
        let key = row.family.assignment_id.clone();
        match groups.get_mut(&key) {
            Some((first_line, fam)) => {
                let f = &row.family;
                let same = fam.programme == f.programme
                    && fam.desil == f.desil
                    && fam.desa_code == f.desa_code
                    && fam.rt == f.rt
                    && fam.rw == f.rw
                    && fam.address == f.address
                    && fam.building_no == f.building_no
                    && fam.kk_number == f.kk_number
                    && fam.assigned_to == f.assigned_to;
                if same {
                    fam.members.push(row.member);
                } else {
                    let first = *first_line;
                    parsed.errors.push(RowError {
                        line,
                        reason: format!("kolom keluarga berbeda dengan baris {first} untuk assignment_id yang sama (family columns differ from line {first} of the same assignment_id)"),
                    });
                    bad.insert(key, ());
                }
            }
            None => {
                let mut fam = row.family;
                fam.members.push(row.member);
                order.push(key.clone());
                groups.insert(key, (row.line, fam));
            }
        }
    }
    for id in order {
        if bad.contains_key(&id) {
            continue;
        }
        if let Some((_, fam)) = groups.remove(&id) {
            parsed.families.push(fam);
        }
    }
    parsed.skipped_families = bad.len();
    Ok(parsed)
}

impl ListedFamily {
    /// A new ground-check record for this listed family: the process, the place and the KK
    /// filled in, each listed member present with what the list knows; the rest is for the
    /// pendamping.
    pub fn to_record(&self) -> super::FamilyRecord {
        let mut f = super::FamilyRecord::new(
            super::FamilyProcess::GroundCheck {
                assignment_id: self.assignment_id.clone(),
                programme: Some(self.programme),
                desil: self.desil,
            },
            self.desa_code.clone(),
        );
        f.location.rt = self.rt.clone();
        f.location.rw = self.rw.clone();
        f.location.address = self.address.clone();
        f.location.building_no = self.building_no;
        f.kk_number = Some(self.kk_number.clone());
        f.members = self
            .members
            .iter()
            .map(|m| {
                let mut r = super::FamilyMember::new(m.name.clone());
                r.nik = m.nik.clone();
                r.relation = m.relation;
                r.sex = m.sex;
                r.birth_date = m.birth_date;
                r
            })
            .collect();
        f
    }
}
