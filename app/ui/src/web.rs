//! The browser entry (feature `web`): index.js loads the wasm and calls [`start_app`], which
//! launches the same [`App`](crate::App) as the desktop with the browser's configuration. The
//! service runs in a Web Worker started from the same wasm (`service::web_worker`).

use dioxus::prelude::*;
use pendata_core::crypto::KdfParams;
use wasm_bindgen::prelude::*;

use crate::{App, ServiceConfig};

/// The data directory's name inside the worker's storage (the OPFS pool).
pub const DATA_DIR: &str = "pendata";

/// The configuration in the browser: the server is the page's own origin (the app is served
/// by `pendata-server` under `/app/`). `?kdf=test` selects the cheap test key derivation, only
/// on a loopback address (the browser tests), never on a real server's page.
fn config() -> ServiceConfig {
    let location = web_sys::window().map(|w| w.location());
    let origin = location.as_ref().and_then(|l| l.origin().ok());
    let host = location
        .as_ref()
        .and_then(|l| l.hostname().ok())
        .unwrap_or_default();
    let search = location
        .as_ref()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    let loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
    let kdf = if loopback && search.contains("kdf=test") {
        KdfParams::insecure_for_tests()
    } else {
        KdfParams::default()
    };
    ServiceConfig {
        data_dir: DATA_DIR.into(),
        kdf,
        device_name: "pendata-web".into(),
        server_hint: origin,
        // The browser saves a backup to its own Downloads.
        backup_dir: std::path::PathBuf::new(),
    }
}

/// Starts the app in `#main`.
#[wasm_bindgen]
pub fn start_app() {
    dioxus::LaunchBuilder::new()
        .with_context(WebConfig(config()))
        .launch(WebRoot);
}

#[derive(Clone)]
struct WebConfig(ServiceConfig);

#[component]
fn WebRoot() -> Element {
    let WebConfig(config) = use_context::<WebConfig>();
    rsx! { App { config } }
}
