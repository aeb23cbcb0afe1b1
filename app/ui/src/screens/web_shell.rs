//! What only the browser build shows (nothing natively): the new-version banner, the phone's
//! storage with its warning, and how to put the app on the home screen. The browser calls
//! live in `crate::platform::web`.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::state::AppState;
use crate::widgets::tid;

/// Free space under which the app warns (photos are the bulk: ~0.3 MB each after the
/// pipeline, so 200 MB is some 600 photos).
pub const LOW_STORAGE_BYTES: u64 = 200 * 1024 * 1024;

/// "Versi baru tersedia — Muat ulang". A tap first commits the focused field, then asks the
/// worker to flush ([`crate::Intent::Flush`]); the new version is applied only once every
/// intent sent before has been served, so no edit is lost in flight.
#[component]
pub fn UpdateBanner() -> Element {
    #[cfg(all(target_family = "wasm", feature = "web"))]
    {
        use crate::platform::web as platform;
        use crate::service::{Intent, Service};
        let state = use_context::<Signal<AppState>>();
        let svc = use_context::<Service>();
        let mut ready = use_signal(|| false);
        let mut asked = use_signal(|| None::<u64>);
        use_hook(move || {
            spawn(async move {
                platform::new_version_ready().await;
                ready.set(true);
            })
        });
        use_effect(move || {
            if let Some(n) = asked() {
                if state.read().flushed >= n {
                    platform::apply_new_version();
                }
            }
        });
        let lang = state.read().lang;
        if !ready() {
            return rsx! {};
        }
        let reload = move |_| {
            let svc = svc.clone();
            let n = state.peek().flushed + 1;
            asked.set(Some(n));
            spawn(async move {
                platform::blur_focused();
                // Let the field's change reach the worker first.
                platform::sleep(std::time::Duration::from_millis(50)).await;
                svc.send(Intent::Flush(n));
            });
        };
        rsx! {
            div { class: "update-banner", role: "status", "data-t": tid("update-banner"),
                span { {tr(lang, "update.available")} " — " }
                if asked().is_some() {
                    span { "data-t": tid("update-waiting"), {tr(lang, "update.waiting")} }
                } else {
                    button { class: "primary", "data-t": tid("update-reload"), onclick: reload, {tr(lang, "update.reload")} }
                }
            }
        }
    }
    #[cfg(not(all(target_family = "wasm", feature = "web")))]
    rsx! {}
}

/// Storage used and still available (`navigator.storage.estimate()`), whether the browser may
/// evict it, and a warning when little is left.
#[component]
pub fn StorageBox() -> Element {
    #[cfg(all(target_family = "wasm", feature = "web"))]
    {
        use crate::platform::web as platform;
        let lang = use_context::<Signal<AppState>>().read().lang;
        let facts = use_resource(|| async {
            let estimate = platform::storage_estimate().await;
            let persisted = platform::storage_persisted().await;
            (estimate, persisted)
        });
        let Some((estimate, persisted)) = *facts.read() else {
            return rsx! {};
        };
        let mb = |b: u64| format!("{:.1} MB", b as f64 / 1_048_576.0);
        rsx! {
            fieldset { class: "storage", "data-t": tid("storage"),
                legend { {tr(lang, "settings.storage")} }
                if let Some((used, quota)) = estimate {
                    p { "data-t": tid("storage-used"), {tr(lang, "settings.storage_used")} ": {mb(used)}" }
                    p { "data-t": tid("storage-free"), {tr(lang, "settings.storage_free")} ": {mb(quota.saturating_sub(used))}" }
                    if quota.saturating_sub(used) < LOW_STORAGE_BYTES {
                        p { class: "finding error", role: "alert", "data-t": tid("storage-low"), {tr(lang, "settings.storage_low")} }
                    }
                }
                match persisted {
                    Some(true) => rsx! { p { class: "notice", "data-t": tid("storage-persisted"), {tr(lang, "settings.persisted")} } },
                    _ => rsx! { p { class: "finding warning", "data-t": tid("storage-not-persisted"), {tr(lang, "settings.not_persisted")} } },
                }
            }
        }
    }
    #[cfg(not(all(target_family = "wasm", feature = "web")))]
    rsx! {}
}

/// How to put the app on the home screen, on the enrolment page (in the browser only).
#[component]
pub fn InstallHelp() -> Element {
    if !cfg!(target_family = "wasm") {
        return rsx! {};
    }
    let lang = use_context::<Signal<AppState>>().read().lang;
    rsx! {
        details { class: "install-help", "data-t": tid("install-help"),
            summary { {tr(lang, "install.title")} }
            ol {
                li { {tr(lang, "install.step1")} }
                li { {tr(lang, "install.step2")} }
                li { {tr(lang, "install.step3")} }
            }
        }
    }
}

/// Asks the browser to keep the data for good (at enrolment: the first thing stored).
pub fn ask_persistent_storage() {
    #[cfg(all(target_family = "wasm", feature = "web"))]
    spawn(async {
        let granted = crate::platform::web::persist_storage().await;
        tracing::info!(?granted, "persistent storage asked");
    });
}
