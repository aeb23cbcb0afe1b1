//! Whether the server can be reached: the home screen's line and its *Cek koneksi* button.
//! The check itself (`GET /healthz`) runs in the service, off the UI; this only draws
//! `AppState::connection` and sends `Intent::CheckConnection`.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, Reach};
use crate::widgets::tid;

/// "Terhubung" / "Tidak ada sinyal", when it was checked, and a button to check again.
#[component]
pub fn ConnectionBox() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let c = s.connection.clone();
    drop(s);
    let (class, key) = match c.reach {
        Reach::Unknown => ("conn unknown", "conn.unknown"),
        Reach::Checking => ("conn checking", "conn.checking"),
        Reach::Online => ("conn online done", "conn.online"),
        Reach::Offline => ("conn offline missing", "conn.offline"),
    };
    rsx! {
        p { class: "{class}", "data-t": tid("conn-state"),
            {tr(lang, "conn.title")} ": "
            strong { {tr(lang, key)} }
            if let Some(at) = c.checked_at.clone() {
                " ({tr(lang, \"conn.checked_at\")} {at})"
            }
            " "
            button { "data-t": tid("conn-check"), disabled: c.reach == Reach::Checking,
                onclick: move |_| svc.send(Intent::CheckConnection),
                {tr(lang, "conn.check")}
            }
        }
        if let Some(detail) = c.detail.clone().filter(|_| c.reach == Reach::Offline) {
            p { class: "finding", "data-t": tid("conn-detail"), "{detail}" }
        }
    }
}
