//! The household record (rumah tangga) and its members, as captured in the field
//! (DTKS-REFERENCE.md §1.4-§2.4). Everything is optional while a record is a draft; what a
//! final record needs is decided by [`crate::validate`], not by the types.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::codes::*;
use crate::ids::{DeviceId, HouseholdId, MemberId};
use crate::photos::PhotoRef;
use crate::questionnaire::Questionnaire;

/// A household record: verivali of an existing prelist household, or a new proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Household {
    pub id: HouseholdId,
    /// The questionnaire this record answers: always `dtks-bdt` for a household. Left out of
    /// the JSON when it is (so records and content hashes from before versions are unchanged);
    /// any other value is refused by validation (`questionnaire.mismatch`).
    #[serde(default, skip_serializing_if = "Questionnaire::is_dtks_bdt")]
    pub questionnaire: Questionnaire,
    pub kind: RecordKind,
    pub location: Location,
    /// The families (KK) living in the household, each with its sequence number (NUK).
    #[serde(default)]
    pub families: Vec<Family>,
    #[serde(default)]
    pub housing: Housing,
    #[serde(default)]
    pub assets: Assets,
    #[serde(default)]
    pub programmes: HouseholdProgrammes,
    #[serde(default)]
    pub members: Vec<Member>,
    /// Children in the household's care (anak dalam tanggungan).
    #[serde(default)]
    pub dependents: Vec<Dependent>,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geotag: Option<Geotag>,
    #[serde(default)]
    pub verivali: VerivaliStatus,
    #[serde(default)]
    pub interview: InterviewMeta,
    /// Free-text remarks of the facilitator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Household {
    /// A new, empty household record of the given kind in the given desa.
    pub fn new(kind: RecordKind, desa_code: impl Into<String>) -> Self {
        Self {
            id: HouseholdId::new(),
            questionnaire: Questionnaire::DtksBdt,
            kind,
            location: Location {
                desa_code: desa_code.into(),
                ..Location::default()
            },
            families: Vec::new(),
            housing: Housing::default(),
            assets: Assets::default(),
            programmes: HouseholdProgrammes::default(),
            members: Vec::new(),
            dependents: Vec::new(),
            photos: Vec::new(),
            geotag: None,
            verivali: VerivaliStatus::default(),
            interview: InterviewMeta::default(),
            notes: None,
        }
    }

    /// The head of household (hub_krt 1), if exactly one member is head.
    pub fn head(&self) -> Option<&Member> {
        let mut heads = self
            .members
            .iter()
            .filter(|m| m.relation_to_head == Some(Relation::Head));
        match (heads.next(), heads.next()) {
            (Some(h), None) => Some(h),
            _ => None,
        }
    }

    /// The member with this id.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// Whether the household was interviewed in full, so that every question applies:
    /// a new proposal, or a verivali whose result is "selesai dicacah".
    pub fn is_full_interview(&self) -> bool {
        match self.kind {
            RecordKind::UsulanBaru { .. } => true,
            RecordKind::Verivali { .. } => self.verivali.result == Some(VerivaliResult::Completed),
        }
    }
}

/// What kind of record this is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RecordKind {
    /// Verification and validation of a household on the prelist (IDBDT / ID prelist).
    Verivali { prelist_id: String },
    /// A new proposal (usulan baru) agreed in a musdes/muskel.
    UsulanBaru { musdes: MusdesRef },
}

/// The musdes/muskel that agreed a new proposal, and its berita acara.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MusdesRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub berita_acara_number: Option<String>,
}

/// Where the household lives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Kemendagri desa/kelurahan code, 10 digits without dots (KDPROP+KDKAB+KDKEC+KDDESA).
    pub desa_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rw: Option<String>,
    /// Nama SLS (dusun/lingkungan), if used locally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sls_name: Option<String>,
    #[serde(default)]
    pub address: String,
}

/// One family (KK) in the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// NUK: the family's sequence number in the household, from 1.
    pub family_no: u8,
    /// Nomor KK, 16 digits.
    pub kk_number: String,
}

/// Housing variables (DTKS-REFERENCE.md §2.1). Conditional follow-ups are asked only when
/// their parent answer calls for them; [`crate::validate`] enforces it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Housing {
    /// sta_bangunan
    pub ownership: Option<BuildingOwnership>,
    /// sta_lahan
    pub land: Option<LandStatus>,
    /// luas_lantai, m²
    pub floor_area_m2: Option<f64>,
    /// jumlah_kamar
    pub rooms: Option<u8>,
    /// lantai
    pub floor: Option<FloorMaterial>,
    /// dinding
    pub wall: Option<WallMaterial>,
    /// kondisi_dinding, only for walls 1-3
    pub wall_condition: Option<Condition>,
    /// atap
    pub roof: Option<RoofMaterial>,
    /// kondisi_atap, only for roofs 1-7
    pub roof_condition: Option<Condition>,
    /// sumber_airminum
    pub drinking_water: Option<WaterSource>,
    /// provider of metered piped water, only for sumber_airminum 3
    pub water_provider: Option<WaterProvider>,
    /// customer id at the water provider, only for sumber_airminum 3
    pub water_customer_id: Option<String>,
    /// cara_peroleh_airminum
    pub water_acquisition: Option<WaterAcquisition>,
    /// sumber_penerangan
    pub lighting: Option<LightingSource>,
    /// daya, only for PLN lighting
    pub electricity_power: Option<ElectricityPower>,
    /// nomor_pln (PLN customer id / meter id), only for PLN lighting
    pub pln_customer_id: Option<String>,
    /// bb_masak
    pub cooking_fuel: Option<CookingFuel>,
    /// gas provider, only for bb_masak 4
    pub gas_provider: Option<GasProvider>,
    /// gas customer id, only for bb_masak 4
    pub gas_customer_id: Option<String>,
    /// fasbab
    pub toilet_facility: Option<ToiletFacility>,
    /// kloset
    pub toilet_type: Option<ToiletType>,
    /// buang_tinja
    pub sewage: Option<SewageDisposal>,
}

/// Household assets. Yes/no items keep the raw code captured (1/2 or 3/4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Assets {
    /// tabung gas ≥ 5.5 kg
    pub gas_cylinder_5kg: Option<AssetPresence>,
    pub refrigerator: Option<AssetPresence>,
    pub air_conditioner: Option<AssetPresence>,
    pub water_heater: Option<AssetPresence>,
    pub landline: Option<AssetPresence>,
    pub television: Option<AssetPresence>,
    /// emas/perhiasan/tabungan worth at least 10 g of gold
    pub gold_or_savings: Option<AssetPresence>,
    pub computer: Option<AssetPresence>,
    pub bicycle: Option<AssetPresence>,
    pub motorcycle: Option<AssetPresence>,
    pub car: Option<AssetPresence>,
    pub boat: Option<AssetPresence>,
    pub outboard_motor: Option<AssetPresence>,
    pub motorboat: Option<AssetPresence>,
    pub ship: Option<AssetPresence>,
    /// lahan (land elsewhere than the house plot)
    pub land: Option<AssetPresence>,
    /// area of that land, m²
    pub land_area_m2: Option<f64>,
    /// rumah di tempat lain
    pub other_house: Option<AssetPresence>,
    pub cattle: Option<u16>,
    pub buffalo: Option<u16>,
    pub horses: Option<u16>,
    pub pigs: Option<u16>,
    pub goats_sheep: Option<u16>,
    /// Whether a member runs a business (ART usaha).
    pub has_business: Option<YesNo>,
    #[serde(default)]
    pub businesses: Vec<Business>,
}

/// A business run by a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Business {
    pub sector: Option<Sector>,
    pub workers: Option<u16>,
    /// Whether it has a fixed place of business.
    pub fixed_location: Option<YesNo>,
    /// Monthly turnover in rupiah.
    pub monthly_turnover_idr: Option<u64>,
}

/// Household programme participation (yes/no).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdProgrammes {
    pub kks_kps: Option<YesNo>,
    pub kip_bsm: Option<YesNo>,
    pub kis_pbi: Option<YesNo>,
    pub bpjs_mandiri: Option<YesNo>,
    pub bpjs_tk: Option<YesNo>,
    pub other_insurance: Option<YesNo>,
    pub pkh: Option<YesNo>,
    pub rastra: Option<YesNo>,
    pub kur: Option<YesNo>,
}

/// A child in the household's care (anak dalam tanggungan).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Dependent {
    pub member_id: Option<MemberId>,
    pub nisn: Option<String>,
    pub nik: Option<String>,
    pub school_name: Option<String>,
    pub school_address: Option<String>,
}

/// Where the house is, and how that was learnt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Geotag {
    pub latitude: f64,
    pub longitude: f64,
    /// Horizontal accuracy in metres, when the source gives one.
    pub accuracy_m: Option<f64>,
    #[serde(deserialize_with = "crate::time::utc")]
    pub fix_time: DateTime<Utc>,
    pub source: GeoSource,
}

/// How a position was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GeoSource {
    /// The device's location service.
    Gps,
    /// Typed in by the facilitator.
    Manual,
    /// Read from a photo's EXIF position.
    PhotoExif,
}

/// The verivali status fields (DTKS-REFERENCE.md §1.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerivaliStatus {
    /// status rumah tangga (1 ditemukan … 4 usulan baru)
    pub household_status: Option<HouseholdStatus>,
    /// alasan tidak ditemukan, only when not found
    pub not_found_reason: Option<NotFoundReason>,
    /// apakah rumah tangga mampu
    pub well_off: Option<YesNo>,
    /// hasil verivali 1-6
    pub result: Option<VerivaliResult>,
    /// the prelist id this household duplicates, only for hasil 6
    pub duplicate_of: Option<String>,
}

/// Interview metadata, filled in by the app as the facilitator works.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InterviewMeta {
    #[serde(default, deserialize_with = "crate::time::opt_utc")]
    pub first_opened_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::time::opt_utc")]
    pub last_saved_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::time::opt_utc")]
    pub finalized_at: Option<DateTime<Utc>>,
    /// Time spent with the record open, in milliseconds.
    #[serde(default)]
    pub duration_ms: u64,
    /// Username of the facilitator who captured it.
    pub enumerator: Option<String>,
    pub device_id: Option<DeviceId>,
}

/// A member of the household (anggota rumah tangga, DTKS-REFERENCE.md §2.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: MemberId,
    /// nama
    #[serde(default)]
    pub name: String,
    /// NIK, 16 digits (kept as text: leading zeros and partial entry)
    pub nik: Option<String>,
    /// flag NIK sesuai dokumen
    pub nik_document: Option<DocumentFlag>,
    /// hub_krt
    pub relation_to_head: Option<Relation>,
    /// NUK: which family (KK) of the household the member belongs to
    pub family_no: Option<u8>,
    /// hubungan dengan kepala keluarga (1 = kepala keluarga)
    pub relation_to_family_head: Option<Relation>,
    /// jenis_kelamin
    pub sex: Option<Sex>,
    pub birth_place: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// umur in completed years, as stated
    pub age: Option<u8>,
    /// status_kawin
    pub marital_status: Option<MaritalStatus>,
    /// akta nikah/cerai
    pub marriage_certificate: Option<MarriageCertificate>,
    /// tercantum dalam KK ruta ini
    pub listed_in_kk: Option<YesNo>,
    /// kartu identitas (bitmask)
    pub identity_cards: Option<IdentityCards>,
    /// status hamil, only for women aged 10-49 who were ever married
    pub pregnant: Option<YesNo>,
    /// jenis_cacat
    pub disability: Option<Disability>,
    /// penyakit_kronis
    pub chronic_illness: Option<ChronicIllness>,
    /// partisipasi_sekolah
    pub school_participation: Option<SchoolParticipation>,
    /// jenjang, only when attending or having attended
    pub school_level: Option<SchoolLevel>,
    /// kelas tertinggi, only when attending or having attended
    pub highest_grade: Option<HighestGrade>,
    /// ijazah tertinggi
    pub diploma: Option<Diploma>,
    /// bekerja seminggu lalu
    pub worked_last_week: Option<YesNo>,
    /// jam kerja seminggu lalu (0-98), only when worked
    pub hours_worked: Option<u8>,
    /// lapangan usaha, only when worked
    pub sector: Option<Sector>,
    /// status pekerjaan, only when worked
    pub employment_status: Option<EmploymentStatus>,
    /// keberadaan ART
    pub presence: Option<Presence>,
    #[serde(default)]
    pub programmes: MemberProgrammes,
    /// nama gadis ibu kandung
    pub mother_maiden_name: Option<String>,
    /// Dukcapil match, set by the server only
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub padan: Option<PadanStatus>,
}

impl Member {
    /// A new member with only a name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: MemberId::new(),
            name: name.into(),
            nik: None,
            nik_document: None,
            relation_to_head: None,
            family_no: None,
            relation_to_family_head: None,
            sex: None,
            birth_place: None,
            birth_date: None,
            age: None,
            marital_status: None,
            marriage_certificate: None,
            listed_in_kk: None,
            identity_cards: None,
            pregnant: None,
            disability: None,
            chronic_illness: None,
            school_participation: None,
            school_level: None,
            highest_grade: None,
            diploma: None,
            worked_last_week: None,
            hours_worked: None,
            sector: None,
            employment_status: None,
            presence: None,
            programmes: MemberProgrammes::default(),
            mother_maiden_name: None,
            padan: None,
        }
    }

    /// Whether the member still counts as part of the household (not deceased, moved out,
    /// a prelist error or not found).
    pub fn is_present(&self) -> bool {
        matches!(
            self.presence,
            None | Some(Presence::Living) | Some(Presence::NewMember)
        )
    }

    /// Completed years of age on `on`, from the birth date.
    pub fn age_on(&self, on: NaiveDate) -> Option<u32> {
        self.birth_date.and_then(|b| on.years_since(b))
    }

    /// Whether the pregnancy question applies: a woman aged 10-49 who was ever married.
    /// Uses the birth date when known, else the stated age.
    pub fn pregnancy_applies(&self, on: NaiveDate) -> bool {
        let age = self.age_on(on).or(self.age.map(u32::from));
        self.sex == Some(Sex::Female)
            && age.is_some_and(|a| (10..=49).contains(&a))
            && self.marital_status.is_some_and(MaritalStatus::ever_married)
    }

    /// Whether the school level and grade questions apply.
    pub fn school_level_applies(&self) -> bool {
        matches!(
            self.school_participation,
            Some(SchoolParticipation::Attending | SchoolParticipation::NoLonger)
        )
    }

    /// Whether the work questions (hours, sector, status) apply.
    pub fn work_applies(&self) -> bool {
        self.worked_last_week == Some(YesNo::Yes)
    }
}

/// Member programme participation (yes/no).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberProgrammes {
    pub kks: Option<YesNo>,
    pub kis_pbi: Option<YesNo>,
    /// KIS card number, when a KIS/PBI holder
    pub kis_number: Option<String>,
    pub kip_bsm: Option<YesNo>,
    pub pkh: Option<YesNo>,
    pub sembako_bpnt: Option<YesNo>,
}
