//! DTSEN ground checks on the device: the family draft made from a ground-check assignment, the
//! visits ("kunjungi lagi" when nobody is home, the outcome when someone could answer) and the
//! revisit list. A "nobody home" visit is sent as a visit report when the form allows it.
//!
//! The outcome list and the revisit rule are UNCONFIRMED in DTSEN-REFERENCE.md: the outcomes
//! are `pendata_shared::dtsen::GroundCheckOutcome`, the rule is the device's
//! [`Store::dtsen_rules`] (docs/formats.md, "DTSEN choices"). Pendata's choices made here, also
//! documented there: a visit's time is the device clock; an outcome fills the keberadaan (404)
//! of members the pendamping did not answer for (found: lives here, moved: moved within
//! Indonesia, died: died, not found: not found), a moved family's 205 with 5 unless given,
//! and an empty 201 with today.

use chrono::{DateTime, NaiveDate, Utc};
use pendata_shared::dtsen::codes::{EnumerationResult, Presence, Relation};
use pendata_shared::dtsen::{
    FamilyMember, FamilyProcess, FamilyRecord, GroundCheckOutcome, RevisitPolicy, Visit,
    VisitResult,
};
use pendata_shared::protocol::Assignment;
use pendata_shared::validate::Context;
use pendata_shared::{Finding, HouseholdId, MemberId, Severity};
use serde::Serialize;
use serde_json::{json, Value};

use super::content::RecordContent;
use super::lifecycle::enqueue;
use super::reading::read_rules;
use super::rows::{edit, load_row};
use super::{Result, Store, StoreError};

/// The family draft of a ground-check assignment: the list's process (its id, programme and
/// desil), place, building number and KK, and each listed member with what the list knows.
pub(crate) fn from_assignment(a: &Assignment) -> FamilyRecord {
    let mut f = FamilyRecord::new(
        FamilyProcess::GroundCheck {
            assignment_id: a.prelist_id.clone(),
            programme: a.programme,
            desil: a.desil,
        },
        a.desa_code.clone(),
    );
    f.id = a.household_id;
    f.location.rt = a.rt.clone();
    f.location.rw = a.rw.clone();
    f.location.address = a.address.clone();
    f.location.building_no = a.building_no;
    f.kk_number = a.families.first().map(|k| k.kk_number.clone());
    f.members = a
        .members
        .iter()
        .map(|p| {
            let mut m = FamilyMember::new(p.name.clone());
            m.nik = p.nik.clone();
            // The server carries 409 in the prelist's relation field: codes 1-8 are the same.
            m.relation = p
                .relation_to_head
                .and_then(|r| Relation::from_code(r.code()));
            m.sex = p.sex;
            m.birth_date = p.birth_date;
            m
        })
        .collect();
    f
}

/// What the pendamping found when someone could answer (or neighbours told).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroundCheckVisit {
    /// Found and living here, moved, died, not found. `None` is refused.
    pub outcome: Option<GroundCheckOutcome>,
    /// The keberadaan (404) of members, by id; members left out get the outcome's default.
    pub presence: Vec<(MemberId, Presence)>,
    /// Hasil pendataan (205), when the pendamping gives it.
    pub result: Option<EnumerationResult>,
    /// Blok VI Catatan (required when 205 is 2-5): replaces the stored note when given.
    pub note: Option<String>,
}

/// The finding of a family waiting for another visit.
const REVISIT_PENDING: &str = "ground_check.revisit_pending";

/// What [`Store::record_nobody_home`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NobodyHome {
    /// The family's place on the revisit list.
    pub revisit: RevisitRow,
    /// The visit report waits in the outbox for the next sync.
    pub report_queued: bool,
    /// Why it was not queued: the form's errors other than the pending revisit (the visit is
    /// kept on the device; fix them, and the next visit is sent).
    pub blocking: Vec<Finding>,
}

/// A family waiting for another visit (nobody was home at the last one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisitRow {
    pub household_id: HouseholdId,
    pub head_name: String,
    pub address: String,
    pub desa_code: String,
    /// Visits with nobody home so far.
    pub attempts: u32,
    /// The policy's number of attempts before the family may be closed as not found.
    pub max_attempts: u8,
    pub last_visit_at: DateTime<Utc>,
    /// The first day the next visit is due under the policy.
    pub next_visit_on: Option<NaiveDate>,
    /// The attempts are used up: the family may be closed as not found.
    pub attempts_used_up: bool,
}

impl RevisitRow {
    fn of(f: &FamilyRecord, policy: &RevisitPolicy) -> Option<Self> {
        let last = f.ground_check.visits.last()?;
        Some(Self {
            household_id: f.id,
            head_name: f.head_name().to_string(),
            address: f.location.address.clone(),
            desa_code: f.location.desa_code.clone(),
            attempts: f.ground_check.attempts_nobody_home() as u32,
            max_attempts: policy.max_attempts,
            last_visit_at: last.at,
            next_visit_on: policy.next_visit_on(&f.ground_check, f.zone()),
            attempts_used_up: policy.attempts_used_up(&f.ground_check),
        })
    }
}

fn default_presence(outcome: GroundCheckOutcome) -> Presence {
    match outcome {
        GroundCheckOutcome::Found => Presence::Living,
        GroundCheckOutcome::Moved => Presence::MovedInIndonesia,
        GroundCheckOutcome::Died => Presence::Deceased,
        GroundCheckOutcome::NotFound => Presence::NotFound,
    }
}

fn require_ground_check(f: &FamilyRecord) -> Result<()> {
    match f.process {
        FamilyProcess::GroundCheck { .. } => Ok(()),
        FamilyProcess::UsulanBaru { .. } => Err(StoreError::NotAGroundCheck),
    }
}

fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// The current content of a DTSEN family (`store.wrong_questionnaire` for a household).
    pub fn family(&self, id: HouseholdId) -> Result<FamilyRecord> {
        self.content_of(id)
    }

    /// Record a visit where the pendamping learnt the outcome: the visit (now), the outcome, the
    /// keberadaan of the members (given, else the outcome's default for members not yet
    /// answered), 205 and the note. Everything already filled is kept. The family stays a
    /// draft (finalize when the form is complete). Returns the family.
    pub fn record_outcome(
        &mut self,
        id: HouseholdId,
        visit: &GroundCheckVisit,
    ) -> Result<FamilyRecord> {
        let outcome = visit.outcome.ok_or_else(|| StoreError::InvalidValue {
            path: "ground_check.outcome".into(),
            detail: "hasil ground check wajib dipilih / an outcome is required".into(),
        })?;
        let (tx, actor) = self.split()?;
        let idstr = id.to_string();
        let now = Utc::now();
        edit::<FamilyRecord, _>(&tx, &actor, &idstr, |f| {
            require_ground_check(f)?;
            let mut changes = Vec::new();
            for (member, _) in &visit.presence {
                if f.member(*member).is_none() {
                    return Err(StoreError::InvalidPath {
                        path: format!("members[id={member}].presence"),
                    });
                }
            }
            let old_gc = to_value(&f.ground_check)?;
            f.ground_check.visits.push(Visit {
                at: now,
                result: VisitResult::Met,
                note: None,
            });
            f.ground_check.outcome = Some(outcome);
            changes.push((
                "ground_check".to_string(),
                old_gc,
                to_value(&f.ground_check)?,
            ));
            for (i, m) in f.members.iter_mut().enumerate() {
                let given = visit
                    .presence
                    .iter()
                    .find(|(id, _)| *id == m.id)
                    .map(|(_, p)| *p);
                let new = match (given, m.presence) {
                    (Some(p), _) => p,
                    (None, None) => default_presence(outcome),
                    (None, Some(p)) => p,
                };
                if m.presence != Some(new) {
                    changes.push((
                        format!("members[{i}].presence"),
                        to_value(&m.presence)?,
                        json!(new.code()),
                    ));
                    m.presence = Some(new);
                }
            }
            let result = visit.result.or(match outcome {
                GroundCheckOutcome::Moved => Some(EnumerationResult::MovedOrGone),
                _ => None,
            });
            if let Some(r) = result {
                if f.enumeration.result != Some(r) {
                    changes.push((
                        "enumeration.result".into(),
                        to_value(&f.enumeration.result)?,
                        json!(r.code()),
                    ));
                    f.enumeration.result = Some(r);
                }
            }
            if f.enumeration.date.is_none() {
                let today = f.zone().today(now);
                changes.push(("enumeration.date".into(), Value::Null, to_value(&today)?));
                f.enumeration.date = Some(today);
            }
            if let Some(note) = visit.note.as_deref().map(str::trim) {
                if !note.is_empty() && f.notes.as_deref() != Some(note) {
                    changes.push(("notes".into(), to_value(&f.notes)?, json!(note)));
                    f.notes = Some(note.to_string());
                }
            }
            Ok(changes)
        })?;
        let f = load_row(&tx, &idstr)?
            .ok_or(StoreError::NotFound)?
            .parse()?;
        tx.commit()?;
        tracing::info!(outcome = outcome.id(), "ground-check outcome recorded");
        Ok(f)
    }

    /// "Kunjungi lagi": nobody was home. Records the visit (now, with an optional note) and
    /// puts the family on the revisit list with its attempt count; everything already filled is
    /// kept. Refused once the family has an outcome (`store.outcome_known`).
    ///
    /// The visit is also queued as a *visit report* (the server stores it and the supervisor's
    /// ground-check progress counts the family as "to revisit"), unless the form has another
    /// error than the pending revisit: then it stays a draft and `blocking` says why. A report
    /// is never final: the next visit's edit makes a new draft revision based on it.
    pub fn record_nobody_home(
        &mut self,
        id: HouseholdId,
        note: Option<&str>,
    ) -> Result<NobodyHome> {
        let (tx, actor) = self.split()?;
        let idstr = id.to_string();
        let now = Utc::now();
        let rules = read_rules(&tx)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        edit::<FamilyRecord, _>(&tx, &actor, &idstr, |f| {
            require_ground_check(f)?;
            if let Some(outcome) = f.ground_check.outcome {
                return Err(StoreError::OutcomeKnown(outcome));
            }
            let old = to_value(&f.ground_check)?;
            f.ground_check.visits.push(Visit {
                at: now,
                result: VisitResult::NobodyHome,
                note: note.map(str::to_string),
            });
            Ok(vec![(
                "ground_check".into(),
                old,
                to_value(&f.ground_check)?,
            )])
        })?;
        let row = load_row(&tx, &idstr)?.ok_or(StoreError::NotFound)?;
        let f: FamilyRecord = row.parse()?;
        let blocking: Vec<Finding> = f
            .validate(&Context::embedded(f.zone().today(now)), &rules)
            .into_iter()
            .filter(|x| x.severity == Severity::Error && x.code != REVISIT_PENDING)
            .collect();
        let report_queued = blocking.is_empty();
        if report_queued {
            enqueue(&tx, &row, &idstr)?;
        }
        tx.commit()?;
        let revisit = RevisitRow::of(&f, &rules.dtsen.revisit)
            .ok_or_else(|| StoreError::Corrupt("visit not recorded".into()))?;
        tracing::info!(
            attempts = revisit.attempts,
            report_queued,
            "ground check: nobody home, revisit"
        );
        Ok(NobodyHome {
            revisit,
            report_queued,
            blocking,
        })
    }

    /// The families waiting for another visit (no outcome yet, nobody home at the last visit),
    /// the longest waiting first, with the attempt count and when the next visit is due under
    /// [`Store::dtsen_rules`].
    pub fn revisit_list(&self) -> Result<Vec<RevisitRow>> {
        let policy = self.dtsen_rules()?.revisit;
        let mut stmt = self.conn.prepare_cached(
            "SELECT content FROM households
             WHERE gc_awaits_revisit = 1 AND questionnaire = 'regsosek2022k'
               AND state <> 'deleted'
             ORDER BY gc_last_visit_at, seq",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            let f: FamilyRecord = super::parse_content(&row?)?;
            out.extend(RevisitRow::of(&f, &policy));
        }
        Ok(out)
    }
}
