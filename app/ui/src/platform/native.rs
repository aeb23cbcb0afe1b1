//! Desktop and Android: tokio's timer; the WebView's `navigator.geolocation` through
//! `document::eval`.

use std::time::Duration;

use dioxus::prelude::*;

use super::{Position, GEO_TIMEOUT_MS};

/// Waits `d` (the work list's typing pause).
pub async fn sleep(d: Duration) {
    tokio::time::sleep(d).await;
}

/// The WebView's location, or `None` when there is none (no service, refused, timed out).
pub async fn current_position() -> Option<Position> {
    let js = format!(
        r#"
        if (!navigator.geolocation) {{ return null; }}
        return await new Promise((ok) => navigator.geolocation.getCurrentPosition(
            (p) => ok([p.coords.latitude, p.coords.longitude, p.coords.accuracy, p.timestamp]),
            () => ok(null), {{ enableHighAccuracy: true, timeout: {GEO_TIMEOUT_MS}, maximumAge: 0 }}));
        "#
    );
    let v = document::eval(&js)
        .join::<Option<(f64, f64, f64, f64)>>()
        .await
        .ok()
        .flatten()?;
    Some(Position {
        latitude: v.0,
        longitude: v.1,
        accuracy_m: v.2,
        fix_time_ms: v.3 as i64,
    })
}
