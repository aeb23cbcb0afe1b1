//! `pendata-app`: the facilitator app. Data directory: `$PENDATA_DATA_DIR`, else
//! `$XDG_DATA_HOME/pendata` or `~/.local/share/pendata`, on Android the app's internal files
//! directory (`pendata_app::paths`). `PENDATA_KDF=test` uses cheap key derivation (automated
//! tests only).

use pendata_app::{App, AppProps, ServiceConfig};
use pendata_core::crypto::KdfParams;

fn config() -> ServiceConfig {
    let kdf = match std::env::var("PENDATA_KDF").ok().as_deref() {
        Some("test") => KdfParams::insecure_for_tests(),
        _ => KdfParams::default(),
    };
    let data_dir = pendata_app::paths::data_dir();
    ServiceConfig {
        backup_dir: pendata_app::paths::backup_dir(&data_dir),
        data_dir,
        kdf,
        device_name: "pendata-app".into(),
        server_hint: std::env::var("PENDATA_SERVER_URL").ok(),
    }
}

/// `PENDATA_WINDOW_SIZE=WIDTHxHEIGHT` (desktop), default 900x700.
#[cfg(feature = "desktop")]
fn window_size() -> (f64, f64) {
    std::env::var("PENDATA_WINDOW_SIZE")
        .ok()
        .and_then(|v| {
            let (w, h) = v.split_once('x')?;
            Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
        })
        .filter(|(w, h): &(f64, f64)| *w >= 320.0 && *h >= 320.0)
        .unwrap_or((900.0, 700.0))
}

/// A render-node path that cannot exist (see [`webkit_environment`]).
#[cfg(all(feature = "desktop", target_os = "linux"))]
const NO_RENDER_NODE: &str = "/nonexistent/pendata-no-render-node";

/// WebKitGTK and GTK without GPU paths unless `PENDATA_WEBKIT_COMPOSITING=1`: the app is forms
/// and lists and draws nothing with GL. Measured under Xvfb at 20,000 households
/// (docs/PERFORMANCE.md):
/// * `WEBKIT_DISABLE_COMPOSITING_MODE` (WebKitGTK's switch for the hardware-acceleration policy
///   "never") takes ~115 MB off the WebKit web process and some start time;
/// * `WEBKIT_DISABLE_DMABUF_RENDERER` (that renderer is not used without compositing) ~5 MB and
///   `GDK_GL=disable` (GTK's GLX probing at start) ~1.5 MB off the app's own process;
/// * `WEBKIT_WEB_RENDER_DEVICE_FILE` names the GPU render node the web process may use for GBM
///   buffers. Unset, WebKitGTK 2.50 finds it by opening an EGL display in the app's own
///   process when it starts the web process, which loads Mesa and LLVM there (~50 MB resident).
///   Without compositing nothing uses that node, so it is set to a path that does not exist:
///   the web process then uses its surfaceless EGL display, as it does anyway on a machine
///   without a render node.
///
/// They must be in the environment before GTK starts and the web process is spawned, so they
/// are set here, while `main` is still the only thread. A value already set is left alone.
#[cfg(all(feature = "desktop", target_os = "linux"))]
fn webkit_environment() {
    if std::env::var("PENDATA_WEBKIT_COMPOSITING").is_ok_and(|v| v == "1") {
        return;
    }
    for (key, value) in [
        ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
        ("GDK_GL", "disable"),
        ("WEBKIT_WEB_RENDER_DEVICE_FILE", NO_RENDER_NODE),
    ] {
        if std::env::var_os(key).is_none() {
            std::env::set_var(key, value);
        }
    }
}

fn main() {
    // Time origin of the benchmark hook (does nothing else; see `pendata_app::bench`).
    pendata_app::bench::mark_process_start();
    #[cfg(all(feature = "desktop", target_os = "linux"))]
    webkit_environment();
    let props = AppProps { config: config() };
    #[cfg(feature = "desktop")]
    {
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        let (w, h) = window_size();
        let window = WindowBuilder::new()
            .with_title("Pendata")
            .with_inner_size(LogicalSize::new(w, h));
        dioxus::LaunchBuilder::new()
            .with_cfg(Config::new().with_window(window))
            .with_context(props)
            .launch(Root);
    }
    #[cfg(all(feature = "mobile", not(feature = "desktop")))]
    dioxus::LaunchBuilder::new()
        .with_context(props)
        .launch(Root);
    #[cfg(not(any(feature = "desktop", feature = "mobile")))]
    {
        drop(props);
        eprintln!("pendata-app was built without a renderer: enable the desktop or mobile feature");
        std::process::exit(2);
    }
}

/// Reads the configuration given at launch and shows the app.
#[dioxus::prelude::component]
fn Root() -> dioxus::prelude::Element {
    use dioxus::prelude::*;
    let props = use_context::<AppProps>();
    if pendata_app::bench::enabled() {
        return rsx! { pendata_app::bench::BenchApp { config: props.config } };
    }
    rsx! { App { config: props.config } }
}
