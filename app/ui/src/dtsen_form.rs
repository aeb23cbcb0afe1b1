//! The DTSEN (Regsosek2022K) family form as data: the questions the ground-check visit shows,
//! how each is entered, and which apply right now.
//!
//! As in [`crate::form`], no skip rule is written here: a conditional question applies unless
//! giving it a value makes `pendata-shared`'s DTSEN validator report `skip.not_applicable` at
//! that field (with this device's `DtsenRules`). Answer labels come from the shared code lists
//! (`CodeList`, `CodeMask`); the question labels carry the form's question numbers.

use chrono::Utc;
use pendata_core::store::jsonpath;
use pendata_shared::dtsen::codes::*;
use pendata_shared::dtsen::mask::CodeMask;
use pendata_shared::dtsen::{validate_family, DtsenRules, FamilyRecord};
use pendata_shared::validate::Context;
use pendata_shared::CodeList;

use crate::form::{Field, Input, Options};

fn opts<T: CodeList>() -> Options {
    T::all()
        .iter()
        .map(|v| (v.code(), v.label_id(), v.label_en()))
        .collect()
}

/// A bitmask answer's choices: code 0 ("none", its own label) first, then every bit, then the
/// sentinel when the question has one (99, e.g. "lainnya" / "tidak tahu"). 0 and the sentinel
/// stand alone: they never combine with a bit.
fn bits<T: CodeMask>() -> Options {
    let (id, en) = T::none_label();
    std::iter::once((0, id, en))
        .chain(T::bits().iter().copied())
        .chain(T::sentinel())
        .collect()
}

const fn f(path: &'static str, id: &'static str, en: &'static str, input: Input) -> Field {
    Field {
        path,
        label: (id, en),
        input,
        conditional: false,
    }
}

const fn c(path: &'static str, id: &'static str, en: &'static str, input: Input) -> Field {
    Field {
        path,
        label: (id, en),
        input,
        conditional: true,
    }
}

/// Blok I-II as the visit confirms them: the KK, building and family numbers, the respondent.
pub const FAMILY: &[Field] = &[
    f(
        "kk_number",
        "Nomor KK (114)",
        "KK number (114)",
        Input::Text,
    ),
    f(
        "kk_code",
        "Kode KK (115)",
        "KK code (115)",
        Input::Code(opts::<KkCode>),
    ),
    f(
        "location.building_no",
        "Nomor bangunan (109)",
        "Building number (109)",
        Input::Int,
    ),
    f(
        "location.family_no",
        "Nomor keluarga (110)",
        "Family number (110)",
        Input::Int,
    ),
    f(
        "location.address",
        "Alamat (107)",
        "Address (107)",
        Input::Text,
    ),
    f("location.rt", "RT", "RT", Input::Text),
    f("location.rw", "RW", "RW", Input::Text),
    f(
        "enumeration.respondent_name",
        "Nama responden",
        "Respondent's name",
        Input::Text,
    ),
];

/// The outcome block: 205 and the note (Blok VI), required when 205 is 2-5.
pub const OUTCOME: &[Field] = &[
    f(
        "enumeration.result",
        "Hasil pendataan keluarga (205)",
        "Enumeration result (205)",
        Input::Code(opts::<EnumerationResult>),
    ),
    f("notes", "Catatan (Blok VI)", "Notes (Blok VI)", Input::Text),
];

/// Blok III: the housing as the family uses it.
pub const HOUSING: &[Field] = &[
    f(
        "housing.tenure",
        "Status penguasaan bangunan (301a)",
        "Tenure (301a)",
        Input::Code(opts::<Tenure>),
    ),
    c(
        "housing.land_title",
        "Bukti kepemilikan tanah (301b)",
        "Land title (301b)",
        Input::Code(opts::<LandTitle>),
    ),
    f(
        "housing.floor_area_m2",
        "Luas lantai (m²) (302)",
        "Floor area (m²) (302)",
        Input::Int,
    ),
    f(
        "housing.floor",
        "Jenis lantai terluas (303)",
        "Floor (303)",
        Input::Code(opts::<Floor>),
    ),
    f(
        "housing.wall",
        "Jenis dinding terluas (304)",
        "Wall (304)",
        Input::Code(opts::<Wall>),
    ),
    f(
        "housing.roof",
        "Jenis atap terluas (305)",
        "Roof (305)",
        Input::Code(opts::<Roof>),
    ),
    f(
        "housing.drinking_water",
        "Sumber air minum (306a)",
        "Drinking water (306a)",
        Input::Code(opts::<DrinkingWater>),
    ),
    c(
        "housing.water_waste_distance",
        "Jarak sumber air ke penampungan tinja (306b)",
        "Distance from water source to waste (306b)",
        Input::Code(opts::<WaterWasteDistance>),
    ),
    f(
        "housing.lighting",
        "Sumber penerangan utama (307a)",
        "Main lighting (307a)",
        Input::Code(opts::<Lighting>),
    ),
    c(
        "housing.meters",
        "Daya terpasang meteran PLN (307b)",
        "Installed power of the PLN meters (307b)",
        Input::CodeSet(opts::<MeterPower>),
    ),
    f(
        "housing.cooking_fuel",
        "Bahan bakar memasak (308)",
        "Cooking fuel (308)",
        Input::Code(opts::<CookingFuel>),
    ),
    f(
        "housing.toilet_use",
        "Fasilitas buang air besar (309a)",
        "Toilet facility (309a)",
        Input::Code(opts::<ToiletUse>),
    ),
    c(
        "housing.toilet_type",
        "Jenis kloset (309b)",
        "Toilet type (309b)",
        Input::Code(opts::<ToiletType>),
    ),
    f(
        "housing.sewage",
        "Pembuangan akhir tinja (310)",
        "Sewage disposal (310)",
        Input::Code(opts::<SewageDisposal>),
    ),
];

/// The member's keberadaan (404), asked with the outcome.
pub const PRESENCE: Field = f(
    "presence",
    "Keberadaan (404)",
    "Presence (404)",
    Input::Code(opts::<Presence>),
);

/// Blok IV for one member (under `members[i].`). Every answer after 404 is conditional: a
/// member who died, moved or was not found skips them (the validator says so).
pub const MEMBER: &[Field] = &[
    f("name", "Nama (402)", "Name (402)", Input::Text),
    f("nik", "NIK (403)", "NIK (403)", Input::Text),
    f(
        "relation",
        "Hubungan dengan kepala keluarga (409)",
        "Relation to the head of family (409)",
        Input::Code(opts::<Relation>),
    ),
    f(
        "sex",
        "Jenis kelamin (405)",
        "Sex (405)",
        Input::Code(opts::<Sex>),
    ),
    f(
        "birth_date",
        "Tanggal lahir (406)",
        "Birth date (406)",
        Input::Date,
    ),
    f(
        "marital_status",
        "Status perkawinan (408)",
        "Marital status (408)",
        Input::Code(opts::<MaritalStatus>),
    ),
    c(
        "pregnant",
        "Sedang hamil (410)",
        "Pregnant (410)",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "identity_docs",
        "Kartu identitas (411)",
        "Identity documents (411)",
        Input::Bits(bits::<IdentityDocs>),
    ),
    c(
        "school_participation",
        "Partisipasi sekolah (412)",
        "School participation (412)",
        Input::Code(opts::<SchoolParticipation>),
    ),
    c(
        "education_level",
        "Jenjang pendidikan tertinggi (413)",
        "Education level (413)",
        Input::Code(opts::<EducationLevel>),
    ),
    c(
        "highest_grade",
        "Kelas tertinggi (414)",
        "Highest grade (414)",
        Input::Code(opts::<HighestGrade>),
    ),
    c(
        "diploma",
        "Ijazah tertinggi (415)",
        "Highest certificate (415)",
        Input::Code(opts::<Diploma>),
    ),
    c(
        "worked_last_week",
        "Bekerja seminggu lalu (416a)",
        "Worked last week (416a)",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "hours_worked",
        "Jam kerja seminggu (416b)",
        "Hours worked last week (416b)",
        Input::Int,
    ),
    c(
        "work_sector",
        "Lapangan usaha pekerjaan utama (417)",
        "Sector of the main job (417)",
        Input::Code(opts::<Sector>),
    ),
    c(
        "employment_status",
        "Status dalam pekerjaan utama (418)",
        "Employment status (418)",
        Input::Code(opts::<EmploymentStatus>),
    ),
    c(
        "npwp",
        "NPWP (419)",
        "Tax number (419)",
        Input::Code(opts::<Npwp>),
    ),
    c(
        "has_business",
        "Memiliki usaha (420a)",
        "Runs a business (420a)",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "business_count",
        "Jumlah usaha (420b)",
        "Number of businesses (420b)",
        Input::Int,
    ),
    c(
        "business_sector",
        "Lapangan usaha utama (421)",
        "Main business sector (421)",
        Input::Code(opts::<Sector>),
    ),
    c(
        "paid_workers",
        "Pekerja dibayar (422)",
        "Paid workers (422)",
        Input::Int,
    ),
    c(
        "unpaid_workers",
        "Pekerja tidak dibayar (423)",
        "Unpaid workers (423)",
        Input::Int,
    ),
    c(
        "business_permit",
        "Perizinan usaha (424)",
        "Business permit (424)",
        Input::Code(opts::<BusinessPermit>),
    ),
    c(
        "business_turnover",
        "Omzet usaha per bulan (425)",
        "Monthly turnover (425)",
        Input::Code(opts::<Turnover>),
    ),
    c(
        "business_internet",
        "Internet untuk usaha (426)",
        "Internet for the business (426)",
        Input::Bits(bits::<BusinessInternetUse>),
    ),
    c(
        "nutrition",
        "Kondisi gizi anak (427)",
        "Child nutrition (427)",
        Input::Code(opts::<Nutrition>),
    ),
    c(
        "difficulties.seeing",
        "Kesulitan melihat (428a)",
        "Difficulty seeing (428a)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.hearing",
        "Kesulitan mendengar (428b)",
        "Difficulty hearing (428b)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.walking",
        "Kesulitan berjalan/naik tangga (428c)",
        "Difficulty walking/climbing steps (428c)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.hands",
        "Kesulitan menggunakan tangan/jari (428d)",
        "Difficulty using hands/fingers (428d)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.learning",
        "Kesulitan belajar (428e)",
        "Difficulty learning (428e)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.behaviour",
        "Kesulitan mengendalikan perilaku (428f)",
        "Difficulty controlling behaviour (428f)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.speaking",
        "Kesulitan berbicara (428g)",
        "Difficulty speaking (428g)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.self_care",
        "Kesulitan mengurus diri (428h)",
        "Difficulty with self-care (428h)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "difficulties.remembering",
        "Kesulitan mengingat/berkonsentrasi (428i)",
        "Difficulty remembering/concentrating (428i)",
        Input::Code(opts::<Difficulty>),
    ),
    c(
        "depression",
        "Kesedihan/depresi (428j)",
        "Sadness/depression (428j)",
        Input::Code(opts::<DepressionFrequency>),
    ),
    c(
        "caregiver",
        "Caregiver/pengasuh (429)",
        "Caregiver (429)",
        Input::Code(opts::<Caregiver>),
    ),
    c(
        "chronic_illnesses",
        "Keluhan kesehatan kronis (430)",
        "Chronic illness (430)",
        Input::CodeSet(opts::<ChronicIllness>),
    ),
    c(
        "health_insurance",
        "Jaminan kesehatan (431a)",
        "Health insurance (431a)",
        Input::Bits(bits::<HealthInsurance>),
    ),
    c(
        "pra_kerja",
        "Program Pra-Kerja (431b)",
        "Pra-Kerja programme (431b)",
        Input::Code(opts::<YesNoDontKnow>),
    ),
    c(
        "kur",
        "Kredit Usaha Rakyat (431c)",
        "KUR micro-credit (431c)",
        Input::Code(opts::<YesNoDontKnow>),
    ),
    c(
        "umi",
        "Pembiayaan Ultra Mikro (431d)",
        "UMi financing (431d)",
        Input::Code(opts::<YesNoDontKnow>),
    ),
    c(
        "pip",
        "Program Indonesia Pintar (431e)",
        "PIP school aid (431e)",
        Input::Code(opts::<YesNoDontKnow>),
    ),
    c(
        "employment_insurance",
        "Jaminan ketenagakerjaan (431f)",
        "Employment insurance (431f)",
        Input::Bits(bits::<EmploymentInsurance>),
    ),
];

/// Blok V: programmes (501a-g, with the month and year last received when 1), assets (502,
/// 503), livestock (504), internet (505), bank account (506).
pub const PROGRAMMES_ASSETS: &[Field] = &[
    f(
        "programmes.sembako.participates",
        "Sembako/BPNT (501a)",
        "Sembako/BPNT (501a)",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "programmes.sembako.last_month",
        "501a: bulan terakhir menerima",
        "501a: month last received",
        Input::Int,
    ),
    c(
        "programmes.sembako.last_year",
        "501a: tahun terakhir menerima",
        "501a: year last received",
        Input::Int,
    ),
    f(
        "programmes.pkh.participates",
        "PKH (501b)",
        "PKH (501b)",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "programmes.pkh.last_month",
        "501b: bulan terakhir menerima",
        "501b: month last received",
        Input::Int,
    ),
    c(
        "programmes.pkh.last_year",
        "501b: tahun terakhir menerima",
        "501b: year last received",
        Input::Int,
    ),
    f(
        "programmes.blt_dana_desa.participates",
        "BLT Dana Desa (501c)",
        "Village-fund cash transfer (501c)",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.electricity_subsidy.participates",
        "Subsidi listrik (501d)",
        "Electricity subsidy (501d)",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.pemda.participates",
        "Bantuan pemerintah daerah (501e)",
        "Local-government aid (501e)",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.fertiliser_subsidy.participates",
        "Subsidi pupuk (501f)",
        "Fertiliser subsidy (501f)",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.lpg_subsidy.participates",
        "Subsidi LPG (501g)",
        "LPG subsidy (501g)",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "assets.gas_cylinders",
        "Tabung gas 5,5 kg+ (502a)",
        "Gas cylinders 5.5 kg+ (502a)",
        Input::Int,
    ),
    f(
        "assets.refrigerators",
        "Lemari es (502b)",
        "Refrigerators (502b)",
        Input::Int,
    ),
    f(
        "assets.air_conditioners",
        "AC (502c)",
        "Air conditioners (502c)",
        Input::Int,
    ),
    f(
        "assets.water_heaters",
        "Pemanas air (502d)",
        "Water heaters (502d)",
        Input::Int,
    ),
    f(
        "assets.landlines",
        "Telepon rumah (502e)",
        "Landlines (502e)",
        Input::Int,
    ),
    f(
        "assets.flat_tvs",
        "TV layar datar 30 inci+ (502f)",
        "Flat TVs 30\"+ (502f)",
        Input::Int,
    ),
    f(
        "assets.gold_grams",
        "Emas/perhiasan (gram) (502g)",
        "Gold/jewellery (grams) (502g)",
        Input::Int,
    ),
    f(
        "assets.computers",
        "Komputer/laptop/tablet (502h)",
        "Computers/laptops/tablets (502h)",
        Input::Int,
    ),
    f(
        "assets.motorcycles",
        "Sepeda motor (502i)",
        "Motorcycles (502i)",
        Input::Int,
    ),
    f(
        "assets.bicycles",
        "Sepeda (502j)",
        "Bicycles (502j)",
        Input::Int,
    ),
    f("assets.cars", "Mobil (502k)", "Cars (502k)", Input::Int),
    f("assets.boats", "Perahu (502l)", "Boats (502l)", Input::Int),
    f(
        "assets.motorboats",
        "Kapal/perahu motor (502m)",
        "Motorboats (502m)",
        Input::Int,
    ),
    f(
        "assets.smartphones",
        "Smartphone (502n)",
        "Smartphones (502n)",
        Input::Int,
    ),
    f(
        "assets.other_land",
        "Memiliki lahan lain (503a)",
        "Owns other land (503a)",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "assets.land_area",
        "Luas lahan (503)",
        "Land area (503)",
        Input::Code(opts::<LandArea>),
    ),
    f(
        "assets.other_building",
        "Memiliki rumah/bangunan lain (503b)",
        "Owns another building (503b)",
        Input::Code(opts::<YesNo>),
    ),
    f("assets.cattle", "Sapi (504a)", "Cattle (504a)", Input::Int),
    f(
        "assets.buffalo",
        "Kerbau (504b)",
        "Buffalo (504b)",
        Input::Int,
    ),
    f("assets.horses", "Kuda (504c)", "Horses (504c)", Input::Int),
    f("assets.pigs", "Babi (504d)", "Pigs (504d)", Input::Int),
    f(
        "assets.goats_sheep",
        "Kambing/domba (504e)",
        "Goats/sheep (504e)",
        Input::Int,
    ),
    f(
        "internet",
        "Akses internet utama (505)",
        "Main internet access (505)",
        Input::Code(opts::<InternetAccess>),
    ),
    f(
        "bank_account",
        "Rekening/dompet digital (506)",
        "Bank account/e-wallet (506)",
        Input::Code(opts::<BankAccount>),
    ),
];

use crate::form::sample;

/// Whether a conditional question applies to `family` now, as the shared validator decides.
pub fn applies(family: &FamilyRecord, rules: &DtsenRules, path: &str, input: Input) -> bool {
    match serde_json::to_value(family) {
        Ok(base) => applies_in(&base, rules, path, input),
        Err(_) => true,
    }
}

/// [`applies`] for the family's JSON (serialized once for every question of a screen).
fn applies_in(base: &serde_json::Value, rules: &DtsenRules, path: &str, input: Input) -> bool {
    let Some(segments) = jsonpath::parse(path) else {
        return true;
    };
    let mut v = base.clone();
    if jsonpath::set(&mut v, &segments, sample(input)).is_none() {
        return true;
    }
    let Ok(probe) = serde_json::from_value::<FamilyRecord>(v) else {
        return true;
    };
    // Ages count on the family's calendar (its desa's WIB/WITA/WIT day), as the store's do.
    let today = probe.zone().today(Utc::now());
    let findings = validate_family(&probe, &Context::embedded(today), rules);
    !findings
        .iter()
        .any(|x| x.path == path && x.code == "skip.not_applicable")
}

/// Every conditional question of the family (and of each member) that does not apply now.
pub fn hidden_paths(family: &FamilyRecord, rules: &DtsenRules) -> Vec<String> {
    let Ok(base) = serde_json::to_value(family) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in HOUSING.iter().chain(PROGRAMMES_ASSETS) {
        if field.conditional && !applies_in(&base, rules, field.path, field.input) {
            out.push(field.path.to_string());
        }
    }
    for i in 0..family.members.len() {
        let prefix = format!("members[{i}].");
        for field in MEMBER.iter().filter(|x| x.conditional) {
            let path = crate::form::full_path(&prefix, field);
            if !applies_in(&base, rules, &path, field.input) {
                out.push(path);
            }
        }
    }
    out
}

/// Looks a question up by its full path.
pub fn field_for(path: &str) -> Option<Field> {
    if let Some(rest) = path.strip_prefix("members[") {
        let (_, tail) = rest.split_once("].")?;
        if tail == PRESENCE.path {
            return Some(PRESENCE);
        }
        return MEMBER.iter().find(|x| x.path == tail).copied();
    }
    FAMILY
        .iter()
        .chain(OUTCOME)
        .chain(HOUSING)
        .chain(PROGRAMMES_ASSETS)
        .find(|x| x.path == path)
        .copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_question_is_a_path_of_the_family_record() {
        // A value of the field's type set at its path must still read as a FamilyRecord: a
        // typo in a path (or a wrong input type) fails here, not in a pendamping's hands.
        let mut family = FamilyRecord::new(
            pendata_shared::dtsen::FamilyProcess::UsulanBaru {
                musdes: Default::default(),
            },
            "3201010001",
        );
        family
            .members
            .push(pendata_shared::dtsen::FamilyMember::new("A"));
        let base = serde_json::to_value(&family).unwrap();
        let fields = FAMILY
            .iter()
            .chain(OUTCOME)
            .chain(HOUSING)
            .chain(PROGRAMMES_ASSETS)
            .map(|f| (f.path.to_string(), f.input))
            .chain(
                MEMBER
                    .iter()
                    .chain(std::iter::once(&PRESENCE))
                    .map(|f| (format!("members[0].{}", f.path), f.input)),
            );
        for (path, input) in fields {
            let mut v = base.clone();
            let seg = jsonpath::parse(&path).unwrap();
            assert!(
                jsonpath::set(&mut v, &seg, sample(input)).is_some(),
                "{path}"
            );
            let back: FamilyRecord =
                serde_json::from_value(v).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_ne!(back, family, "{path} changed nothing");
            assert!(field_for(&path).is_some(), "{path}");
        }
    }
}
