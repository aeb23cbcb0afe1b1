//! A case's photos: its kind's checklist (`pendata_shared::cases::photos::case_photo_checklist`:
//! required or optional as the finding so far makes it) in the photo slots every form uses.

use dioxus::prelude::*;
use pendata_shared::cases::photos::case_photo_checklist;

use crate::screens::household::photos::{PhotoSlot, PhotoSlots};
use crate::state::AppState;
use crate::widgets::{findings_at, tid};

#[component]
pub fn CasePhotos() -> Element {
    let state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.case.clone() else {
        return rsx! {};
    };
    drop(s);
    let slots: Vec<PhotoSlot> = case_photo_checklist(&view.record)
        .into_iter()
        .map(|i| PhotoSlot {
            kind: i.kind,
            present: i.present,
            required: i.required,
        })
        .collect();
    let required = slots.iter().filter(|s| s.required).count();
    let done = slots.iter().filter(|s| s.required && s.present).count();
    let photo_findings = findings_at(&view.findings, "photos");
    rsx! {
        div { class: "photos",
            div { class: "photo-checklist",
                p { class: "count", "data-t": tid("photo-count"), "Foto {done}/{required}" }
            }
            PhotoSlots { slots, photos: view.photos.clone(), marks: true }
            for f in photo_findings {
                p { class: "finding error", {f.message_in(lang).to_string()} }
            }
            crate::screens::household::photos::CameraNote {}
        }
    }
}
