//! The form's save label: "Menyimpan…" while an edit has not been answered by the worker,
//! "Tersimpan 14:05" once the store holds it, and why not when it failed (the answer stays in
//! the form). Shared by the household form, the DTSEN family visit and the case screen.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::state::{AppState, EditsSent};
use crate::widgets::tid;

/// `refused`: the record on screen has an answer the store refused (shown at its field).
#[component]
pub fn SaveStatus(refused: bool) -> Element {
    let state = use_context::<Signal<AppState>>();
    let sent = use_context::<Signal<EditsSent>>();
    let s = state.read();
    let lang = s.lang;
    let save = s.save.clone();
    drop(s);
    let in_flight = sent.read().0 > save.served;
    let (class, text) = if in_flight {
        ("saving", tr(lang, "form.saving").to_string())
    } else if let Some(why) = save.failed {
        (
            "save-failed",
            format!("{}: {why}", tr(lang, "form.save_failed")),
        )
    } else if refused {
        ("save-failed", tr(lang, "form.save_refused").to_string())
    } else if let Some(at) = save.saved_at {
        ("saved", format!("{} {at}", tr(lang, "form.saved_at")))
    } else {
        ("saved", tr(lang, "form.saved").to_string())
    };
    rsx! {
        span { class: "save {class}", role: "status", "data-t": tid("save-status"), "{text}" }
    }
}
