//! The prelist and ground-check lists pulled from the server: listing them, and opening one as
//! a record (a DTKS household for verivali, a DTSEN family for a ground check).

use chrono::Utc;
use pendata_shared::dtsen::FamilyRecord;
use pendata_shared::model::Location;
use pendata_shared::protocol::{Assignment, AssignmentKind};
use pendata_shared::{Household, HouseholdId, Member, RecordKind};
use rusqlite::OptionalExtension;

use super::content::{Record, RecordContent};
use super::rows::{insert_record, load_row};
use super::{family, now_text, Result, Store, StoreError};

impl Store {
    /// The active assignments, optionally of one desa, by head name.
    pub fn assignments(&self, desa_code: Option<&str>) -> Result<Vec<Assignment>> {
        let mut stmt = self.conn.prepare(
            "SELECT content FROM assignments WHERE active = 1 AND (?1 IS NULL OR desa_code = ?1)
             ORDER BY head_name, household_id",
        )?;
        let rows = stmt.query_map([desa_code], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        Ok(out)
    }

    /// Open a prelist household for verivali: creates the draft record from the assignment
    /// (members, KK list, location) the first time, and returns the record. A ground-check
    /// assignment is refused (`store.assignment_kind_unsupported`): open it with
    /// [`Store::open_ground_check`] or [`Store::open_any_assignment`].
    pub fn open_assignment(&mut self, household_id: HouseholdId) -> Result<Household> {
        let (tx, actor) = self.split()?;
        let idstr = household_id.to_string();
        if let Some(row) = load_row(&tx, &idstr)? {
            return row.parse();
        }
        let a = assignment_in(&tx, &idstr)?;
        if a.kind != AssignmentKind::Verivali {
            return Err(StoreError::AssignmentKindUnsupported(a.kind));
        }
        let mut h = household_from_assignment(&a);
        let now = Utc::now();
        actor.stamp(&mut h, now);
        insert_record(&tx, &h, &now_text(now))?;
        tx.commit()?;
        Ok(h)
    }

    /// Open a DTSEN ground-check assignment: the first time, creates the family's draft from
    /// the list (members with what the list knows, place, building number, KK, programme and
    /// desil); later opens return the family as stored, with everything already filled.
    pub fn open_ground_check(&mut self, household_id: HouseholdId) -> Result<FamilyRecord> {
        let (tx, actor) = self.split()?;
        let idstr = household_id.to_string();
        if let Some(row) = load_row(&tx, &idstr)? {
            return row.parse();
        }
        let a = assignment_in(&tx, &idstr)?;
        if a.kind != AssignmentKind::GroundCheck {
            return Err(StoreError::AssignmentKindUnsupported(a.kind));
        }
        let mut f = family::from_assignment(&a);
        let now = Utc::now();
        actor.stamp(&mut f, now);
        insert_record(&tx, &f, &now_text(now))?;
        tx.commit()?;
        Ok(f)
    }

    /// Open any assignment as the record its kind asks for: a household for verivali, a
    /// family for a ground check, a case for a case kind.
    pub fn open_any_assignment(&mut self, household_id: HouseholdId) -> Result<Record> {
        if let Some(row) = load_row(&self.conn, &household_id.to_string())? {
            return row.record();
        }
        let a = assignment_in(&self.conn, &household_id.to_string())?;
        Ok(match a.kind {
            AssignmentKind::GroundCheck => self.open_ground_check(household_id)?.into_record(),
            AssignmentKind::Verivali | AssignmentKind::UsulanBaru => {
                self.open_assignment(household_id)?.into_record()
            }
            AssignmentKind::UsulSanggah
            | AssignmentKind::ReaktivasiPbiJk
            | AssignmentKind::GraduasiPkh => self.open_case(household_id)?.into_record(),
        })
    }

    /// The assignment of a record id, active or not.
    pub fn assignment(&self, household_id: HouseholdId) -> Result<Assignment> {
        assignment_in(&self.conn, &household_id.to_string())
    }
}

pub(super) fn assignment_in(conn: &rusqlite::Connection, id: &str) -> Result<Assignment> {
    let content: String = conn
        .query_row(
            "SELECT content FROM assignments WHERE household_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::AssignmentNotFound)?;
    serde_json::from_str(&content).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The verivali draft of a prelist household.
fn household_from_assignment(a: &Assignment) -> Household {
    let mut h = Household::new(
        RecordKind::Verivali {
            prelist_id: a.prelist_id.clone(),
        },
        a.desa_code.clone(),
    );
    h.id = a.household_id;
    h.location = Location {
        desa_code: a.desa_code.clone(),
        rt: a.rt.clone(),
        rw: a.rw.clone(),
        sls_name: None,
        address: a.address.clone(),
    };
    h.families = a.families.clone();
    h.members = a
        .members
        .iter()
        .map(|p| {
            let mut m = Member::new(p.name.clone());
            m.nik = p.nik.clone();
            m.relation_to_head = p.relation_to_head;
            m.sex = p.sex;
            m.birth_date = p.birth_date;
            m.family_no = p.family_no;
            m
        })
        .collect();
    h
}
