//! The kecamatan a registry page looks at (`?kecamatan=CODE`): the map, the tidak-layak signals
//! and the desil list read every record of one kecamatan, so a supervisor of a kabupaten or an
//! admin picks one first. A supervisor of a kecamatan (or of one desa) needs no choice: their
//! wilayah is the area.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use pendata_shared::Lang;

use super::{html_response, page, t, wilayah_name, DashError, WebUser};
use crate::store::Scope;
use crate::tidak_layak::{registry_rows, RegistryRow};
use crate::AppState;

/// The area a page reads.
pub(crate) struct Area {
    /// The kecamatan's 6-digit code.
    pub kecamatan: String,
    /// What is read: the kecamatan, or the user's smaller wilayah inside it.
    pub scope: Scope,
}

/// The area for `requested` (absent: the user's own kecamatan, if their wilayah is one or
/// smaller). `Ok(None)`: a choice is needed. A kecamatan outside the wilayah is `404`, the
/// same answer as a record outside it.
pub(crate) fn area_of(user: &WebUser, requested: Option<&str>) -> Result<Option<Area>, DashError> {
    let own = user.scope();
    let wilayah = user.wilayah.as_str();
    let requested = requested.map(str::trim).filter(|k| !k.is_empty());
    if let Some(k) = requested {
        if k.len() != 6 || !k.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DashError::bad_request(
                "registry.bad_kecamatan",
                "Kode kecamatan harus 6 angka tanpa titik",
                "The kecamatan code must be 6 digits without dots",
            ));
        }
    }
    // A wilayah of a kecamatan or smaller is its own area.
    if wilayah.len() >= 6 && user.role != crate::store::Role::Admin {
        let kec = &wilayah[..6];
        if requested.is_some_and(|k| k != kec) {
            return Err(DashError::NotFound);
        }
        return Ok(Some(Area {
            kecamatan: kec.to_owned(),
            scope: own,
        }));
    }
    match requested {
        None => Ok(None),
        Some(k) if own.covers(k) => Ok(Some(Area {
            kecamatan: k.to_owned(),
            scope: Scope::within(k),
        })),
        Some(_) => Err(DashError::NotFound),
    }
}

/// The kecamatan chooser: the kecamatan of the user's kabupaten as links, and a code field.
pub(crate) fn chooser(lang: Lang, user: &WebUser, action: &str, current: Option<&str>) -> Markup {
    let w = pendata_shared::Wilayah::embedded();
    let wilayah = user.wilayah.as_str();
    let kecamatan: Vec<_> = if wilayah.len() == 4 {
        w.children(wilayah).collect()
    } else {
        Vec::new()
    };
    html! {
        form.filters method="get" action=(action) {
            label { (t(lang, "Kode kecamatan", "Kecamatan code"))
                input type="text" name="kecamatan" inputmode="numeric" maxlength="6"
                    value=(current.unwrap_or(""));
            }
            button type="submit" { (t(lang, "Tampilkan", "Show")) }
        }
        @if !kecamatan.is_empty() {
            nav.areas aria-label=(t(lang, "Kecamatan", "Kecamatan")) {
                ul {
                    @for k in &kecamatan {
                        li { a href=(format!("{action}?kecamatan={}", k.code)) { (k.name) } }
                    }
                }
            }
        }
        @if current.is_none() && kecamatan.is_empty() {
            p { (t(lang,
                "Pilih satu kecamatan (6 angka kode Kemendagri) di wilayah Anda.",
                "Choose one kecamatan (the 6-digit Kemendagri code) in your wilayah.")) " "
                (wilayah_name(wilayah)) }
        }
    }
}

/// The page asking for a kecamatan first (`extra` below the chooser).
pub(crate) fn choice_page(
    lang: Lang,
    user: &WebUser,
    title: &str,
    action: &str,
    extra: Markup,
) -> Response {
    let body = html! {
        h1 { (title) }
        (chooser(lang, user, action, None))
        (extra)
    };
    html_response(StatusCode::OK, page(lang, title, Some(user), body))
}

/// A filter form of an area's page: the kecamatan kept, one labelled `<select>` (`options` as
/// (value, label), `current` selected).
pub(crate) fn filter_form(
    lang: Lang,
    action: &str,
    kecamatan: &str,
    (label, name, id): (&str, &str, &str),
    options: &[(String, String)],
    current: &str,
) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            input type="hidden" name="kecamatan" value=(kecamatan);
            label { (label)
                select name=(name) id=(id) {
                    @for (v, l) in options {
                        option value=(v) selected[v == current] { (l) }
                    }
                }
            }
            button type="submit" { (t(lang, "Terapkan", "Apply")) }
        }
    }
}

/// Every record of the area with its desil and tidak-layak signals (`crate::tidak_layak`).
pub(crate) async fn registry_rows_of(
    state: &AppState,
    area: &Area,
) -> Result<Vec<RegistryRow>, DashError> {
    let registry = state.backend.registry.clone();
    let scope = area.scope.clone();
    let cutoffs = state.config.registry.desil_cutoff;
    Ok(state
        .records(move |records| registry_rows(records, registry.as_ref(), &scope, &cutoffs))
        .await?)
}
