//! Kunjungi lagi: the ground-check families nobody was home at, the longest waiting first,
//! with the attempts so far, the last visit, when the next one is due and whether the
//! attempts are used up (the device's revisit policy). A row opens the family's visit.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::tid;

#[component]
pub fn RevisitsScreen() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let rows = s.revisits.clone();
    drop(s);
    rsx! {
        section { class: "card list revisits",
            h2 { {tr(lang, "revisit.list_title")} " · " span { "data-t": tid("revisit-count"), "{rows.len()}" } }
            p { class: "note", {tr(lang, "revisit.help")} }
            if rows.is_empty() {
                p { class: "empty", "data-t": tid("revisit-empty"), {tr(lang, "revisit.empty")} }
            }
            ul { class: "rows",
                for (i, r) in rows.into_iter().enumerate() {
                    li { key: "{r.id}",
                        button { "data-t": tid(&format!("revisit-open-{i}")),
                            onclick: {
                                let svc = svc.clone();
                                move |_| svc.send(Intent::OpenHousehold(r.id))
                            },
                            strong { "{r.head_name}" }
                            " · {r.address}"
                            br {}
                            {tr(lang, "revisit.attempts")} " "
                            span { "data-t": tid(&format!("revisit-attempts-{i}")), "{r.attempts}" }
                            " / {r.max_attempts} · "
                            {tr(lang, "revisit.last")} " "
                            span { "data-t": tid(&format!("revisit-last-{i}")), "{r.last_visit}" }
                            " · "
                            if r.attempts_used_up {
                                span { class: "tag used-up", "data-t": tid(&format!("revisit-used-up-{i}")), {tr(lang, "revisit.used_up")} }
                            } else if r.due {
                                span { class: "tag due", {tr(lang, "revisit.due_now")} }
                            } else {
                                {tr(lang, "revisit.next")} " {r.next_visit.clone().unwrap_or_default()}"
                            }
                        }
                    }
                }
            }
        }
    }
}
