//! The visit's review: every finding, finalize (or confirm the warnings), reopen.

use dioxus::prelude::*;
use pendata_core::store::RecordState;
use pendata_shared::{Finding, Severity};

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::tid;

#[component]
pub fn VisitReview() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.visit.clone() else {
        return rsx! {};
    };
    drop(s);
    let id = view.family.id;
    let errors: Vec<&Finding> = view
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Finding> = view
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    // A visit with nobody home goes to the server as a report, never as a final record.
    let report = view.family.ground_check.outcome.is_none()
        && matches!(view.state, RecordState::Queued | RecordState::Sent);
    let is_final = !report
        && matches!(
            view.state,
            RecordState::Final | RecordState::Queued | RecordState::Sent | RecordState::Approved
        );
    let svc2 = svc.clone();
    rsx! {
        div { class: "review",
            if view.findings.is_empty() {
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
                if view.state == RecordState::Final {
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
}
