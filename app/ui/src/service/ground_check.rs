//! The open DTSEN family of a ground check: showing it, the visit's outcome, "kunjungi lagi"
//! when nobody is home, list answers, and the revisit list. Everything goes through the
//! core's store calls for ground checks (docs/app.md, "DTSEN ground checks on the device").

use pendata_core::store::{GroundCheckVisit, RevisitRow, StoreError};
use pendata_shared::dtsen::{FamilyRecord, GroundCheckOutcome, RevisitPolicy};
use pendata_shared::month::zone::zone_of;
use pendata_shared::{HouseholdId, Lang, Questionnaire};
use serde_json::Value;

use super::{Res, Worker};
use crate::dtsen_form;
use crate::i18n::tr;
use crate::state::{RevisitView, Update, VisitView};

impl Worker {
    /// Whether a record answers the DTSEN form.
    pub(super) fn is_family(&mut self, id: HouseholdId) -> Res<bool> {
        let lang = self.lang;
        let q = self
            .device()?
            .store()
            .record(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?
            .questionnaire;
        Ok(q == Questionnaire::Regsosek2022k)
    }

    /// Draws the family's visit screen.
    pub(super) fn refresh_visit(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let d = self
            .device
            .as_ref()
            .ok_or_else(|| tr(lang, "unlock.title").to_string())?;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let family = d.store().family(id).map_err(map)?;
        let record = d.store().record(id).map_err(map)?;
        let rules = d.store().dtsen_rules().map_err(map)?;
        let findings = d.validate(id).map_err(|e| self.err(e))?;
        let photos = self.thumbnails(id, &family.photos)?;
        let hidden = dtsen_form::hidden_paths(&family, &rules);
        let revisit = revisit_of(&family, &rules.revisit);
        let desil = match family.kk_number.as_deref() {
            Some(kk) => super::family_facts::desil_of(d.store(), kk).map_err(map)?,
            None => None,
        };
        let pkh = super::family_facts::pkh_of(d.store(), &family).map_err(map)?;
        self.emit(Update::Visit(Box::new(VisitView {
            family,
            state: record.state,
            review_note: record.review_note,
            findings,
            hidden,
            field_errors: self.field_errors.clone(),
            photos,
            revisit,
            desil,
            pkh,
        })));
        Ok(())
    }

    pub(super) fn record_outcome(&mut self, id: HouseholdId, outcome: GroundCheckOutcome) -> Res {
        let lang = self.lang;
        self.device()?
            .store_mut()
            .record_outcome(
                id,
                &GroundCheckVisit {
                    outcome: Some(outcome),
                    ..GroundCheckVisit::default()
                },
            )
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        // Members who left take their later answers with them (the form's skip rule).
        self.clear_skipped(id)?;
        self.refresh_visit(id)
    }

    /// "Kunjungi lagi": the visit goes on the revisit list, and is queued as a visit report for
    /// the next sync when the form has no other error (else the notice names them).
    pub(super) fn nobody_home(&mut self, id: HouseholdId, note: &str) -> Res {
        let lang = self.lang;
        let done = self
            .device()?
            .store_mut()
            .record_nobody_home(id, Some(note))
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.refresh_visit(id)?;
        let v = view_of(&done.revisit);
        let next = v.next_visit.unwrap_or_default();
        let listed = match lang {
            Lang::Id => format!(
                "Masuk daftar kunjungi lagi: kunjungan tanpa penghuni {} dari {}, kunjungi lagi mulai {next}.",
                v.attempts, v.max_attempts
            ),
            Lang::En => format!(
                "On the revisit list: nobody home {} of {} times, visit again from {next}.",
                v.attempts, v.max_attempts
            ),
        };
        let report = if done.report_queued {
            tr(lang, "visit.report_queued").to_string()
        } else {
            let why: Vec<String> = done
                .blocking
                .iter()
                .map(|f| f.message_in(lang).to_string())
                .collect();
            format!("{}: {}", tr(lang, "visit.report_blocked"), why.join("; "))
        };
        self.emit(Update::Notice(format!("{listed} {report}")));
        self.load_revisits()
    }

    pub(super) fn load_revisits(&mut self) -> Res {
        let lang = self.lang;
        let rows = self
            .device()?
            .store()
            .revisit_list()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.emit(Update::Revisits(rows.iter().map(view_of).collect()));
        Ok(())
    }

    /// Adds `code` to the list at `path`, or removes it when it is there (read from the stored
    /// value, so quick clicks never work from a stale screen).
    pub(super) fn toggle_code(&mut self, id: HouseholdId, path: &str, code: u8) -> Res {
        let json = self.content_json(id)?;
        let mut list = pendata_core::store::jsonpath::parse(path)
            .and_then(|seg| pendata_core::store::jsonpath::get(&json, &seg).cloned())
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        let before = list.len();
        list.retain(|v| v.as_u64() != Some(u64::from(code)));
        if list.len() == before {
            list.push(Value::from(code));
            list.sort_by_key(|v| v.as_u64());
        }
        match self.set_value(id, path, Value::Array(list)) {
            Ok(()) => {
                self.field_errors.remove(path);
            }
            Err(why) => {
                self.refuse(path, "", why);
            }
        }
        self.clear_skipped(id)?;
        self.refresh_form(id)
    }

    /// The stored content of a record (either form) as JSON.
    pub(super) fn content_json(&mut self, id: HouseholdId) -> Res<Value> {
        let lang = self.lang;
        let record = self
            .device()?
            .store()
            .content(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        match record {
            pendata_core::store::Record::Household(h) => serde_json::to_value(&*h),
            pendata_core::store::Record::Family(f) => serde_json::to_value(&*f),
            pendata_core::store::Record::Case(c) => serde_json::to_value(&*c),
        }
        .map_err(|e| e.to_string())
    }
}

fn date_text(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// Dates on the family's calendar (its desa's WIB/WITA/WIT day), never UTC's.
fn view_of(r: &RevisitRow) -> RevisitView {
    let zone = zone_of(&r.desa_code);
    let today = zone.today(chrono::Utc::now());
    RevisitView {
        id: r.household_id,
        head_name: r.head_name.clone(),
        address: r.address.clone(),
        attempts: r.attempts,
        max_attempts: r.max_attempts,
        last_visit: date_text(zone.today(r.last_visit_at)),
        next_visit: r.next_visit_on.map(date_text),
        due: r.next_visit_on.is_none_or(|d| d <= today),
        attempts_used_up: r.attempts_used_up,
    }
}

/// Where a family stands on the revisit list, if it waits for another visit.
fn revisit_of(f: &FamilyRecord, policy: &RevisitPolicy) -> Option<RevisitView> {
    let gc = &f.ground_check;
    if !gc.awaits_revisit() {
        return None;
    }
    let zone = f.zone();
    let today = zone.today(chrono::Utc::now());
    let next = policy.next_visit_on(gc, zone);
    Some(RevisitView {
        id: f.id,
        head_name: f.head_name().to_string(),
        address: f.location.address.clone(),
        attempts: gc.attempts_nobody_home() as u32,
        max_attempts: policy.max_attempts,
        last_visit: gc.last_visit(zone).map(date_text).unwrap_or_default(),
        next_visit: next.map(date_text),
        due: next.is_none_or(|d| d <= today),
        attempts_used_up: policy.attempts_used_up(gc),
    })
}
