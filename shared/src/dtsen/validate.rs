//! Offline validation of a DTSEN family and of a batch, in the style of [`crate::validate`]:
//! every finding, a field path, a stable code and both languages. Rules follow
//! DTSEN-REFERENCE.md §2.4 (skip rules and required notes) and §3.1 (ground check); NIK/KK
//! structure and geotags are checked exactly as for DTKS households.
//!
//! Skip rules hold both ways: a follow-up question is required when it applies (in a full
//! interview) and refused (`skip.not_applicable`) when it does not.

use std::collections::HashMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::codes::{
    EmploymentStatus, EnumerationResult, IdentityDocs, MaritalStatus, Presence, Relation, YesNo,
};
use super::family::{FamilyProcess, FamilyRecord};
use super::ground_check::{GroundCheckOutcome, RevisitPolicy};
use super::members::FamilyMember;
use super::programmes::{FIRST_PROGRAMME_YEAR, MAX_ASSET_COUNT, MAX_LIVESTOCK};
use crate::photos::PhotoKind;
use crate::questionnaire::Questionnaire;
use crate::validate::{
    check_age, check_geotag, check_kk_number, check_nik, check_place, Context, Finding, Out,
};

/// The choices the reference leaves open (UNCONFIRMED or contradictory), as configuration with
/// documented defaults (docs/formats.md, "DTSEN choices").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DtsenRules {
    /// When a family nobody was home at is visited again.
    pub revisit: RevisitPolicy,
    /// Oldest age 431e (PIP) is asked for: 30 on the paper form; OpenSID asks everyone 5+.
    pub pip_max_age: u8,
    /// Youngest age 431f (employment insurance) is asked for: 15 on the form; OpenSID has none.
    pub employment_insurance_min_age: u8,
}

impl Default for DtsenRules {
    fn default() -> Self {
        Self {
            revisit: RevisitPolicy::default(),
            pip_max_age: 30,
            employment_insurance_min_age: 15,
        }
    }
}

/// Largest 302 floor area (the form has 3 digits).
pub const MAX_FLOOR_AREA_M2: u16 = 999;
/// Largest 416b hours worked (2 digits).
pub const MAX_HOURS_WORKED: u8 = 99;

/// The photos a family needs before it can be final, by process and outcome: a ground check of
/// a found family needs the house front, its inside and the KK; a new proposal the KK, a KTP
/// and the house front; a ground check that did not find the family needs none.
pub fn required_photos(f: &FamilyRecord) -> &'static [PhotoKind] {
    match f.process {
        FamilyProcess::GroundCheck { .. }
            if f.ground_check.outcome == Some(GroundCheckOutcome::Found) =>
        {
            &PhotoKind::GROUND_CHECK
        }
        FamilyProcess::GroundCheck { .. } => &[],
        FamilyProcess::UsulanBaru { .. } => &PhotoKind::USULAN_MINIMUM,
    }
}

/// The photo kinds still missing, in checklist order.
pub fn missing_photos(f: &FamilyRecord) -> Vec<PhotoKind> {
    required_photos(f)
        .iter()
        .copied()
        .filter(|k| !f.photos.iter().any(|p| p.kind == *k))
        .collect()
}

/// Every finding for one family.
pub fn validate_family(f: &FamilyRecord, ctx: &Context<'_>, rules: &DtsenRules) -> Vec<Finding> {
    let mut out = Out::new();
    let full = f.is_full_interview();
    if f.questionnaire != Questionnaire::Regsosek2022k {
        out.error(
            "questionnaire",
            "questionnaire.mismatch",
            format!(
                "Rekaman keluarga DTSEN harus berversi regsosek2022k, bukan {}",
                f.questionnaire
            ),
            format!(
                "A DTSEN family record must be regsosek2022k, not {}",
                f.questionnaire
            ),
        );
    }
    check_process(f, ctx, rules, &mut out);
    check_location(f, ctx, full, &mut out);
    check_enumeration(f, ctx, full, &mut out);
    check_housing(f, full, &mut out);
    check_members(f, ctx, rules, full, &mut out);
    check_programmes(f, ctx, full, &mut out);
    check_assets(f, full, &mut out);
    if full {
        if f.internet.is_none() {
            out.required("internet", "Akses internet (505)", "Internet access (505)");
        }
        if f.bank_account.is_none() {
            out.required(
                "bank_account",
                "Rekening/dompet digital (506)",
                "Bank account/e-wallet (506)",
            );
        }
    }
    check_geotag(f.geotag.as_ref(), full, &mut out);
    for kind in missing_photos(f) {
        out.error(
            "photos",
            "photo.missing",
            format!("Foto {} ({}) belum ada", kind.stereotype(), kind.label_id()),
            format!(
                "Photo {} ({}) is missing",
                kind.stereotype(),
                kind.label_en()
            ),
        );
    }
    out.findings
}

/// Findings for a batch, aligned with `batch`: each family's own, plus a record id twice, a
/// NIK in two families (named as "same building" when both families share the building), two
/// families of one building with the same family number (110), and one KK on two forms.
pub fn validate_family_batch(
    batch: &[FamilyRecord],
    ctx: &Context<'_>,
    rules: &DtsenRules,
) -> Vec<Vec<Finding>> {
    let mut all: Vec<Vec<Finding>> = batch
        .iter()
        .map(|f| validate_family(f, ctx, rules))
        .collect();
    let mut seen_id = HashMap::new();
    let mut seen_nik: HashMap<&str, usize> = HashMap::new();
    let mut seen_kk: HashMap<&str, usize> = HashMap::new();
    let mut seen_family_no = HashMap::new();
    for (i, f) in batch.iter().enumerate() {
        let mut out = Out::new();
        if let Some(first) = seen_id.insert(f.id, i) {
            out.error(
                "id",
                "household.duplicate_id",
                format!(
                    "Keluarga yang sama muncul dua kali dalam kiriman (juga no. {})",
                    first + 1
                ),
                format!(
                    "The same family appears twice in the batch (also no. {})",
                    first + 1
                ),
            );
        }
        if let Some(kk) = f.kk_number.as_deref().filter(|k| k.len() == 16) {
            match seen_kk.get(kk) {
                Some(&other) if other != i => out.error(
                    "kk_number",
                    "kk.duplicate_in_batch",
                    format!(
                        "Nomor KK ini juga ada di formulir keluarga lain dalam kiriman (no. {})",
                        other + 1
                    ),
                    format!(
                        "This KK number is also on another family's form in the batch (no. {})",
                        other + 1
                    ),
                ),
                Some(_) => {}
                None => {
                    seen_kk.insert(kk, i);
                }
            }
        }
        if let (Some(building), Some(no)) = (f.building_key(), f.location.family_no) {
            if let Some(&other) = seen_family_no.get(&(building, no)) {
                if other != i {
                    out.error(
                        "location.family_no",
                        "family.duplicate_family_no",
                        format!("Nomor keluarga {no} sudah dipakai keluarga lain di bangunan yang sama (no. {})", other + 1),
                        format!("Family number {no} is already used by another family in the same building (no. {})", other + 1),
                    );
                }
            } else {
                seen_family_no.insert((building, no), i);
            }
        }
        for (m_idx, m) in f.members.iter().enumerate() {
            let Some(nik) = m.nik.as_deref().filter(|n| n.len() == 16) else {
                continue;
            };
            match seen_nik.get(nik) {
                Some(&other) if other != i => {
                    let same_building = f.building_key().is_some()
                        && f.building_key() == batch[other].building_key();
                    if same_building {
                        out.error(
                            format!("members[{m_idx}].nik"),
                            "nik.duplicate_in_building",
                            format!("NIK ini juga tercatat di keluarga lain di bangunan yang sama (no. {})", other + 1),
                            format!("This NIK is also recorded in another family of the same building (no. {})", other + 1),
                        );
                    } else {
                        out.error(
                            format!("members[{m_idx}].nik"),
                            "nik.duplicate_in_batch",
                            format!(
                                "NIK ini juga tercatat di keluarga lain dalam kiriman (no. {})",
                                other + 1
                            ),
                            format!(
                                "This NIK is also recorded in another family of the batch (no. {})",
                                other + 1
                            ),
                        );
                    }
                }
                Some(_) => {}
                None => {
                    seen_nik.insert(nik, i);
                }
            }
        }
        all[i].extend(out.findings);
    }
    all
}

fn check_process(f: &FamilyRecord, ctx: &Context<'_>, rules: &DtsenRules, out: &mut Out) {
    let gc = &f.ground_check;
    match &f.process {
        FamilyProcess::GroundCheck { assignment_id, .. } => {
            if assignment_id.trim().is_empty() {
                out.required(
                    "process.assignment_id",
                    "ID daftar ground check",
                    "Ground-check list id",
                );
            }
            for (i, v) in gc.visits.iter().enumerate() {
                if f.zone().today(v.at) > ctx.today {
                    out.error(
                        format!("ground_check.visits[{i}].at"),
                        "ground_check.visit_in_future",
                        "Waktu kunjungan ada di masa depan",
                        "The visit time is in the future",
                    );
                }
            }
            let attempts = gc.attempts_nobody_home();
            match gc.outcome {
                None if gc.awaits_revisit() => {
                    let next = rules
                        .revisit
                        .next_visit_on(gc, f.zone())
                        .map(|d| d.format("%d-%m-%Y").to_string())
                        .unwrap_or_default();
                    let max = rules.revisit.max_attempts;
                    out.error(
                        "ground_check.outcome",
                        "ground_check.revisit_pending",
                        format!("Belum ada hasil: kunjungi lagi mulai {next} (kunjungan tanpa penghuni {attempts} dari {max})"),
                        format!("No outcome yet: visit again from {next} (nobody home {attempts} of {max} times)"),
                    );
                }
                None => out.required(
                    "ground_check.outcome",
                    "Hasil ground check",
                    "Ground-check outcome",
                ),
                Some(GroundCheckOutcome::NotFound)
                    if attempts > 0
                        && gc
                            .visits
                            .iter()
                            .all(|v| v.result == super::VisitResult::NobodyHome)
                        && !rules.revisit.attempts_used_up(gc) =>
                {
                    let max = rules.revisit.max_attempts;
                    out.warn(
                        "ground_check.outcome",
                        "ground_check.closed_early",
                        format!("Ditutup sebagai tidak ditemukan setelah {attempts} kunjungan tanpa penghuni; aturan: {max} kunjungan"),
                        format!("Closed as not found after {attempts} visits with nobody home; the rule is {max} visits"),
                    );
                }
                Some(_) => {}
            }
            check_outcome_against_form(f, out);
        }
        FamilyProcess::UsulanBaru { .. } => {
            if !gc.is_empty() {
                out.not_applicable(
                    "ground_check",
                    "hasil ground check hanya untuk proses ground check",
                    "a ground-check outcome applies only to the ground-check process",
                );
            }
        }
    }
}

/// The ground-check outcome must agree with 205 and the members' 404 (warnings: the form's
/// codes are the published ones, the outcome is Pendata's).
fn check_outcome_against_form(f: &FamilyRecord, out: &mut Out) {
    use EnumerationResult as R;
    let Some(outcome) = f.ground_check.outcome else {
        return;
    };
    let result = f.enumeration.result;
    let agrees = match outcome {
        GroundCheckOutcome::Found => {
            matches!(result, None | Some(R::Complete | R::Partial | R::Refused))
        }
        GroundCheckOutcome::Moved => matches!(result, None | Some(R::MovedOrGone)),
        GroundCheckOutcome::NotFound => {
            matches!(result, None | Some(R::NoRespondent | R::MovedOrGone))
        }
        GroundCheckOutcome::Died => !matches!(result, Some(R::Complete | R::Partial)),
    };
    if !agrees {
        let r = result.map(|r| r.code()).unwrap_or(0);
        out.warn(
            "enumeration.result",
            "ground_check.result_mismatch",
            format!(
                "Hasil pendataan (205) {r} tidak sesuai dengan hasil ground check \"{}\"",
                outcome.text().id
            ),
            format!(
                "The enumeration result (205) {r} does not match the ground-check outcome \"{}\"",
                outcome.text().en
            ),
        );
    }
    if outcome == GroundCheckOutcome::Died
        && f.members
            .iter()
            .any(|m| matches!(m.presence, Some(Presence::Living | Presence::NewMember)))
    {
        out.warn(
            "ground_check.outcome",
            "ground_check.died_with_living_members",
            "Hasil \"meninggal\" tetapi ada anggota yang masih tinggal bersama keluarga: pilih \"ditemukan\" dan isi 404 = 2 untuk yang meninggal",
            "Outcome \"died\" but some members still live with the family: choose \"found\" and set 404 = 2 for those who died",
        );
    }
    if outcome == GroundCheckOutcome::Found
        && f.members.iter().all(|m| !m.is_present())
        && !f.members.is_empty()
    {
        out.warn(
            "ground_check.outcome",
            "ground_check.found_without_members",
            "Keluarga ditemukan tetapi tidak ada anggota yang tinggal bersama keluarga",
            "The family was found but no member lives with it",
        );
    }
}

fn short_code(out: &mut Out, path: &str, value: &Option<String>, max: usize, label: (&str, &str)) {
    if let Some(v) = value {
        if v.is_empty() || v.chars().count() > max || !v.chars().all(|c| c.is_ascii_alphanumeric())
        {
            out.error(
                path,
                "field.code_format",
                format!("{} paling banyak {max} huruf/angka", label.0),
                format!("{} is at most {max} letters/digits", label.1),
            );
        }
    }
}

fn in_range(
    out: &mut Out,
    path: &str,
    value: Option<u32>,
    range: std::ops::RangeInclusive<u32>,
    label: (&str, &str),
) {
    if let Some(v) = value {
        if !range.contains(&v) {
            let (a, b) = (range.start(), range.end());
            out.error(
                path,
                "field.out_of_range",
                format!("{} {v} di luar rentang {a}-{b}", label.0),
                format!("{} {v} is outside {a}-{b}", label.1),
            );
        }
    }
}

fn check_location(f: &FamilyRecord, ctx: &Context<'_>, full: bool, out: &mut Out) {
    let l = &f.location;
    check_place(&l.desa_code, &l.rt, &l.rw, ctx, out);
    short_code(
        out,
        "location.sls_code",
        &l.sls_code,
        4,
        ("Kode SLS (105)", "SLS code (105)"),
    );
    short_code(
        out,
        "location.sub_sls_code",
        &l.sub_sls_code,
        2,
        ("Kode sub-SLS (105a)", "Sub-SLS code (105a)"),
    );
    short_code(
        out,
        "location.landmark_id",
        &l.landmark_id,
        6,
        ("ID landmark (113)", "Landmark id (113)"),
    );
    if l.sls_name
        .as_deref()
        .is_some_and(|n| n.chars().count() > 100)
    {
        out.error(
            "location.sls_name",
            "field.too_long",
            "Nama SLS (106) paling banyak 100 karakter",
            "SLS name (106) is at most 100 characters",
        );
    }
    in_range(
        out,
        "location.building_no",
        l.building_no.map(u32::from),
        1..=999,
        ("Nomor bangunan (109)", "Building number (109)"),
    );
    in_range(
        out,
        "location.family_no",
        l.family_no.map(u32::from),
        1..=999,
        ("Nomor keluarga (110)", "Family number (110)"),
    );
    if full {
        if l.address.trim().is_empty() {
            out.required("location.address", "Alamat (107)", "Address (107)");
        }
        if l.building_no.is_none() {
            out.required(
                "location.building_no",
                "Nomor bangunan (109)",
                "Building number (109)",
            );
        }
        if l.family_no.is_none() {
            out.required(
                "location.family_no",
                "Nomor keluarga (110)",
                "Family number (110)",
            );
        }
        if f.kk_code.is_none() {
            out.required("kk_code", "Kode KK (115)", "KK code (115)");
        }
    }
    match f.kk_number.as_deref().filter(|k| !k.is_empty()) {
        Some(kk) => {
            check_kk_number("kk_number", kk, ctx, out);
        }
        None if full => out.required("kk_number", "Nomor KK (114)", "KK number (114)"),
        None => {}
    }
}

fn check_enumeration(f: &FamilyRecord, ctx: &Context<'_>, full: bool, out: &mut Out) {
    let e = &f.enumeration;
    let visited = match f.process {
        FamilyProcess::GroundCheck { .. } => f.ground_check.outcome.is_some(),
        FamilyProcess::UsulanBaru { .. } => true,
    };
    if visited && e.result.is_none() {
        out.required(
            "enumeration.result",
            "Hasil pendataan keluarga (205)",
            "Enumeration result (205)",
        );
    }
    // 205 = 2..5: Blok VI Catatan is required.
    if e.result.is_some_and(|r| r != EnumerationResult::Complete)
        && f.notes.as_deref().is_none_or(|n| n.trim().is_empty())
    {
        out.error(
            "notes",
            "notes.required_for_result",
            "Catatan (Blok VI) wajib diisi bila hasil pendataan 2-5",
            "Notes (Blok VI) are required when the enumeration result is 2-5",
        );
    }
    if full && e.date.is_none() {
        out.required(
            "enumeration.date",
            "Tanggal pencacahan (201)",
            "Enumeration date (201)",
        );
    }
    for (path, date) in [
        ("enumeration.date", e.date),
        ("enumeration.checked_date", e.checked_date),
    ] {
        if date.is_some_and(|d| d > ctx.today) {
            out.error(
                path,
                "field.date_in_future",
                "Tanggal ada di masa depan",
                "The date is in the future",
            );
        }
    }
    short_code(
        out,
        "enumeration.enumerator_code",
        &e.enumerator_code,
        4,
        ("Kode PPL (202a)", "Enumerator code (202a)"),
    );
    short_code(
        out,
        "enumeration.checker_code",
        &e.checker_code,
        3,
        ("Kode PML (204a)", "Checker code (204a)"),
    );
    if let Some(phone) = e.respondent_phone.as_deref() {
        let digits = phone.strip_prefix('+').unwrap_or(phone);
        if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            out.error(
                "enumeration.respondent_phone",
                "field.phone_format",
                "Nomor telepon responden paling banyak 16 angka",
                "The respondent's phone number is at most 16 digits",
            );
        }
    }
}

fn check_housing(f: &FamilyRecord, full: bool, out: &mut Out) {
    let h = &f.housing;
    if full {
        let req: [(&str, bool, &str, &str); 10] = [
            (
                "housing.tenure",
                h.tenure.is_some(),
                "Status penguasaan bangunan (301a)",
                "Tenure (301a)",
            ),
            (
                "housing.floor_area_m2",
                h.floor_area_m2.is_some(),
                "Luas lantai (302)",
                "Floor area (302)",
            ),
            (
                "housing.floor",
                h.floor.is_some(),
                "Jenis lantai (303)",
                "Floor (303)",
            ),
            (
                "housing.wall",
                h.wall.is_some(),
                "Jenis dinding (304)",
                "Wall (304)",
            ),
            (
                "housing.roof",
                h.roof.is_some(),
                "Jenis atap (305)",
                "Roof (305)",
            ),
            (
                "housing.drinking_water",
                h.drinking_water.is_some(),
                "Sumber air minum (306a)",
                "Drinking water (306a)",
            ),
            (
                "housing.lighting",
                h.lighting.is_some(),
                "Sumber penerangan (307a)",
                "Lighting (307a)",
            ),
            (
                "housing.cooking_fuel",
                h.cooking_fuel.is_some(),
                "Bahan bakar memasak (308)",
                "Cooking fuel (308)",
            ),
            (
                "housing.toilet_use",
                h.toilet_use.is_some(),
                "Fasilitas BAB (309a)",
                "Toilet facility (309a)",
            ),
            (
                "housing.sewage",
                h.sewage.is_some(),
                "Pembuangan akhir tinja (310)",
                "Sewage disposal (310)",
            ),
        ];
        for (path, present, id, en) in req {
            if !present {
                out.required(path, id, en);
            }
        }
    }
    out.conditional(
        full,
        h.land_title_applies(),
        &h.land_title,
        "housing.land_title",
        ("Bukti kepemilikan tanah (301b)", "Land title (301b)"),
        (
            "301b hanya jika bangunan milik sendiri (301a = 1)",
            "301b only when the building is owned (301a = 1)",
        ),
    );
    out.conditional(
        full,
        h.distance_applies(),
        &h.water_waste_distance,
        "housing.water_waste_distance",
        (
            "Jarak sumber air ke penampungan tinja (306b)",
            "Distance from water source to waste (306b)",
        ),
        (
            "306b hanya untuk sumur atau mata air (306a = 4-8)",
            "306b only for wells and springs (306a = 4-8)",
        ),
    );
    out.conditional(
        full,
        h.toilet_type_applies(),
        &h.toilet_type,
        "housing.toilet_type",
        ("Jenis kloset (309b)", "Toilet type (309b)"),
        (
            "309b hanya jika ada dan digunakan (309a = 1-3)",
            "309b only when there is one in use (309a = 1-3)",
        ),
    );
    let meters = if h.meters.is_empty() { None } else { Some(()) };
    out.conditional(
        full,
        h.meters_apply(),
        &meters,
        "housing.meters",
        (
            "Daya terpasang meteran 1 (307b1)",
            "Installed power of meter 1 (307b1)",
        ),
        (
            "307b hanya untuk listrik PLN dengan meteran (307a = 1)",
            "307b only for PLN electricity with a meter (307a = 1)",
        ),
    );
    if h.meters.len() > super::housing::MAX_METERS {
        out.error(
            "housing.meters",
            "housing.too_many_meters",
            format!(
                "Paling banyak {} meteran (307b1-b3), tercatat {}",
                super::housing::MAX_METERS,
                h.meters.len()
            ),
            format!(
                "At most {} meters (307b1-b3), found {}",
                super::housing::MAX_METERS,
                h.meters.len()
            ),
        );
    }
    in_range(
        out,
        "housing.floor_area_m2",
        h.floor_area_m2.map(u32::from),
        1..=u32::from(MAX_FLOOR_AREA_M2),
        ("Luas lantai (302)", "Floor area (302)"),
    );
}

fn check_members(
    f: &FamilyRecord,
    ctx: &Context<'_>,
    rules: &DtsenRules,
    full: bool,
    out: &mut Out,
) {
    if full && f.members.is_empty() {
        out.required("members", "Anggota keluarga", "Family members");
    }
    let heads = f
        .members
        .iter()
        .filter(|m| m.is_present() && m.is_head())
        .count();
    if (full || f.members.iter().any(FamilyMember::is_present)) && heads != 1 {
        out.error(
            "members",
            "family.head_count",
            format!("Harus ada tepat satu kepala keluarga (409 = 1), tercatat {heads}"),
            format!("There must be exactly one head of family (409 = 1), found {heads}"),
        );
    }
    let head_age = f.head().and_then(|h| h.age_on(ctx.today));
    let mut seen_nik: HashMap<&str, usize> = HashMap::new();
    for (i, m) in f.members.iter().enumerate() {
        check_member(f, m, i, ctx, rules, full, head_age, out);
        if let Some(nik) = m.nik.as_deref().filter(|n| !n.is_empty()) {
            if let Some(first) = seen_nik.insert(nik, i) {
                out.error(
                    format!("members[{i}].nik"),
                    "nik.duplicate_in_family",
                    format!("NIK sama dengan anggota no. {}", first + 1),
                    format!("Same NIK as member no. {}", first + 1),
                );
            }
        }
    }
}

/// The answers a member gave after 404, by field path: a member who died, moved or was not
/// found skips them all (the form: "404 = 2, 3, 4, 6 → next member").
fn answers_after_presence(m: &FamilyMember) -> Vec<&'static str> {
    let d = &m.difficulties;
    let fields: [(&'static str, bool); 39] = [
        ("pregnant", m.pregnant.is_some()),
        ("identity_docs", m.identity_docs.is_some()),
        ("school_participation", m.school_participation.is_some()),
        ("education_level", m.education_level.is_some()),
        ("highest_grade", m.highest_grade.is_some()),
        ("diploma", m.diploma.is_some()),
        ("worked_last_week", m.worked_last_week.is_some()),
        ("hours_worked", m.hours_worked.is_some()),
        ("work_sector", m.work_sector.is_some()),
        ("employment_status", m.employment_status.is_some()),
        ("npwp", m.npwp.is_some()),
        ("skill_certificate", m.skill_certificate.is_some()),
        ("income_bracket", m.income_bracket.is_some()),
        ("has_business", m.has_business.is_some()),
        ("business_count", m.business_count.is_some()),
        ("business_sector", m.business_sector.is_some()),
        ("paid_workers", m.paid_workers.is_some()),
        ("unpaid_workers", m.unpaid_workers.is_some()),
        ("business_permit", m.business_permit.is_some()),
        ("business_turnover", m.business_turnover.is_some()),
        ("business_internet", m.business_internet.is_some()),
        ("nutrition", m.nutrition.is_some()),
        ("difficulties.seeing", d.seeing.is_some()),
        ("difficulties.hearing", d.hearing.is_some()),
        ("difficulties.walking", d.walking.is_some()),
        ("difficulties.hands", d.hands.is_some()),
        ("difficulties.learning", d.learning.is_some()),
        ("difficulties.behaviour", d.behaviour.is_some()),
        ("difficulties.speaking", d.speaking.is_some()),
        ("difficulties.self_care", d.self_care.is_some()),
        ("difficulties.remembering", d.remembering.is_some()),
        ("depression", m.depression.is_some()),
        ("caregiver", m.caregiver.is_some()),
        ("chronic_illnesses", !m.chronic_illnesses.is_empty()),
        ("health_insurance", m.health_insurance.is_some()),
        ("pra_kerja", m.pra_kerja.is_some()),
        ("kur", m.kur.is_some()),
        ("umi", m.umi.is_some()),
        ("pip", m.pip.is_some()),
    ];
    let mut answered: Vec<&'static str> =
        fields.iter().filter(|(_, a)| *a).map(|(p, _)| *p).collect();
    if m.employment_insurance.is_some() {
        answered.push("employment_insurance");
    }
    answered
}

/// Whether a member-level question applies, and why not.
struct Rule<'a> {
    applies: bool,
    why: (&'a str, &'a str),
}

#[allow(clippy::too_many_arguments)]
fn check_member(
    f: &FamilyRecord,
    m: &FamilyMember,
    i: usize,
    ctx: &Context<'_>,
    rules: &DtsenRules,
    full: bool,
    head_age: Option<u32>,
    out: &mut Out,
) {
    let p = |field: &str| format!("members[{i}].{field}");
    if m.name.trim().is_empty() {
        out.required(p("name"), "Nama (402)", "Name (402)");
    }
    let ground_check_found = matches!(f.process, FamilyProcess::GroundCheck { .. })
        && f.ground_check.outcome == Some(GroundCheckOutcome::Found);
    if (full || ground_check_found) && m.presence.is_none() {
        out.required(
            p("presence"),
            "Keberadaan anggota keluarga (404)",
            "Member presence (404)",
        );
    }
    if matches!(f.process, FamilyProcess::UsulanBaru { .. })
        && m.presence
            .is_some_and(|p| !matches!(p, Presence::Living | Presence::NewMember))
    {
        out.error(
            p("presence"),
            "member.presence_in_proposal",
            "Usulan baru hanya mencatat anggota yang tinggal bersama keluarga (404 = 1 atau 5)",
            "A new proposal lists only members living with the family (404 = 1 or 5)",
        );
    }
    check_nik(&p("nik"), m.nik.as_deref(), m.sex, m.birth_date, ctx, out);

    // Age and birth date.
    let age = check_age(
        &p("birth_date"),
        &p("age"),
        m.birth_date,
        m.age,
        ctx.today,
        out,
    );
    if let (Some(a), Some(h)) = (age, head_age) {
        if m.relation == Some(Relation::Child) && a > h {
            out.warn(
                p("age"),
                "member.child_older_than_head",
                "Anak (409 = 3) lebih tua dari kepala keluarga",
                "A child (409 = 3) is older than the head of family",
            );
        }
    }

    if !m.is_present() {
        for field in answers_after_presence(m) {
            out.not_applicable(
                p(field),
                "anggota yang meninggal, pindah atau tidak ditemukan (404 = 2, 3, 4, 6) langsung ke anggota berikutnya",
                "a member who died, moved or was not found (404 = 2, 3, 4, 6) skips to the next member",
            );
        }
        return;
    }
    if full {
        if m.relation.is_none() {
            out.required(
                p("relation"),
                "Hubungan dengan kepala keluarga (409)",
                "Relation to head of family (409)",
            );
        }
        if m.sex.is_none() {
            out.required(p("sex"), "Jenis kelamin (405)", "Sex (405)");
        }
        if m.birth_date.is_none() && m.age.is_none() {
            out.required(
                p("birth_date"),
                "Tanggal lahir (406) atau umur (407)",
                "Birth date (406) or age (407)",
            );
        }
        if m.nik.as_deref().is_none_or(str::is_empty) {
            out.required(p("nik"), "NIK (403)", "NIK (403)");
        }
        if m.marital_status.is_none() {
            out.required(
                p("marital_status"),
                "Status perkawinan (408)",
                "Marital status (408)",
            );
        }
        if m.identity_docs.is_none() {
            out.required(
                p("identity_docs"),
                "Kartu identitas (411)",
                "Identity documents (411)",
            );
        }
        if m.chronic_illnesses.is_empty() {
            out.required(
                p("chronic_illnesses"),
                "Keluhan kesehatan kronis (430)",
                "Chronic illness (430)",
            );
        }
        if m.health_insurance.is_none() {
            out.required(
                p("health_insurance"),
                "Jaminan kesehatan (431a)",
                "Health insurance (431a)",
            );
        }
    }
    if age.is_some_and(|a| a < 10)
        && m.marital_status
            .is_some_and(|s| s != MaritalStatus::NeverMarried)
    {
        out.warn(
            p("marital_status"),
            "member.married_child",
            "Anak di bawah 10 tahun tercatat pernah kawin",
            "A child under 10 is recorded as ever married",
        );
    }
    if let Some(docs) = m.identity_docs {
        if docs.contains(IdentityDocs::KTP)
            && age.is_some_and(|a| a < 17)
            && m.marital_status
                .is_none_or(|s| s == MaritalStatus::NeverMarried)
        {
            out.warn(
                p("identity_docs"),
                "member.ktp_too_young",
                "KTP tercatat untuk anggota di bawah 17 tahun yang belum kawin",
                "A KTP is recorded for an unmarried member under 17",
            );
        }
    }

    // The skip rules of Blok IV, each both ways.
    let known_age = |pred: &dyn Fn(u32) -> bool| age.is_some_and(pred);
    let age5 = Rule {
        applies: known_age(&|a| a >= 5),
        why: (
            "hanya untuk usia 5 tahun ke atas",
            "only for age 5 and over",
        ),
    };
    let age2 = Rule {
        applies: known_age(&|a| a >= 2),
        why: (
            "hanya untuk usia 2 tahun ke atas",
            "only for age 2 and over",
        ),
    };
    let under5 = Rule {
        applies: known_age(&|a| a <= 4),
        why: ("hanya untuk usia 0-4 tahun", "only for age 0-4"),
    };
    let preg = Rule {
        applies: m.pregnancy_applies(ctx.today),
        why: (
            "hanya untuk perempuan 10-54 tahun yang pernah kawin (408 = 2-4)",
            "only for women aged 10-54 who are or were married (408 = 2-4)",
        ),
    };
    let edu = Rule {
        applies: age5.applies && m.education_applies(),
        why: (
            "413-415 hanya jika masih atau pernah sekolah (412 = 2, 3)",
            "413-415 only when attending or having attended school (412 = 2, 3)",
        ),
    };
    let work = Rule {
        applies: age5.applies && m.work_applies(),
        why: (
            "416b-418 hanya jika bekerja seminggu lalu (416a = 1)",
            "416b-418 only when the member worked last week (416a = 1)",
        ),
    };
    let biz = Rule {
        applies: age5.applies && m.business_applies(),
        why: (
            "420b-426 hanya jika memiliki usaha (420a = 1)",
            "420b-426 only when the member runs a business (420a = 1)",
        ),
    };
    let care = Rule {
        applies: m.caregiver_applies(ctx.today),
        why: (
            "429 hanya untuk usia 60+ atau bila 428 berkode 1/2",
            "429 only for age 60+ or a 428 answer of 1 or 2",
        ),
    };
    let pip_age = u32::from(rules.pip_max_age);
    let pip_why = (
        format!("431e hanya untuk usia 5-{pip_age} tahun"),
        format!("431e only for age 5-{pip_age}"),
    );
    let pip = Rule {
        applies: known_age(&|a| (5..=pip_age).contains(&a)),
        why: (&pip_why.0, &pip_why.1),
    };
    let ei_age = u32::from(rules.employment_insurance_min_age);
    let ei_why = (
        format!("431f hanya untuk usia {ei_age} tahun ke atas"),
        format!("431f only for age {ei_age} and over"),
    );
    let ei = Rule {
        applies: known_age(&|a| a >= ei_age),
        why: (&ei_why.0, &ei_why.1),
    };

    fn q<T>(
        out: &mut Out,
        full: bool,
        rule: &Rule<'_>,
        value: &Option<T>,
        path: &str,
        label: (&str, &str),
    ) {
        out.conditional(full, rule.applies, value, path, label, rule.why);
    }
    q(
        out,
        full,
        &preg,
        &m.pregnant,
        &p("pregnant"),
        ("Status hamil (410)", "Pregnancy (410)"),
    );
    q(
        out,
        full,
        &age5,
        &m.school_participation,
        &p("school_participation"),
        ("Partisipasi sekolah (412)", "School participation (412)"),
    );
    q(
        out,
        full,
        &edu,
        &m.education_level,
        &p("education_level"),
        ("Jenjang pendidikan (413)", "Education level (413)"),
    );
    q(
        out,
        full,
        &edu,
        &m.highest_grade,
        &p("highest_grade"),
        ("Kelas tertinggi (414)", "Highest grade (414)"),
    );
    q(
        out,
        full,
        &edu,
        &m.diploma,
        &p("diploma"),
        ("Ijazah tertinggi (415)", "Highest certificate (415)"),
    );
    q(
        out,
        full,
        &age5,
        &m.worked_last_week,
        &p("worked_last_week"),
        ("Bekerja seminggu lalu (416a)", "Worked last week (416a)"),
    );
    q(
        out,
        full,
        &work,
        &m.hours_worked,
        &p("hours_worked"),
        ("Jam kerja (416b)", "Hours worked (416b)"),
    );
    q(
        out,
        full,
        &work,
        &m.work_sector,
        &p("work_sector"),
        ("Lapangan usaha (417)", "Sector (417)"),
    );
    q(
        out,
        full,
        &work,
        &m.employment_status,
        &p("employment_status"),
        ("Status pekerjaan (418)", "Employment status (418)"),
    );
    q(
        out,
        full,
        &age5,
        &m.npwp,
        &p("npwp"),
        ("NPWP (419)", "Tax number (419)"),
    );
    q(
        out,
        false,
        &age5,
        &m.skill_certificate,
        &p("skill_certificate"),
        ("Keterampilan (419a)", "Skills (419a)"),
    );
    q(
        out,
        false,
        &age5,
        &m.income_bracket,
        &p("income_bracket"),
        ("Pendapatan (419b)", "Income (419b)"),
    );
    q(
        out,
        full,
        &age5,
        &m.has_business,
        &p("has_business"),
        ("Memiliki usaha (420a)", "Runs a business (420a)"),
    );
    q(
        out,
        full,
        &biz,
        &m.business_count,
        &p("business_count"),
        ("Jumlah usaha (420b)", "Number of businesses (420b)"),
    );
    q(
        out,
        full,
        &biz,
        &m.business_sector,
        &p("business_sector"),
        ("Lapangan usaha utama (421)", "Main business sector (421)"),
    );
    q(
        out,
        full,
        &biz,
        &m.paid_workers,
        &p("paid_workers"),
        ("Pekerja dibayar (422)", "Paid workers (422)"),
    );
    q(
        out,
        full,
        &biz,
        &m.unpaid_workers,
        &p("unpaid_workers"),
        ("Pekerja tidak dibayar (423)", "Unpaid workers (423)"),
    );
    q(
        out,
        full,
        &biz,
        &m.business_permit,
        &p("business_permit"),
        ("Perizinan usaha (424)", "Business permit (424)"),
    );
    q(
        out,
        full,
        &biz,
        &m.business_turnover,
        &p("business_turnover"),
        ("Omzet usaha (425)", "Business turnover (425)"),
    );
    q(
        out,
        full,
        &biz,
        &m.business_internet,
        &p("business_internet"),
        (
            "Internet untuk usaha (426)",
            "Internet for the business (426)",
        ),
    );
    q(
        out,
        full,
        &under5,
        &m.nutrition,
        &p("nutrition"),
        ("Kondisi gizi (427)", "Nutrition (427)"),
    );
    for (question, field, min_age, answer) in m.difficulties.entries() {
        let rule = if min_age >= 5 { &age5 } else { &age2 };
        q(
            out,
            full,
            rule,
            &answer,
            &p(&format!("difficulties.{field}")),
            (
                &format!("Kesulitan ({question})"),
                &format!("Difficulty ({question})"),
            ),
        );
    }
    q(
        out,
        full,
        &age5,
        &m.depression,
        &p("depression"),
        ("Kesedihan/depresi (428j)", "Sadness/depression (428j)"),
    );
    q(
        out,
        full,
        &care,
        &m.caregiver,
        &p("caregiver"),
        ("Caregiver/pengasuh (429)", "Caregiver (429)"),
    );
    q(
        out,
        full,
        &age5,
        &m.pra_kerja,
        &p("pra_kerja"),
        ("Pra-Kerja (431b)", "Pra-Kerja (431b)"),
    );
    q(
        out,
        full,
        &age5,
        &m.kur,
        &p("kur"),
        ("KUR (431c)", "KUR (431c)"),
    );
    q(
        out,
        full,
        &age5,
        &m.umi,
        &p("umi"),
        ("UMi (431d)", "UMi (431d)"),
    );
    q(
        out,
        full,
        &pip,
        &m.pip,
        &p("pip"),
        ("PIP (431e)", "PIP (431e)"),
    );
    q(
        out,
        full,
        &ei,
        &m.employment_insurance,
        &p("employment_insurance"),
        (
            "Jaminan ketenagakerjaan (431f)",
            "Employment insurance (431f)",
        ),
    );

    // Ranges.
    in_range(
        out,
        &p("hours_worked"),
        m.hours_worked.map(u32::from),
        0..=u32::from(MAX_HOURS_WORKED),
        ("Jam kerja (416b)", "Hours worked (416b)"),
    );
    in_range(
        out,
        &p("business_count"),
        m.business_count.map(u32::from),
        1..=99,
        ("Jumlah usaha (420b)", "Number of businesses (420b)"),
    );
    in_range(
        out,
        &p("paid_workers"),
        m.paid_workers.map(u32::from),
        0..=999,
        ("Pekerja dibayar (422)", "Paid workers (422)"),
    );
    in_range(
        out,
        &p("unpaid_workers"),
        m.unpaid_workers.map(u32::from),
        0..=99,
        ("Pekerja tidak dibayar (423)", "Unpaid workers (423)"),
    );

    // 430: several illnesses, or "none" alone.
    let ill = &m.chronic_illnesses;
    let none = super::codes::ChronicIllness::None;
    if ill.contains(&none) && ill.len() > 1 {
        out.error(
            p("chronic_illnesses"),
            "member.illness_none_with_other",
            "\"Tidak ada\" (430 = 1) tidak boleh digabung dengan penyakit lain",
            "\"None\" (430 = 1) cannot be combined with an illness",
        );
    }
    let mut sorted: Vec<u8> = ill.iter().map(|c| c.code()).collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        out.error(
            p("chronic_illnesses"),
            "member.illness_repeated",
            "Penyakit yang sama tercatat dua kali (430)",
            "The same illness is recorded twice (430)",
        );
    }

    // Eligibility signal: a warning, not an error.
    if m.employment_status == Some(EmploymentStatus::CivilServant) {
        out.warn(
            p("employment_status"),
            "eligibility.civil_servant",
            "Anggota berstatus ASN/TNI/Polri/BUMN/BUMD/pejabat negara (418 = 5): keluarga ASN/TNI/Polri dikecualikan dari bansos",
            "A member is a civil servant/military/police/state-enterprise employee/state official (418 = 5): such families are excluded from social assistance",
        );
    }
}

fn check_programmes(f: &FamilyRecord, ctx: &Context<'_>, full: bool, out: &mut Out) {
    let this_year = u32::try_from(ctx.today.year()).unwrap_or(0);
    for (question, field, label, a) in f.programmes.entries() {
        let path = |s: &str| format!("programmes.{field}.{s}");
        if full && a.participates.is_none() {
            out.required(
                path("participates"),
                &format!("{} ({question})", label.id),
                &format!("{} ({question})", label.en),
            );
        }
        let yes = a.participates == Some(YesNo::Yes);
        let why = (
            "bulan/tahun hanya jika menerima program (= 1)",
            "month/year only when the family received it (= 1)",
        );
        for (name, present) in [
            ("last_month", a.last_month.is_some()),
            ("last_year", a.last_year.is_some()),
        ] {
            if present && !yes {
                out.not_applicable(path(name), why.0, why.1);
            } else if !present && yes {
                out.warn(
                    path(name),
                    "programme.last_received_missing",
                    format!(
                        "Bulan dan tahun terakhir menerima {} ({question}) belum diisi",
                        label.id
                    ),
                    format!(
                        "The month and year {} ({question}) was last received are missing",
                        label.en
                    ),
                );
            }
        }
        in_range(
            out,
            &path("last_month"),
            a.last_month.map(u32::from),
            1..=12,
            ("Bulan", "Month"),
        );
        in_range(
            out,
            &path("last_year"),
            a.last_year.map(u32::from),
            u32::from(FIRST_PROGRAMME_YEAR)..=this_year,
            ("Tahun", "Year"),
        );
        if let (Some(m), Some(y)) = (a.last_month, a.last_year) {
            if u32::from(y) == this_year && u32::from(m) > ctx.today.month() {
                out.error(
                    path("last_month"),
                    "field.date_in_future",
                    "Bulan terakhir menerima ada di masa depan",
                    "The month last received is in the future",
                );
            }
        }
    }
}

fn check_assets(f: &FamilyRecord, full: bool, out: &mut Out) {
    let a = &f.assets;
    for (question, field, count) in a.counts() {
        match count {
            None if full => out.required(
                format!("assets.{field}"),
                &format!("Jumlah aset ({question})"),
                &format!("Asset count ({question})"),
            ),
            Some(c) if field != "gold_grams" => in_range(
                out,
                &format!("assets.{field}"),
                Some(u32::from(c)),
                0..=u32::from(MAX_ASSET_COUNT),
                (
                    &format!("Jumlah ({question})"),
                    &format!("Count ({question})"),
                ),
            ),
            _ => {}
        }
    }
    for (question, field, count) in a.livestock() {
        match count {
            None if full => out.required(
                format!("assets.{field}"),
                &format!("Jumlah ternak ({question})"),
                &format!("Livestock ({question})"),
            ),
            Some(c) => in_range(
                out,
                &format!("assets.{field}"),
                Some(u32::from(c)),
                0..=u32::from(MAX_LIVESTOCK),
                (
                    &format!("Jumlah ternak ({question})"),
                    &format!("Livestock ({question})"),
                ),
            ),
            None => {}
        }
    }
    if full {
        if a.other_land.is_none() {
            out.required(
                "assets.other_land",
                "Lahan lain (503a)",
                "Other land (503a)",
            );
        }
        if a.other_building.is_none() {
            out.required(
                "assets.other_building",
                "Rumah/bangunan lain (503b)",
                "Other building (503b)",
            );
        }
    }
    out.conditional(
        false,
        a.other_land == Some(YesNo::Yes),
        &a.land_area,
        "assets.land_area",
        ("Luas lahan (503)", "Land area (503)"),
        (
            "luas lahan hanya jika memiliki lahan lain (503a = 1)",
            "land area only when the family has other land (503a = 1)",
        ),
    );
}
