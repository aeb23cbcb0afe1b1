//! The Pendata facilitator app (Dioxus 0.7).
//!
//! Layout: components ([`screens`], one file per screen, small shared pieces in [`widgets`])
//! render the [`state::AppState`] signal and send [`service::Intent`]s; the
//! [`service::Service`] worker owns the client core (`pendata-core`'s `Device`) and does all
//! I/O, its parts grouped by concern under `service/`; its [`state::Update`]s come back
//! through a channel that the root component applies to the signal. Strings live in [`i18n`];
//! the questionnaire's fields in [`form`] (skip rules are asked of `pendata-shared`).

use std::future::Future;

use dioxus::prelude::*;
use tokio::sync::mpsc::UnboundedReceiver;

#[cfg(not(target_family = "wasm"))]
pub mod bench;
#[cfg(target_os = "android")]
pub mod camera;
pub mod dtsen_form;
pub mod form;
pub mod i18n;
pub mod paths;
pub mod platform;
pub mod screens;
pub mod service;
pub mod state;
#[cfg(all(target_family = "wasm", feature = "web"))]
pub mod web;
pub mod widgets;

pub use screens::worklist;
pub use screens::{PhotoChecklist, PhotoChecklistProps};
pub use service::{Intent, Service, ServiceConfig};
pub use state::{AppState, Screen, Step, Update, VisitStep};

/// The example household shipped in `assets/examples` (tests and demos).
pub const EXAMPLE_HOUSEHOLD: &str = include_str!("../../../assets/examples/household.json");

/// The app's style sheet (`app/ui/assets/style.css`).
pub const STYLE: &str = include_str!("../assets/style.css");

/// The root component: starts the service, applies its updates to the state signal, and
/// shows the screens.
#[component]
pub fn App(config: ServiceConfig) -> Element {
    use_root(config, |mut state, _svc, mut updates| async move {
        while let Some(u) = updates.recv().await {
            state.write().apply(u);
        }
    });
    rsx! { Page {} }
}

/// What every root shares: provides the contexts the screens read (the state signal, the
/// configuration, the work list's query, the service handle) and starts the service once.
/// `drive` gets the state, the handle and the update stream and runs as a task of the root:
/// [`App`] applies each update; the benchmark's root (`bench::BenchApp`) also watches them.
pub(crate) fn use_root<F, Fut>(config: ServiceConfig, drive: F)
where
    F: FnOnce(Signal<AppState>, Service, UnboundedReceiver<Update>) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    // The first render already shows the unlock (or enrolment) screen: see `AppState::first_for`.
    let state = use_context_provider(|| Signal::new(AppState::first_for(&config.data_dir)));
    use_context_provider(|| config.clone());
    // The work list's query as last asked for (typed text and filters together).
    use_context_provider(worklist::ListAsk::new);
    // Edits sent, counted as they leave (the save label compares them with those served).
    let sent = use_context_provider(|| Signal::new(state::EditsSent::default()));
    use_context_provider(|| {
        let (inner, updates) = Service::start(config.clone());
        let svc = Service::from_fn(move |intent: Intent| {
            if intent.is_edit() {
                let mut sent = sent;
                sent.write().0 += 1;
            }
            inner.send(intent);
        });
        spawn(drive(state, svc.clone(), updates));
        svc
    });
}

/// The page under a root: the style sheet and the screens. In the browser the style sheet is
/// a file linked from index.html (the page's CSP allows no inline style).
#[component]
pub(crate) fn Page() -> Element {
    #[cfg(not(target_family = "wasm"))]
    let style = rsx! { style { {STYLE} } };
    #[cfg(target_family = "wasm")]
    let style = rsx! {};
    rsx! {
        {style}
        main { class: "pendata", screens::Screens {} }
    }
}
