//! The end of every record's form (a household's *Periksa & final*, a ground-check visit's, a
//! case's): the validator's findings, errors first, and the one button their severity allows —
//! *Finalisasi*, *Saya sudah memeriksa peringatan: finalisasi*, or none while an error stands —
//! or, once final, that it is and *Buka lagi*. The findings come from `pendata-shared`'s
//! validators through the core; nothing here decides what is wrong.

use dioxus::prelude::*;
use pendata_core::store::RecordState;
use pendata_shared::{Finding, HouseholdId, Severity};

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::tid;

/// `report`: the record went (or goes) to the server as a visit report, never as final (a
/// ground-check family nobody was home at).
#[component]
pub fn FinalizeBox(
    id: HouseholdId,
    findings: Vec<Finding>,
    state: RecordState,
    #[props(default)] report: bool,
) -> Element {
    let app = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = app.read().lang;
    let errors: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    let is_final = !report
        && matches!(
            state,
            RecordState::Final | RecordState::Queued | RecordState::Sent | RecordState::Approved
        );
    let svc2 = svc.clone();
    rsx! {
        if findings.is_empty() {
            p { {tr(lang, "review.none")} }
        }
        if !errors.is_empty() {
            h3 { {tr(lang, "review.errors")} }
            ul { "data-t": tid("review-errors"),
                for f in errors.iter() {
                    li { class: "finding error", "{f.path}: {f.message_in(lang)}" }
                }
            }
        }
        if !warnings.is_empty() {
            h3 { {tr(lang, "review.warnings")} }
            ul { "data-t": tid("review-warnings"),
                for f in warnings.iter() {
                    li { class: "finding warning", "{f.path}: {f.message_in(lang)}" }
                }
            }
        }
        if report {
            p { class: "notice", "data-t": tid("review-report"), {tr(lang, "visit.report_state")} }
        } else if is_final {
            p { class: "notice", "data-t": tid("review-final"), {tr(lang, "review.done")} }
            if state == RecordState::Final {
                button { "data-t": tid("review-reopen"), onclick: move |_| svc2.send(Intent::Reopen(id)), {tr(lang, "review.reopen")} }
            }
        } else if !errors.is_empty() {
            p { class: "finding error", "data-t": tid("review-blocked"), {tr(lang, "review.blocked")} }
            button { class: "primary", disabled: true, "data-t": tid("review-finalize"), {tr(lang, "review.finalize")} }
        } else if !warnings.is_empty() {
            button { class: "primary", "data-t": tid("review-confirm"), onclick: move |_| svc.send(Intent::Finalize(id)), {tr(lang, "review.confirm")} }
        } else {
            button { class: "primary", "data-t": tid("review-finalize"), onclick: move |_| svc.send(Intent::Finalize(id)), {tr(lang, "review.finalize")} }
        }
    }
}
