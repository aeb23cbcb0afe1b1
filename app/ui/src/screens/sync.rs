//! Sinkronisasi: progress, summary, per-record problems and the supervisor's rejections.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, ReloginView, Step, SyncPhase};
use crate::widgets::tid;

#[component]
pub fn SyncScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let busy = s.busy;
    let v = s.sync.clone();
    drop(s);
    let done = v.phase == Some(SyncPhase::Done);
    let pct = (v.bytes_done.saturating_mul(100))
        .checked_div(v.bytes_total)
        .or_else(|| v.items_done.saturating_mul(100).checked_div(v.items_total))
        .unwrap_or(if done { 100 } else { 0 });
    let svc2 = svc.clone();
    rsx! {
        section { class: "card sync",
            h2 { {tr(lang, "sync.title")} }
            button { class: "primary", "data-t": tid("sync-start"), disabled: busy,
                onclick: move |_| svc.send(Intent::Sync), {tr(lang, "sync.start")} }
            if let Some(offline) = v.offline.clone() {
                p { class: "error", role: "alert", "data-t": tid("sync-offline"), strong { "{offline}" } }
            }
            if let Some(who) = v.relogin.clone() {
                ReloginBox { who }
            }
            if let Some(phase) = v.phase {
                p { "data-t": tid("sync-phase"), {tr(lang, phase.key())} }
                if phase == SyncPhase::Listing {
                    // One transaction in the store: no steps to count, only that it is working.
                    progress { max: "100" }
                    p { "data-t": tid("sync-listing"),
                        "{super::worklist::group_digits(v.items_total)} {tr(lang, \"sync.listing\")}"
                    }
                } else {
                    progress { max: "100", value: "{pct}" }
                    p { "{v.items_done}/{v.items_total} {tr(lang, \"sync.items\")} · {v.bytes_done}/{v.bytes_total} {tr(lang, \"sync.bytes\")}" }
                }
            }
            if let Some(sum) = v.summary.clone() {
                p { class: "notice", "data-t": tid("sync-summary"), "{sum}" }
            }
            if !v.problems.is_empty() {
                h3 { {tr(lang, "sync.problems")} }
                ul { "data-t": tid("sync-problems"),
                    for p in v.problems.iter() { li { "{p}" } }
                }
            }
            if !v.rejected.is_empty() {
                h3 { {tr(lang, "sync.rejected")} }
                ul {
                    for (id, name, note) in v.rejected.iter().cloned() {
                        li { key: "{id}",
                            strong { "{name}" } ": {note} "
                            button { "data-t": tid("sync-fix"),
                                onclick: {
                                    let svc = svc2.clone();
                                    move |_| {
                                        state.write().next_step = Some(Step::Review);
                                        svc.send(Intent::OpenHousehold(id));
                                    }
                                },
                                {tr(lang, "sync.fix")}
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "Masuk lagi" where the sync said the session is over: the password only (server and user
/// are the saved session's); the worker logs in and syncs, keeping every unsent record.
#[component]
fn ReloginBox(who: ReloginView) -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    let busy = state.read().busy;
    let mut password = use_signal(String::new);
    rsx! {
        div { class: "relogin", "data-t": tid("relogin"),
            h3 { {tr(lang, "login.title")} }
            p { {tr(lang, "relogin.explain")} }
            p { {tr(lang, "relogin.as")} " " strong { "{who.username}" } " · {who.server}" }
            label { {tr(lang, "enrol.password")}
                input { "data-t": tid("relogin-password"), r#type: "password",
                    oninput: move |e| password.set(e.value()) }
            }
            button { class: "primary", "data-t": tid("relogin-submit"), disabled: busy,
                onclick: move |_| svc.send(Intent::Relogin { password: password() }),
                {tr(lang, "login.title")}
            }
        }
    }
}
