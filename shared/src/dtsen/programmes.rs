//! Blok V: programmes (501a-g), assets (502a-n, 503, 504a-e). Internet (505) and bank/e-wallet
//! (506) are on [`super::FamilyRecord`].

use serde::{Deserialize, Serialize};

use super::codes::{LandArea, YesNo};
use crate::text::Text;

/// Earliest year a programme's "last received" may name (OpenSID offers 2005 to now).
pub const FIRST_PROGRAMME_YEAR: u16 = 2005;
/// Largest count of one asset (502, a count 0-99 in OpenSID's DTSEN module).
pub const MAX_ASSET_COUNT: u16 = 99;
/// Largest number of one kind of livestock (504, 0-999).
pub const MAX_LIVESTOCK: u16 = 999;

/// 501x: participation in the last year and, if yes, the month and year last received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgrammeAnswer {
    pub participates: Option<YesNo>,
    /// 1-12, only if participates = 1
    #[serde(default)]
    pub last_month: Option<u8>,
    /// only if participates = 1
    #[serde(default)]
    pub last_year: Option<u16>,
}

/// 501a-g.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Programmes {
    /// 501a Sembako/BPNT
    #[serde(default)]
    pub sembako: ProgrammeAnswer,
    /// 501b PKH
    #[serde(default)]
    pub pkh: ProgrammeAnswer,
    /// 501c BLT Dana Desa
    #[serde(default)]
    pub blt_dana_desa: ProgrammeAnswer,
    /// 501d subsidi listrik
    #[serde(default)]
    pub electricity_subsidy: ProgrammeAnswer,
    /// 501e bantuan pemda
    #[serde(default)]
    pub pemda: ProgrammeAnswer,
    /// 501f subsidi pupuk
    #[serde(default)]
    pub fertiliser_subsidy: ProgrammeAnswer,
    /// 501g subsidi/bantuan LPG
    #[serde(default)]
    pub lpg_subsidy: ProgrammeAnswer,
}

impl Programmes {
    /// (question, field name, labels, answer), in form order.
    pub fn entries(&self) -> [(&'static str, &'static str, Text, &ProgrammeAnswer); 7] {
        [
            (
                "501a",
                "sembako",
                Text::new("Sembako/BPNT", "Sembako/BPNT food aid"),
                &self.sembako,
            ),
            (
                "501b",
                "pkh",
                Text::new("PKH", "PKH (conditional cash transfer)"),
                &self.pkh,
            ),
            (
                "501c",
                "blt_dana_desa",
                Text::new("BLT Dana Desa", "Village-fund cash transfer"),
                &self.blt_dana_desa,
            ),
            (
                "501d",
                "electricity_subsidy",
                Text::new("Subsidi listrik", "Electricity subsidy"),
                &self.electricity_subsidy,
            ),
            (
                "501e",
                "pemda",
                Text::new("Bantuan pemerintah daerah", "Local-government aid"),
                &self.pemda,
            ),
            (
                "501f",
                "fertiliser_subsidy",
                Text::new("Subsidi pupuk", "Fertiliser subsidy"),
                &self.fertiliser_subsidy,
            ),
            (
                "501g",
                "lpg_subsidy",
                Text::new("Subsidi/bantuan LPG", "LPG subsidy"),
                &self.lpg_subsidy,
            ),
        ]
    }
}

/// 502a-n as counts (OpenSID's DTSEN module and the BPS variable list count them; the paper
/// form's Ya/Tidak is "count > 0"), 503 land and other buildings, 504a-e livestock counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Assets {
    /// 502a tabung gas 5,5 kg or more
    pub gas_cylinders: Option<u16>,
    /// 502b
    pub refrigerators: Option<u16>,
    /// 502c
    pub air_conditioners: Option<u16>,
    /// 502d
    pub water_heaters: Option<u16>,
    /// 502e
    pub landlines: Option<u16>,
    /// 502f flat TV of at least 30"
    pub flat_tvs: Option<u16>,
    /// 502g gold/jewellery, in grams (the form asks for at least 10 g)
    pub gold_grams: Option<u16>,
    /// 502h computer/laptop/tablet
    pub computers: Option<u16>,
    /// 502i
    pub motorcycles: Option<u16>,
    /// 502j
    pub bicycles: Option<u16>,
    /// 502k
    pub cars: Option<u16>,
    /// 502l
    pub boats: Option<u16>,
    /// 502m
    pub motorboats: Option<u16>,
    /// 502n
    pub smartphones: Option<u16>,
    /// 503a land other than the plot lived on
    pub other_land: Option<YesNo>,
    /// 503 (OpenSID-only) land area class, only if 503a = 1
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_area: Option<LandArea>,
    /// 503b a house/building elsewhere
    pub other_building: Option<YesNo>,
    /// 504a
    pub cattle: Option<u16>,
    /// 504b
    pub buffalo: Option<u16>,
    /// 504c
    pub horses: Option<u16>,
    /// 504d
    pub pigs: Option<u16>,
    /// 504e goats/sheep
    pub goats_sheep: Option<u16>,
}

impl Assets {
    /// The 502 counts: (question, field, count), in form order.
    pub fn counts(&self) -> [(&'static str, &'static str, Option<u16>); 14] {
        [
            ("502a", "gas_cylinders", self.gas_cylinders),
            ("502b", "refrigerators", self.refrigerators),
            ("502c", "air_conditioners", self.air_conditioners),
            ("502d", "water_heaters", self.water_heaters),
            ("502e", "landlines", self.landlines),
            ("502f", "flat_tvs", self.flat_tvs),
            ("502g", "gold_grams", self.gold_grams),
            ("502h", "computers", self.computers),
            ("502i", "motorcycles", self.motorcycles),
            ("502j", "bicycles", self.bicycles),
            ("502k", "cars", self.cars),
            ("502l", "boats", self.boats),
            ("502m", "motorboats", self.motorboats),
            ("502n", "smartphones", self.smartphones),
        ]
    }

    /// The 504 livestock counts: (question, field, count).
    pub fn livestock(&self) -> [(&'static str, &'static str, Option<u16>); 5] {
        [
            ("504a", "cattle", self.cattle),
            ("504b", "buffalo", self.buffalo),
            ("504c", "horses", self.horses),
            ("504d", "pigs", self.pigs),
            ("504e", "goats_sheep", self.goats_sheep),
        ]
    }
}

/// The paper form's Ya/Tidak for a 502 count (gold: at least 10 grams).
pub fn count_as_yes_no(question: &str, count: u16) -> YesNo {
    let threshold = if question == "502g" { 10 } else { 1 };
    if count >= threshold {
        YesNo::Yes
    } else {
        YesNo::No
    }
}
