//! Writing records: create, save, import, one field, members and photos. Every write goes
//! through [`edit`] (state check, revision bookkeeping, audit rows) in one transaction.

use chrono::Utc;
use pendata_shared::dtsen::{FamilyMember, FamilyRecord};
use pendata_shared::{Household, HouseholdId, Member, MemberId, PhotoRef};
use rusqlite::{params, Transaction};
use serde_json::Value;

use super::content::RecordContent;
use super::rows::{by_questionnaire, edit, insert_record, load_row, questionnaire_of, Actor};
use super::{jsonpath, now_text, photo_problems, Result, Store, StoreError};

/// Replace runs of six or more digits (a NIK or KK number quoted by serde) so that error
/// messages, which may end up in logs, never carry them.
pub(crate) fn redact_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 6 {
            out.push_str("<angka>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Paths a person may not set through [`Store::set_field`].
/// For a DTSEN family also its questionnaire and process (from the list) and the ground check
/// (recorded visit by visit: [`Store::record_outcome`], [`Store::record_nobody_home`]); for a
/// case its assignment, its number and its finding's kind.
fn read_only(path: &[jsonpath::Segment]) -> bool {
    use jsonpath::Segment::Key;
    match path {
        [Key(k), ..]
            if matches!(
                k.as_str(),
                "id" | "interview"
                    | "photos"
                    | "questionnaire"
                    | "process"
                    | "ground_check"
                    | "assignment"
                    | "case_id"
            ) =>
        {
            true
        }
        [Key(f), Key(k), ..] if f == "finding" && k == "kind" => true,
        [Key(m), jsonpath::Segment::Index(_), Key(k), ..]
            if m == "members" && (k == "id" || k == "padan") =>
        {
            true
        }
        _ => false,
    }
}

fn full_diff<T: RecordContent>(old: &T, new: &T) -> Result<Vec<(String, Value, Value)>> {
    let a = serde_json::to_value(old).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let b = serde_json::to_value(new).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(jsonpath::diff(&a, &b)
        .into_iter()
        .filter(|(p, _, _)| !p.starts_with("interview."))
        .collect())
}

impl Store {
    /// Store a new household as a draft.
    pub fn create_household(&mut self, h: &Household) -> Result<()> {
        self.create(h)
    }

    /// Store a new DTSEN family as a draft.
    pub fn create_family(&mut self, f: &FamilyRecord) -> Result<()> {
        self.create(f)
    }

    fn create<T: RecordContent>(&mut self, c: &T) -> Result<()> {
        let (tx, actor) = self.split()?;
        if load_row(&tx, &c.record_id().to_string())?.is_some() {
            return Err(StoreError::AlreadyExists);
        }
        let now = Utc::now();
        let mut c = c.clone();
        actor.stamp(&mut c, now);
        insert_record(&tx, &c, &now_text(now))?;
        tx.commit()?;
        Ok(())
    }

    /// Save a whole household (new or existing) in one transaction, auditing every changed
    /// field. An existing record goes back to draft (with a new revision once it was queued).
    pub fn save_household(&mut self, h: &Household) -> Result<()> {
        let (tx, actor) = self.split()?;
        save_in(&tx, &actor, h)?;
        tx.commit()?;
        Ok(())
    }

    /// Save a whole DTSEN family (new or existing), like [`Store::save_household`].
    pub fn save_family(&mut self, f: &FamilyRecord) -> Result<()> {
        let (tx, actor) = self.split()?;
        save_in(&tx, &actor, f)?;
        tx.commit()?;
        Ok(())
    }

    /// Save several households all-or-nothing (one transaction), e.g. an imported file.
    pub fn import(&mut self, households: &[Household]) -> Result<()> {
        let (tx, actor) = self.split()?;
        for h in households {
            save_in(&tx, &actor, h)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Set one field, e.g. `members[2].sex` or `housing.wall`, to a JSON value. The result is
    /// type-checked against the record's model (household or DTSEN family); a bad value is
    /// refused and nothing is saved. Saving, the audit row and the revision bookkeeping are one
    /// transaction.
    pub fn set_field(&mut self, id: HouseholdId, path: &str, value: Value) -> Result<()> {
        let segments = jsonpath::parse(path).ok_or_else(|| StoreError::InvalidPath {
            path: path.to_string(),
        })?;
        if read_only(&segments) {
            return Err(StoreError::ReadOnlyField {
                path: path.to_string(),
            });
        }
        let (tx, actor) = self.split()?;
        let idstr = id.to_string();
        let q = questionnaire_of(&tx, &idstr)?;
        by_questionnaire!(q, set_field_in(&tx, &actor, &idstr, path, &segments, value))?;
        tx.commit()?;
        Ok(())
    }

    /// Add a member at the end of a household's list.
    pub fn add_member(&mut self, id: HouseholdId, member: Member) -> Result<()> {
        let (tx, actor) = self.split()?;
        edit::<Household, _>(&tx, &actor, &id.to_string(), |h| {
            let path = format!("members[{}]", h.members.len());
            let new =
                serde_json::to_value(&member).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            h.members.push(member);
            Ok(vec![(path, Value::Null, new)])
        })?;
        tx.commit()?;
        Ok(())
    }

    /// Add a member at the end of a DTSEN family's list (e.g. a new member, 404 = 5).
    pub fn add_family_member(&mut self, id: HouseholdId, member: FamilyMember) -> Result<()> {
        let (tx, actor) = self.split()?;
        edit::<FamilyRecord, _>(&tx, &actor, &id.to_string(), |f| {
            let path = format!("members[{}]", f.members.len());
            let new =
                serde_json::to_value(&member).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            f.members.push(member);
            Ok(vec![(path, Value::Null, new)])
        })?;
        tx.commit()?;
        Ok(())
    }

    /// Remove a member (of a household: and their dependants' link to them; of a family).
    pub fn remove_member(&mut self, id: HouseholdId, member_id: MemberId) -> Result<()> {
        let (tx, actor) = self.split()?;
        let idstr = id.to_string();
        let q = questionnaire_of(&tx, &idstr)?;
        by_questionnaire!(q, remove_member_in(&tx, &actor, &idstr, member_id))?;
        tx.commit()?;
        Ok(())
    }

    /// Attach (or replace) a photo of a kind (and member) whose bytes are stored as `blob_id`.
    pub fn attach_photo(&mut self, id: HouseholdId, photo: &PhotoRef, blob_id: &str) -> Result<()> {
        let (tx, actor) = self.split()?;
        let idstr = id.to_string();
        let q = questionnaire_of(&tx, &idstr)?;
        by_questionnaire!(q, attach_photo_in(&tx, &actor, &idstr, photo))?;
        photo_problems::clear_slot(&tx, &idstr, photo.kind, photo.member_id)?;
        tx.execute(
            "INSERT INTO photos (household_id, kind, member_id, sha256, blob_id, bytes, width, height, taken_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (household_id, kind, member_id) DO UPDATE SET
               sha256 = excluded.sha256, blob_id = excluded.blob_id, bytes = excluded.bytes,
               width = excluded.width, height = excluded.height, taken_at = excluded.taken_at,
               uploaded = 0",
            params![
                idstr,
                photo.kind.stereotype(),
                photo.member_id.map(|m| m.to_string()).unwrap_or_default(),
                photo.sha256.as_str(),
                blob_id,
                photo.bytes as i64,
                photo.width,
                photo.height,
                now_text(photo.taken_at)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn save_in<T: RecordContent>(tx: &Transaction<'_>, actor: &Actor<'_>, c: &T) -> Result<()> {
    let idstr = c.record_id().to_string();
    if load_row(tx, &idstr)?.is_none() {
        let now = Utc::now();
        let mut c = c.clone();
        actor.stamp(&mut c, now);
        insert_record(tx, &c, &now_text(now))?;
        return Ok(());
    }
    edit::<T, _>(tx, actor, &idstr, |cur| {
        // The app manages interview metadata; keep the stored timing.
        let mut new = c.clone();
        *new.interview_mut() = cur.interview().clone();
        let changes = full_diff(cur, &new)?;
        *cur = new;
        Ok(changes)
    })?;
    Ok(())
}

fn set_field_in<T: RecordContent>(
    tx: &Transaction<'_>,
    actor: &Actor<'_>,
    id: &str,
    path: &str,
    segments: &[jsonpath::Segment],
    value: Value,
) -> Result<()> {
    edit::<T, _>(tx, actor, id, |h| {
        let mut v = serde_json::to_value(&*h).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let existed = jsonpath::get(&v, segments).is_some();
        let old = jsonpath::set(&mut v, segments, value.clone()).ok_or_else(|| {
            StoreError::InvalidPath {
                path: path.to_string(),
            }
        })?;
        let new_h: T = serde_json::from_value(v).map_err(|e| {
            let detail = redact_numbers(&e.to_string());
            if !existed && detail.starts_with("unknown field") {
                StoreError::InvalidPath {
                    path: path.to_string(),
                }
            } else {
                StoreError::InvalidValue {
                    path: path.to_string(),
                    detail,
                }
            }
        })?;
        let changed = old != value;
        *h = new_h;
        Ok(if changed {
            vec![(path.to_string(), old, value)]
        } else {
            Vec::new()
        })
    })?;
    Ok(())
}

fn remove_member_in<T: RecordContent>(
    tx: &Transaction<'_>,
    actor: &Actor<'_>,
    id: &str,
    member_id: MemberId,
) -> Result<()> {
    edit::<T, _>(tx, actor, id, |c| {
        let (idx, old) = c
            .remove_member(member_id)
            .ok_or_else(|| StoreError::InvalidPath {
                path: format!("members[id={member_id}]"),
            })?;
        Ok(vec![(format!("members[{idx}]"), old, Value::Null)])
    })?;
    Ok(())
}

fn attach_photo_in<T: RecordContent>(
    tx: &Transaction<'_>,
    actor: &Actor<'_>,
    id: &str,
    photo: &PhotoRef,
) -> Result<()> {
    edit::<T, _>(tx, actor, id, |c| {
        let photos = c.photos_mut();
        let old = photos
            .iter()
            .position(|p| p.kind == photo.kind && p.member_id == photo.member_id)
            .map(|i| photos.remove(i));
        let path = format!("photos.{}", photo.kind.stereotype());
        let oldv = old
            .map(|p| Value::String(p.sha256.to_string()))
            .unwrap_or(Value::Null);
        let newv = Value::String(photo.sha256.to_string());
        photos.push(photo.clone());
        Ok(vec![(path, oldv, newv)])
    })?;
    Ok(())
}
