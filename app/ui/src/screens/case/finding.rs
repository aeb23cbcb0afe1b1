//! The finding a case's kind asks for. Choices carry the shared model's ids (`Verdict::id`,
//! `IneligibleReason::id`, `GraduasiType::id`) and autosave like every field (`Intent::SetText`
//! → `Store::set_field`); the findings under each field are the validator's.

use std::collections::BTreeMap;

use dioxus::prelude::*;
use pendata_shared::cases::graduasi::GraduasiType;
use pendata_shared::cases::usul_sanggah::Verdict;
use pendata_shared::cases::{CaseFinding, IneligibleReason};
use pendata_shared::text::Localized;
use pendata_shared::{Finding, HouseholdId, Lang, Severity};

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, Refused};
use crate::widgets::{findings_at, not_saved, tid};

/// What every field of the finding needs.
#[derive(Clone)]
struct Ctx {
    svc: Service,
    id: HouseholdId,
    lang: Lang,
    findings: Vec<Finding>,
    field_errors: BTreeMap<String, Refused>,
}

impl Ctx {
    fn send(&self, path: &str, text: String) {
        self.svc.send(Intent::SetText {
            id: self.id,
            path: path.to_string(),
            text,
        });
    }

    /// The store's refusal and the validator's findings at `path`.
    fn notes(&self, path: &str) -> Element {
        let refused = self.field_errors.get(path).map(|r| not_saved(self.lang, r));
        let found: Vec<(bool, String)> = findings_at(&self.findings, path)
            .into_iter()
            .map(|f| {
                (
                    f.severity == Severity::Error,
                    f.message_in(self.lang).to_string(),
                )
            })
            .collect();
        rsx! {
            if let Some(r) = refused { p { class: "finding error", "{r}" } }
            for (error, m) in found {
                p { class: if error { "finding error" } else { "finding warning" }, "data-t": tid(&format!("finding-{path}")), "{m}" }
            }
        }
    }

    /// A written answer (a note, a reason).
    fn text(&self, path: &'static str, label: &'static str, current: Option<String>) -> Element {
        let ctx = self.clone();
        // What was typed stays while the store refuses it.
        let current = match self.field_errors.get(path) {
            Some(r) => r.typed.clone(),
            None => current.unwrap_or_default(),
        };
        rsx! {
            div { class: "field", key: "{path}",
                label { {tr(self.lang, label)}
                    textarea { "data-t": tid(&format!("f-{path}")), value: current,
                        onchange: move |e: FormEvent| ctx.send(path, e.value()) }
                }
                {self.notes(path)}
            }
        }
    }

    /// One choice of a list, by id.
    fn choice(
        &self,
        path: &'static str,
        label: &'static str,
        current: Option<&'static str>,
        options: Vec<(&'static str, String)>,
    ) -> Element {
        let ctx = self.clone();
        // What was chosen stays while the store refuses it (never the stored answer instead).
        let chosen: Option<String> = match self.field_errors.get(path) {
            Some(r) => Some(r.typed.clone()),
            None => current.map(str::to_owned),
        };
        rsx! {
            div { class: "field", key: "{path}",
                label { {tr(self.lang, label)}
                    select { "data-t": tid(&format!("f-{path}")),
                        onchange: move |e: FormEvent| ctx.send(path, e.value()),
                        option { value: "", selected: chosen.as_deref().is_none_or(str::is_empty), {tr(self.lang, "form.choose")} }
                        for (id, text) in options {
                            option { key: "{id}", value: "{id}", selected: chosen.as_deref() == Some(id), "{text}" }
                        }
                    }
                }
                {self.notes(path)}
            }
        }
    }
}

#[component]
pub fn CaseFindingForm() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.case.clone() else {
        return rsx! {};
    };
    drop(s);
    let ctx = Ctx {
        svc,
        id: view.record.id,
        lang,
        findings: view.findings.clone(),
        field_errors: view.field_errors.clone(),
    };
    let body = match &view.record.finding {
        CaseFinding::UsulSanggah(f) => {
            let reasons = IneligibleReason::ALL
                .iter()
                .map(|r| (r.id(), r.text().get(lang).to_string()))
                .collect();
            let verdict_button = |v: Verdict| {
                let ctx = ctx.clone();
                rsx! {
                    button { "data-t": tid(&format!("case-verdict-{}", v.id())),
                        class: if f.verdict == Some(v) { "choice current" } else { "choice" },
                        onclick: move |_| ctx.send("finding.verdict", v.id().to_string()),
                        {v.text().get(lang)}
                    }
                }
            };
            rsx! {
                fieldset { class: "verdict",
                    legend { {tr(lang, "case.verdict")} }
                    {verdict_button(Verdict::Layak)}
                    {verdict_button(Verdict::TidakLayak)}
                    {ctx.notes("finding.verdict")}
                }
                if f.verdict == Some(Verdict::TidakLayak) {
                    {ctx.choice("finding.reason", "case.reason", f.reason.map(IneligibleReason::id), reasons)}
                }
                {ctx.text("finding.note", "case.note", f.note.clone())}
                crate::screens::household::location::GpsBox {}
            }
        }
        CaseFinding::ReaktivasiPbiJk(f) => rsx! {
            {ctx.text("finding.note", "case.note", f.note.clone())}
        },
        CaseFinding::GraduasiPkh(f) => {
            let types = GraduasiType::ALL
                .iter()
                .map(|t| (t.id(), t.text().get(lang).to_string()))
                .collect();
            rsx! {
                {ctx.choice("finding.graduation_type", "case.graduation_type", f.graduation_type.map(GraduasiType::id), types)}
                {ctx.text("finding.reason", "case.graduation_reason", f.reason.clone())}
                {ctx.text("finding.assessment_note", "case.assessment", f.assessment_note.clone())}
            }
        }
    };
    rsx! {
        div { class: "case-finding", {body} }
    }
}
