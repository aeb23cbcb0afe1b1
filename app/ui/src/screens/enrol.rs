//! First start: server, username, password and the PIN twice (Daftarkan perangkat), or a
//! backup to restore. After a logout the same form only logs in again.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::tid;

#[component]
pub fn EnrolScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    // Logged out with the data kept: only the login is asked (the PIN stays as it was).
    let login_only = state.read().login_only;
    let hint = use_context::<crate::service::ServiceConfig>()
        .server_hint
        .unwrap_or_default();
    let mut server = use_signal(|| hint.clone());
    let mut username = use_signal(String::new);
    let mut password = use_signal(String::new);
    let mut pin = use_signal(String::new);
    let mut pin2 = use_signal(String::new);
    let submit = move |_| {
        if pin() != pin2() {
            state.write().push_error(tr(lang, "enrol.pin_mismatch"));
            return;
        }
        super::web_shell::ask_persistent_storage();
        svc.send(Intent::Enrol {
            server_url: server(),
            username: username(),
            password: password(),
            pin: pin(),
        });
    };
    rsx! {
        section { class: "card enrol",
            h2 { {tr(lang, if login_only { "login.title" } else { "enrol.title" })} }
            if !login_only {
                super::web_shell::InstallHelp {}
            }
            label { {tr(lang, "enrol.server")}
                input { "data-t": tid("enrol-server"), r#type: "url", placeholder: "https://…", value: "{hint}",
                    oninput: move |e| server.set(e.value()) }
            }
            label { {tr(lang, "enrol.username")}
                input { "data-t": tid("enrol-username"), oninput: move |e| username.set(e.value()) }
            }
            label { {tr(lang, "enrol.password")}
                input { "data-t": tid("enrol-password"), r#type: "password", oninput: move |e| password.set(e.value()) }
            }
            if !login_only {
                label { {tr(lang, "enrol.pin")}
                    input { "data-t": tid("enrol-pin"), r#type: "password", inputmode: "numeric", oninput: move |e| pin.set(e.value()) }
                }
                label { {tr(lang, "enrol.pin2")}
                    input { "data-t": tid("enrol-pin2"), r#type: "password", inputmode: "numeric", oninput: move |e| pin2.set(e.value()) }
                }
            }
            button { class: "primary", "data-t": tid("enrol-submit"), onclick: submit, {tr(lang, "enrol.button")} }
            // A new phone or browser profile: bring back a backup instead of starting empty.
            details { class: "restore-help", "data-t": tid("enrol-restore"),
                summary { {tr(lang, "backup.restore")} }
                super::backup::RestoreInput {}
            }
        }
    }
}
