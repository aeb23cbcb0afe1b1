//! The screens, one file each. Each reads the [`AppState`] signal and sends [`Intent`]s to the
//! [`Service`]; none does SQL, HTTP or file I/O.
//!
//! Interactive elements carry a `data-t` attribute: a stable name for tests and for people
//! reading the page source, never personal data.

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::Intent;
use crate::service::Service;
use crate::state::{AppState, Screen};
use crate::widgets::tid;

mod backup;
pub mod case;
pub mod connection;
mod enrol;
pub mod family_facts;
pub mod finalize;
pub mod ground_check;
mod home;
pub mod household;
mod list;
pub mod messages;
pub mod proposal;
mod revisits;
pub mod saving;
mod settings;
mod sync;
mod unlock;
pub mod web_shell;
pub mod worklist;

pub use household::photos::{PhotoChecklist, PhotoChecklistProps};

/// The screen chooser under the root.
#[component]
pub fn Screens() -> Element {
    let state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let screen = s.screen;
    let unlocked = !matches!(screen, Screen::Starting | Screen::Enrol | Screen::Unlock);
    let busy = s.busy;
    let waiting = s.waiting_for_sync;
    drop(s);
    let svc = use_context::<Service>();
    rsx! {
        header { class: "top",
            h1 { "Pendata" }
            span { class: "subtitle", {tr(lang, "app.subtitle")} }
            if unlocked {
                NavBar {}
            }
        }
        if busy || waiting {
            p { class: "busy toast", "data-t": tid("busy"), role: "status",
                if waiting {
                    // What the facilitator asked for waits for the sync: said, and cancellable.
                    span { "data-t": tid("sync-wait"), {tr(lang, "busy.waiting_sync")} }
                    button { class: "dismiss", "data-t": tid("sync-wait-cancel"),
                        onclick: move |_| svc.send(Intent::CancelWait), {tr(lang, "busy.cancel_wait")} }
                } else {
                    {tr(lang, "busy")}
                }
            }
        }
        web_shell::UpdateBanner {}
        backup::DownloadOffer {}
        messages::Messages {}
        match screen {
            Screen::Starting => rsx! { p { {tr(lang, "busy")} } },
            Screen::Enrol => rsx! { enrol::EnrolScreen {} },
            Screen::Unlock => rsx! { unlock::UnlockScreen {} },
            Screen::Home => rsx! { home::HomeScreen {} },
            Screen::List => rsx! { list::ListScreen {} },
            Screen::Form => rsx! { household::FormScreen {} },
            Screen::Visit => rsx! { ground_check::VisitScreen {} },
            Screen::Revisits => rsx! { revisits::RevisitsScreen {} },
            Screen::Case => rsx! { case::CaseScreen {} },
            Screen::Sync => rsx! { sync::SyncScreen {} },
            Screen::Settings => rsx! { settings::SettingsScreen {} },
        }
    }
}

#[component]
fn NavBar() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let ask = use_context::<worklist::ListAsk>();
    let lang = state.read().lang;
    let go = move |screen: Screen| {
        let svc = svc.clone();
        move |_| {
            if let Some(f) = state.read().form.as_ref() {
                svc.send(Intent::CloseForm(f.household.id));
            }
            if let Some(v) = state.read().visit.as_ref() {
                svc.send(Intent::CloseForm(v.family.id));
            }
            if let Some(c) = state.read().case.as_ref() {
                svc.send(Intent::CloseForm(c.record.id));
            }
            match screen {
                Screen::Home => svc.send(Intent::LoadHome),
                Screen::List => svc.send(Intent::Search(ask.current())),
                Screen::Settings => svc.send(Intent::LoadSettings),
                _ => {}
            }
            let mut s = state.write();
            s.screen = screen;
            s.error = None;
            s.clear_notices();
        }
    };
    rsx! {
        nav {
            button { "data-t": tid("nav-home"), onclick: go(Screen::Home), {tr(lang, "nav.home")} }
            button { "data-t": tid("nav-list"), onclick: go(Screen::List), {tr(lang, "nav.list")} }
            button { "data-t": tid("nav-sync"), onclick: go(Screen::Sync), {tr(lang, "nav.sync")} }
            button { "data-t": tid("nav-settings"), onclick: go(Screen::Settings), {tr(lang, "nav.settings")} }
        }
    }
}
