//! What the UI needs from the platform it runs on, one function each, so components never
//! care: natively (desktop, Android) through tokio and the WebView's JavaScript, in the browser
//! through `web-sys` (never `eval`: the page's CSP forbids it). None of it touches the data.

#[cfg(not(target_family = "wasm"))]
mod native;
#[cfg(not(target_family = "wasm"))]
pub use native::*;

#[cfg(all(target_family = "wasm", feature = "web"))]
pub mod web;
#[cfg(all(target_family = "wasm", feature = "web"))]
pub use web::{current_position, sleep};

/// A position from the platform's location service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
    /// Radius of the 95 % circle, metres, as the platform reports it.
    pub accuracy_m: f64,
    /// When it was measured (ms since 1970).
    pub fix_time_ms: i64,
}

/// The geolocation options every platform asks with: the GPS itself (not a network guess),
/// at most 20 s, no cached fix.
pub const GEO_TIMEOUT_MS: u32 = 20_000;
