//! The questionnaire as data: which fields each step shows, how each is entered, and which
//! conditional questions apply right now.
//!
//! Skip rules are not written here. Whether a conditional question applies is asked of
//! `pendata-shared`'s validation: a question applies unless giving it a value makes the
//! validator report `skip.not_applicable` at that field. So the rules exist once, in
//! `shared/src/validate.rs` and the `*_applies` methods of the model, and the form follows them.

use chrono::Utc;
use pendata_core::store::jsonpath;
use pendata_shared::codes::*;
use pendata_shared::validate::Context;
use pendata_shared::{validate_household, Finding, Household};
use serde_json::Value;

/// Options of a code list: (code, Indonesian label, English label).
pub type Options = Vec<(u8, &'static str, &'static str)>;

fn opts<T: CodeList>() -> Options {
    T::all()
        .iter()
        .map(|v| (v.code(), v.label_id(), v.label_en()))
        .collect()
}

/// How a field is entered.
#[derive(Clone, Copy)]
pub enum Input {
    /// A code list, as a picker.
    Code(fn() -> Options),
    Text,
    /// A whole number.
    Int,
    /// A number with decimals.
    Float,
    /// `YYYY-MM-DD`.
    Date,
    /// The identity cards held: a bitmask (0 none, +1 akta lahir, +2 kartu pelajar, +4 KTP,
    /// +8 SIM), drawn as one checkbox per card.
    Cards,
    /// A DTSEN bitmask answer ("jumlahkan kode"): one checkbox per bit of the shared
    /// `CodeMask`, the stored answer is their sum (0: none).
    Bits(fn() -> Options),
    /// A list of codes (430's several illnesses, 307b's meters): one checkbox per code.
    CodeSet(fn() -> Options),
}

/// One question.
#[derive(Clone, Copy)]
pub struct Field {
    /// Path under the household (or under `members[i]` for member fields).
    pub path: &'static str,
    pub label: (&'static str, &'static str),
    pub input: Input,
    /// Asked only when its parent answer calls for it (decided by the validator).
    pub conditional: bool,
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

/// The location step (the desa picker and GPS are drawn separately).
pub const LOCATION: &[Field] = &[
    f("location.rt", "RT", "RT", Input::Text),
    f("location.rw", "RW", "RW", Input::Text),
    f(
        "location.sls_name",
        "Nama SLS (dusun)",
        "SLS name (hamlet)",
        Input::Text,
    ),
    f("location.address", "Alamat", "Address", Input::Text),
];

/// The musdes/muskel of a new proposal (usulan baru only; shown on the status step).
pub const MUSDES: &[Field] = &[
    f(
        "kind.musdes.date",
        "Tanggal musdes/muskel",
        "Date of the village meeting",
        Input::Date,
    ),
    f(
        "kind.musdes.berita_acara_number",
        "Nomor berita acara",
        "Minutes (berita acara) number",
        Input::Text,
    ),
];

/// The verivali status step.
pub const STATUS: &[Field] = &[
    f(
        "verivali.household_status",
        "Status rumah tangga",
        "Household status",
        Input::Code(opts::<HouseholdStatus>),
    ),
    c(
        "verivali.not_found_reason",
        "Alasan tidak ditemukan",
        "Reason not found",
        Input::Code(opts::<NotFoundReason>),
    ),
    f(
        "verivali.well_off",
        "Apakah rumah tangga mampu",
        "Is the household well off",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "verivali.result",
        "Hasil verivali",
        "Verivali result",
        Input::Code(opts::<VerivaliResult>),
    ),
    c(
        "verivali.duplicate_of",
        "ID prelist ganda dengan",
        "Duplicate of prelist id",
        Input::Text,
    ),
];

/// The housing step.
pub const HOUSING: &[Field] = &[
    f(
        "housing.ownership",
        "Status kepemilikan bangunan",
        "Building ownership",
        Input::Code(opts::<BuildingOwnership>),
    ),
    f(
        "housing.land",
        "Status lahan",
        "Land status",
        Input::Code(opts::<LandStatus>),
    ),
    f(
        "housing.floor_area_m2",
        "Luas lantai (m²)",
        "Floor area (m²)",
        Input::Float,
    ),
    f("housing.rooms", "Jumlah kamar", "Rooms", Input::Int),
    f(
        "housing.floor",
        "Jenis lantai terluas",
        "Floor material",
        Input::Code(opts::<FloorMaterial>),
    ),
    f(
        "housing.wall",
        "Jenis dinding terluas",
        "Wall material",
        Input::Code(opts::<WallMaterial>),
    ),
    c(
        "housing.wall_condition",
        "Kondisi dinding",
        "Wall condition",
        Input::Code(opts::<Condition>),
    ),
    f(
        "housing.roof",
        "Jenis atap terluas",
        "Roof material",
        Input::Code(opts::<RoofMaterial>),
    ),
    c(
        "housing.roof_condition",
        "Kondisi atap",
        "Roof condition",
        Input::Code(opts::<Condition>),
    ),
    f(
        "housing.drinking_water",
        "Sumber air minum",
        "Drinking water source",
        Input::Code(opts::<WaterSource>),
    ),
    c(
        "housing.water_provider",
        "Penyedia air",
        "Water provider",
        Input::Code(opts::<WaterProvider>),
    ),
    c(
        "housing.water_customer_id",
        "ID pelanggan air",
        "Water customer id",
        Input::Text,
    ),
    f(
        "housing.water_acquisition",
        "Cara memperoleh air minum",
        "How drinking water is obtained",
        Input::Code(opts::<WaterAcquisition>),
    ),
    f(
        "housing.lighting",
        "Sumber penerangan",
        "Lighting source",
        Input::Code(opts::<LightingSource>),
    ),
    c(
        "housing.electricity_power",
        "Daya listrik",
        "Installed power",
        Input::Code(opts::<ElectricityPower>),
    ),
    c(
        "housing.pln_customer_id",
        "ID pelanggan PLN",
        "PLN customer id",
        Input::Text,
    ),
    f(
        "housing.cooking_fuel",
        "Bahan bakar memasak",
        "Cooking fuel",
        Input::Code(opts::<CookingFuel>),
    ),
    c(
        "housing.gas_provider",
        "Penyedia gas",
        "Gas provider",
        Input::Code(opts::<GasProvider>),
    ),
    c(
        "housing.gas_customer_id",
        "ID pelanggan gas",
        "Gas customer id",
        Input::Text,
    ),
    f(
        "housing.toilet_facility",
        "Fasilitas BAB",
        "Toilet facility",
        Input::Code(opts::<ToiletFacility>),
    ),
    f(
        "housing.toilet_type",
        "Jenis kloset",
        "Toilet type",
        Input::Code(opts::<ToiletType>),
    ),
    f(
        "housing.sewage",
        "Tempat pembuangan tinja",
        "Sewage disposal",
        Input::Code(opts::<SewageDisposal>),
    ),
];

/// The assets and programmes step.
pub const ASSETS: &[Field] = &[
    f(
        "assets.gas_cylinder_5kg",
        "Tabung gas ≥ 5,5 kg",
        "Gas cylinder ≥ 5.5 kg",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.refrigerator",
        "Lemari es",
        "Refrigerator",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.air_conditioner",
        "AC",
        "Air conditioner",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.water_heater",
        "Pemanas air",
        "Water heater",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.landline",
        "Telepon rumah",
        "Landline",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.television",
        "Televisi",
        "Television",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.gold_or_savings",
        "Emas/perhiasan/tabungan ≥ 10 g emas",
        "Gold/savings ≥ 10 g of gold",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.computer",
        "Komputer/laptop",
        "Computer",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.bicycle",
        "Sepeda",
        "Bicycle",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.motorcycle",
        "Sepeda motor",
        "Motorcycle",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.car",
        "Mobil",
        "Car",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.boat",
        "Perahu",
        "Boat",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.outboard_motor",
        "Motor tempel",
        "Outboard motor",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.motorboat",
        "Perahu motor",
        "Motorboat",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.ship",
        "Kapal",
        "Ship",
        Input::Code(opts::<AssetPresence>),
    ),
    f(
        "assets.land",
        "Lahan di tempat lain",
        "Land elsewhere",
        Input::Code(opts::<AssetPresence>),
    ),
    c(
        "assets.land_area_m2",
        "Luas lahan (m²)",
        "Land area (m²)",
        Input::Float,
    ),
    f(
        "assets.other_house",
        "Rumah di tempat lain",
        "House elsewhere",
        Input::Code(opts::<AssetPresence>),
    ),
    f("assets.cattle", "Sapi (ekor)", "Cattle (head)", Input::Int),
    f(
        "assets.buffalo",
        "Kerbau (ekor)",
        "Buffalo (head)",
        Input::Int,
    ),
    f("assets.horses", "Kuda (ekor)", "Horses (head)", Input::Int),
    f("assets.pigs", "Babi (ekor)", "Pigs (head)", Input::Int),
    f(
        "assets.goats_sheep",
        "Kambing/domba (ekor)",
        "Goats/sheep (head)",
        Input::Int,
    ),
    f(
        "assets.has_business",
        "ART memiliki usaha",
        "A member runs a business",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.kks_kps",
        "KKS/KPS",
        "KKS/KPS",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.kip_bsm",
        "KIP/BSM",
        "KIP/BSM",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.kis_pbi",
        "KIS/PBI",
        "KIS/PBI",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.bpjs_mandiri",
        "BPJS mandiri",
        "BPJS (self-paid)",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.bpjs_tk",
        "BPJS ketenagakerjaan",
        "BPJS employment",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "programmes.other_insurance",
        "Asuransi lain",
        "Other insurance",
        Input::Code(opts::<YesNo>),
    ),
    f("programmes.pkh", "PKH", "PKH", Input::Code(opts::<YesNo>)),
    f(
        "programmes.rastra",
        "Rastra/BPNT",
        "Rastra/BPNT",
        Input::Code(opts::<YesNo>),
    ),
    f("programmes.kur", "KUR", "KUR", Input::Code(opts::<YesNo>)),
];

/// The member form (paths under `members[i]`).
pub const MEMBER: &[Field] = &[
    f("name", "Nama", "Name", Input::Text),
    f("nik", "NIK", "NIK", Input::Text),
    f(
        "nik_document",
        "NIK sesuai dokumen",
        "NIK matches the document",
        Input::Code(opts::<DocumentFlag>),
    ),
    f(
        "relation_to_head",
        "Hubungan dengan kepala rumah tangga",
        "Relation to the head of household",
        Input::Code(opts::<Relation>),
    ),
    f(
        "family_no",
        "Nomor urut keluarga (NUK)",
        "Family number (NUK)",
        Input::Int,
    ),
    f(
        "relation_to_family_head",
        "Hubungan dengan kepala keluarga",
        "Relation to the head of family",
        Input::Code(opts::<Relation>),
    ),
    f("sex", "Jenis kelamin", "Sex", Input::Code(opts::<Sex>)),
    f("birth_place", "Tempat lahir", "Birth place", Input::Text),
    f("birth_date", "Tanggal lahir", "Birth date", Input::Date),
    f("age", "Umur (tahun)", "Age (years)", Input::Int),
    f(
        "marital_status",
        "Status perkawinan",
        "Marital status",
        Input::Code(opts::<MaritalStatus>),
    ),
    f(
        "marriage_certificate",
        "Akta nikah/cerai",
        "Marriage certificate",
        Input::Code(opts::<MarriageCertificate>),
    ),
    f(
        "listed_in_kk",
        "Tercantum dalam KK ruta ini",
        "Listed in this household's KK",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "identity_cards",
        "Kartu identitas yang dimiliki",
        "Identity cards held",
        Input::Cards,
    ),
    c(
        "pregnant",
        "Status hamil",
        "Pregnant",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "disability",
        "Jenis cacat",
        "Disability",
        Input::Code(opts::<Disability>),
    ),
    f(
        "chronic_illness",
        "Penyakit kronis",
        "Chronic illness",
        Input::Code(opts::<ChronicIllness>),
    ),
    f(
        "school_participation",
        "Partisipasi sekolah",
        "School participation",
        Input::Code(opts::<SchoolParticipation>),
    ),
    c(
        "school_level",
        "Jenjang pendidikan",
        "School level",
        Input::Code(opts::<SchoolLevel>),
    ),
    c(
        "highest_grade",
        "Kelas tertinggi",
        "Highest grade",
        Input::Code(opts::<HighestGrade>),
    ),
    f(
        "diploma",
        "Ijazah tertinggi",
        "Highest diploma",
        Input::Code(opts::<Diploma>),
    ),
    f(
        "worked_last_week",
        "Bekerja seminggu lalu",
        "Worked last week",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "hours_worked",
        "Jam kerja seminggu lalu",
        "Hours worked last week",
        Input::Int,
    ),
    c(
        "sector",
        "Lapangan usaha",
        "Sector",
        Input::Code(opts::<Sector>),
    ),
    c(
        "employment_status",
        "Status pekerjaan",
        "Employment status",
        Input::Code(opts::<EmploymentStatus>),
    ),
    f(
        "presence",
        "Keberadaan ART",
        "Member presence",
        Input::Code(opts::<Presence>),
    ),
    f("programmes.kks", "KKS", "KKS", Input::Code(opts::<YesNo>)),
    f(
        "programmes.kis_pbi",
        "KIS/PBI",
        "KIS/PBI",
        Input::Code(opts::<YesNo>),
    ),
    c(
        "programmes.kis_number",
        "Nomor KIS",
        "KIS number",
        Input::Text,
    ),
    f(
        "programmes.kip_bsm",
        "KIP/BSM",
        "KIP/BSM",
        Input::Code(opts::<YesNo>),
    ),
    f("programmes.pkh", "PKH", "PKH", Input::Code(opts::<YesNo>)),
    f(
        "programmes.sembako_bpnt",
        "Sembako/BPNT",
        "Sembako/BPNT",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "mother_maiden_name",
        "Nama gadis ibu kandung",
        "Mother's maiden name",
        Input::Text,
    ),
];

/// One family (KK) of the household (paths under `families[i]`).
pub const FAMILY: &[Field] = &[
    f(
        "family_no",
        "Nomor urut keluarga (NUK)",
        "Family number (NUK)",
        Input::Int,
    ),
    f("kk_number", "Nomor KK", "KK number", Input::Text),
];

/// One business of a member (paths under `assets.businesses[i]`).
pub const BUSINESS: &[Field] = &[
    f(
        "sector",
        "Lapangan usaha",
        "Sector",
        Input::Code(opts::<Sector>),
    ),
    f("workers", "Jumlah pekerja", "Workers", Input::Int),
    f(
        "fixed_location",
        "Punya lokasi usaha tetap",
        "Has a fixed place of business",
        Input::Code(opts::<YesNo>),
    ),
    f(
        "monthly_turnover_idr",
        "Omzet per bulan (Rp)",
        "Monthly turnover (Rp)",
        Input::Int,
    ),
];

/// One child in the household's care (paths under `dependents[i]`; the member is picked from
/// the household's members separately).
pub const DEPENDENT: &[Field] = &[
    f("nisn", "NISN", "NISN", Input::Text),
    f("nik", "NIK", "NIK", Input::Text),
    f("school_name", "Nama sekolah", "School name", Input::Text),
    f(
        "school_address",
        "Alamat sekolah",
        "School address",
        Input::Text,
    ),
];

/// The facilitator's free-text remarks (shown on the review step).
pub const NOTES: &[Field] = &[f(
    "notes",
    "Catatan petugas",
    "Facilitator's notes",
    Input::Text,
)];

/// The household's lists edited row by row (besides the members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rows {
    /// The KK of the household (`families`).
    Families,
    /// The members' businesses (`assets.businesses`), asked when a member runs one.
    Businesses,
    /// Children in the household's care (`dependents`).
    Dependents,
}

impl Rows {
    pub const ALL: [Rows; 3] = [Rows::Families, Rows::Businesses, Rows::Dependents];

    /// The path of the list in the household.
    pub const fn path(self) -> &'static str {
        match self {
            Rows::Families => "families",
            Rows::Businesses => "assets.businesses",
            Rows::Dependents => "dependents",
        }
    }

    /// The questions of one row.
    pub const fn fields(self) -> &'static [Field] {
        match self {
            Rows::Families => FAMILY,
            Rows::Businesses => BUSINESS,
            Rows::Dependents => DEPENDENT,
        }
    }

    /// A short stable name (test hooks).
    pub const fn slug(self) -> &'static str {
        match self {
            Rows::Families => "family",
            Rows::Businesses => "business",
            Rows::Dependents => "dependent",
        }
    }

    /// A new row after `n` rows: a family gets the next NUK and an empty KK number to fill
    /// in; the others start empty.
    pub fn new_row(self, n: usize) -> Value {
        match self {
            Rows::Families => serde_json::json!({ "family_no": n + 1, "kk_number": "" }),
            Rows::Businesses | Rows::Dependents => serde_json::json!({}),
        }
    }
}

/// A value that is valid for the field's type, used to ask the validator whether the field
/// applies.
pub(crate) fn sample(input: Input) -> Value {
    match input {
        Input::Code(options) => options()
            .first()
            .map(|(code, _, _)| Value::from(*code))
            .unwrap_or(Value::Null),
        Input::Text => Value::from("1"),
        Input::Int | Input::Cards => Value::from(1),
        Input::Float => Value::from(1.0),
        Input::Date => Value::from("2000-01-01"),
        Input::Bits(options) => Value::from(options().first().map(|o| o.0).unwrap_or(0)),
        Input::CodeSet(options) => Value::Array(
            options()
                .first()
                .map(|o| vec![Value::from(o.0)])
                .unwrap_or_default(),
        ),
    }
}

/// The full path of a field: `prefix` is `""` for household fields, `members[i].` for a member.
/// Text answers made of digits only (identity numbers, RT/RW): the last path segment says so.
pub fn digits_only(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    matches!(last, "nik" | "kk_number" | "nisn" | "rt" | "rw")
}

pub fn full_path(prefix: &str, field: &Field) -> String {
    format!("{prefix}{}", field.path)
}

fn not_applicable_at(findings: &[Finding], path: &str) -> bool {
    findings
        .iter()
        .any(|x| x.path == path && x.code == "skip.not_applicable")
}

/// Whether a conditional question applies to `h` now, as the shared validator decides.
pub fn applies(h: &Household, path: &str, input: Input) -> bool {
    let Ok(mut v) = serde_json::to_value(h) else {
        return true;
    };
    let Some(segments) = jsonpath::parse(path) else {
        return true;
    };
    if jsonpath::set(&mut v, &segments, sample(input)).is_none() {
        return true;
    }
    let Ok(probe) = serde_json::from_value::<Household>(v) else {
        return true;
    };
    // Ages count on the household's calendar (its desa's WIB/WITA/WIT day), as the store's do.
    let today = pendata_shared::month::zone::local_today(&probe.location.desa_code, Utc::now());
    let findings = validate_household(&probe, &Context::embedded(today));
    !not_applicable_at(&findings, path)
}

/// Every conditional question of the household (and of each member) that does not apply now.
pub fn hidden_paths(h: &Household) -> Vec<String> {
    let mut out = Vec::new();
    for field in STATUS.iter().chain(HOUSING).chain(ASSETS) {
        if field.conditional && !applies(h, field.path, field.input) {
            out.push(field.path.to_string());
        }
    }
    for i in 0..h.members.len() {
        let prefix = format!("members[{i}].");
        for field in MEMBER.iter().filter(|x| x.conditional) {
            let path = full_path(&prefix, field);
            if !applies(h, &path, field.input) {
                out.push(path);
            }
        }
    }
    out
}

/// The current value of `path` as the text an input shows (`""` when empty).
pub fn value_text(h_json: &Value, path: &str) -> String {
    let Some(segments) = jsonpath::parse(path) else {
        return String::new();
    };
    match jsonpath::get(h_json, &segments) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The JSON value for what was typed or picked: empty clears the field. A number that does
/// not parse is `Err` with the text, so the form can say so without saving.
pub fn parse_input(input: Input, text: &str) -> Result<Value, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Value::Null);
    }
    match input {
        Input::Text | Input::Date => Ok(Value::from(t)),
        Input::Code(_) | Input::Int | Input::Cards | Input::Bits(_) => {
            t.parse::<u64>().map(Value::from).map_err(|_| t.to_string())
        }
        Input::Float => t
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .and_then(|x| serde_json::Number::from_f64(x).map(Value::Number))
            .ok_or_else(|| t.to_string()),
        // One code typed alone: the list of that code.
        Input::CodeSet(_) => t
            .parse::<u64>()
            .map(|c| Value::Array(vec![Value::from(c)]))
            .map_err(|_| t.to_string()),
    }
}

/// Looks a field up by its full path (household fields and member fields).
pub fn field_for(path: &str) -> Option<Field> {
    if let Some(rest) = path.strip_prefix("members[") {
        let (_, tail) = rest.split_once("].")?;
        return MEMBER.iter().find(|x| x.path == tail).copied();
    }
    for rows in Rows::ALL {
        if let Some(rest) = path
            .strip_prefix(rows.path())
            .and_then(|r| r.strip_prefix('['))
        {
            let (_, tail) = rest.split_once("].")?;
            return rows.fields().iter().find(|x| x.path == tail).copied();
        }
    }
    LOCATION
        .iter()
        .chain(MUSDES)
        .chain(NOTES)
        .chain(STATUS)
        .chain(HOUSING)
        .chain(ASSETS)
        .find(|x| x.path == path)
        .copied()
}
