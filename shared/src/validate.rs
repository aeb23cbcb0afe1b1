//! Offline validation of a household and of a batch: every finding, not the first.
//!
//! A finding has a field path (`members[2].nik`), a severity, a stable code for programs and a
//! message in Bahasa Indonesia and English. Errors block "final"; warnings ask the facilitator to
//! confirm. Rules follow DTKS-REFERENCE.md §2-§3; each rule is one small function below.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::*;
use crate::ids::MemberId;
use crate::model::{Geotag, Household, Member, RecordKind};
use crate::nik::{parse_kk, parse_nik, IdNumberError};
use crate::photos::{missing_photo_kinds, LocalPhotoProblem, PhotoKind};
use crate::wilayah::Wilayah;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks "final".
    Error,
    /// Asks for confirmation.
    Warning,
}

/// One problem found in a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Path of the field, e.g. `members[2].nik` or `housing.wall_condition`.
    pub path: String,
    pub severity: Severity,
    /// Stable code, e.g. `nik.future_date`.
    pub code: String,
    /// Message in Bahasa Indonesia.
    pub message: String,
    /// Message in English.
    pub message_en: String,
}

impl Finding {
    /// The message in the asked language.
    pub fn message_in(&self, lang: crate::Lang) -> &str {
        crate::text::pick_ref(lang, &self.message, &self.message_en)
    }
}

impl crate::text::Localized for Finding {
    fn text(&self) -> crate::text::Text {
        crate::text::Text::owned(self.message.clone(), self.message_en.clone())
    }
}

/// Whether a list of findings lets a record become final (no errors).
pub fn is_finalizable(findings: &[Finding]) -> bool {
    !findings.iter().any(|f| f.severity == Severity::Error)
}

/// What the rules need besides the record: the day of checking and the region list.
#[derive(Debug, Clone, Copy)]
pub struct Context<'w> {
    pub today: NaiveDate,
    pub wilayah: &'w Wilayah<'w>,
}

impl Context<'static> {
    /// The embedded region list and the given day.
    pub fn embedded(today: NaiveDate) -> Self {
        Self {
            today,
            wilayah: Wilayah::embedded(),
        }
    }
}

/// Largest floor area (m²) before a warning: Kemensos treats about 100 m² as a sign of a
/// well-off household, and a few hundred is rare among applicants.
pub const FLOOR_AREA_WARN_M2: f64 = 500.0;
/// Largest weekly hours worked (the form's range).
pub const MAX_HOURS_WORKED: u8 = 98;
/// Accuracy (m) above which a GPS fix gets a warning.
pub const GPS_ACCURACY_WARN_M: f64 = 50.0;

/// Collects findings; shared by the DTKS rules here and the DTSEN rules of
/// [`crate::dtsen::validate`].
pub(crate) struct Out {
    pub(crate) findings: Vec<Finding>,
}

impl Out {
    pub(crate) fn new() -> Self {
        Self {
            findings: Vec::new(),
        }
    }
    fn push(&mut self, severity: Severity, path: String, code: &str, id: String, en: String) {
        self.findings.push(Finding {
            path,
            severity,
            code: code.to_string(),
            message: id,
            message_en: en,
        });
    }
    pub(crate) fn error(
        &mut self,
        path: impl Into<String>,
        code: &str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.push(Severity::Error, path.into(), code, id.into(), en.into());
    }
    pub(crate) fn warn(
        &mut self,
        path: impl Into<String>,
        code: &str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.push(Severity::Warning, path.into(), code, id.into(), en.into());
    }
    pub(crate) fn required(&mut self, path: impl Into<String>, label_id: &str, label_en: &str) {
        self.error(
            path,
            "field.required",
            format!("{label_id} wajib diisi"),
            format!("{label_en} is required"),
        );
    }
    pub(crate) fn not_applicable(&mut self, path: impl Into<String>, id_why: &str, en_why: &str) {
        self.error(
            path,
            "skip.not_applicable",
            format!("Pertanyaan ini tidak berlaku: {id_why}"),
            format!("This question does not apply: {en_why}"),
        );
    }
    /// A follow-up question: required when it applies (in a full interview), forbidden when not.
    pub(crate) fn conditional<T>(
        &mut self,
        full: bool,
        applies: bool,
        value: &Option<T>,
        path: &str,
        label: (&str, &str),
        why: (&str, &str),
    ) {
        match (applies, value.is_some()) {
            (false, true) => self.not_applicable(path, why.0, why.1),
            (true, false) if full => self.required(path, label.0, label.1),
            _ => {}
        }
    }
}

/// Every finding for one household.
pub fn validate_household(h: &Household, ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Out {
        findings: Vec::new(),
    };
    let full = h.is_full_interview();
    if h.questionnaire != crate::Questionnaire::DtksBdt {
        out.error(
            "questionnaire",
            "questionnaire.mismatch",
            format!(
                "Rekaman rumah tangga DTKS harus berversi dtks-bdt, bukan {}",
                h.questionnaire
            ),
            format!(
                "A DTKS household record must be dtks-bdt, not {}",
                h.questionnaire
            ),
        );
    }
    check_location(h, ctx, full, &mut out);
    check_status(h, &mut out);
    check_families(h, ctx, full, &mut out);
    if full {
        check_housing(h, &mut out);
    } else {
        check_housing_skips(h, &mut out);
    }
    check_assets(h, &mut out);
    check_members(h, ctx, full, &mut out);
    check_geotag(h.geotag.as_ref(), full, &mut out);
    for kind in missing_photo_kinds(h) {
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

/// The finding for a photo the record references whose bytes are not usable on this device,
/// e.g. "Foto KTP (Ahmad Suryana) tidak ada di perangkat — ambil ulang". The photo step, finalize,
/// import and the sync summary all say it with these words. An error: such a record cannot be
/// final, since the server would never receive the photo.
pub fn local_photo_finding(
    h: &Household,
    kind: PhotoKind,
    member_id: Option<MemberId>,
    problem: LocalPhotoProblem,
) -> Finding {
    let name = member_id
        .and_then(|id| h.members.iter().find(|m| m.id == id))
        .map(|m| m.name.as_str());
    local_photo_finding_named(kind, name, problem)
}

/// [`local_photo_finding`] for any record (a DTSEN family too): `member_name` is the name of
/// the member the photo shows, if any.
pub fn local_photo_finding_named(
    kind: PhotoKind,
    member_name: Option<&str>,
    problem: LocalPhotoProblem,
) -> Finding {
    let name = member_name.map(str::trim).filter(|n| !n.is_empty());
    let who = name.map(|n| format!(" ({n})")).unwrap_or_default();
    let (id_state, en_state) = match problem {
        LocalPhotoProblem::Missing => ("tidak ada di perangkat", "is not on this device"),
        LocalPhotoProblem::Unreadable => (
            "tidak dapat dibaca di perangkat",
            "cannot be read on this device",
        ),
        LocalPhotoProblem::Damaged => ("rusak di perangkat", "is damaged on this device"),
    };
    Finding {
        path: "photos".into(),
        severity: Severity::Error,
        code: problem.code().to_string(),
        message: format!("Foto {}{who} {id_state} — ambil ulang", kind.label_id()),
        message_en: format!("{} photo{who} {en_state} — take it again", kind.label_en()),
    }
}

/// Findings for a batch: each household's own findings, plus NIKs and ids that appear in more
/// than one household of the batch. The result is aligned with `batch`.
pub fn validate_batch(batch: &[Household], ctx: &Context<'_>) -> Vec<Vec<Finding>> {
    let mut all: Vec<Vec<Finding>> = batch.iter().map(|h| validate_household(h, ctx)).collect();
    let mut seen_nik: HashMap<&str, usize> = HashMap::new();
    let mut seen_id = HashMap::new();
    for (i, h) in batch.iter().enumerate() {
        if let Some(first) = seen_id.insert(h.id, i) {
            let mut out = Out {
                findings: Vec::new(),
            };
            out.error(
                "id",
                "household.duplicate_id",
                format!(
                    "Rumah tangga yang sama muncul dua kali dalam kiriman (juga no. {})",
                    first + 1
                ),
                format!(
                    "The same household appears twice in the batch (also no. {})",
                    first + 1
                ),
            );
            all[i].extend(out.findings);
        }
        for (m_idx, m) in h.members.iter().enumerate() {
            let Some(nik) = m.nik.as_deref().filter(|n| n.len() == 16) else {
                continue;
            };
            match seen_nik.get(nik) {
                Some(&other) if other != i => {
                    let mut out = Out {
                        findings: Vec::new(),
                    };
                    out.error(
                        format!("members[{m_idx}].nik"),
                        "nik.duplicate_in_batch",
                        format!(
                            "NIK ini juga tercatat di rumah tangga lain dalam kiriman (no. {})",
                            other + 1
                        ),
                        format!(
                            "This NIK is also recorded in another household of the batch (no. {})",
                            other + 1
                        ),
                    );
                    all[i].extend(out.findings);
                }
                Some(_) => {}
                None => {
                    seen_nik.insert(nik, i);
                }
            }
        }
    }
    all
}

fn check_location(h: &Household, ctx: &Context<'_>, full: bool, out: &mut Out) {
    let l = &h.location;
    check_place(&l.desa_code, &l.rt, &l.rw, ctx, out);
    if full && l.address.trim().is_empty() {
        out.required("location.address", "Alamat", "Address");
    }
}

/// The desa code (required, in the region list) and RT/RW (1-3 digits), at `location.*`.
pub(crate) fn check_place(
    desa_code: &str,
    rt: &Option<String>,
    rw: &Option<String>,
    ctx: &Context<'_>,
    out: &mut Out,
) {
    let code = desa_code.trim();
    if code.is_empty() {
        out.required("location.desa_code", "Desa/kelurahan", "Desa/kelurahan");
    } else if !ctx.wilayah.is_village(code) {
        out.error(
            "location.desa_code",
            "wilayah.unknown_desa",
            format!("Kode desa/kelurahan {code} tidak ada dalam daftar wilayah Kemendagri"),
            format!("Desa/kelurahan code {code} is not in the Kemendagri region list"),
        );
    }
    for (path, value) in [("location.rt", rt), ("location.rw", rw)] {
        if let Some(v) = value {
            if v.is_empty() || v.len() > 3 || !v.bytes().all(|b| b.is_ascii_digit()) {
                out.warn(
                    path,
                    "location.rt_rw_format",
                    "RT/RW biasanya 1-3 angka",
                    "RT/RW is usually 1-3 digits",
                );
            }
        }
    }
}

fn check_status(h: &Household, out: &mut Out) {
    let v = &h.verivali;
    match &h.kind {
        RecordKind::Verivali { prelist_id } => {
            if prelist_id.trim().is_empty() {
                out.required("kind.prelist_id", "ID prelist", "Prelist id");
            }
            if v.household_status.is_none() {
                out.required(
                    "verivali.household_status",
                    "Status rumah tangga",
                    "Household status",
                );
            }
            if v.result.is_none() {
                out.required("verivali.result", "Hasil verivali", "Verivali result");
            }
        }
        RecordKind::UsulanBaru { .. } => {
            if v.household_status
                .is_some_and(|s| s != HouseholdStatus::NewProposal)
            {
                out.error(
                    "verivali.household_status",
                    "status.usulan_not_new",
                    "Usulan baru harus berstatus 4 (Usulan baru)",
                    "A new proposal must have status 4 (new proposal)",
                );
            }
            if v.well_off == Some(YesNo::Yes) {
                out.warn(
                    "verivali.well_off",
                    "status.usulan_well_off",
                    "Usulan baru dari rumah tangga mampu tidak akan diteruskan",
                    "A new proposal from a well-off household will not be forwarded",
                );
            }
        }
    }
    let not_found = v.household_status == Some(HouseholdStatus::NotFound);
    match (not_found, v.not_found_reason.is_some()) {
        (true, false) => out.required(
            "verivali.not_found_reason",
            "Alasan tidak ditemukan",
            "Reason not found",
        ),
        (false, true) => out.not_applicable(
            "verivali.not_found_reason",
            "rumah tangga tidak berstatus tidak ditemukan",
            "the household is not marked as not found",
        ),
        _ => {}
    }
    let dup = v.result == Some(VerivaliResult::Duplicate);
    let dup_of = v
        .duplicate_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (dup, dup_of) {
        (true, None) => out.required(
            "verivali.duplicate_of",
            "ID prelist ganda dengan",
            "Duplicate-of prelist id",
        ),
        (false, Some(_)) => out.not_applicable(
            "verivali.duplicate_of",
            "hasil verivali bukan 6 (data ganda)",
            "the verivali result is not 6 (duplicate)",
        ),
        (true, Some(other)) => {
            if let RecordKind::Verivali { prelist_id } = &h.kind {
                if prelist_id.trim() == other {
                    out.error(
                        "verivali.duplicate_of",
                        "status.duplicate_of_self",
                        "Rumah tangga tidak bisa ganda dengan dirinya sendiri",
                        "A household cannot duplicate itself",
                    );
                }
            }
        }
        (false, None) => {}
    }
    if v.household_status == Some(HouseholdStatus::Found)
        && matches!(v.result, Some(VerivaliResult::NotFound))
    {
        out.warn(
            "verivali.result",
            "status.inconsistent",
            "Status ditemukan tetapi hasil verivali RT tidak ditemukan",
            "Status is found but the verivali result says not found",
        );
    }
}

pub(crate) fn id_number_finding(
    out: &mut Out,
    path: String,
    prefix: &str,
    what: &str,
    e: IdNumberError,
) {
    out.error(
        path,
        &format!("{prefix}.{}", e.code()),
        format!("{what} {}", e.message_id()),
        format!("{what} {}", e.message_en()),
    );
}

fn check_families(h: &Household, ctx: &Context<'_>, full: bool, out: &mut Out) {
    if full && h.families.is_empty() {
        out.required("families", "Nomor KK", "KK number");
    }
    let mut seen_no = HashMap::new();
    let mut seen_kk = HashMap::new();
    for (i, f) in h.families.iter().enumerate() {
        let path = format!("families[{i}].kk_number");
        if f.family_no == 0 {
            out.error(
                format!("families[{i}].family_no"),
                "family.bad_no",
                "Nomor urut keluarga (NUK) dimulai dari 1",
                "Family number (NUK) starts at 1",
            );
        }
        if seen_no.insert(f.family_no, i).is_some() {
            out.error(
                format!("families[{i}].family_no"),
                "family.duplicate_no",
                "Nomor urut keluarga (NUK) dipakai dua kali",
                "Family number (NUK) used twice",
            );
        }
        if check_kk_number(&path, &f.kk_number, ctx, out)
            && seen_kk.insert(f.kk_number.as_str(), i).is_some()
        {
            out.error(
                path,
                "kk.duplicate",
                "Nomor KK yang sama tercatat dua kali",
                "The same KK number is recorded twice",
            );
        }
    }
}

/// The structure of a KK number at `path`, and whether its kecamatan is in the region list.
/// True when the number is well formed.
pub(crate) fn check_kk_number(path: &str, kk: &str, ctx: &Context<'_>, out: &mut Out) -> bool {
    match parse_kk(kk, ctx.today) {
        Err(e) => {
            id_number_finding(out, path.to_string(), "kk", "Nomor KK", e);
            false
        }
        Ok(info) => {
            if !ctx.wilayah.is_district(&info.prefix_str()) {
                out.warn(
                    path,
                    "kk.unknown_prefix",
                    format!("Kode kecamatan {} pada nomor KK tidak ada di daftar wilayah 2025 (bisa kode lama)", info.prefix_str()),
                    format!("Kecamatan code {} in the KK number is not in the 2025 region list (may be an old code)", info.prefix_str()),
                );
            }
            true
        }
    }
}

fn check_housing(h: &Household, out: &mut Out) {
    let s = &h.housing;
    let req: [(&str, bool, &str, &str); 13] = [
        (
            "housing.ownership",
            s.ownership.is_some(),
            "Status kepemilikan bangunan",
            "Building ownership",
        ),
        (
            "housing.land",
            s.land.is_some(),
            "Status lahan",
            "Land status",
        ),
        (
            "housing.floor_area_m2",
            s.floor_area_m2.is_some(),
            "Luas lantai",
            "Floor area",
        ),
        (
            "housing.floor",
            s.floor.is_some(),
            "Jenis lantai",
            "Floor material",
        ),
        (
            "housing.wall",
            s.wall.is_some(),
            "Jenis dinding",
            "Wall material",
        ),
        (
            "housing.roof",
            s.roof.is_some(),
            "Jenis atap",
            "Roof material",
        ),
        (
            "housing.drinking_water",
            s.drinking_water.is_some(),
            "Sumber air minum",
            "Drinking water source",
        ),
        (
            "housing.water_acquisition",
            s.water_acquisition.is_some(),
            "Cara memperoleh air minum",
            "How drinking water is obtained",
        ),
        (
            "housing.lighting",
            s.lighting.is_some(),
            "Sumber penerangan",
            "Lighting source",
        ),
        (
            "housing.cooking_fuel",
            s.cooking_fuel.is_some(),
            "Bahan bakar memasak",
            "Cooking fuel",
        ),
        (
            "housing.toilet_facility",
            s.toilet_facility.is_some(),
            "Fasilitas BAB",
            "Toilet facility",
        ),
        (
            "housing.toilet_type",
            s.toilet_type.is_some(),
            "Jenis kloset",
            "Toilet type",
        ),
        (
            "housing.sewage",
            s.sewage.is_some(),
            "Tempat pembuangan tinja",
            "Sewage disposal",
        ),
    ];
    for (path, present, id, en) in req {
        if !present {
            out.required(path, id, en);
        }
    }
    check_housing_rules(h, true, out);
}

fn check_housing_skips(h: &Household, out: &mut Out) {
    check_housing_rules(h, false, out);
}

fn check_housing_rules(h: &Household, full: bool, out: &mut Out) {
    let s = &h.housing;
    if let Some(area) = s.floor_area_m2 {
        if !area.is_finite() || area <= 0.0 {
            out.error(
                "housing.floor_area_m2",
                "housing.floor_area_not_positive",
                "Luas lantai harus lebih dari 0 m²",
                "Floor area must be above 0 m²",
            );
        } else if area > FLOOR_AREA_WARN_M2 {
            out.warn(
                "housing.floor_area_m2",
                "housing.floor_area_large",
                format!("Luas lantai {area} m² sangat besar; periksa kembali"),
                format!("Floor area {area} m² is very large; please check"),
            );
        }
    }
    let wall_applies = s.wall.is_some_and(WallMaterial::has_condition);
    out.conditional(
        full,
        wall_applies,
        &s.wall_condition,
        "housing.wall_condition",
        ("Kondisi dinding", "Wall condition"),
        (
            "kondisi dinding hanya untuk dinding 1-3",
            "wall condition applies to walls 1-3 only",
        ),
    );
    let roof_applies = s.roof.is_some_and(RoofMaterial::has_condition);
    out.conditional(
        full,
        roof_applies,
        &s.roof_condition,
        "housing.roof_condition",
        ("Kondisi atap", "Roof condition"),
        (
            "kondisi atap hanya untuk atap 1-7",
            "roof condition applies to roofs 1-7 only",
        ),
    );
    let pln = s.lighting == Some(LightingSource::Pln);
    let pln_why = (
        "hanya untuk penerangan listrik PLN",
        "only for PLN electricity",
    );
    out.conditional(
        full,
        pln,
        &s.electricity_power,
        "housing.electricity_power",
        ("Daya listrik", "Installed power"),
        pln_why,
    );
    out.conditional(
        false,
        pln,
        &s.pln_customer_id,
        "housing.pln_customer_id",
        ("ID pelanggan PLN", "PLN customer id"),
        pln_why,
    );
    if let Some(id) = s.pln_customer_id.as_deref() {
        if pln && !(id.len() == 11 || id.len() == 12) || !id.bytes().all(|b| b.is_ascii_digit()) {
            out.warn(
                "housing.pln_customer_id",
                "housing.pln_id_format",
                "ID pelanggan/nomor meter PLN biasanya 11-12 angka",
                "A PLN customer/meter id is usually 11-12 digits",
            );
        }
    }
    let metered = s.drinking_water == Some(WaterSource::MeteredTap);
    let water_why = ("hanya untuk leding meteran", "only for metered piped water");
    out.conditional(
        full,
        metered,
        &s.water_provider,
        "housing.water_provider",
        ("Penyedia air", "Water provider"),
        water_why,
    );
    out.conditional(
        false,
        metered,
        &s.water_customer_id,
        "housing.water_customer_id",
        ("ID pelanggan air", "Water customer id"),
        water_why,
    );
    let city_gas = s.cooking_fuel == Some(CookingFuel::CityGasBiogas);
    let gas_why = ("hanya untuk gas kota/biogas", "only for city gas/biogas");
    out.conditional(
        full,
        city_gas,
        &s.gas_provider,
        "housing.gas_provider",
        ("Penyedia gas", "Gas provider"),
        gas_why,
    );
    out.conditional(
        false,
        city_gas,
        &s.gas_customer_id,
        "housing.gas_customer_id",
        ("ID pelanggan gas", "Gas customer id"),
        gas_why,
    );
}

fn check_assets(h: &Household, out: &mut Out) {
    let a = &h.assets;
    let land = a.land.is_some_and(AssetPresence::is_yes);
    out.conditional(
        false,
        land,
        &a.land_area_m2,
        "assets.land_area_m2",
        ("Luas lahan", "Land area"),
        (
            "hanya jika memiliki lahan",
            "only when the household has land",
        ),
    );
    if let Some(area) = a.land_area_m2 {
        if !area.is_finite() || area <= 0.0 {
            out.error(
                "assets.land_area_m2",
                "assets.land_area_not_positive",
                "Luas lahan harus lebih dari 0",
                "Land area must be above 0",
            );
        }
    }
    if a.has_business != Some(YesNo::Yes) && !a.businesses.is_empty() {
        out.not_applicable(
            "assets.businesses",
            "tidak ada ART yang memiliki usaha",
            "no member runs a business",
        );
    }
}

fn check_members(h: &Household, ctx: &Context<'_>, full: bool, out: &mut Out) {
    if full && h.members.is_empty() {
        out.required("members", "Anggota rumah tangga", "Household members");
    }
    let heads = h
        .members
        .iter()
        .filter(|m| m.is_present() && m.relation_to_head == Some(Relation::Head))
        .count();
    if (full || !h.members.is_empty()) && heads != 1 {
        out.error(
            "members",
            "household.head_count",
            format!("Harus ada tepat satu kepala rumah tangga (hubungan 1), tercatat {heads}"),
            format!("There must be exactly one head of household (relation 1), found {heads}"),
        );
    }
    let mut seen_nik: HashMap<&str, usize> = HashMap::new();
    for (i, m) in h.members.iter().enumerate() {
        check_member(h, m, i, ctx, full, out);
        if let Some(nik) = m.nik.as_deref().filter(|n| !n.is_empty()) {
            if let Some(first) = seen_nik.insert(nik, i) {
                out.error(
                    format!("members[{i}].nik"),
                    "nik.duplicate_in_household",
                    format!("NIK sama dengan anggota no. {}", first + 1),
                    format!("Same NIK as member no. {}", first + 1),
                );
            }
        }
    }
}

fn check_member(h: &Household, m: &Member, i: usize, ctx: &Context<'_>, full: bool, out: &mut Out) {
    let p = |field: &str| format!("members[{i}].{field}");
    let present = m.is_present();
    let full = full && present;
    if m.name.trim().is_empty() {
        out.required(p("name"), "Nama", "Name");
    }
    if full {
        if m.relation_to_head.is_none() {
            out.required(
                p("relation_to_head"),
                "Hubungan dengan kepala rumah tangga",
                "Relation to head",
            );
        }
        if m.sex.is_none() {
            out.required(p("sex"), "Jenis kelamin", "Sex");
        }
        if m.birth_date.is_none() && m.age.is_none() {
            out.required(
                p("birth_date"),
                "Tanggal lahir atau umur",
                "Birth date or age",
            );
        }
        if m.nik.as_deref().is_none_or(str::is_empty) {
            out.required(p("nik"), "NIK", "NIK");
        }
    }
    if matches!(h.kind, RecordKind::Verivali { .. })
        && h.is_full_interview()
        && m.presence.is_none()
    {
        out.required(p("presence"), "Keberadaan ART", "Member presence");
    }
    if let Some(no) = m.family_no {
        if !h.families.iter().any(|f| f.family_no == no) {
            out.error(
                p("family_no"),
                "member.unknown_family",
                format!("Keluarga no. {no} tidak ada dalam daftar KK rumah tangga ini"),
                format!("Family no. {no} is not in this household's KK list"),
            );
        }
    }

    // Age and birth date.
    let age = check_age(
        &p("birth_date"),
        &p("age"),
        m.birth_date,
        m.age,
        ctx.today,
        out,
    );

    check_nik(&p("nik"), m.nik.as_deref(), m.sex, m.birth_date, ctx, out);

    // Pregnancy: women 10-49 who were ever married.
    let preg = m.pregnancy_applies(ctx.today);
    if m.pregnant.is_some() && !preg {
        out.not_applicable(
            p("pregnant"),
            "status hamil hanya untuk perempuan 10-49 tahun yang pernah kawin",
            "pregnancy applies only to women aged 10-49 who were ever married",
        );
    } else if full && preg && m.pregnant.is_none() {
        out.required(p("pregnant"), "Status hamil", "Pregnancy");
    }

    // Marital status.
    if full && age.is_some_and(|a| a >= 10) && m.marital_status.is_none() {
        out.required(p("marital_status"), "Status perkawinan", "Marital status");
    }
    if age.is_some_and(|a| a < 10) && m.marital_status.is_some_and(MaritalStatus::ever_married) {
        out.warn(
            p("marital_status"),
            "member.married_child",
            "Anak di bawah 10 tahun tercatat pernah kawin",
            "A child under 10 is recorded as ever married",
        );
    }
    if m.relation_to_head == Some(Relation::Spouse)
        && m.marital_status == Some(MaritalStatus::Single)
    {
        out.warn(
            p("marital_status"),
            "member.spouse_single",
            "Istri/suami kepala rumah tangga tercatat belum kawin",
            "The head's spouse is recorded as never married",
        );
    }

    // School.
    let school = m.school_level_applies();
    let school_why = (
        "jenjang dan kelas hanya jika masih atau pernah sekolah",
        "level and grade apply only when attending or having attended",
    );
    out.conditional(
        full,
        school,
        &m.school_level,
        &p("school_level"),
        ("Jenjang pendidikan", "School level"),
        school_why,
    );
    out.conditional(
        full,
        school,
        &m.highest_grade,
        &p("highest_grade"),
        ("Kelas tertinggi", "Highest grade"),
        school_why,
    );

    // Work.
    let work = m.work_applies();
    let work_why = (
        "hanya jika bekerja seminggu terakhir",
        "only when the member worked last week",
    );
    out.conditional(
        full,
        work,
        &m.hours_worked,
        &p("hours_worked"),
        ("Jam kerja", "Hours worked"),
        work_why,
    );
    out.conditional(
        full,
        work,
        &m.sector,
        &p("sector"),
        ("Lapangan usaha", "Sector"),
        work_why,
    );
    out.conditional(
        full,
        work,
        &m.employment_status,
        &p("employment_status"),
        ("Status pekerjaan", "Employment status"),
        work_why,
    );
    if let Some(hours) = m.hours_worked {
        if hours > MAX_HOURS_WORKED {
            out.error(
                p("hours_worked"),
                "member.hours_out_of_range",
                format!("Jam kerja {hours} di luar rentang 0-{MAX_HOURS_WORKED}"),
                format!("Hours worked {hours} outside 0-{MAX_HOURS_WORKED}"),
            );
        }
    }
    if m.employment_status == Some(EmploymentStatus::CivilServant) {
        out.warn(
            p("employment_status"),
            "eligibility.civil_servant",
            "ART berstatus PNS/TNI/Polri/BUMN/BUMD/legislatif: rumah tangga tidak layak bansos",
            "A member is a civil servant/military/police/state-enterprise employee: the household is not eligible",
        );
    }

    // Identity cards: a KTP is issued at 17 or on marriage.
    if let Some(cards) = m.identity_cards {
        if cards.contains(crate::codes::IdentityCards::KTP)
            && age.is_some_and(|a| a < 17)
            && !m.marital_status.is_some_and(MaritalStatus::ever_married)
        {
            out.warn(
                p("identity_cards"),
                "member.ktp_too_young",
                "KTP tercatat untuk anggota di bawah 17 tahun yang belum kawin",
                "A KTP is recorded for an unmarried member under 17",
            );
        }
    }
    if let Some(kis) = m.programmes.kis_number.as_deref() {
        if m.programmes.kis_pbi != Some(YesNo::Yes) && !kis.is_empty() {
            out.not_applicable(
                p("programmes.kis_number"),
                "bukan peserta KIS/PBI",
                "not a KIS/PBI holder",
            );
        }
    }
}

/// The house's position: a warning when missing in a full interview, range and accuracy checks.
pub(crate) fn check_geotag(geotag: Option<&Geotag>, full: bool, out: &mut Out) {
    match geotag {
        None if full => out.warn(
            "geotag",
            "geotag.missing",
            "Lokasi GPS rumah belum direkam",
            "The house's GPS position has not been recorded",
        ),
        None => {}
        Some(g) => {
            if !(-90.0..=90.0).contains(&g.latitude) || !(-180.0..=180.0).contains(&g.longitude) {
                out.error(
                    "geotag",
                    "geotag.out_of_range",
                    "Koordinat di luar rentang lintang/bujur",
                    "Coordinates outside latitude/longitude range",
                );
            } else if !(-11.5..=6.5).contains(&g.latitude) || !(94.0..=141.5).contains(&g.longitude)
            {
                out.warn(
                    "geotag",
                    "geotag.outside_indonesia",
                    "Koordinat berada di luar wilayah Indonesia",
                    "Coordinates lie outside Indonesia",
                );
            }
            if g.accuracy_m.is_some_and(|a| a > GPS_ACCURACY_WARN_M) {
                out.warn(
                    "geotag.accuracy_m",
                    "geotag.low_accuracy",
                    format!("Akurasi GPS lebih dari {GPS_ACCURACY_WARN_M} m; coba rekam ulang di luar rumah"),
                    format!("GPS accuracy worse than {GPS_ACCURACY_WARN_M} m; try again outdoors"),
                );
            }
        }
    }
}

/// A NIK's structure at `path`, and whether it agrees with the region list, the sex and the
/// birth date entered.
pub(crate) fn check_nik(
    path: &str,
    nik: Option<&str>,
    sex: Option<Sex>,
    birth_date: Option<NaiveDate>,
    ctx: &Context<'_>,
    out: &mut Out,
) {
    if let Some(nik) = nik.filter(|n| !n.is_empty()) {
        match parse_nik(nik, ctx.today, birth_date.map(|d| d.year())) {
            Err(e) => id_number_finding(out, path.to_string(), "nik", "NIK", e),
            Ok(info) => {
                if !ctx.wilayah.is_district(&info.prefix_str()) {
                    out.warn(
                        path,
                        "nik.unknown_prefix",
                        format!("Kode kecamatan {} pada NIK tidak ada di daftar wilayah 2025 (bisa kode lama atau pemekaran)", info.prefix_str()),
                        format!("Kecamatan code {} in the NIK is not in the 2025 region list (may be an old or split code)", info.prefix_str()),
                    );
                }
                if sex.is_some_and(|s| s != info.sex) {
                    out.warn(
                        path,
                        "nik.sex_mismatch",
                        format!(
                            "NIK menunjukkan jenis kelamin {}, berbeda dengan isian",
                            info.sex.label_id()
                        ),
                        format!(
                            "The NIK says {}, unlike the entered sex",
                            info.sex.label_en()
                        ),
                    );
                }
                if let Some(b) = birth_date {
                    let same = b.day() == info.birth_date.day()
                        && b.month() == info.birth_date.month()
                        && b.year().rem_euclid(100) == info.birth_date.year().rem_euclid(100);
                    if !same {
                        out.warn(
                            path,
                            "nik.birth_date_mismatch",
                            format!(
                                "Tanggal lahir pada NIK ({}) berbeda dengan isian",
                                info.birth_date.format("%d-%m-%y")
                            ),
                            format!(
                                "The birth date in the NIK ({}) differs from the entered one",
                                info.birth_date.format("%d-%m-%y")
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// A birth date not in the future, a stated age that agrees with it (±1 year) and is at most
/// 120. Returns the age in completed years: from the birth date, else the stated one.
pub(crate) fn check_age(
    birth_path: &str,
    age_path: &str,
    birth_date: Option<NaiveDate>,
    stated: Option<u8>,
    today: NaiveDate,
    out: &mut Out,
) -> Option<u32> {
    let from_date = birth_date.and_then(|b| today.years_since(b));
    if birth_date.is_some_and(|b| b > today) {
        out.error(
            birth_path,
            "member.birth_in_future",
            "Tanggal lahir ada di masa depan",
            "Birth date is in the future",
        );
    }
    if let (Some(stated), Some(computed)) = (stated, from_date) {
        if u32::from(stated).abs_diff(computed) > 1 {
            out.error(
                age_path,
                "member.age_mismatch",
                format!("Umur {stated} tidak sesuai tanggal lahir (seharusnya {computed})"),
                format!("Age {stated} does not match the birth date (should be {computed})"),
            );
        }
    }
    let age = from_date.or(stated.map(u32::from));
    if age.is_some_and(|a| a > 120) {
        out.error(
            age_path,
            "member.age_implausible",
            "Umur lebih dari 120 tahun",
            "Age above 120 years",
        );
    }
    age
}
