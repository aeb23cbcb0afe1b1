//! The Pendata facilitator app (Dioxus 0.7).
//!
//! Layout: components ([`screens`]) render the [`state::AppState`] signal and send
//! [`service::Intent`]s; the [`service::Service`] worker thread owns the client core
//! (`pendata-core`'s `Device`) and does all I/O; its [`state::Update`]s come back through a
//! channel that the root component applies to the signal. Strings live in [`i18n`]; the
//! questionnaire's fields in [`form`] (skip rules are asked of `pendata-shared`).

use dioxus::prelude::*;

pub mod bench;
#[cfg(target_os = "android")]
pub mod camera;
pub mod connection;
pub mod form;
pub mod i18n;
pub mod messages;
pub mod paths;
pub mod proposal;
pub mod rows;
pub mod screens;
pub mod service;
pub mod state;
pub mod worklist;

pub use screens::{PhotoChecklist, PhotoChecklistProps};
pub use service::{Intent, Service, ServiceConfig};
pub use state::{AppState, Screen, Step, Update};

/// The example household shipped in `assets/examples` (tests and demos).
pub const EXAMPLE_HOUSEHOLD: &str = include_str!("../../../assets/examples/household.json");

const STYLE: &str = r#"
body { font-family: sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; }
header.top { background: #0b5d4b; color: white; padding: 8px 16px; }
header.top h1 { display: inline; font-size: 22px; margin-right: 12px; }
header.top nav { display: inline; margin-left: 16px; }
header.top nav button { margin-right: 6px; }
.card { background: white; margin: 12px; padding: 12px 16px; border-radius: 6px; box-shadow: 0 1px 3px #0002; }
label { display: block; margin: 6px 0; }
input, select { font-size: 15px; padding: 4px; margin-left: 6px; }
button { font-size: 15px; padding: 5px 10px; margin: 3px; }
button.primary { background: #0b7d63; color: white; border: 0; border-radius: 4px; }
button.current { font-weight: bold; border-bottom: 3px solid #0b7d63; }
.error { color: #b00020; } .warning { color: #9a6700; } .notice { color: #0b5d4b; }
.finding { margin: 2px 0 6px 12px; font-size: 14px; }
.done { color: #0b7d63; } .missing { color: #b00020; }
ul.rows { list-style: none; padding: 0; } ul.rows button { width: 100%; text-align: left; }
.thumbs { display: flex; flex-wrap: wrap; } .thumb { width: 200px; margin: 4px; border: 1px solid #ccd; padding: 4px; }
.thumb img { max-width: 180px; max-height: 120px; display: block; }
.overlay { position: fixed; inset: 0; background: #000c; padding: 20px; }
.overlay img { max-width: 95%; max-height: 85%; }
.toast { position: fixed; left: 12px; bottom: 12px; margin: 0; padding: 8px 12px; background: #fffbe6; border: 1px solid #d8c98a; border-radius: 4px; z-index: 10; }
.busy.toast { left: auto; right: 12px; }
.thumb * { box-sizing: border-box; max-width: 100%; }
progress { width: 100%; height: 18px; }
table.counts td { padding: 2px 12px; } td.num { text-align: right; font-weight: bold; }
.messages { position: fixed; left: 12px; bottom: 12px; z-index: 10; display: flex; flex-direction: column; gap: 4px; max-width: 70%; }
.messages .toast { position: static; }
.toast button.dismiss { margin: 0 0 0 8px; padding: 0 6px; }
.new-proposal { float: right; } .new-proposal button { margin: 0; }
.proposal-box { clear: both; border: 1px solid #ccd; padding: 8px; margin: 8px 0; }
.tag { background: #e3f1ec; color: #0b5d4b; padding: 0 6px; border-radius: 3px; font-size: 13px; }
.no-name { font-weight: normal; font-style: italic; color: #666; }
button.danger { background: #b00020; color: white; border: 0; border-radius: 4px; }
fieldset.rows div.row { border-top: 1px solid #dde; padding: 4px 0; }
.conn.online strong { color: #0b7d63; } .conn.offline strong { color: #b00020; }
"#;

/// The root component: starts the service, applies its updates to the state signal, and
/// shows the screens.
#[component]
pub fn App(config: ServiceConfig) -> Element {
    // The first render already shows the unlock (or enrolment) screen: see `AppState::first_for`.
    let mut state = use_context_provider(|| Signal::new(AppState::first_for(&config.data_dir)));
    use_context_provider(|| config.clone());
    // The work list's query as last asked for (typed text and filters together).
    use_context_provider(worklist::ListAsk::new);
    use_context_provider(|| {
        let (svc, mut updates) = Service::start(config.clone());
        // BENCHMARK HOOK: `None` unless PENDATA_BENCH_PIN is set (see `bench`).
        let mut bench = bench::Hook::from_env();
        let bench_svc = svc.clone();
        spawn(async move {
            if let Some(hook) = bench.as_mut() {
                // The unlock screen may be there from the first render on.
                hook.start(&bench_svc, state).await;
            }
            while let Some(u) = updates.recv().await {
                match bench.as_mut() {
                    Some(hook) => {
                        state.write().apply(u.clone());
                        hook.after(&u, &bench_svc, state).await;
                    }
                    None => state.write().apply(u),
                }
            }
        });
        svc
    });
    rsx! {
        style { {STYLE} }
        main { class: "pendata", screens::Screens {} }
    }
}
