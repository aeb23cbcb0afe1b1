//! What the registry itself says about a record's eligibility (issue 21 §3, DTSEN-REFERENCE
//! §3.8): a member who is ASN/TNI/Polri (DTSEN 418 = 5, DTKS status pekerjaan = 5: the same
//! code in both questionnaires), a member who died (DTSEN 404 = 2, DTKS keberadaan ART = 2), and
//! a family whose desil — BPS's number, imported from SIKS-NG (`family_desil`) — lies above the
//! programme's cut-off ([`DesilCutoffs`]). These are signals for the supervisor to check, each
//! with its reason; Pendata decides nothing by them.
//!
//! The records are read a page at a time ([`each_exported`]); the desil of their KK numbers is
//! looked up once per page ([`RegistryStore::desil_of`]). The KK numbers stay here: pages show
//! the desil, never the KK.

use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::dtsen::family::{FamilyProcess, ListProgramme};
use pendata_shared::{HouseholdId, Questionnaire};

use crate::registry_rules::DesilCutoffs;
use crate::store::{each_exported, ExportHousehold, RecordStore, RegistryStore, Scope, StoreError};

/// One reason to look at a record again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// A present member works as PNS/ASN/TNI/Polri/BUMN/BUMD/state official.
    Asn { member: String },
    /// A member recorded as deceased.
    Died { member: String },
    /// A family's desil lies above these programmes' cut-offs.
    DesilAbove {
        desil: WelfareDecile,
        programmes: Vec<(ListProgramme, u8)>,
    },
}

impl Signal {
    /// A stable code for programs (and the page's filter).
    pub fn code(&self) -> &'static str {
        match self {
            Signal::Asn { .. } => "asn",
            Signal::Died { .. } => "died",
            Signal::DesilAbove { .. } => "desil",
        }
    }
}

/// Where a desil came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesilSource {
    /// The SIKS-NG file imported with `import-desil`.
    SiksNg,
    /// The ground-check list the family came on (no SIKS-NG desil for its KK).
    GroundCheckList,
}

/// One record of the registry with its desil and its signals.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryRow {
    pub id: HouseholdId,
    pub desa_code: String,
    pub head_name: String,
    pub questionnaire: Questionnaire,
    /// The programme whose list the family came on (DTSEN ground check), if any.
    pub programme: Option<ListProgramme>,
    /// The desil of each of the record's families that has one (DTKS households can hold
    /// several KKs), in the record's family order.
    pub desil: Vec<(WelfareDecile, DesilSource)>,
    pub signals: Vec<Signal>,
}

impl RegistryRow {
    /// Whether one of its families' desil lies in `lo..=hi`.
    pub fn desil_within(&self, lo: u8, hi: u8) -> bool {
        self.desil
            .iter()
            .any(|(d, _)| (lo..=hi).contains(&d.code()))
    }
}

/// What one record says before its desil is known.
struct Facts {
    row: RegistryRow,
    kk_numbers: Vec<String>,
    list_desil: Option<WelfareDecile>,
}

fn facts_of(e: &ExportHousehold) -> Option<Facts> {
    let s = &e.summary;
    if s.deleted || s.current_revision.is_none() {
        return None;
    }
    let mut signals = Vec::new();
    let (head_name, kk_numbers, programme, list_desil) = match (&e.household, &e.family) {
        (Some(h), _) => {
            use pendata_shared::codes::{EmploymentStatus, Presence};
            for m in &h.members {
                let present = matches!(
                    m.presence,
                    None | Some(Presence::Living) | Some(Presence::NewMember)
                );
                if present && m.employment_status == Some(EmploymentStatus::CivilServant) {
                    signals.push(Signal::Asn {
                        member: m.name.clone(),
                    });
                }
                if m.presence == Some(Presence::Deceased) {
                    signals.push(Signal::Died {
                        member: m.name.clone(),
                    });
                }
            }
            let kks = h.families.iter().map(|f| f.kk_number.clone()).collect();
            (crate::store::head_name_of(h), kks, None, None)
        }
        (None, Some(f)) => {
            use pendata_shared::dtsen::codes::{EmploymentStatus, Presence};
            for m in &f.members {
                if m.is_present() && m.employment_status == Some(EmploymentStatus::CivilServant) {
                    signals.push(Signal::Asn {
                        member: m.name.clone(),
                    });
                }
                if m.presence == Some(Presence::Deceased) {
                    signals.push(Signal::Died {
                        member: m.name.clone(),
                    });
                }
            }
            let (programme, list_desil) = match &f.process {
                FamilyProcess::GroundCheck {
                    programme, desil, ..
                } => (*programme, *desil),
                FamilyProcess::UsulanBaru { .. } => (None, None),
            };
            let kks = f.kk_number.iter().cloned().collect();
            (f.head_name().to_owned(), kks, programme, list_desil)
        }
        (None, None) => return None,
    };
    Some(Facts {
        row: RegistryRow {
            id: s.id,
            desa_code: s.desa_code.clone(),
            head_name,
            questionnaire: s.questionnaire,
            programme,
            desil: Vec::new(),
            signals,
        },
        kk_numbers,
        list_desil,
    })
}

/// Gives the facts their desil (one lookup for the batch) and the desil's signals.
fn finish(
    batch: Vec<Facts>,
    registry: &dyn RegistryStore,
    cutoffs: &DesilCutoffs,
    out: &mut Vec<RegistryRow>,
) -> Result<(), StoreError> {
    let kks: Vec<&str> = batch
        .iter()
        .flat_map(|f| f.kk_numbers.iter().map(String::as_str))
        .collect();
    let known = registry.desil_of(&kks)?;
    for f in batch {
        let mut row = f.row;
        for kk in &f.kk_numbers {
            if let Some(d) = known.get(kk) {
                row.desil.push((*d, DesilSource::SiksNg));
            }
        }
        if row.desil.is_empty() {
            if let Some(d) = f.list_desil {
                row.desil.push((d, DesilSource::GroundCheckList));
            }
        }
        for (d, _) in &row.desil {
            let programmes = cutoffs.exceeded(*d, row.programme);
            if !programmes.is_empty() {
                row.signals.push(Signal::DesilAbove {
                    desil: *d,
                    programmes,
                });
            }
        }
        out.push(row);
    }
    Ok(())
}

/// Every current record inside `scope` (by desa, then id) with its desil and signals.
pub fn registry_rows(
    records: &dyn RecordStore,
    registry: &dyn RegistryStore,
    scope: &Scope,
    cutoffs: &DesilCutoffs,
) -> Result<Vec<RegistryRow>, StoreError> {
    const BATCH: usize = 500;
    let mut out = Vec::new();
    let mut batch = Vec::new();
    each_exported(records, scope, |e| {
        if let Some(f) = facts_of(&e) {
            batch.push(f);
        }
        if batch.len() >= BATCH {
            finish(std::mem::take(&mut batch), registry, cutoffs, &mut out)?;
        }
        Ok::<(), StoreError>(())
    })?;
    finish(batch, registry, cutoffs, &mut out)?;
    Ok(out)
}

/// The desil of one record's KK numbers (its review page), with the list's as a fallback.
pub fn desil_of_record(
    registry: &dyn RegistryStore,
    kk_numbers: &[&str],
    list_desil: Option<WelfareDecile>,
) -> Result<Vec<(WelfareDecile, DesilSource)>, StoreError> {
    let known = registry.desil_of(kk_numbers)?;
    let mut out: Vec<(WelfareDecile, DesilSource)> = kk_numbers
        .iter()
        .filter_map(|kk| known.get(*kk).map(|d| (*d, DesilSource::SiksNg)))
        .collect();
    if out.is_empty() {
        if let Some(d) = list_desil {
            out.push((d, DesilSource::GroundCheckList));
        }
    }
    Ok(out)
}
