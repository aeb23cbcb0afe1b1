//! Beranda: households per state, what waits to be sent, the last sync, the connection.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, Screen};
use crate::widgets::{state_label, tid};

#[component]
pub fn HomeScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let home = s.home.clone();
    drop(s);
    let last = home
        .last_sync_at
        .clone()
        .unwrap_or_else(|| tr(lang, "home.never").to_string());
    rsx! {
        section { class: "card home",
            h2 { {tr(lang, "home.title")} }
            if let Some(u) = home.username.clone() { p { class: "user", "{u}" } }
            table { class: "counts",
                for (st, n) in home.states.iter().copied() {
                    tr { key: "{st.as_str()}", "data-t": tid(&format!("count-{}", st.as_str())),
                        td { {state_label(st, lang)} }
                        td { class: "num", "{n}" }
                    }
                }
            }
            p { "data-t": tid("home-unsent"), {tr(lang, "home.unsent")} ": " strong { "{home.unsent}" } }
            p { {tr(lang, "home.assignments")} ": " strong { "{home.assignments}" } }
            // Only a pendamping with ground-check families to visit again needs the list.
            if home.revisits > 0 {
                button { "data-t": tid("home-revisits"),
                    onclick: {
                        let svc = svc.clone();
                        move |_| {
                            svc.send(Intent::LoadRevisits);
                            let mut s = state.write();
                            s.screen = Screen::Revisits;
                            s.clear_notices();
                        }
                    },
                    {tr(lang, "revisit.list_title")} " (" span { "data-t": tid("home-revisit-count"), "{home.revisits}" } ")"
                }
            }
            p { "data-t": tid("home-last-sync"), {tr(lang, "home.last_sync")} ": {last}" }
            button { class: "primary", "data-t": tid("home-sync"),
                onclick: move |_| {
                    state.write().screen = Screen::Sync;
                    svc.send(Intent::Sync);
                },
                {tr(lang, "home.sync_now")}
            }
            // Below the sync button: what it is for, without moving it (tests/flow_window.rs
            // clicks it by position).
            if let Some(c) = home.countdown.as_ref() {
                p { class: if c.days_left <= 3 { "countdown soon" } else { "countdown" },
                    "data-t": tid("home-countdown"),
                    {c.text.get(lang)}
                }
            }
            super::connection::ConnectionBox {}
        }
    }
}
