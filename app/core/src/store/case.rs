//! Cases on the device (issue 21 §1): usul-sanggah verification, PBI-JK reactivation and
//! graduasi PKH. A case is opened from its assignment into a [`CaseRecord`] draft, the
//! facilitator records the finding, takes the checklist's photos (`Device::add_photo`) and the
//! position (`Store::set_field(id, "geotag", …)`), and finalizes; from there it is a record like
//! every other: queue, outbox, sync, review, tombstone (docs/app.md, "Cases on the device").

use chrono::{NaiveDate, Utc};
use pendata_shared::cases::photos::{case_photo_checklist, ChecklistItem};
use pendata_shared::cases::{CaseFinding, CaseKind, CaseRecord};
use pendata_shared::protocol::Assignment;
use pendata_shared::HouseholdId;
use rusqlite::params;
use serde::Serialize;
use serde_json::Value;

use super::assignments::assignment_in;
use super::rows::{edit, insert_record, load_row};
use super::{now_text, parse_content, RecordState, Result, Store, StoreError};

/// One line of the case list: an opened case (with its state) or an assignment not opened yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub household_id: HouseholdId,
    pub kind: CaseKind,
    /// The Dinsos's case number.
    pub case_id: String,
    /// Who the case is about.
    pub name: String,
    pub desa_code: String,
    pub address: String,
    pub due_date: NaiveDate,
    /// `None` while the case is not opened on this device.
    pub state: Option<RecordState>,
}

impl CaseRow {
    /// Days left until the due date on `today` (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.due_date - today).num_days()
    }

    /// Overdue on `today` and not yet sent (a finding that left the device is no longer late
    /// here).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.days_left(today) < 0
            && matches!(
                self.state,
                None | Some(RecordState::Draft | RecordState::Final | RecordState::NeedsPhoto)
            )
    }

    fn of_record(c: &CaseRecord, state: Option<RecordState>) -> Self {
        Self {
            household_id: c.id,
            kind: c.kind(),
            case_id: c.case_id.clone(),
            name: c.name().to_string(),
            desa_code: c.desa_code.clone(),
            address: c.address.clone(),
            due_date: c.assignment.due_date,
            state,
        }
    }
}

fn json<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Trims the notes of a finding; an empty note is no note.
fn tidy(f: &mut CaseFinding) {
    fn t(s: &mut Option<String>) {
        *s = s
            .take()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty());
    }
    match f {
        CaseFinding::UsulSanggah(f) => t(&mut f.note),
        CaseFinding::ReaktivasiPbiJk(f) => t(&mut f.note),
        CaseFinding::GraduasiPkh(f) => {
            t(&mut f.reason);
            t(&mut f.assessment_note);
        }
    }
}

impl Store {
    /// Open a case from its assignment: the first time, creates the draft (the case as
    /// assigned, nothing found yet); later opens return it as stored. An assignment that is
    /// not a case is refused (`case.not_a_case`, `case.kind_mismatch`).
    pub fn open_case(&mut self, household_id: HouseholdId) -> Result<CaseRecord> {
        let (tx, actor) = self.split()?;
        let idstr = household_id.to_string();
        if let Some(row) = load_row(&tx, &idstr)? {
            return row.parse();
        }
        let a = assignment_in(&tx, &idstr)?;
        let mut c = CaseRecord::from_assignment(&a).map_err(StoreError::NotACase)?;
        let now = Utc::now();
        actor.stamp(&mut c, now);
        insert_record(&tx, &c, &now_text(now))?;
        tx.commit()?;
        tracing::info!(kind = c.kind().id(), "case opened");
        Ok(c)
    }

    /// The current content of a case (`store.wrong_questionnaire` for a household or family).
    pub fn case(&self, id: HouseholdId) -> Result<CaseRecord> {
        self.content_of(id)
    }

    /// Record what the facilitator found, replacing the finding as a whole (notes trimmed;
    /// empty notes dropped). The case becomes a draft again if it was final (a new revision
    /// if it had been queued); finalize when the checklist is complete. A finding of another
    /// kind is refused (`case.kind_mismatch`). Returns the case.
    pub fn record_case_finding(
        &mut self,
        id: HouseholdId,
        finding: &CaseFinding,
    ) -> Result<CaseRecord> {
        let (tx, actor) = self.split()?;
        let idstr = id.to_string();
        let mut finding = finding.clone();
        tidy(&mut finding);
        edit::<CaseRecord, _>(&tx, &actor, &idstr, |c| {
            if finding.kind() != c.kind() {
                return Err(StoreError::CaseKindMismatch {
                    expected: c.kind(),
                    found: finding.kind(),
                });
            }
            let old = json(&c.finding)?;
            c.finding = finding;
            Ok(vec![("finding".into(), old, json(&c.finding)?)])
        })?;
        let c: CaseRecord = load_row(&tx, &idstr)?
            .ok_or(StoreError::NotFound)?
            .parse()?;
        tx.commit()?;
        tracing::info!(kind = c.kind().id(), "case finding recorded");
        Ok(c)
    }

    /// The case's photo checklist: each kind, whether it is required (as the finding so far
    /// makes it) and whether a photo of it is attached.
    pub fn case_checklist(&self, id: HouseholdId) -> Result<Vec<ChecklistItem>> {
        Ok(case_photo_checklist(&self.case(id)?))
    }

    /// Every case of this device: the opened ones (not deleted) with their state, and the
    /// active case assignments not opened yet; by due date, then name.
    pub fn case_list(&self) -> Result<Vec<CaseRow>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT content, state FROM households
             WHERE questionnaire IN ('kasus-usul-sanggah','kasus-reaktivasi-pbi-jk',
                                     'kasus-graduasi-pkh')
               AND state <> 'deleted'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (content, state) = row?;
            let c: CaseRecord = parse_content(&content)?;
            let state = RecordState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt("record state".into()))?;
            out.push(CaseRow::of_record(&c, Some(state)));
        }
        let mut stmt = self.conn.prepare(
            "SELECT content FROM assignments
             WHERE active = 1 AND opened = 0
               AND kind IN ('usul_sanggah','reaktivasi_pbi_jk','graduasi_pkh')",
        )?;
        let rows = stmt.query_map(params![], |r| r.get::<_, String>(0))?;
        for row in rows {
            let a: Assignment =
                serde_json::from_str(&row?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // An assignment whose case does not fit its kind cannot be opened; it is listed so
            // that `open_case` can say why.
            match CaseRecord::from_assignment(&a) {
                Ok(c) => out.push(CaseRow::of_record(&c, None)),
                Err(e) => tracing::warn!(code = e.code(), "case assignment cannot be opened"),
            }
        }
        out.sort_by(|a, b| {
            (a.due_date, &a.name, a.household_id).cmp(&(b.due_date, &b.name, b.household_id))
        });
        Ok(out)
    }
}
