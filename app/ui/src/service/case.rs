//! The open case (usul-sanggah verification, PBI-JK reactivation, graduasi PKH): showing it and
//! its finding's answers. Everything goes through the core's store calls for cases
//! (docs/app.md, "Cases on the device"); the findings are `pendata_shared::cases::validate_case`'s.

use chrono::Utc;
use pendata_core::store::{Record, StoreError};
use pendata_shared::cases::graduasi::GraduasiType;
use pendata_shared::cases::usul_sanggah::Verdict;
use pendata_shared::cases::{CaseFinding, CaseKind, IneligibleReason};
use pendata_shared::{HouseholdId, Lang};

use super::{Res, Worker};
use crate::i18n::tr;
use crate::state::{CaseView, Update};

impl Worker {
    /// Whether a record is a case.
    pub(super) fn is_case(&mut self, id: HouseholdId) -> Res<bool> {
        let lang = self.lang;
        let q = self
            .device()?
            .store()
            .record(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?
            .questionnaire;
        Ok(CaseKind::of_questionnaire(q).is_some())
    }

    /// Draws the case's screen.
    pub(super) fn refresh_case(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let d = self
            .device
            .as_ref()
            .ok_or_else(|| tr(lang, "unlock.title").to_string())?;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let Record::Case(record) = d.store().content(id).map_err(map)? else {
            return Err(format!("{} (case.not_a_case)", tr(lang, "case.not_a_case")));
        };
        let info = d.store().record(id).map_err(map)?;
        let findings = d.validate(id).map_err(|e| self.err(e))?;
        let photos = self.thumbnails(id, &record.photos)?;
        let today = d.store().local_today(Utc::now()).map_err(map)?;
        let desil = match record.assignment.detail.subject().kk_number.as_deref() {
            Some(kk) => super::family_facts::desil_of(d.store(), kk).map_err(map)?,
            None => None,
        };
        self.emit(Update::Case(Box::new(CaseView {
            record: *record,
            state: info.state,
            review_note: info.review_note,
            findings,
            field_errors: self.field_errors.clone(),
            photos,
            today,
            desil,
        })));
        Ok(())
    }

    /// One answer of the finding, as typed or picked (the choices carry the shared model's
    /// ids; empty is none), recorded with `Store::record_case_finding`. An answer that no
    /// longer applies (a reason once the verdict is layak) is then cleared, as the validator
    /// names it (`skip.not_applicable`).
    pub(super) fn set_case_text(&mut self, id: HouseholdId, path: &str, text: &str) -> Res {
        let lang = self.lang;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let t = Some(text.trim().to_string()).filter(|t| !t.is_empty());
        let mut finding = self.device()?.store().case(id).map_err(map)?.finding;
        if let Err(why) = answer(&mut finding, path, t, lang) {
            self.refuse(path, text, why);
            return self.refresh_case(id);
        }
        self.field_errors.remove(path);
        let store = self.device()?.store_mut();
        store.record_case_finding(id, &finding).map_err(map)?;
        let stale: Vec<String> = store
            .validate(id)
            .map_err(map)?
            .into_iter()
            .filter(|f| f.code == "skip.not_applicable" && f.path.starts_with("finding."))
            .map(|f| f.path)
            .collect();
        if !stale.is_empty() {
            for p in &stale {
                answer(&mut finding, p, None, lang)?;
            }
            store.record_case_finding(id, &finding).map_err(map)?;
        }
        self.refresh_case(id)
    }
}

/// Puts one answer into the finding: `path` names the field (`finding.verdict`, …), `value`
/// is the text or the choice's id (`None` clears it).
fn answer(f: &mut CaseFinding, path: &str, value: Option<String>, lang: Lang) -> Res {
    let unknown = || match lang {
        Lang::Id => format!(
            "\"{}\" bukan pilihan yang ada",
            value.as_deref().unwrap_or("")
        ),
        Lang::En => format!(
            "\"{}\" is not one of the choices",
            value.as_deref().unwrap_or("")
        ),
    };
    let field = path.strip_prefix("finding.").unwrap_or(path);
    match (f, field) {
        (CaseFinding::UsulSanggah(f), "verdict") => {
            f.verdict = match value.as_deref() {
                None => None,
                Some(v) => Some(Verdict::parse(v).ok_or_else(unknown)?),
            }
        }
        (CaseFinding::UsulSanggah(f), "reason") => {
            f.reason = match value.as_deref() {
                None => None,
                Some(v) => Some(IneligibleReason::parse(v).ok_or_else(unknown)?),
            }
        }
        (CaseFinding::UsulSanggah(f), "note") => f.note = value,
        (CaseFinding::ReaktivasiPbiJk(f), "note") => f.note = value,
        (CaseFinding::GraduasiPkh(f), "graduation_type") => {
            f.graduation_type = match value.as_deref() {
                None => None,
                Some(v) => Some(GraduasiType::parse(v).ok_or_else(unknown)?),
            }
        }
        (CaseFinding::GraduasiPkh(f), "reason") => f.reason = value,
        (CaseFinding::GraduasiPkh(f), "assessment_note") => f.assessment_note = value,
        _ => return Err(format!("{path} (case.unknown_field)")),
    }
    Ok(())
}
