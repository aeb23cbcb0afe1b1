//! Pengaturan: language, server and user, change PIN, storage, backup and restore, about,
//! logout, lock.

use dioxus::prelude::*;
use pendata_shared::Lang;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::tid;

#[component]
pub fn SettingsScreen() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let set = s.settings.clone();
    drop(s);
    // The typed PINs stay as typed (the inputs are not bound back).
    let mut old = use_signal(String::new);
    let mut new = use_signal(String::new);
    let size_kib = set.data_bytes / 1024;
    let (s1, s2, s3, s4) = (svc.clone(), svc.clone(), svc.clone(), svc.clone());
    rsx! {
        section { class: "card settings",
            h2 { {tr(lang, "settings.title")} }
            fieldset {
                legend { {tr(lang, "settings.language")} }
                button { "data-t": tid("lang-id"), class: if lang == Lang::Id { "current" } else { "" },
                    onclick: move |_| s1.send(Intent::SetLang(Lang::Id)), "Bahasa Indonesia" }
                button { "data-t": tid("lang-en"), class: if lang == Lang::En { "current" } else { "" },
                    onclick: move |_| s2.send(Intent::SetLang(Lang::En)), "English" }
            }
            p { {tr(lang, "settings.server")} ": " {set.server.clone().unwrap_or_default()} }
            p { {tr(lang, "settings.user")} ": " {set.username.clone().unwrap_or_default()} }
            fieldset {
                legend { {tr(lang, "settings.change_pin")} }
                label { {tr(lang, "settings.old_pin")} input { "data-t": tid("pin-old"), r#type: "password", inputmode: "numeric", oninput: move |e| old.set(e.value()) } }
                label { {tr(lang, "settings.new_pin")} input { "data-t": tid("pin-new"), r#type: "password", inputmode: "numeric", oninput: move |e| new.set(e.value()) } }
                button { "data-t": tid("pin-change"),
                    onclick: move |_| {
                        s3.send(Intent::ChangePin { old: old(), new: new() });
                    },
                    {tr(lang, "settings.change_pin")}
                }
            }
            super::web_shell::StorageBox {}
            super::backup::BackupBox {}
            fieldset {
                legend { {tr(lang, "settings.about")} }
                p { {tr(lang, "settings.version")} ": " {env!("CARGO_PKG_VERSION")} }
                p { {tr(lang, "settings.data_dir")} ": {set.data_dir}" }
                p { "data-t": tid("data-size"), {tr(lang, "settings.data_size")} ": {size_kib} KiB" }
            }
            super::backup::LogoutBox {}
            button { "data-t": tid("lock"), onclick: move |_| s4.send(Intent::Lock), {tr(lang, "settings.lock")} }
        }
    }
}
