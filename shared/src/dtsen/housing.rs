//! Blok III: the housing as this family uses it (301a-310). Several families of one building
//! each answer it on their own form.

use serde::{Deserialize, Serialize};

use super::codes::{
    CookingFuel, DrinkingWater, Floor, LandTitle, Lighting, MeterPower, Roof, SewageDisposal,
    Tenure, ToiletType, ToiletUse, Wall, WaterWasteDistance,
};

/// Most electricity meters the form has room for (307b1-b3).
pub const MAX_METERS: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Housing {
    /// 301a
    pub tenure: Option<Tenure>,
    /// 301b, only if 301a = 1
    pub land_title: Option<LandTitle>,
    /// 302: floor area in m² (at most 3 digits)
    pub floor_area_m2: Option<u16>,
    /// 303
    pub floor: Option<Floor>,
    /// 304
    pub wall: Option<Wall>,
    /// 305 (paper-form codes)
    pub roof: Option<Roof>,
    /// 306a
    pub drinking_water: Option<DrinkingWater>,
    /// 306b, only if 306a = 4..8
    pub water_waste_distance: Option<WaterWasteDistance>,
    /// 307a
    pub lighting: Option<Lighting>,
    /// 307b1-b3: the installed power of each PLN meter, only if 307a = 1 (one entry per meter,
    /// at most three).
    #[serde(default)]
    pub meters: Vec<MeterPower>,
    /// 308 (paper-form codes: 0 = does not cook at home)
    pub cooking_fuel: Option<CookingFuel>,
    /// 309a
    pub toilet_use: Option<ToiletUse>,
    /// 309b, only if 309a = 1..3
    pub toilet_type: Option<ToiletType>,
    /// 310
    pub sewage: Option<SewageDisposal>,
}

impl Housing {
    /// 301b applies: the family owns the building.
    pub fn land_title_applies(&self) -> bool {
        self.tenure == Some(Tenure::Owned)
    }

    /// 306b applies: the water comes from a well or a spring (306a = 4..8).
    pub fn distance_applies(&self) -> bool {
        self.drinking_water
            .is_some_and(|w| (4..=8).contains(&w.code()))
    }

    /// 307b applies: PLN electricity with a meter.
    pub fn meters_apply(&self) -> bool {
        self.lighting == Some(Lighting::PlnMetered)
    }

    /// 309b applies: the family has and uses a toilet (309a = 1..3).
    pub fn toilet_type_applies(&self) -> bool {
        self.toilet_use.is_some_and(|t| (1..=3).contains(&t.code()))
    }
}
