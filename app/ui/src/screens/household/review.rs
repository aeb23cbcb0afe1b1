//! Step Periksa & final: findings, finalize (or confirm warnings), reopen
//! ([`FinalizeBox`](crate::screens::finalize::FinalizeBox)), then the notes and delete.

use dioxus::prelude::*;

use crate::screens::finalize::FinalizeBox;
use crate::service::Service;
use crate::state::AppState;

#[component]
pub fn ReviewStep() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    drop(s);
    rsx! {
        div { class: "review",
            FinalizeBox { id: view.household.id, findings: view.findings.clone(), state: view.state }
            {super::rows::notes_field(&svc, &view, lang)}
            crate::screens::proposal::DeleteBox {}
        }
    }
}
