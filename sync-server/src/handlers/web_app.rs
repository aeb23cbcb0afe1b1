//! `/app/`: the facilitators' installable web app (docs/app.md, "The web build"), served from
//! the folder `scripts/build-web app` makes (`Config::web_dir`), on the same origin as the API
//! so the app needs no CORS and its Content-Security-Policy can allow nothing but this server.
//!
//! * Files come from the folder as built: MIME types by extension (`application/wasm`), the
//!   precompressed `.br` / `.gz` siblings when the browser accepts them.
//! * Names with a content hash (`pendata_app-<16 hex>.js`, `…_bg.wasm`) never change content:
//!   browsers may keep them a year. Everything else (index.html, sw.js, the manifest) is
//!   revalidated on every load, so a new build reaches phones the next time they are online.
//! * The CSP allows scripts, workers, styles, images, fetches and the manifest from this
//!   origin only, and WebAssembly compilation (`'wasm-unsafe-eval'`), never `eval`.
//! * Without a built app, `/app/` says so (404) instead of serving anything.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{
    HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

use crate::AppState;

/// Where the app lives.
pub const PREFIX: &str = "/app";

/// The page's Content-Security-Policy: this origin only, plus WebAssembly compilation.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
     manifest-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// How long browsers keep a content-hashed file.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The `/app` routes, serving `web_dir` (or saying that no app was built).
pub fn routes(web_dir: Option<&Path>) -> Router<AppState> {
    let app = match web_dir {
        Some(dir) if dir.join("index.html").is_file() => Router::new().nest_service(
            PREFIX,
            ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .append_index_html_on_directories(true),
        ),
        _ => Router::new()
            .route(PREFIX, get(not_built))
            .route(&format!("{PREFIX}/"), get(not_built))
            .route(&format!("{PREFIX}/{{*rest}}"), get(not_built)),
    };
    app.layer(middleware::from_fn(headers))
}

/// Whether a file name carries a content hash (`name-<16 hex>.ext` or `name-<16 hex>_bg.wasm`).
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() == 16
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `/app` → `/app/` (the app's relative URLs need the slash), then the headers of every answer.
async fn headers(req: Request, next: Next) -> Response {
    if req.uri().path() == PREFIX {
        return Redirect::permanent("/app/").into_response();
    }
    let hashed = is_content_hashed(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    let cache = if hashed && res.status().is_success() {
        IMMUTABLE
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

async fn not_built() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\"><title>Pendata</title>\
         <p>Aplikasi web Pendata belum dipasang di server ini. Operator: jalankan \
         <code>scripts/build-web app</code> lalu mulai ulang server dengan \
         <code>--web-dir target/web/app</code>.</p>\
         <p><small>The Pendata web app is not installed on this server. Operator: run \
         <code>scripts/build-web app</code>, then restart the server with \
         <code>--web-dir target/web/app</code>.</small></p></html>",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_hashed_names_are_immutable() {
        assert!(is_content_hashed("/app/pendata_app-0123456789abcdef.js"));
        assert!(is_content_hashed(
            "/app/pendata_app-0123456789abcdef_bg.wasm"
        ));
        assert!(is_content_hashed(
            "/app/pendata_app-0123456789abcdef_bg.wasm.br"
        ));
        assert!(!is_content_hashed("/app/index.html"));
        assert!(!is_content_hashed("/app/sw.js"));
        assert!(!is_content_hashed("/app/worker.js"));
        assert!(!is_content_hashed("/app/pendata_app-0123456789ABCDEF.js"));
        assert!(!is_content_hashed("/app/icons/icon-192.png"));
    }
}
