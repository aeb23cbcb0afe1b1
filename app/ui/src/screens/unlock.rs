//! Buka dengan PIN.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::tid;

#[component]
pub fn UnlockScreen() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    let mut pin = use_signal(String::new);
    let unlock = move |_| {
        svc.send(Intent::Unlock { pin: pin() });
    };
    rsx! {
        section { class: "card unlock",
            h2 { {tr(lang, "unlock.title")} }
            label { {tr(lang, "unlock.pin")}
                input { "data-t": tid("unlock-pin"), r#type: "password", inputmode: "numeric", autofocus: true,
                    oninput: move |e| pin.set(e.value()) }
            }
            button { class: "primary", "data-t": tid("unlock-submit"), onclick: unlock, {tr(lang, "unlock.button")} }
        }
    }
}
