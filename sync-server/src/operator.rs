//! Operator commands behind `pendata-server import-assignments`, `export` and `demo`
//! (docs/server.md describes the file formats).

use std::io::Read;

use chrono::NaiveDate;
use pendata_shared::codes::CodeList;
use pendata_shared::dtsen::export::{family_header, family_row, member_header, member_rows};
use pendata_shared::dtsen::family::FamilyProcess;
use pendata_shared::model::{Family, Household, RecordKind};
use pendata_shared::photos::PhotoKind;
use pendata_shared::protocol::AssignmentKind;
use pendata_shared::protocol::ReviewDecision;
use pendata_shared::Questionnaire;
use pendata_shared::Wilayah;

use crate::auth::hash_password;
use crate::store::{
    AccountStore, ExportHousehold, GroundCheckListing, NewUser, PrelistHousehold, RecordStore,
    Role, StoreError,
};
use pendata_shared::protocol::PrelistMember;

/// The columns of an assignment (prelist) CSV, in order. One row per member.
pub const PRELIST_COLUMNS: [&str; 13] = pendata_shared::prelist::PRELIST_COLUMNS;

/// A refused CSV row. The reason never quotes the value (it may be a NIK).
pub use pendata_shared::prelist::RowError;

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

/// Reads an assignment CSV (header [`PRELIST_COLUMNS`]); rows are grouped by `prelist_id`
/// in order of first appearance. The household columns must agree across a household's rows.
/// (The parsing itself is `pendata_shared::prelist`, pure and fuzzed.)
pub fn parse_prelist_csv(input: impl Read, today: NaiveDate) -> Result<ParsedPrelist, String> {
    let parsed = pendata_shared::prelist::parse_prelist_csv(input, today)?;
    Ok(ParsedPrelist {
        households: parsed
            .households
            .into_iter()
            .map(|h| PrelistHousehold {
                listing: None,
                prelist_id: h.prelist_id,
                desa_code: h.desa_code,
                rt: h.rt,
                rw: h.rw,
                address: h.address,
                families: h.families,
                members: h.members,
                assigned_to: h.assigned_to,
            })
            .collect(),
        errors: parsed.errors,
        skipped_households: parsed.skipped_households,
    })
}

/// Whether a CSV's first line is a ground-check list's header (its first column is
/// `assignment_id`) rather than a prelist's (`prelist_id`).
pub fn is_ground_check_csv(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
    first.starts_with(b"assignment_id")
}

/// Reads a DTSEN ground-check list (docs/formats.md, "The ground-check list"; parsing is
/// `pendata_shared::dtsen::listing`) into assignments of kind ground check: one per listed
/// family (one KK), its members as the list knows them.
pub fn parse_ground_check_csv(bytes: &[u8], today: NaiveDate) -> Result<ParsedPrelist, String> {
    let parsed = pendata_shared::dtsen::listing::parse_ground_check_csv(bytes, today)?;
    Ok(ParsedPrelist {
        households: parsed
            .families
            .into_iter()
            .map(|f| PrelistHousehold {
                prelist_id: f.assignment_id,
                desa_code: f.desa_code,
                rt: f.rt,
                rw: f.rw,
                address: f.address,
                families: vec![Family {
                    family_no: 1,
                    kk_number: f.kk_number,
                }],
                members: f
                    .members
                    .into_iter()
                    .map(|m| PrelistMember {
                        name: m.name,
                        nik: m.nik,
                        // 409 and hub_krt share their codes 1-8 (1 = head); kept as the code.
                        relation_to_head: m
                            .relation
                            .and_then(|r| pendata_shared::codes::Relation::from_code(r.code())),
                        sex: m.sex,
                        birth_date: m.birth_date,
                        family_no: Some(1),
                    })
                    .collect(),
                assigned_to: f.assigned_to,
                listing: Some(GroundCheckListing {
                    programme: f.programme,
                    desil: f.desil,
                    building_no: f.building_no,
                }),
            })
            .collect(),
        errors: parsed.errors,
        skipped_households: parsed.skipped_families,
    })
}

/// Reads an assignment CSV of either kind, as `import-assignments` and the dashboard's import
/// do: a ground-check list when its first column is `assignment_id`
/// ([`parse_ground_check_csv`]), else a DTKS prelist ([`parse_prelist_csv`]).
pub fn parse_assignments_csv(bytes: &[u8], today: NaiveDate) -> Result<ParsedPrelist, String> {
    if is_ground_check_csv(bytes) {
        parse_ground_check_csv(bytes, today)
    } else {
        parse_prelist_csv(bytes, today)
    }
}

// ---------------------------------------------------------------------------------------------
// export

/// Export columns: one row per member, the household columns repeated on each; a household
/// without members has one row with empty member columns.
pub fn export_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "household_id",
        "questionnaire",
        "prelist_id",
        "kind",
        "desa_code",
        "desa_name",
        "rt",
        "rw",
        "address",
        "review_state",
        "review_note",
        "current_revision",
        "deleted",
        "incomplete",
        "open_conflicts",
        "household_status",
        "household_status_label",
        "verivali_result",
        "verivali_result_label",
        "ownership",
        "ownership_label",
        "floor",
        "floor_label",
        "wall",
        "wall_label",
        "roof",
        "roof_label",
        "drinking_water",
        "drinking_water_label",
        "lighting",
        "lighting_label",
        "cooking_fuel",
        "cooking_fuel_label",
        "toilet_facility",
        "toilet_facility_label",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for kind in PhotoKind::FORM_KINDS {
        h.push(format!("photo_{}", kind.stereotype()));
    }
    h.extend(
        [
            "member_no",
            "name",
            "nik",
            "family_no",
            "kk_number",
            "relation",
            "relation_label",
            "sex",
            "sex_label",
            "birth_date",
            "marital_status",
            "marital_status_label",
            "disability",
            "disability_label",
            "school_participation",
            "school_participation_label",
            "worked_last_week",
            "worked_last_week_label",
            "presence",
            "presence_label",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    h
}

fn coded<T: CodeList>(v: Option<T>) -> [String; 2] {
    match v {
        Some(c) => [c.code().to_string(), c.label_id().to_owned()],
        None => [String::new(), String::new()],
    }
}

/// The export rows of one household.
pub fn export_rows(e: &ExportHousehold) -> Vec<Vec<String>> {
    let s = &e.summary;
    let h: Option<&Household> = e.household.as_ref();
    let a = e.assignment.as_ref();
    let f = e.family.as_ref();
    let ground_check = a.is_some_and(|a| a.kind == AssignmentKind::GroundCheck);
    let questionnaire = if f.is_some() || ground_check {
        Questionnaire::Regsosek2022k
    } else {
        Questionnaire::DtksBdt
    };
    let mut base = vec![
        s.id.to_string(),
        questionnaire.id().to_owned(),
        s.prelist_id.clone().unwrap_or_default(),
        match (h.map(|h| &h.kind), f.map(|f| &f.process)) {
            (Some(RecordKind::Verivali { .. }), _) => "verivali".into(),
            (Some(RecordKind::UsulanBaru { .. }), _) => "usulan_baru".into(),
            (_, Some(FamilyProcess::GroundCheck { .. })) => "ground_check".into(),
            (_, Some(FamilyProcess::UsulanBaru { .. })) => "usulan_baru".into(),
            (None, None) if ground_check => "ground_check".into(),
            (None, None) if a.is_some() => "prelist".into(),
            (None, None) => String::new(),
        },
        s.desa_code.clone(),
        Wilayah::embedded()
            .get(&s.desa_code)
            .map(|r| r.name.to_owned())
            .unwrap_or_default(),
        h.and_then(|h| h.location.rt.clone())
            .or_else(|| f.and_then(|f| f.location.rt.clone()))
            .or_else(|| a.and_then(|a| a.rt.clone()))
            .unwrap_or_default(),
        h.and_then(|h| h.location.rw.clone())
            .or_else(|| f.and_then(|f| f.location.rw.clone()))
            .or_else(|| a.and_then(|a| a.rw.clone()))
            .unwrap_or_default(),
        h.map(|h| h.location.address.clone())
            .or_else(|| f.map(|f| f.location.address.clone()))
            .or_else(|| a.map(|a| a.address.clone()))
            .unwrap_or_default(),
        s.review_state.as_str().to_owned(),
        e.last_review
            .as_ref()
            .filter(|r| r.decision == ReviewDecision::Rejected)
            .and_then(|r| r.note.clone())
            .unwrap_or_default(),
        s.current_revision
            .map(|r| r.to_string())
            .unwrap_or_default(),
        u8::from(s.deleted).to_string(),
        u8::from(s.incomplete).to_string(),
        s.open_conflicts.to_string(),
    ];
    base.extend(coded(h.and_then(|h| h.verivali.household_status)));
    base.extend(coded(h.and_then(|h| h.verivali.result)));
    base.extend(coded(h.and_then(|h| h.housing.ownership)));
    base.extend(coded(h.and_then(|h| h.housing.floor)));
    base.extend(coded(h.and_then(|h| h.housing.wall)));
    base.extend(coded(h.and_then(|h| h.housing.roof)));
    base.extend(coded(h.and_then(|h| h.housing.drinking_water)));
    base.extend(coded(h.and_then(|h| h.housing.lighting)));
    base.extend(coded(h.and_then(|h| h.housing.cooking_fuel)));
    base.extend(coded(h.and_then(|h| h.housing.toilet_facility)));
    for kind in PhotoKind::FORM_KINDS {
        let names: Vec<String> = h
            .map(|h| {
                h.photos
                    .iter()
                    .filter(|p| p.kind == kind)
                    .map(|p| format!("{}.jpg", p.sha256))
                    .collect()
            })
            .unwrap_or_default();
        base.push(names.join(" "));
    }
    let kk_of = |no: Option<u8>, families: &[Family]| -> String {
        no.and_then(|n| families.iter().find(|f| f.family_no == n))
            .map(|f| f.kk_number.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    match (h, a) {
        (Some(h), _) => {
            for (i, m) in h.members.iter().enumerate() {
                let mut row = base.clone();
                row.extend([
                    (i + 1).to_string(),
                    m.name.clone(),
                    m.nik.clone().unwrap_or_default(),
                    m.family_no.map(|n| n.to_string()).unwrap_or_default(),
                    kk_of(m.family_no, &h.families),
                ]);
                row.extend(coded(m.relation_to_head));
                row.extend(coded(m.sex));
                row.push(m.birth_date.map(|d| d.to_string()).unwrap_or_default());
                row.extend(coded(m.marital_status));
                row.extend(coded(m.disability));
                row.extend(coded(m.school_participation));
                row.extend(coded(m.worked_last_week));
                row.extend(coded(m.presence));
                rows.push(row);
            }
        }
        (None, Some(a)) => {
            for (i, m) in a.members.iter().enumerate() {
                let mut row = base.clone();
                row.extend([
                    (i + 1).to_string(),
                    m.name.clone(),
                    m.nik.clone().unwrap_or_default(),
                    m.family_no.map(|n| n.to_string()).unwrap_or_default(),
                    kk_of(m.family_no, &a.families),
                ]);
                row.extend(coded(m.relation_to_head));
                row.extend(coded(m.sex));
                row.push(m.birth_date.map(|d| d.to_string()).unwrap_or_default());
                row.extend(std::iter::repeat_n(String::new(), 10));
                rows.push(row);
            }
        }
        (None, None) => {}
    }
    if rows.is_empty() {
        let mut row = base;
        row.extend(std::iter::repeat_n(String::new(), 20));
        rows.push(row);
    }
    rows
}

/// The export as CSV, written one household at a time (a province does not fit in memory).
pub struct CsvExport<W: std::io::Write> {
    out: csv::Writer<W>,
    rows: u64,
}

impl<W: std::io::Write> CsvExport<W> {
    /// Starts the file with its header row.
    pub fn new(out: W) -> Result<Self, String> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(export_header())
            .map_err(|e| e.to_string())?;
        Ok(CsvExport { out, rows: 0 })
    }

    /// Writes one household's rows (one per member).
    pub fn write(&mut self, e: &ExportHousehold) -> Result<(), String> {
        for row in export_rows(e) {
            self.out.write_record(&row).map_err(|e| e.to_string())?;
            self.rows += 1;
        }
        Ok(())
    }

    /// Flushes the file; returns how many rows it has under the header.
    pub fn finish(mut self) -> Result<u64, String> {
        self.out.flush().map_err(|e| e.to_string())?;
        Ok(self.rows)
    }
}

/// The export as an .xlsx workbook, filled one household at a time: the sheet `anggota` of
/// the same rows as the CSV, and, when there are DTSEN families, their results as
/// `dtsen_keluarga` and `dtsen_anggota` (`pendata_shared::dtsen::export`). (The workbook itself
/// is built in memory by rust_xlsxwriter: XLSX is for a kabupaten's exports; a province's goes
/// to CSV.)
pub struct XlsxExport {
    members: Sheet,
    families: Sheet,
    family_members: Sheet,
}

/// A worksheet and the next row to write.
struct Sheet {
    sheet: rust_xlsxwriter::Worksheet,
    next: u32,
}

impl Sheet {
    fn new(name: &str, header: &[String]) -> Result<Self, String> {
        let mut sheet = rust_xlsxwriter::Worksheet::new();
        sheet.set_name(name).map_err(|e| e.to_string())?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (c, name) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, name, &bold)
                .map_err(|e| e.to_string())?;
        }
        Ok(Sheet { sheet, next: 1 })
    }

    fn push(&mut self, row: &[String]) -> Result<(), String> {
        for (c, v) in row.iter().enumerate() {
            // Text everywhere: NIK and KK numbers must not become floats.
            self.sheet
                .write_string(self.next, c as u16, v)
                .map_err(|e| e.to_string())?;
        }
        self.next += 1;
        Ok(())
    }

    fn rows(&self) -> u64 {
        u64::from(self.next - 1)
    }
}

impl XlsxExport {
    pub fn new() -> Result<Self, String> {
        Ok(XlsxExport {
            members: Sheet::new("anggota", &export_header())?,
            families: Sheet::new("dtsen_keluarga", &family_header())?,
            family_members: Sheet::new("dtsen_anggota", &member_header())?,
        })
    }

    /// Adds one household's rows.
    pub fn write(&mut self, e: &ExportHousehold) -> Result<(), String> {
        for row in export_rows(e) {
            self.members.push(&row)?;
        }
        if let Some(f) = &e.family {
            self.families.push(&family_row(f))?;
            for row in member_rows(f) {
                self.family_members.push(&row)?;
            }
        }
        Ok(())
    }

    /// Saves the workbook at `path`; returns the rows of its `anggota` sheet.
    pub fn finish(self, path: &std::path::Path) -> Result<u64, String> {
        let rows = self.members.rows();
        let mut book = rust_xlsxwriter::Workbook::new();
        book.push_worksheet(self.members.sheet);
        if self.families.rows() > 0 {
            book.push_worksheet(self.families.sheet);
            book.push_worksheet(self.family_members.sheet);
        }
        book.save(path).map_err(|e| e.to_string())?;
        Ok(rows)
    }
}

/// The DTSEN results for Kemensos/BPS as two CSV files, written one record at a time: one row
/// per family and one per member, code and label columns, each row after the record's review
/// state.
pub struct DtsenCsvExport<F: std::io::Write, M: std::io::Write> {
    families: csv::Writer<F>,
    members: csv::Writer<M>,
    counts: (u64, u64),
}

impl<F: std::io::Write, M: std::io::Write> DtsenCsvExport<F, M> {
    pub fn new(families: F, members: M) -> Result<Self, String> {
        let mut families = csv::Writer::from_writer(families);
        families
            .write_record(family_header())
            .map_err(|e| e.to_string())?;
        let mut members = csv::Writer::from_writer(members);
        members
            .write_record(member_header())
            .map_err(|e| e.to_string())?;
        Ok(DtsenCsvExport {
            families,
            members,
            counts: (0, 0),
        })
    }

    /// Writes the record's family and members, if it is a DTSEN family.
    pub fn write(&mut self, e: &ExportHousehold) -> Result<(), String> {
        let Some(f) = &e.family else {
            return Ok(());
        };
        self.families
            .write_record(family_row(f))
            .map_err(|e| e.to_string())?;
        self.counts.0 += 1;
        for row in member_rows(f) {
            self.members.write_record(row).map_err(|e| e.to_string())?;
            self.counts.1 += 1;
        }
        Ok(())
    }

    /// Flushes both files; returns their row counts (families, members).
    pub fn finish(mut self) -> Result<(u64, u64), String> {
        self.families.flush().map_err(|e| e.to_string())?;
        self.members.flush().map_err(|e| e.to_string())?;
        Ok(self.counts)
    }
}

// ---------------------------------------------------------------------------------------------
// demo

/// The demo password of every demo account.
pub const DEMO_PASSWORD: &str = "pendata-demo";

/// The demo accounts: (username, role, wilayah).
pub const DEMO_USERS: [(&str, Role, &str); 5] = [
    ("admin", Role::Admin, ""),
    ("supervisor.gunungputri", Role::Supervisor, "320102"),
    ("tksk.gunungputri", Role::Enumerator, "320102"),
    ("operator.wanaherang", Role::Enumerator, "3201022001"),
    ("supervisor.cibinong", Role::Supervisor, "320101"),
];

/// The sample prelist shipped with the server.
pub const DEMO_PRELIST: &str = include_str!("../../assets/examples/prelist.csv");

/// Seeds the demo accounts (existing ones are left alone) and imports the sample prelist.
/// Returns lines saying what was done.
pub fn seed_demo(
    accounts: &dyn AccountStore,
    records: &dyn RecordStore,
    today: NaiveDate,
) -> Result<Vec<String>, String> {
    let mut said = Vec::new();
    for (name, role, wilayah) in DEMO_USERS {
        let hash = hash_password(DEMO_PASSWORD).map_err(|e| e.to_string())?;
        match accounts.create_user(NewUser {
            username: name.into(),
            password_hash: hash,
            role,
            wilayah: wilayah.into(),
        }) {
            Ok(_) => said.push(format!(
                "created {name} ({role}, wilayah {})",
                if wilayah.is_empty() {
                    "(semua)"
                } else {
                    wilayah
                }
            )),
            Err(StoreError::UsernameTaken) => said.push(format!("kept existing {name}")),
            Err(e) => return Err(e.to_string()),
        }
    }
    let parsed = parse_prelist_csv(DEMO_PRELIST.as_bytes(), today)?;
    if let Some(e) = parsed.errors.first() {
        return Err(format!("the bundled prelist is invalid: {e}"));
    }
    let sum = records
        .import_prelist(&parsed.households)
        .map_err(|e| e.to_string())?;
    said.push(format!(
        "prelist: {} household(s) created, {} updated",
        sum.created, sum.updated
    ));
    Ok(said)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn the_sample_prelist_is_clean() {
        let p = parse_prelist_csv(DEMO_PRELIST.as_bytes(), today()).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.households.len(), 13);
        let wanaherang = p
            .households
            .iter()
            .filter(|h| h.desa_code == "3201022001")
            .count();
        assert_eq!(wanaherang, 10);
        assert_eq!(p.households[0].members.len(), 4);
        assert_eq!(p.households[0].families.len(), 1);
    }

    #[test]
    fn bad_rows_are_reported_with_lines_and_their_household_skipped() {
        let csv = format!(
            "{}\n\
             P1,3201022001,001,002,Jl. A,,,Ani,,1,2,1980-01-01,\n\
             P1,3201022001,001,002,Jl. A,,,Budi,123,3,1,2001-01-01,\n\
             P2,9999999999,001,002,Jl. B,,,Citra,,1,2,1980-01-01,\n\
             P3,3201022001,001,002,Jl. C,,,Dedi,,9,1,1980-01-01,\n\
             P4,3201022001,001,002,Jl. D,,,Euis,,1,2,1980-01-01,ani\n\
             P4,3201022001,001,002,Jl. E,,,Fajar,,3,1,2010-01-01,ani\n\
             P5,3201022001,1,2,Jl. F,,,Gilang,,1,1,2030-01-01,\n\
             P6,3201022001,1,2,Jl. G,,,Hana,,1,2,1990-02-02,\n\
             too,few\n",
            PRELIST_COLUMNS.join(",")
        );
        let p = parse_prelist_csv(csv.as_bytes(), today()).unwrap();
        let lines: Vec<u64> = p.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 7, 8, 10], "{:?}", p.errors);
        assert!(p.errors[0].reason.starts_with("nik:"));
        assert!(!p.errors[0].reason.contains("123"), "no value echoed");
        assert!(p.errors[1].reason.starts_with("desa_code:"));
        assert!(p.errors[2].reason.starts_with("relation:"));
        assert!(p.errors[4].reason.starts_with("birth_date:"));
        let ids: Vec<&str> = p.households.iter().map(|h| h.prelist_id.as_str()).collect();
        assert_eq!(ids, vec!["P6"]);
    }

    #[test]
    fn a_wrong_header_is_refused() {
        assert!(parse_prelist_csv("a,b,c\n1,2,3\n".as_bytes(), today()).is_err());
    }
}
