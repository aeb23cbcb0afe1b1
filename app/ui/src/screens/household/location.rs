//! Step Lokasi: the desa, the address fields and the house position (GPS).

use dioxus::prelude::*;
use pendata_shared::model::GeoSource;
use pendata_shared::{Finding, Lang};

use crate::form;
use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, FormView};
use crate::widgets::{field_row, findings_at, tid};

pub fn location_step(
    svc: &Service,
    view: &FormView,
    h_json: &serde_json::Value,
    lang: Lang,
) -> Element {
    let id = view.household.id;
    let desa = view.household.location.desa_code.clone();
    let on_desa = {
        let svc = svc.clone();
        move |e: FormEvent| {
            svc.send(Intent::SetText {
                id,
                path: "location.desa_code".into(),
                text: e.value(),
            })
        }
    };
    let desa_findings = findings_at(&view.findings, "location.desa_code");
    rsx! {
        div { class: "fields",
            div { class: "field",
                label { {tr(lang, "form.desa")}
                    select { "data-t": tid("f-location.desa_code"), onchange: on_desa,
                        if !view.desa_options.iter().any(|(c, _)| *c == desa) {
                            option { value: "{desa}", selected: true, "{desa}" }
                        }
                        for (code, name) in view.desa_options.iter().cloned() {
                            option { key: "{code}", value: "{code}", selected: code == desa, "{name}" }
                        }
                    }
                }
                for f in desa_findings {
                    p { class: "finding error", {f.message_in(lang).to_string()} }
                }
            }
            for field in form::LOCATION.iter() {
                {field_row(svc, view, h_json, lang, "", field)}
            }
            GpsBox {}
        }
    }
}

fn geo_source_key(s: GeoSource) -> &'static str {
    match s {
        GeoSource::Gps => "gps.source.gps",
        GeoSource::Manual => "gps.source.manual",
        GeoSource::PhotoExif => "gps.source.photo_exif",
    }
}

/// When a position was measured, in the phone's time zone.
fn fix_time_text(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// The house position: the webview's geolocation where it exists, else typed coordinates or
/// a photo's EXIF position; the source is always kept with the position.
/// Shown on the household form's first step and on a ground-check visit's housing step.
#[component]
pub(crate) fn GpsBox() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let mut lat = use_signal(String::new);
    let mut lon = use_signal(String::new);
    let s = state.read();
    let lang = s.lang;
    let (id, shown, photos, findings) = if let Some(v) = s.form.as_ref() {
        (
            v.household.id,
            v.household.geotag.clone(),
            v.photos.clone(),
            v.findings.clone(),
        )
    } else if let Some(v) = s.visit.as_ref() {
        (
            v.family.id,
            v.family.geotag.clone(),
            v.photos.clone(),
            v.findings.clone(),
        )
    } else if let Some(v) = s.case.as_ref() {
        (
            v.record.id,
            v.record.geotag.clone(),
            v.photos.clone(),
            v.findings.clone(),
        )
    } else {
        return rsx! {};
    };
    drop(s);
    let photo_has_position = photos.iter().any(|p| p.has_position);
    let take_gps = {
        let svc = svc.clone();
        move |_| {
            let svc = svc.clone();
            spawn(async move {
                match crate::platform::current_position().await {
                    Some(p) => svc.send(Intent::SetGeotag {
                        id,
                        latitude: p.latitude,
                        longitude: p.longitude,
                        accuracy_m: Some(p.accuracy_m),
                        fix_time_ms: Some(p.fix_time_ms),
                        source: GeoSource::Gps,
                    }),
                    None => state.write().push_error(tr(lang, "gps.unavailable")),
                }
            });
        }
    };
    let save_manual = {
        let svc = svc.clone();
        move |_| {
            let parse = |s: String| s.trim().replace(',', ".").parse::<f64>().ok();
            match (parse(lat()), parse(lon())) {
                (Some(latitude), Some(longitude)) => svc.send(Intent::SetGeotag {
                    id,
                    latitude,
                    longitude,
                    accuracy_m: None,
                    fix_time_ms: None,
                    source: GeoSource::Manual,
                }),
                _ => state.write().push_error(tr(lang, "gps.bad_number")),
            }
        }
    };
    let geotag_findings: Vec<Finding> = findings
        .iter()
        .filter(|f| f.path.starts_with("geotag"))
        .cloned()
        .collect();
    rsx! {
        fieldset { class: "gps",
            legend { {tr(lang, "gps.title")} }
            p { "data-t": tid("gps-current"),
                match shown {
                    Some(g) => rsx! {
                        "{g.latitude:.6}, {g.longitude:.6} (" {tr(lang, geo_source_key(g.source))} ")"
                        if let Some(acc) = g.accuracy_m {
                            span { class: "accuracy", "data-t": tid("gps-accuracy"), " ± {acc:.0} m" }
                        }
                        span { class: "fix-time", " · {fix_time_text(&g.fix_time)}" }
                    },
                    None => rsx! { {tr(lang, "gps.none")} },
                }
            }
            for f in geotag_findings {
                p { class: "finding warning", {f.message_in(lang).to_string()} }
            }
            button { "data-t": tid("gps-take"), onclick: take_gps, {tr(lang, "gps.take")} }
            label { {tr(lang, "gps.lat")} input { "data-t": tid("gps-lat"), inputmode: "decimal", oninput: move |e| lat.set(e.value()) } }
            label { {tr(lang, "gps.lon")} input { "data-t": tid("gps-lon"), inputmode: "decimal", oninput: move |e| lon.set(e.value()) } }
            button { "data-t": tid("gps-manual"), onclick: save_manual, {tr(lang, "gps.manual_save")} }
            if photo_has_position {
                button { "data-t": tid("gps-photo"), onclick: move |_| svc.send(Intent::GeotagFromPhoto(id)), {tr(lang, "gps.from_photo")} }
            }
        }
    }
}
