//! The supervisor dashboard: server-rendered HTML pages under `/dashboard` (docs/dashboard.md).
//!
//! Every page works without JavaScript: links, forms and inline SVG. Templates are
//! [`maud`] (compile-time, every interpolated value HTML-escaped). Pages call the same store
//! functions as the JSON API, with the same wilayah [`Scope`](crate::store::Scope).
//!
//! Security: a server-side session (SQLite, only the cookie's SHA-256 stored; cookie HttpOnly,
//! SameSite=Strict, Secure over HTTPS), idle and absolute expiry, a CSRF token per session in
//! every form plus an Origin/Referer check on every POST, the API's login rate limiter, and
//! restrictive response headers (CSP without inline script or style). Household ids (UUIDs)
//! are the only record keys in URLs; NIK and KK numbers never are.
//!
//! Routes and the role each needs: [`ROUTES`].

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use pendata_shared::Lang;

use crate::store::Role;
use crate::AppState;

mod area;
mod cases;
mod desil;
mod dtsen_export;
mod family;
mod ground_check;
mod households;
mod import;
mod map;
mod month_access;
mod month_actions;
mod month_export;
mod month_pages;
mod nik_ganda;
mod progress;
mod restore;
mod session;
mod signals;
mod stream_body;
mod transfer;
mod users;

pub use households::{THUMB_LONG_EDGE, THUMB_VARIANT};
pub use month_export::COLUMNS as MONTH_EXPORT_COLUMNS;
pub use session::WebUser;

/// Whether the session cookie gets the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieSecurity {
    /// When the request came over HTTPS: a TLS reverse proxy sets `X-Forwarded-Proto: https`.
    Auto,
    /// Always (the server is only reachable over HTTPS).
    Always,
}

/// Dashboard settings. From the environment: `PENDATA_DASHBOARD_SECURE_COOKIES=always|auto`,
/// `PENDATA_DASHBOARD_IDLE_MINUTES` (default 30), `PENDATA_DASHBOARD_MAX_HOURS` (default 12).
#[derive(Debug, Clone)]
pub struct DashboardConfig {
    pub secure_cookies: CookieSecurity,
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after login.
    pub max_age: Duration,
    /// Largest assignment CSV accepted by the import page.
    pub max_import_bytes: usize,
}

impl Default for DashboardConfig {
    fn default() -> Self {
        DashboardConfig {
            secure_cookies: CookieSecurity::Auto,
            idle: Duration::from_secs(30 * 60),
            max_age: Duration::from_secs(12 * 3600),
            max_import_bytes: 32 * 1024 * 1024,
        }
    }
}

impl DashboardConfig {
    /// Defaults overridden by the `PENDATA_DASHBOARD_*` variables (bad values are ignored
    /// with a warning).
    pub fn from_env() -> Self {
        let mut c = DashboardConfig::default();
        if let Ok(v) = std::env::var("PENDATA_DASHBOARD_SECURE_COOKIES") {
            match v.trim() {
                "always" | "1" | "true" => c.secure_cookies = CookieSecurity::Always,
                "auto" | "" => {}
                other => tracing::warn!(
                    value = other,
                    "PENDATA_DASHBOARD_SECURE_COOKIES must be always or auto; using auto"
                ),
            }
        }
        let num = |name: &str| -> Option<u64> {
            let v = std::env::var(name).ok()?;
            match v.trim().parse::<u64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    tracing::warn!(variable = name, "not a positive number; using the default");
                    None
                }
            }
        };
        if let Some(m) = num("PENDATA_DASHBOARD_IDLE_MINUTES") {
            c.idle = Duration::from_secs(m.saturating_mul(60));
        }
        if let Some(h) = num("PENDATA_DASHBOARD_MAX_HOURS") {
            c.max_age = Duration::from_secs(h.saturating_mul(3600));
        }
        c
    }
}

/// Who may open a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (login page, assets, language switch).
    Public,
    /// Any logged-in dashboard user (supervisors and admins).
    Session,
    /// Supervisors, Kepala OPD and admins (reading); household data limited to their wilayah.
    Supervisor,
    /// Admins only.
    Admin,
    /// Supervisors (the verifikator) and admins, not the Kepala OPD: review decisions, imports,
    /// the musdes record and the period's check.
    Verifier,
    /// The Kepala OPD and admins: a period's approval.
    Approver,
}

/// Every dashboard route: (method, path template, who may use it). The access-matrix test
/// can take one row per entry. Without a session, non-public routes answer 303 to the login
/// page; with a session of the wrong role, 403; a household or photo outside the wilayah, 404.
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/dashboard/login", Access::Public),
    ("POST", "/dashboard/login", Access::Public),
    ("POST", "/dashboard/logout", Access::Session),
    ("GET", "/dashboard/lang/{lang}", Access::Public),
    ("GET", "/dashboard/assets/dashboard.css", Access::Public),
    ("GET", "/dashboard", Access::Supervisor),
    ("GET", "/dashboard/ground-check", Access::Supervisor),
    ("GET", "/dashboard/households", Access::Supervisor),
    ("GET", "/dashboard/households/{id}", Access::Supervisor),
    (
        "POST",
        "/dashboard/households/{id}/review",
        Access::Verifier,
    ),
    (
        "GET",
        "/dashboard/households/{id}/conflict",
        Access::Supervisor,
    ),
    (
        "POST",
        "/dashboard/households/{id}/resolve",
        Access::Verifier,
    ),
    ("GET", "/dashboard/conflicts", Access::Supervisor),
    ("GET", "/dashboard/restore", Access::Supervisor),
    ("GET", "/dashboard/nik-ganda", Access::Supervisor),
    ("GET", "/dashboard/map", Access::Supervisor),
    ("GET", "/dashboard/signals", Access::Supervisor),
    ("GET", "/dashboard/desil", Access::Supervisor),
    ("GET", "/dashboard/photos/{sha256}", Access::Supervisor),
    ("GET", "/dashboard/export", Access::Supervisor),
    ("GET", "/dashboard/export/download", Access::Supervisor),
    ("GET", "/dashboard/export/dtsen", Access::Supervisor),
    ("GET", "/dashboard/users", Access::Admin),
    ("POST", "/dashboard/users", Access::Admin),
    ("POST", "/dashboard/users/{username}/disable", Access::Admin),
    ("POST", "/dashboard/users/{username}/enable", Access::Admin),
    (
        "POST",
        "/dashboard/users/{username}/reset-devices",
        Access::Admin,
    ),
    ("GET", "/dashboard/import", Access::Supervisor),
    ("POST", "/dashboard/import", Access::Verifier),
    ("GET", "/dashboard/month", Access::Supervisor),
    (
        "GET",
        "/dashboard/month/{desa}/{period}",
        Access::Supervisor,
    ),
    (
        "POST",
        "/dashboard/month/{desa}/{period}/agreement",
        Access::Verifier,
    ),
    (
        "POST",
        "/dashboard/month/{desa}/{period}/photos",
        Access::Verifier,
    ),
    (
        "GET",
        "/dashboard/month/{desa}/{period}/photos/{sha256}",
        Access::Supervisor,
    ),
    (
        "POST",
        "/dashboard/month/{desa}/{period}/check",
        Access::Verifier,
    ),
    (
        "POST",
        "/dashboard/month/{desa}/{period}/approve",
        Access::Approver,
    ),
    (
        "GET",
        "/dashboard/month/{desa}/{period}/export",
        Access::Supervisor,
    ),
    // Cases (issue 21 §1, dashboard/cases/).
    ("GET", "/dashboard/cases", Access::Supervisor),
    ("POST", "/dashboard/cases", Access::Verifier),
    ("GET", "/dashboard/cases/new", Access::Supervisor),
    ("POST", "/dashboard/cases/import", Access::Verifier),
    ("GET", "/dashboard/cases/pbi-due", Access::Supervisor),
    ("GET", "/dashboard/cases/graduasi", Access::Supervisor),
    ("GET", "/dashboard/cases/export", Access::Supervisor),
    ("GET", "/dashboard/cases/{id}", Access::Supervisor),
    ("POST", "/dashboard/cases/{id}/decision", Access::Verifier),
];

/// Largest body of an ordinary dashboard form.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The dashboard routes, with their own body limits and response headers.
pub fn routes() -> Router<AppState> {
    let forms = Router::new()
        .route("/dashboard", get(progress::page))
        .route("/dashboard/", get(progress::page))
        .route(
            "/dashboard/login",
            get(session::login_page).post(session::login),
        )
        .route("/dashboard/logout", post(session::logout))
        .route("/dashboard/lang/{lang}", get(session::set_lang))
        .route("/dashboard/assets/dashboard.css", get(stylesheet))
        .route("/dashboard/ground-check", get(ground_check::page))
        .route("/dashboard/households", get(households::queue))
        .route("/dashboard/conflicts", get(households::conflicts))
        .route("/dashboard/restore", get(restore::page_handler))
        .route("/dashboard/nik-ganda", get(nik_ganda::page_handler))
        .route("/dashboard/map", get(map::page_handler))
        .route("/dashboard/signals", get(signals::page_handler))
        .route("/dashboard/desil", get(desil::page_handler))
        .route("/dashboard/households/{id}", get(households::detail))
        .route(
            "/dashboard/households/{id}/review",
            post(households::review),
        )
        .route(
            "/dashboard/households/{id}/conflict",
            get(households::conflict_page),
        )
        .route(
            "/dashboard/households/{id}/resolve",
            post(households::resolve),
        )
        .route("/dashboard/photos/{sha256}", get(households::photo))
        .route("/dashboard/users", get(users::list).post(users::add))
        .route("/dashboard/users/{username}/disable", post(users::disable))
        .route("/dashboard/users/{username}/enable", post(users::enable))
        .route(
            "/dashboard/users/{username}/reset-devices",
            post(users::reset_devices),
        )
        .route("/dashboard/export", get(transfer::export_page))
        .route("/dashboard/export/download", get(transfer::export_download))
        .route("/dashboard/export/dtsen", get(dtsen_export::download))
        .route("/dashboard/import", get(import::import_page))
        .route("/dashboard/month", get(month_pages::overview))
        .route(
            "/dashboard/month/{desa}/{period}",
            get(month_pages::desa_page),
        )
        .route(
            "/dashboard/month/{desa}/{period}/agreement",
            post(month_actions::record_agreement),
        )
        .route(
            "/dashboard/month/{desa}/{period}/photos/{sha256}",
            get(month_actions::photo),
        )
        .route(
            "/dashboard/month/{desa}/{period}/check",
            post(month_actions::check),
        )
        .route(
            "/dashboard/month/{desa}/{period}/approve",
            post(month_actions::approve),
        )
        .route(
            "/dashboard/month/{desa}/{period}/export",
            get(month_export::download),
        )
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES));
    let upload = Router::new()
        .route(
            "/dashboard/import",
            post(import::import).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/dashboard/month/{desa}/{period}/photos",
            post(month_actions::upload_photo).layer(DefaultBodyLimit::disable()),
        );
    forms
        .merge(upload)
        .merge(cases::routes(MAX_FORM_BYTES))
        .route("/", get(|| async { Redirect::to("/dashboard") }))
        .layer(middleware::from_fn(guard))
}

/// Response headers for every dashboard answer, and the Origin/Referer check of every POST.
async fn guard(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && !same_origin(req.headers()) {
        return DashError::BadOrigin.into_response();
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::CACHE_CONTROL, "no-store");
    res
}

/// The host (and port) part of `scheme://host[:port][/...]`.
fn origin_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// A POST must name this server in `Origin` (or, without it, in `Referer`).
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match from.and_then(origin_host) {
        Some(h) => h.eq_ignore_ascii_case(host),
        None => false,
    }
}

/// The path (and query) of a `Referer` that points at this server.
pub(crate) fn referer_path(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let h = origin_host(referer)?;
    if !h.eq_ignore_ascii_case(host) {
        return None;
    }
    let start = referer.find(h)? + h.len();
    let path = &referer[start..];
    Some(if path.is_empty() {
        "/".into()
    } else {
        path.to_owned()
    })
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/dashboard.css"),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// language

/// The chosen language: the `pd_lang` cookie, Bahasa Indonesia by default.
pub(crate) fn lang_of(headers: &HeaderMap) -> Lang {
    match session::cookie(headers, session::LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Id,
    }
}

/// Picks the text of the language.
pub(crate) fn t(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// A region's name ("Kab. Bogor › Gunung Putri"), or the dotted code if unknown.
pub(crate) fn wilayah_name(code: &str) -> String {
    if code.is_empty() {
        return "Semua wilayah / All regions".into();
    }
    let w = pendata_shared::Wilayah::embedded();
    let path = w.path(code);
    if path.is_empty() {
        pendata_shared::wilayah::dotted(code)
    } else {
        path.iter().map(|r| r.name).collect::<Vec<_>>().join(" › ")
    }
}

// ---------------------------------------------------------------------------------------
// layout

/// The page skeleton with the navigation for `user` (none on the login page).
pub(crate) fn page(lang: Lang, title: &str, user: Option<&WebUser>, body: Markup) -> Markup {
    let html_lang = match lang {
        Lang::Id => "id",
        Lang::En => "en",
    };
    html! {
        (DOCTYPE)
        html lang=(html_lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Pendata" }
                link rel="stylesheet" href="/dashboard/assets/dashboard.css";
            }
            body {
                header.top {
                    span.brand { "Pendata" }
                    @if let Some(u) = user {
                        nav {
                            a href="/dashboard" { (t(lang, "Progres", "Progress")) }
                            a href="/dashboard/ground-check" { (t(lang, "Cek lapangan", "Ground check")) }
                            a href="/dashboard/households" { (t(lang, "Antrean tinjauan", "Review queue")) }
                            a href="/dashboard/conflicts" { (t(lang, "Konflik", "Conflicts")) }
                            a href="/dashboard/restore" { (t(lang, "Dikirim ulang", "Sent again")) }
                            a href="/dashboard/nik-ganda" { (t(lang, "NIK ganda", "Duplicate NIKs")) }
                            a href="/dashboard/map" { (t(lang, "Peta", "Map")) }
                            a href="/dashboard/signals" { (t(lang, "Sinyal tidak layak", "Tidak-layak signals")) }
                            a href="/dashboard/desil" { (t(lang, "Desil", "Desil")) }
                            a href="/dashboard/month" { (t(lang, "Bulan & pengesahan", "Month & ratification")) }
                            a href="/dashboard/cases" { (t(lang, "Kasus", "Cases")) }
                            a href="/dashboard/export" { (t(lang, "Ekspor", "Export")) }
                            @if month_access::may_verify(u) {
                                a href="/dashboard/import" { (t(lang, "Impor penugasan", "Import assignments")) }
                            }
                            @if u.role == Role::Admin {
                                a href="/dashboard/users" { (t(lang, "Pengguna", "Users")) }
                            }
                        }
                        span.who {
                            (u.username) " (" (role_label(lang, u.role)) ", " (wilayah_name(&u.wilayah)) ")"
                        }
                        form.inline method="post" action="/dashboard/logout" {
                            (csrf_field(u))
                            button type="submit" id="logout" { (t(lang, "Keluar", "Log out")) }
                        }
                    }
                    span.lang {
                        @if lang == Lang::Id {
                            a href="/dashboard/lang/en" hreflang="en" { "English" }
                        } @else {
                            a href="/dashboard/lang/id" hreflang="id" { "Bahasa Indonesia" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The hidden CSRF field every form of a logged-in page carries.
pub(crate) fn csrf_field(user: &WebUser) -> Markup {
    html! { input type="hidden" name="csrf" value=(user.csrf); }
}

pub(crate) fn role_label(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Enumerator => t(lang, "pendata", "enumerator"),
        Role::Supervisor => t(lang, "supervisor", "supervisor"),
        Role::Admin => t(lang, "admin", "admin"),
        Role::KepalaOpd => t(lang, "kepala OPD", "head of agency"),
    }
}

/// An HTML page answer.
pub(crate) fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// errors

/// Why a dashboard request failed. Rendered as a small bilingual HTML page with a stable code.
#[derive(Debug)]
pub enum DashError {
    /// No (live) session: 303 to the login page.
    NotLoggedIn,
    /// Logged in, but the role may not use this page (403 `dashboard.forbidden`).
    Forbidden,
    /// No such household or photo, or outside the user's wilayah (404 `dashboard.not_found`).
    NotFound,
    /// Missing or wrong CSRF token (403 `dashboard.csrf`).
    Csrf,
    /// A POST whose Origin/Referer is not this server (403 `dashboard.bad_origin`).
    BadOrigin,
    /// A bad request parameter (400), with the message in both languages.
    BadRequest {
        code: &'static str,
        id: String,
        en: String,
    },
    /// A change the state refuses (409), e.g. a locked period (`period.locked`).
    Refused {
        code: &'static str,
        id: String,
        en: String,
    },
    /// Something failed inside the server (500 `dashboard.internal`); the cause is logged.
    Internal(String),
}

impl DashError {
    pub(crate) fn bad_request(
        code: &'static str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        DashError::BadRequest {
            code,
            id: id.into(),
            en: en.into(),
        }
    }
}

impl From<crate::ApiError> for DashError {
    fn from(e: crate::ApiError) -> Self {
        match e.body.code.as_str() {
            "household.not_found" | "photo.not_found" => DashError::NotFound,
            _ if e.status.is_client_error() => DashError::BadRequest {
                code: "dashboard.bad_request",
                id: e.body.message.clone(),
                en: e.body.message_en.clone().unwrap_or_default(),
            },
            _ => DashError::Internal(e.body.code.clone()),
        }
    }
}

impl From<crate::store::StoreError> for DashError {
    fn from(e: crate::store::StoreError) -> Self {
        DashError::Internal(e.to_string())
    }
}

impl IntoResponse for DashError {
    fn into_response(self) -> Response {
        let (status, code, id, en) = match self {
            DashError::NotLoggedIn => return Redirect::to("/dashboard/login").into_response(),
            DashError::Forbidden => (
                StatusCode::FORBIDDEN,
                "dashboard.forbidden",
                "Peran Anda tidak boleh membuka halaman ini.".to_owned(),
                "Your role may not open this page.".to_owned(),
            ),
            DashError::NotFound => (
                StatusCode::NOT_FOUND,
                "dashboard.not_found",
                "Tidak ditemukan (atau di luar wilayah Anda).".to_owned(),
                "Not found (or outside your region).".to_owned(),
            ),
            DashError::Csrf => (
                StatusCode::FORBIDDEN,
                "dashboard.csrf",
                "Formulir kedaluwarsa atau tidak sah; muat ulang halaman dan coba lagi.".to_owned(),
                "The form expired or is not valid; reload the page and try again.".to_owned(),
            ),
            DashError::BadOrigin => (
                StatusCode::FORBIDDEN,
                "dashboard.bad_origin",
                "Permintaan tidak berasal dari halaman server ini.".to_owned(),
                "The request did not come from this server's pages.".to_owned(),
            ),
            DashError::BadRequest { code, id, en } => (StatusCode::BAD_REQUEST, code, id, en),
            DashError::Refused { code, id, en } => (StatusCode::CONFLICT, code, id, en),
            DashError::Internal(cause) => {
                tracing::error!(%cause, "dashboard request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "dashboard.internal",
                    "Terjadi kesalahan di server; coba lagi.".to_owned(),
                    "Something went wrong on the server; try again.".to_owned(),
                )
            }
        };
        let body = html! {
            (DOCTYPE)
            html lang="id" {
                head {
                    meta charset="utf-8";
                    title { (status.as_u16()) " · Pendata" }
                    link rel="stylesheet" href="/dashboard/assets/dashboard.css";
                }
                body {
                    main.error {
                        h1 { (status.as_u16()) }
                        p { (id) }
                        p lang="en" { (en) }
                        p.code { code { (code) } }
                        p { a href="/dashboard" { "Kembali ke dasbor / Back to the dashboard" } }
                    }
                }
            }
        };
        html_response(status, body)
    }
}

/// The dashboard's HTML 404 page, for paths under `/dashboard` that no route matches.
pub fn not_found_page() -> Response {
    DashError::NotFound.into_response()
}

/// A tiny inline-SVG horizontal stacked bar chart: one row per label, segments in order
/// (segment `j` gets the CSS class `seg{j}`; the legend names them). Its accessible name is
/// `name`, its description every row's numbers in words.
pub(crate) fn bar_chart(rows: &[(String, Vec<u32>)], legend: &[&str], name: &str) -> Markup {
    let desc = rows
        .iter()
        .map(|(label, values)| {
            let parts: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(j, v)| format!("{} {v}", legend.get(j).copied().unwrap_or("")))
                .collect();
            format!("{label}: {}", parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    const LABEL_W: u32 = 220;
    const BAR_W: u32 = 520;
    const ROW_H: u32 = 22;
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1);
    struct Seg {
        x: u32,
        w: u32,
        class: String,
        title: String,
    }
    let mut laid = Vec::new();
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = i as u32 * ROW_H + 4;
        let mut x = LABEL_W;
        let mut segs = Vec::new();
        for (j, v) in values.iter().enumerate() {
            let w = (u64::from(*v) * u64::from(BAR_W) / u64::from(max)) as u32;
            if w > 0 {
                segs.push(Seg {
                    x,
                    w,
                    class: format!("seg{j}"),
                    title: format!("{}: {v}", legend.get(j).copied().unwrap_or("")),
                });
            }
            x += w;
        }
        laid.push((label, y, segs, x, values.iter().sum::<u32>()));
    }
    let width = LABEL_W + BAR_W + 60;
    let ly = rows.len() as u32 * ROW_H + 8;
    let height = ly + 20;
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" width=(width) height=(height)
            viewBox=(format!("0 0 {width} {height}")) role="img" aria-labelledby="chart-title chart-desc" {
            title #chart-title { (name) }
            desc #chart-desc { (desc) }
            @for (label, y, segs, end, total) in &laid {
                text x="0" y=(y + 15) class="chart-label" { (label) }
                @for s in segs {
                    rect x=(s.x) y=(y) width=(s.w) height=(ROW_H - 6) class=(s.class) {
                        title { (s.title) }
                    }
                }
                text x=(end + 6) y=(y + 15) class="chart-label" { (total) }
            }
            @for (j, name) in legend.iter().enumerate() {
                rect x=(LABEL_W + j as u32 * 130) y=(ly) width="12" height="12" class=(format!("seg{j}")) {}
                text x=(LABEL_W + j as u32 * 130 + 16) y=(ly + 11) class="chart-label" { (name) }
            }
        }
    }
}
