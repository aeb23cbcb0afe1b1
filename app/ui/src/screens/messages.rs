//! Recent messages as a small stack of toasts: several can be on screen at once, errors stay
//! until dismissed, notices go with the next screen change. Reads `AppState::messages`; no I/O.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::state::{AppState, MessageKind};
use crate::widgets::tid;

/// The recent messages, newest last, each with its close button.
#[component]
pub fn Messages() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let messages = s.messages.clone();
    drop(s);
    if messages.is_empty() {
        return rsx! {};
    }
    rsx! {
        div { class: "messages", "data-t": tid("messages"),
            for m in messages {
                div { key: "{m.id}",
                    class: if m.kind == MessageKind::Error { "error toast" } else { "notice toast" },
                    role: if m.kind == MessageKind::Error { "alert" } else { "status" },
                    "data-t": tid(&format!("msg-{}", m.id)),
                    span { class: "text", "{m.text}" }
                    button { class: "dismiss", title: tr(lang, "msg.dismiss"),
                        "data-t": tid(&format!("msg-dismiss-{}", m.id)),
                        onclick: move |_| state.write().dismiss(m.id),
                        "×"
                    }
                }
            }
        }
    }
}
