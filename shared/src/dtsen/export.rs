//! The results export of DTSEN families for Kemensos/BPS: one row per family and one row per
//! member, every coded answer as two columns, the official code and its Indonesian label
//! (`roof`, `roof_label`). Bitmasks give their sum and the labels of their bits joined by
//! "; "; 430 gives its codes joined by ";". Every row starts with the `questionnaire` column.
//! Pure: strings in, strings out; the server writes them as CSV or XLSX.

use super::codes::*;
use super::family::{FamilyProcess, FamilyRecord};
use super::mask::CodeMask;
use super::members::FamilyMember;
use crate::codes::CodeList;

fn coded<T: CodeList>(v: Option<T>) -> [String; 2] {
    match v {
        Some(v) => [v.code().to_string(), v.label_id().to_string()],
        None => [String::new(), String::new()],
    }
}

fn masked<M: CodeMask>(v: Option<M>) -> [String; 2] {
    match v {
        Some(v) => [
            v.code().to_string(),
            v.texts()
                .iter()
                .map(|t| t.id.as_ref())
                .collect::<Vec<_>>()
                .join("; "),
        ],
        None => [String::new(), String::new()],
    }
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// A column list where every coded field has a `_label` twin.
fn columns(fields: &[(&str, bool)]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, coded) in fields {
        out.push((*name).to_string());
        if *coded {
            out.push(format!("{name}_label"));
        }
    }
    out
}

const FAMILY_FIELDS: &[(&str, bool)] = &[
    ("questionnaire", false),
    ("record_id", false),
    ("process", false),
    ("assignment_id", false),
    ("programme", false),
    ("desil", true),
    ("ground_check_outcome", false),
    ("visits", false),
    ("visits_nobody_home", false),
    ("desa_code", false),
    ("rt", false),
    ("rw", false),
    ("sls_code", false),
    ("address", false),
    ("building_no", false),
    ("family_no", false),
    ("kk_number", false),
    ("kk_code", true),
    ("head_name", false),
    ("member_count", false),
    ("enumeration_date", false),
    ("enumerator_name", false),
    ("result", true),
    ("notes", false),
    ("tenure", true),
    ("land_title", true),
    ("floor_area_m2", false),
    ("floor", true),
    ("wall", true),
    ("roof", true),
    ("drinking_water", true),
    ("water_waste_distance", true),
    ("lighting", true),
    ("meter_1", true),
    ("meter_2", true),
    ("meter_3", true),
    ("cooking_fuel", true),
    ("toilet_use", true),
    ("toilet_type", true),
    ("sewage", true),
    ("sembako", true),
    ("pkh", true),
    ("blt_dana_desa", true),
    ("electricity_subsidy", true),
    ("pemda", true),
    ("fertiliser_subsidy", true),
    ("lpg_subsidy", true),
    ("gas_cylinders", false),
    ("refrigerators", false),
    ("air_conditioners", false),
    ("water_heaters", false),
    ("landlines", false),
    ("flat_tvs", false),
    ("gold_grams", false),
    ("computers", false),
    ("motorcycles", false),
    ("bicycles", false),
    ("cars", false),
    ("boats", false),
    ("motorboats", false),
    ("smartphones", false),
    ("other_land", true),
    ("other_building", true),
    ("cattle", false),
    ("buffalo", false),
    ("horses", false),
    ("pigs", false),
    ("goats_sheep", false),
    ("internet", true),
    ("bank_account", true),
    ("latitude", false),
    ("longitude", false),
];

/// The header of the family sheet.
pub fn family_header() -> Vec<String> {
    columns(FAMILY_FIELDS)
}

/// One family's row, aligned with [`family_header`].
pub fn family_row(f: &FamilyRecord) -> Vec<String> {
    let (process, assignment, programme, desil) = match &f.process {
        FamilyProcess::GroundCheck {
            assignment_id,
            programme,
            desil,
        } => (
            "ground_check",
            assignment_id.clone(),
            programme.map(|p| p.id().to_string()).unwrap_or_default(),
            *desil,
        ),
        FamilyProcess::UsulanBaru { .. } => ("usulan_baru", String::new(), String::new(), None),
    };
    let l = &f.location;
    let h = &f.housing;
    let e = &f.enumeration;
    let mut row = vec![
        f.questionnaire.id().to_string(),
        f.id.to_string(),
        process.to_string(),
        assignment,
        programme,
    ];
    row.extend(coded(desil));
    row.push(
        f.ground_check
            .outcome
            .map(|o| o.id().to_string())
            .unwrap_or_default(),
    );
    row.push(f.ground_check.visits.len().to_string());
    row.push(f.ground_check.attempts_nobody_home().to_string());
    row.extend([
        l.desa_code.clone(),
        text(&l.rt),
        text(&l.rw),
        text(&l.sls_code),
        l.address.clone(),
        num(l.building_no),
        num(l.family_no),
        text(&f.kk_number),
    ]);
    row.extend(coded(f.kk_code));
    row.push(f.head_name().to_string());
    row.push(f.member_count().to_string());
    row.push(num(e.date));
    row.push(text(&e.enumerator_name));
    row.extend(coded(e.result));
    row.push(text(&f.notes));
    row.extend(coded(h.tenure));
    row.extend(coded(h.land_title));
    row.push(num(h.floor_area_m2));
    row.extend(coded(h.floor));
    row.extend(coded(h.wall));
    row.extend(coded(h.roof));
    row.extend(coded(h.drinking_water));
    row.extend(coded(h.water_waste_distance));
    row.extend(coded(h.lighting));
    for i in 0..3 {
        row.extend(coded(h.meters.get(i).copied()));
    }
    row.extend(coded(h.cooking_fuel));
    row.extend(coded(h.toilet_use));
    row.extend(coded(h.toilet_type));
    row.extend(coded(h.sewage));
    for (_, _, _, a) in f.programmes.entries() {
        row.extend(coded(a.participates));
    }
    for (_, _, count) in f.assets.counts() {
        row.push(num(count));
    }
    row.extend(coded(f.assets.other_land));
    row.extend(coded(f.assets.other_building));
    for (_, _, count) in f.assets.livestock() {
        row.push(num(count));
    }
    row.extend(coded(f.internet));
    row.extend(coded(f.bank_account));
    row.push(num(f.geotag.as_ref().map(|g| g.latitude)));
    row.push(num(f.geotag.as_ref().map(|g| g.longitude)));
    row
}

const MEMBER_FIELDS: &[(&str, bool)] = &[
    ("questionnaire", false),
    ("record_id", false),
    ("kk_number", false),
    ("member_no", false),
    ("name", false),
    ("nik", false),
    ("presence", true),
    ("sex", true),
    ("birth_date", false),
    ("age", false),
    ("marital_status", true),
    ("relation", true),
    ("pregnant", true),
    ("identity_docs", true),
    ("school_participation", true),
    ("education_level", true),
    ("highest_grade", true),
    ("diploma", true),
    ("worked_last_week", true),
    ("hours_worked", false),
    ("work_sector", true),
    ("employment_status", true),
    ("npwp", true),
    ("has_business", true),
    ("business_count", false),
    ("business_sector", true),
    ("paid_workers", false),
    ("unpaid_workers", false),
    ("business_permit", true),
    ("business_turnover", true),
    ("business_internet", true),
    ("nutrition", true),
    ("seeing", true),
    ("hearing", true),
    ("walking", true),
    ("hands", true),
    ("learning", true),
    ("behaviour", true),
    ("speaking", true),
    ("self_care", true),
    ("remembering", true),
    ("depression", true),
    ("caregiver", true),
    ("chronic_illnesses", true),
    ("health_insurance", true),
    ("pra_kerja", true),
    ("kur", true),
    ("umi", true),
    ("pip", true),
    ("employment_insurance", true),
];

/// The header of the member sheet.
pub fn member_header() -> Vec<String> {
    columns(MEMBER_FIELDS)
}

/// One row per member of `f`, aligned with [`member_header`].
pub fn member_rows(f: &FamilyRecord) -> Vec<Vec<String>> {
    f.members
        .iter()
        .enumerate()
        .map(|(i, m)| member_row(f, i, m))
        .collect()
}

fn member_row(f: &FamilyRecord, i: usize, m: &FamilyMember) -> Vec<String> {
    let mut row = vec![
        f.questionnaire.id().to_string(),
        f.id.to_string(),
        text(&f.kk_number),
        (i + 1).to_string(),
        m.name.clone(),
        text(&m.nik),
    ];
    row.extend(coded(m.presence));
    row.extend(coded(m.sex));
    row.push(num(m.birth_date));
    row.push(num(m.age));
    row.extend(coded(m.marital_status));
    row.extend(coded(m.relation));
    row.extend(coded(m.pregnant));
    row.extend(masked::<IdentityDocs>(m.identity_docs));
    row.extend(coded(m.school_participation));
    row.extend(coded(m.education_level));
    row.extend(coded(m.highest_grade));
    row.extend(coded(m.diploma));
    row.extend(coded(m.worked_last_week));
    row.push(num(m.hours_worked));
    row.extend(coded(m.work_sector));
    row.extend(coded(m.employment_status));
    row.extend(coded(m.npwp));
    row.extend(coded(m.has_business));
    row.push(num(m.business_count));
    row.extend(coded(m.business_sector));
    row.push(num(m.paid_workers));
    row.push(num(m.unpaid_workers));
    row.extend(coded(m.business_permit));
    row.extend(coded(m.business_turnover));
    row.extend(masked::<BusinessInternetUse>(m.business_internet));
    row.extend(coded(m.nutrition));
    for (_, _, _, d) in m.difficulties.entries() {
        row.extend(coded(d));
    }
    row.extend(coded(m.depression));
    row.extend(coded(m.caregiver));
    row.push(
        m.chronic_illnesses
            .iter()
            .map(|c| c.code().to_string())
            .collect::<Vec<_>>()
            .join(";"),
    );
    row.push(
        m.chronic_illnesses
            .iter()
            .map(|c| c.label_id())
            .collect::<Vec<_>>()
            .join("; "),
    );
    row.extend(masked::<HealthInsurance>(m.health_insurance));
    row.extend(coded(m.pra_kerja));
    row.extend(coded(m.kur));
    row.extend(coded(m.umi));
    row.extend(coded(m.pip));
    row.extend(masked::<EmploymentInsurance>(m.employment_insurance));
    row
}
