//! The household being edited: editing sessions, answers (skip rules cleared), members, row
//! lists, bitmask answers, finalize and reopen, new proposals and deleting unsent drafts.

use pendata_core::store::{RecordState, StoreError};
use pendata_core::DeviceError;
use pendata_shared::{HouseholdId, Lang, Member, MemberId};
use serde_json::Value;

use super::photos::jpeg_data_url;
use super::{Res, Worker};
use crate::form;
use crate::i18n::tr;
use crate::state::{Deletable, FormView, ListQuery, PhotoThumb, Update};

impl Worker {
    /// Opens an assignment as the record its kind asks for: a DTKS household (verivali) into
    /// the household form, a DTSEN ground check into the visit screen.
    pub(super) fn open_assignment(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let d = self.device()?;
        d.store_mut()
            .open_any_assignment(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.open_household(id)
    }

    pub(super) fn close_session(&mut self) {
        if let (Some(id), Some(d)) = (self.open.take(), self.device.as_mut()) {
            if let Err(e) = d.store_mut().end_session(id) {
                tracing::warn!(code = e.code(), "ending the editing session failed");
            }
        }
        self.field_errors.clear();
    }

    pub(super) fn open_household(&mut self, id: HouseholdId) -> Res {
        if self.open != Some(id) {
            self.close_session();
            let lang = self.lang;
            self.device()?
                .store_mut()
                .begin_session(id)
                .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
            self.open = Some(id);
        }
        self.refresh_form(id)
    }

    /// Draws the open record: the household form, or the visit screen of a DTSEN family.
    pub(super) fn refresh_form(&mut self, id: HouseholdId) -> Res {
        if self.is_family(id)? {
            return self.refresh_visit(id);
        }
        if self.is_case(id)? {
            return self.refresh_case(id);
        }
        let lang = self.lang;
        let d = self
            .device
            .as_ref()
            .ok_or_else(|| tr(lang, "unlock.title").to_string())?;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let household = d.store().household(id).map_err(map)?;
        let record = d.store().record(id).map_err(map)?;
        let mut findings = d.store().validate(id).map_err(map)?;
        // A photo whose bytes are gone from this device blocks finalize like a missing one.
        findings.extend(d.local_photo_findings(&household));
        let photos = self.thumbnails(id, &household.photos)?;
        let hidden = form::hidden_paths(&household);
        let desa_options = self.desa_options(Some(&household.location.desa_code));
        let deletable = deletable(&household, &record);
        let desil = super::family_facts::desil_of_all(
            d.store(),
            household.families.iter().map(|f| f.kk_number.as_str()),
        )
        .map_err(map)?;
        self.emit(Update::Form(Box::new(FormView {
            household,
            state: record.state,
            review_note: record.review_note,
            findings,
            hidden,
            field_errors: self.field_errors.clone(),
            photos,
            desa_options,
            deletable,
            desil,
        })));
        Ok(())
    }

    /// The thumbnails of a record's photos (`refs`: its photo references, for the geotags).
    pub(super) fn thumbnails(
        &self,
        id: HouseholdId,
        refs: &[pendata_shared::PhotoRef],
    ) -> Res<Vec<PhotoThumb>> {
        let lang = self.lang;
        let d = self
            .device
            .as_ref()
            .ok_or_else(|| tr(lang, "unlock.title").to_string())?;
        let mut photos = Vec::new();
        for p in d.photos(id).map_err(|e| self.err(e))? {
            let Some(sha) = pendata_shared::Sha256Hex::parse(&p.sha256) else {
                continue;
            };
            let data_url = match d.thumbnail(&sha) {
                Ok(bytes) => jpeg_data_url(&bytes),
                Err(e) => {
                    tracing::warn!(code = e.code(), "thumbnail unreadable");
                    String::new()
                }
            };
            let has_position = refs
                .iter()
                .any(|r| r.sha256.as_str() == p.sha256 && r.geotag.is_some());
            photos.push(PhotoThumb {
                kind: p.kind,
                sha256: p.sha256,
                data_url,
                has_position,
            });
        }
        Ok(photos)
    }

    /// The question at `path` of the record's form (DTKS or DTSEN).
    fn question(&mut self, id: HouseholdId, path: &str) -> Res<Option<form::Field>> {
        Ok(if self.is_family(id)? {
            crate::dtsen_form::field_for(path)
        } else {
            form::field_for(path)
        })
    }

    pub(super) fn set_value(&mut self, id: HouseholdId, path: &str, value: Value) -> Res {
        let lang = self.lang;
        self.device()?
            .store_mut()
            .set_field(id, path, value)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))
    }

    pub(super) fn set_text(&mut self, id: HouseholdId, path: &str, text: &str) -> Res {
        if self.is_case(id)? {
            return self.set_case_text(id, path, text);
        }
        let input = self
            .question(id, path)?
            .map(|f| f.input)
            .unwrap_or(form::Input::Text);
        let value = match form::parse_input(input, text) {
            Ok(v) => v,
            Err(bad) => {
                let why = match self.lang {
                    Lang::Id => format!("\"{bad}\" bukan angka"),
                    Lang::En => format!("\"{bad}\" is not a number"),
                };
                self.refuse(path, text, why);
                return self.refresh_form(id);
            }
        };
        match self.set_value(id, path, value) {
            Ok(()) => {
                self.field_errors.remove(path);
            }
            Err(why) => {
                self.refuse(path, text, why);
                return self.refresh_form(id);
            }
        }
        self.clear_skipped(id)?;
        self.refresh_form(id)
    }

    /// A change can make follow-up questions not apply any more: their answers are cleared
    /// (the validator names them `skip.not_applicable`), as the paper form's skip rules do.
    pub(super) fn clear_skipped(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let findings = self
            .device()?
            .store()
            .validate(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        for f in findings {
            let question = self.question(id, &f.path)?.filter(|x| x.conditional);
            if f.code == "skip.not_applicable" {
                if let Some(q) = question {
                    // A list answer is emptied, any other cleared.
                    let empty = match q.input {
                        form::Input::CodeSet(_) => Value::Array(Vec::new()),
                        _ => Value::Null,
                    };
                    self.set_value(id, &f.path, empty)?;
                }
            }
            // Businesses are asked only when a member runs one.
            if f.code == "skip.not_applicable" && f.path == form::Rows::Businesses.path() {
                self.set_value(id, &f.path, Value::Array(Vec::new()))?;
                let prefix = format!("{}[", f.path);
                self.field_errors.retain(|p, _| !p.starts_with(&prefix));
            }
        }
        Ok(())
    }

    pub(super) fn add_member(&mut self, id: HouseholdId, name: &str) -> Res {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Ok(());
        }
        let lang = self.lang;
        let family = self.is_family(id)?;
        let store = self.device()?.store_mut();
        if family {
            // Someone not on the list who lives with the family: a new member (404 = 5).
            let mut m = pendata_shared::dtsen::FamilyMember::new(name);
            m.presence = Some(pendata_shared::dtsen::codes::Presence::NewMember);
            store.add_family_member(id, m)
        } else {
            store.add_member(id, Member::new(name))
        }
        .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.refresh_form(id)
    }

    pub(super) fn remove_member(&mut self, id: HouseholdId, member: MemberId) -> Res {
        let lang = self.lang;
        self.device()?
            .store_mut()
            .remove_member(id, member)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.refresh_form(id)
    }

    pub(super) fn add_row(&mut self, id: HouseholdId, rows: form::Rows) -> Res {
        self.edit_rows(id, rows, |list| {
            let n = list.len();
            list.push(rows.new_row(n));
        })
    }

    pub(super) fn remove_row(&mut self, id: HouseholdId, rows: form::Rows, index: usize) -> Res {
        self.edit_rows(id, rows, |list| {
            if index < list.len() {
                list.remove(index);
            }
        })
    }

    /// Flips `bit` of the number stored at `path` (unanswered counts as 0): the stored value
    /// is read here, so quick clicks never work from a stale screen.
    pub(super) fn toggle_bit(&mut self, id: HouseholdId, path: &str, bit: u8) -> Res {
        let json = self.content_json(id)?;
        let mask = form::value_text(&json, path).parse::<u8>().unwrap_or(0);
        self.set_text(id, path, &(mask ^ bit).to_string())
    }

    /// Changes one list of the household as a whole (one `set_field`, one audit row).
    pub(super) fn edit_rows(
        &mut self,
        id: HouseholdId,
        rows: form::Rows,
        change: impl FnOnce(&mut Vec<Value>),
    ) -> Res {
        let lang = self.lang;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let household = self.device()?.store().household(id).map_err(map)?;
        let json = serde_json::to_value(&household).map_err(|e| e.to_string())?;
        let path = pendata_core::store::jsonpath::parse(rows.path())
            .ok_or_else(|| rows.path().to_string())?;
        let mut list = match pendata_core::store::jsonpath::get(&json, &path) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        change(&mut list);
        self.set_value(id, rows.path(), Value::Array(list))?;
        // Row paths moved: errors kept for typed values no longer point at the same row.
        let prefix = format!("{}[", rows.path());
        self.field_errors.retain(|p, _| !p.starts_with(&prefix));
        self.refresh_form(id)
    }

    pub(super) fn finalize(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let result = self.device()?.finalize(id);
        match result {
            Ok(_) => {
                self.refresh_form(id)?;
                self.emit(Update::Notice(tr(lang, "review.done").into()));
                Ok(())
            }
            Err(DeviceError::Store(StoreError::NotFinalizable(_))) => {
                self.refresh_form(id)?;
                Err(tr(lang, "review.blocked").into())
            }
            Err(e) => Err(self.err(e)),
        }
    }

    pub(super) fn reopen(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        self.device()?
            .store_mut()
            .reopen(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.refresh_form(id)
    }

    pub(super) fn new_proposal(&mut self, desa_code: &str) -> Res {
        let lang = self.lang;
        let area = self
            .device
            .as_ref()
            .and_then(|d| d.session().ok().flatten())
            .and_then(|s| s.user.map(|u| u.wilayah))
            .unwrap_or_default();
        let allowed = !area.is_empty()
            && desa_code.starts_with(&area)
            && self
                .desa_options(None)
                .iter()
                .any(|(code, _)| code == desa_code);
        if !allowed {
            return Err(tr(lang, "proposal.desa_required").into());
        }
        let mut h = pendata_shared::Household::new(
            pendata_shared::RecordKind::UsulanBaru {
                musdes: pendata_shared::model::MusdesRef::default(),
            },
            desa_code,
        );
        h.verivali.household_status = Some(pendata_shared::codes::HouseholdStatus::NewProposal);
        self.device()?
            .store_mut()
            .create_household(&h)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.open_household(h.id)?;
        self.emit(Update::Notice(tr(lang, "proposal.created").into()));
        Ok(())
    }

    pub(super) fn delete_draft(&mut self, id: HouseholdId, then: ListQuery) -> Res {
        let lang = self.lang;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let d = self.device()?;
        let household = d.store().household(id).map_err(map)?;
        let record = d.store().record(id).map_err(map)?;
        match deletable(&household, &record) {
            Deletable::Yes => {}
            Deletable::Prelist => return Err(tr(lang, "delete.prelist").into()),
            Deletable::Sent => return Err(tr(lang, "delete.sent").into()),
        }
        if self.open == Some(id) {
            self.close_session();
        }
        self.device()?
            .delete_household(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.emit(Update::Deleted(id));
        self.emit(Update::Notice(tr(lang, "delete.done").into()));
        self.search_and_count(then)
    }
}

/// Whether a household may be deleted from the device (see [`Deletable`]).
fn deletable(h: &pendata_shared::Household, record: &pendata_core::store::RecordInfo) -> Deletable {
    if matches!(h.kind, pendata_shared::RecordKind::Verivali { .. }) {
        return Deletable::Prelist;
    }
    let never_sent = record.acked_revision.is_none() && record.server_revision.is_none();
    if never_sent && matches!(record.state, RecordState::Draft | RecordState::Final) {
        Deletable::Yes
    } else {
        Deletable::Sent
    }
}
