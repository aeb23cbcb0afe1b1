//! The DTSEN ground-check visit (Kunjungan ground check): the listed family, the outcome and
//! "kunjungi lagi" (`outcome.rs`), and for a family found living here the form's blocks
//! (`blocks.rs`), the photos and the review (`review.rs`).

use dioxus::prelude::*;
use pendata_core::store::RecordState;
use pendata_shared::dtsen::{FamilyProcess, GroundCheckOutcome};
use pendata_shared::{CodeList, Lang};

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, VisitStep, VisitView};
use crate::widgets::{state_label, tid, FieldCtx};

mod blocks;
mod outcome;
mod review;

/// The process of a family in a line: "Ground check DTSEN · PKH · Desil 3".
pub fn process_line(process: &FamilyProcess, lang: Lang) -> String {
    match process {
        FamilyProcess::GroundCheck {
            programme, desil, ..
        } => {
            let mut parts = vec![tr(lang, "process.ground_check").to_string()];
            if let Some(p) = programme {
                parts.push(p.text().get(lang).to_string());
            }
            if let Some(d) = desil {
                parts.push(d.label(lang).to_string());
            }
            parts.join(" · ")
        }
        FamilyProcess::UsulanBaru { .. } => tr(lang, "proposal.tag").to_string(),
    }
}

/// What a question row needs of the visit on screen.
pub(crate) fn ctx(view: &VisitView) -> FieldCtx<'_> {
    FieldCtx {
        id: view.family.id,
        hidden: &view.hidden,
        field_errors: &view.field_errors,
        findings: &view.findings,
    }
}

#[component]
pub fn VisitScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let step = s.visit_step;
    let full_photo = s.full_photo.clone();
    let Some(view) = s.visit.clone() else {
        return rsx! {};
    };
    drop(s);
    let f = &view.family;
    let found = f.ground_check.outcome == Some(GroundCheckOutcome::Found);
    // A step of the found form stays reachable only while the family is found.
    let step = if step.only_when_found() && !found {
        VisitStep::Outcome
    } else {
        step
    };
    let head = Some(f.head_name())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("—")
        .to_string();
    let place = pendata_shared::Wilayah::embedded().describe(&f.location.desa_code);
    let assignment = match &f.process {
        FamilyProcess::GroundCheck { assignment_id, .. } => assignment_id.clone(),
        FamilyProcess::UsulanBaru { .. } => String::new(),
    };
    let body = match step {
        VisitStep::Outcome => rsx! { outcome::OutcomeStep {} },
        VisitStep::Housing => blocks::housing_step(&svc, &view, lang),
        VisitStep::Members => rsx! { blocks::VisitMembers {} },
        VisitStep::Assets => blocks::assets_step(&svc, &view, lang),
        VisitStep::Photos => rsx! { crate::screens::household::photos::VisitPhotos {} },
        VisitStep::Review => rsx! { review::VisitReview {} },
    };
    rsx! {
        section { class: "card form visit",
            h2 { "data-t": tid("visit-head"), "{head}" }
            p { class: "process", "data-t": tid("visit-process"), {process_line(&f.process, lang)} " · {assignment}" }
            p { class: "place", "{place}" }
            dl { class: "facts", "data-t": tid("visit-facts"),
                {crate::screens::family_facts::desil_entries(lang, view.desil.as_slice(), false)}
                {crate::screens::family_facts::pkh_entries(lang, &view.pkh)}
            }
            p { class: "state", {tr(lang, "form.state")} ": "
                span { "data-t": tid("visit-state"), {state_label(view.state, lang)} }
                " · " crate::screens::saving::SaveStatus { refused: !view.field_errors.is_empty() }
            }
            if let Some(note) = view.review_note.clone() {
                if view.state == RecordState::Rejected {
                    p { class: "finding warning", {tr(lang, "form.review_note")} ": {note}" }
                }
            }
            nav { class: "steps",
                for st in VisitStep::ALL.into_iter().filter(|st| found || !st.only_when_found()) {
                    button { key: "{st.slug()}", "data-t": tid(&format!("visit-step-{}", st.slug())),
                        class: if st == step { "current" } else { "" },
                        onclick: move |_| {
                            let mut s = state.write();
                            s.visit_step = st;
                            s.member_open = None;
                        },
                        {tr(lang, st.key())}
                    }
                }
            }
            {body}
            if let Some(url) = full_photo {
                div { class: "overlay", "data-t": tid("photo-full"),
                    img { src: "{url}", alt: "foto" }
                    button { "data-t": tid("photo-close"), onclick: move |_| svc.send(Intent::ClosePhoto), {tr(lang, "photo.close")} }
                }
            }
        }
    }
}
