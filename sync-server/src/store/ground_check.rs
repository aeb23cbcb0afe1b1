//! The DTSEN ground check's progress as the supervisor's dashboard counts it: per desa and per
//! pendamping, assigned / visited / found / moved / died / not found / to revisit. A store
//! counts it in the database ([`super::RecordStore::ground_check_progress`]: one grouped query,
//! no record parsed), from facts written beside each revision when it is stored
//! ([`GroundCheckFacts`], migration 0008 / PostgreSQL 0002). [`GroundCheckRow::of_export`] is
//! the same definition read from a full export, which the contract tests compare against.

use pendata_shared::dtsen::family::{FamilyProcess, ListProgramme};
use pendata_shared::dtsen::GroundCheckOutcome;
use pendata_shared::protocol::{AssignmentKind, Change};

use super::ExportHousehold;

/// What a stored revision says about its ground check, kept in the revision's row so the
/// progress is counted without unpacking records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroundCheckFacts {
    /// `Some` (the number of visits, maybe 0) for a DTSEN family of the ground-check process;
    /// `None` for anything else.
    pub visits: Option<u32>,
    pub outcome: Option<GroundCheckOutcome>,
    /// No outcome yet and the last visit found nobody home ("kunjungi lagi").
    pub awaits_revisit: bool,
}

impl GroundCheckFacts {
    /// The facts of a change (nothing for a DTKS household, a DTSEN usulan baru or a delete).
    pub fn of_change(change: &Change) -> Self {
        match change {
            Change::UpsertFamily { family }
                if matches!(family.process, FamilyProcess::GroundCheck { .. }) =>
            {
                let gc = &family.ground_check;
                GroundCheckFacts {
                    visits: Some(u32::try_from(gc.visits.len()).unwrap_or(u32::MAX)),
                    outcome: gc.outcome,
                    awaits_revisit: gc.awaits_revisit(),
                }
            }
            _ => GroundCheckFacts::default(),
        }
    }

    /// The outcome as stored (`found`, `moved`, `died`, `not_found`).
    pub fn outcome_id(&self) -> Option<&'static str> {
        self.outcome.map(GroundCheckOutcome::id)
    }

    /// `visits` as a database integer.
    pub fn visits_i64(&self) -> Option<i64> {
        self.visits.map(i64::from)
    }
}

/// The counts of one group of ground-check families.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroundCheckCounts {
    /// On an imported ground-check list.
    pub assigned: u32,
    /// The server holds a current revision with a visit or an outcome.
    pub visited: u32,
    pub found: u32,
    pub moved: u32,
    pub died: u32,
    pub not_found: u32,
    /// Visited, nobody was home at the last visit and there is no outcome yet.
    pub to_revisit: u32,
}

impl GroundCheckCounts {
    pub fn add(&mut self, o: &GroundCheckCounts) {
        self.assigned += o.assigned;
        self.visited += o.visited;
        self.found += o.found;
        self.moved += o.moved;
        self.died += o.died;
        self.not_found += o.not_found;
        self.to_revisit += o.to_revisit;
    }

    /// The columns in the order the dashboard shows them.
    pub fn cells(&self) -> [u32; 7] {
        [
            self.assigned,
            self.visited,
            self.found,
            self.moved,
            self.died,
            self.not_found,
            self.to_revisit,
        ]
    }
}

/// One group of [`super::RecordStore::ground_check_progress`]: a desa and a pendamping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroundCheckRow {
    pub desa_code: String,
    /// The assignment's pendamping (`assigned_to`), else the enumerator of the current
    /// revision's interview; `None`: neither.
    pub pendamping: Option<String>,
    pub counts: GroundCheckCounts,
}

impl GroundCheckRow {
    /// What one household contributes, read from its full export: `None` when it is not a
    /// ground check (neither on a ground-check list nor a ground-check family) or not of
    /// `programme` (the list's programme; a family without a list has none).
    pub fn of_export(e: &ExportHousehold, programme: Option<ListProgramme>) -> Option<Self> {
        let s = &e.summary;
        let received = s.current_revision.is_some() && !s.deleted;
        let facts = match (&e.family, received) {
            (Some(f), true) => GroundCheckFacts::of_change(&Change::UpsertFamily {
                family: Box::new(f.clone()),
            }),
            _ => GroundCheckFacts::default(),
        };
        let listed = e
            .assignment
            .as_ref()
            .is_some_and(|a| a.kind == AssignmentKind::GroundCheck);
        if !listed && facts.visits.is_none() {
            return None;
        }
        if let Some(p) = programme {
            if e.assignment.as_ref().and_then(|a| a.programme) != Some(p) {
                return None;
            }
        }
        let is = |o: GroundCheckOutcome| u32::from(facts.outcome == Some(o));
        Some(GroundCheckRow {
            desa_code: s.desa_code.clone(),
            pendamping: s.assigned_to.clone().or_else(|| {
                e.family
                    .as_ref()
                    .filter(|_| received)
                    .and_then(|f| f.interview.enumerator.clone())
            }),
            counts: GroundCheckCounts {
                assigned: u32::from(e.assignment.is_some()),
                visited: u32::from(facts.visits.unwrap_or(0) > 0 || facts.outcome.is_some()),
                found: is(GroundCheckOutcome::Found),
                moved: is(GroundCheckOutcome::Moved),
                died: is(GroundCheckOutcome::Died),
                not_found: is(GroundCheckOutcome::NotFound),
                to_revisit: u32::from(facts.awaits_revisit),
            },
        })
    }
}

/// Rows summed per (desa, pendamping), in that order: what a store's grouped query answers.
pub fn group_rows(rows: impl IntoIterator<Item = GroundCheckRow>) -> Vec<GroundCheckRow> {
    let mut map: std::collections::BTreeMap<(String, Option<String>), GroundCheckCounts> =
        std::collections::BTreeMap::new();
    for r in rows {
        map.entry((r.desa_code, r.pendamping))
            .or_default()
            .add(&r.counts);
    }
    map.into_iter()
        .map(|((desa_code, pendamping), counts)| GroundCheckRow {
            desa_code,
            pendamping,
            counts,
        })
        .collect()
}
