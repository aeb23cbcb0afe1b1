//! The desil that goes to devices with the pull (issue 21 §3): BPS's ranking of the families in
//! the device user's wilayah, from the SIKS-NG imports (`import-desil`). Pendata never
//! computes a desil; it hands on the imported one.
//!
//! A family is in a device's wilayah when a record or an assignment inside the user's scope
//! names its KK number: the same scope every pulled item has, so a device of desa A never
//! receives the desil of a family of desa B. Two ways it travels ([`DesilUpdate`]):
//! - complete: on the pull's last page, when the device names an older import than the newest
//!   (`?desil_import=`, absent on a first sync): every desil of the wilayah, walked a page of
//!   records at a time, the desil looked up once per batch of KK numbers;
//! - added: on any page that carries assignments, the desil of their families, so an
//!   assignment handed out after the import arrives with its desil.

use std::collections::BTreeSet;

use pendata_shared::protocol::{Assignment, DesilUpdate, KkDesil, PullItem};

use crate::store::{each_exported, ExportHousehold, RecordStore, RegistryStore, Scope, StoreError};

/// KK numbers looked up per query.
const BATCH: usize = 500;

/// The desil this page of a pull carries, if any. `held` is the import the device already
/// holds as a whole.
pub fn desil_for_page(
    records: &dyn RecordStore,
    registry: &dyn RegistryStore,
    scope: &Scope,
    items: &[PullItem],
    has_more: bool,
    held: Option<i64>,
) -> Result<Option<DesilUpdate>, StoreError> {
    let Some(newest) = registry.desil_imports(1)?.into_iter().next() else {
        return Ok(None);
    };
    let complete = !has_more && held != Some(newest.id);
    let kk_numbers: BTreeSet<String> = if complete {
        let mut kks = BTreeSet::new();
        each_exported(records, scope, |e| {
            kks.extend(kk_numbers_of(&e));
            Ok::<(), StoreError>(())
        })?;
        kks
    } else {
        items
            .iter()
            .filter_map(|i| match i {
                PullItem::Assignment(a) if a.active => Some(assignment_kks(a)),
                _ => None,
            })
            .flatten()
            .collect()
    };
    if kk_numbers.is_empty() && !complete {
        return Ok(None);
    }
    let all: Vec<&str> = kk_numbers.iter().map(String::as_str).collect();
    let mut families = Vec::new();
    for chunk in all.chunks(BATCH) {
        for (kk_number, desil) in registry.desil_of(chunk)? {
            families.push(KkDesil { kk_number, desil });
        }
    }
    if families.is_empty() && !complete {
        return Ok(None);
    }
    Ok(Some(DesilUpdate {
        import_id: newest.id,
        imported_at: newest.imported_at,
        complete,
        families,
    }))
}

/// The KK numbers one record or assignment names (whole numbers only: a KK is 16 digits).
fn kk_numbers_of(e: &ExportHousehold) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(h) = &e.household {
        out.extend(h.families.iter().map(|f| f.kk_number.clone()));
    }
    if let Some(f) = &e.family {
        out.extend(f.kk_number.iter().cloned());
    }
    if let Some(a) = &e.assignment {
        out.extend(assignment_kks(a));
    }
    out.retain(|kk| kk.len() == 16 && kk.bytes().all(|b| b.is_ascii_digit()));
    out
}

fn assignment_kks(a: &Assignment) -> Vec<String> {
    let mut out: Vec<String> = a.families.iter().map(|f| f.kk_number.clone()).collect();
    if let Some(case) = &a.case {
        out.extend(case.detail.subject().kk_number.iter().cloned());
    }
    out
}
