//! What a family's screens show beside its form (issue 21): BPS's desil from the Dinsos's
//! SIKS-NG import, as the pull brought it (`Store::family_desil`), and the members' PKH
//! components as `pendata_shared::month::pkh` decides them under the Dinsos's thresholds
//! (`[cases.pkh]`, on the device through the pull's settings). No rule is written here.

use chrono::Utc;
use pendata_core::store::{Store, StoreError};
use pendata_shared::cases::graduasi::GraduasiFamily;
use pendata_shared::dtsen::FamilyRecord;

use crate::state::{DesilLine, PkhLine};

/// The desil of the family with `kk_number`, if the device holds one.
pub(super) fn desil_of(store: &Store, kk_number: &str) -> Result<Option<DesilLine>, StoreError> {
    let Some(known) = store.family_desil(kk_number)? else {
        return Ok(None);
    };
    Ok(Some(DesilLine {
        kk_number: kk_number.to_string(),
        desil: known.desil.code(),
        imported_on: store.local_today(known.imported_at)?,
    }))
}

/// The desil of those of `kk_numbers` the device holds, in their order.
pub(super) fn desil_of_all<'a>(
    store: &Store,
    kk_numbers: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<DesilLine>, StoreError> {
    let mut out = Vec::new();
    for kk in kk_numbers {
        out.extend(desil_of(store, kk)?);
    }
    Ok(out)
}

/// The family's PKH components on its own day (its desa's WIB/WITA/WIT calendar).
pub(super) fn pkh_of(store: &Store, family: &FamilyRecord) -> Result<Vec<PkhLine>, StoreError> {
    let rules = store.case_rules()?.pkh;
    let today = family.zone().today(Utc::now());
    // The graduasi case's view of a family: each component with its member's name.
    Ok(GraduasiFamily::from_family(family, &rules, today)
        .components
        .into_iter()
        .map(|c| PkhLine {
            component: c.component,
            member_name: c.member_name,
        })
        .collect())
}
