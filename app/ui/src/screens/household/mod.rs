//! The household form (Rumah tangga): its header, the step bar and one file per step.

use dioxus::prelude::*;
use pendata_core::store::RecordState;
use pendata_shared::Lang;

use crate::form::{self, Field};
use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, FormView, Step};
use crate::widgets::{field_row, state_label, tid};

pub(crate) mod location;
mod members;
pub mod photos;
mod review;
pub mod rows;

#[component]
pub fn FormScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let step = s.step;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    let member_open = s.member_open;
    let full_photo = s.full_photo.clone();
    drop(s);
    let h = &view.household;
    let head = h
        .head()
        .map(|m| m.name.clone())
        .unwrap_or_else(|| "—".into());
    let place = pendata_shared::Wilayah::embedded().describe(&h.location.desa_code);
    let h_json = serde_json::to_value(h).unwrap_or_default();
    let body = match step {
        Step::Location => location::location_step(&svc, &view, &h_json, lang),
        Step::Status => rsx! {
            {super::proposal::musdes_fields(&svc, &view, &h_json, lang)}
            {fields_step(&svc, &view, &h_json, lang, form::STATUS)}
        },
        Step::Housing => fields_step(&svc, &view, &h_json, lang, form::HOUSING),
        Step::Assets => rsx! {
            {fields_step(&svc, &view, &h_json, lang, form::ASSETS)}
            {rows::rows_editor(&svc, &view, &h_json, lang, form::Rows::Businesses)}
        },
        Step::Members => rsx! { members::MembersStep { open: member_open } },
        Step::Photos => rsx! { photos::PhotosStep {} },
        Step::Review => rsx! { review::ReviewStep {} },
    };
    rsx! {
        section { class: "card form",
            h2 { "data-t": tid("form-head"), "{head}" }
            p { class: "place", "{place}" }
            p { class: "state", {tr(lang, "form.state")} ": "
                span { "data-t": tid("form-state"), {state_label(view.state, lang)} }
                {super::proposal::kind_tag(&view, lang)}
                " · " crate::screens::saving::SaveStatus { refused: !view.field_errors.is_empty() }
            }
            if let Some(note) = view.review_note.clone() {
                if view.state == RecordState::Rejected {
                    p { class: "finding warning", {tr(lang, "form.review_note")} ": {note}" }
                }
            }
            nav { class: "steps",
                for st in Step::ALL {
                    button { key: "{st.slug()}", "data-t": tid(&format!("step-{}", st.slug())),
                        class: if st == step { "current" } else { "" },
                        onclick: move |_| {
                            let mut s = state.write();
                            s.step = st;
                            s.member_open = None;
                        },
                        {tr(lang, st.key())}
                    }
                }
            }
            {body}
            // The family's facts (BPS desil per KK) under every step: above the steps they
            // pushed the whole form down a line on each open.
            dl { class: "facts", "data-t": tid("form-facts"),
                {crate::screens::family_facts::desil_entries(lang, &view.desil, h.families.len() > 1)}
            }
            if let Some(url) = full_photo {
                div { class: "overlay", "data-t": tid("photo-full"),
                    img { src: "{url}", alt: "foto" }
                    button { "data-t": tid("photo-close"), onclick: move |_| svc.send(Intent::ClosePhoto), {tr(lang, "photo.close")} }
                }
            }
        }
    }
}

fn fields_step(
    svc: &Service,
    view: &FormView,
    h_json: &serde_json::Value,
    lang: Lang,
    fields: &[Field],
) -> Element {
    rsx! {
        div { class: "fields",
            for field in fields.iter() {
                {field_row(svc, view, h_json, lang, "", field)}
            }
        }
    }
}
