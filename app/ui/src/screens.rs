//! The screens. Each reads the [`AppState`] signal and sends [`Intent`]s to the [`Service`];
//! none does SQL, HTTP or file I/O.
//!
//! Interactive elements carry a `data-t` attribute: a stable name for tests and for people
//! reading the page source, never personal data.

use dioxus::prelude::*;
use pendata_core::store::RecordState;
use pendata_shared::model::GeoSource;
use pendata_shared::photos::photo_checklist;
use pendata_shared::{Finding, Household, Lang, PhotoKind, Severity};

use crate::form::{self, Field, Input};
use crate::i18n::{pick, tr};
use crate::service::{Intent, Service};
use crate::state::{AppState, FormView, Screen, Step};

/// A test hook value (dynamic, so tests can find the element's id).
pub fn tid(name: &str) -> String {
    name.to_string()
}

fn state_label(s: RecordState, lang: Lang) -> &'static str {
    s.label(lang)
}

/// The screen chooser under the root.
#[component]
pub fn Screens() -> Element {
    let state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let screen = s.screen;
    let unlocked = !matches!(screen, Screen::Starting | Screen::Enrol | Screen::Unlock);
    let busy = s.busy;
    drop(s);
    rsx! {
        header { class: "top",
            h1 { "Pendata" }
            span { class: "subtitle", {tr(lang, "app.subtitle")} }
            if unlocked {
                NavBar {}
            }
        }
        if busy {
            p { class: "busy toast", "data-t": tid("busy"), {tr(lang, "busy")} }
        }
        crate::messages::Messages {}
        match screen {
            Screen::Starting => rsx! { p { {tr(lang, "busy")} } },
            Screen::Enrol => rsx! { EnrolScreen {} },
            Screen::Unlock => rsx! { UnlockScreen {} },
            Screen::Home => rsx! { HomeScreen {} },
            Screen::List => rsx! { ListScreen {} },
            Screen::Form => rsx! { FormScreen {} },
            Screen::Sync => rsx! { SyncScreen {} },
            Screen::Settings => rsx! { SettingsScreen {} },
        }
    }
}

#[component]
fn NavBar() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let ask = use_context::<crate::worklist::ListAsk>();
    let lang = state.read().lang;
    let go = move |screen: Screen| {
        let svc = svc.clone();
        move |_| {
            if let Some(f) = state.read().form.as_ref() {
                svc.send(Intent::CloseForm(f.household.id));
            }
            match screen {
                Screen::Home => svc.send(Intent::LoadHome),
                Screen::List => svc.send(Intent::Search(ask.current())),
                Screen::Settings => svc.send(Intent::LoadSettings),
                _ => {}
            }
            let mut s = state.write();
            s.screen = screen;
            s.error = None;
            s.clear_notices();
        }
    };
    rsx! {
        nav {
            button { "data-t": tid("nav-home"), onclick: go(Screen::Home), {tr(lang, "nav.home")} }
            button { "data-t": tid("nav-list"), onclick: go(Screen::List), {tr(lang, "nav.list")} }
            button { "data-t": tid("nav-sync"), onclick: go(Screen::Sync), {tr(lang, "nav.sync")} }
            button { "data-t": tid("nav-settings"), onclick: go(Screen::Settings), {tr(lang, "nav.settings")} }
        }
    }
}

#[component]
fn EnrolScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    let hint = use_context::<crate::service::ServiceConfig>()
        .server_hint
        .unwrap_or_default();
    let mut server = use_signal(|| hint.clone());
    let mut username = use_signal(String::new);
    let mut password = use_signal(String::new);
    let mut pin = use_signal(String::new);
    let mut pin2 = use_signal(String::new);
    let submit = move |_| {
        if pin() != pin2() {
            state.write().push_error(tr(lang, "enrol.pin_mismatch"));
            return;
        }
        svc.send(Intent::Enrol {
            server_url: server(),
            username: username(),
            password: password(),
            pin: pin(),
        });
    };
    rsx! {
        section { class: "card enrol",
            h2 { {tr(lang, "enrol.title")} }
            label { {tr(lang, "enrol.server")}
                input { "data-t": tid("enrol-server"), r#type: "url", placeholder: "https://…", value: "{hint}",
                    oninput: move |e| server.set(e.value()) }
            }
            label { {tr(lang, "enrol.username")}
                input { "data-t": tid("enrol-username"), oninput: move |e| username.set(e.value()) }
            }
            label { {tr(lang, "enrol.password")}
                input { "data-t": tid("enrol-password"), r#type: "password", oninput: move |e| password.set(e.value()) }
            }
            label { {tr(lang, "enrol.pin")}
                input { "data-t": tid("enrol-pin"), r#type: "password", inputmode: "numeric", oninput: move |e| pin.set(e.value()) }
            }
            label { {tr(lang, "enrol.pin2")}
                input { "data-t": tid("enrol-pin2"), r#type: "password", inputmode: "numeric", oninput: move |e| pin2.set(e.value()) }
            }
            button { class: "primary", "data-t": tid("enrol-submit"), onclick: submit, {tr(lang, "enrol.button")} }
        }
    }
}

#[component]
fn UnlockScreen() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    let mut pin = use_signal(String::new);
    let unlock = move |_| {
        svc.send(Intent::Unlock { pin: pin() });
    };
    rsx! {
        section { class: "card unlock",
            h2 { {tr(lang, "unlock.title")} }
            label { {tr(lang, "unlock.pin")}
                input { "data-t": tid("unlock-pin"), r#type: "password", inputmode: "numeric", autofocus: true,
                    oninput: move |e| pin.set(e.value()) }
            }
            button { class: "primary", "data-t": tid("unlock-submit"), onclick: unlock, {tr(lang, "unlock.button")} }
        }
    }
}

#[component]
fn HomeScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let home = s.home.clone();
    drop(s);
    let last = home
        .last_sync_at
        .clone()
        .unwrap_or_else(|| tr(lang, "home.never").to_string());
    rsx! {
        section { class: "card home",
            h2 { {tr(lang, "home.title")} }
            if let Some(u) = home.username.clone() { p { class: "user", "{u}" } }
            table { class: "counts",
                for (st, n) in home.states.iter().copied() {
                    tr { key: "{st.as_str()}", "data-t": tid(&format!("count-{}", st.as_str())),
                        td { {state_label(st, lang)} }
                        td { class: "num", "{n}" }
                    }
                }
            }
            p { "data-t": tid("home-unsent"), {tr(lang, "home.unsent")} ": " strong { "{home.unsent}" } }
            p { {tr(lang, "home.assignments")} ": " strong { "{home.assignments}" } }
            p { "data-t": tid("home-last-sync"), {tr(lang, "home.last_sync")} ": {last}" }
            button { class: "primary", "data-t": tid("home-sync"),
                onclick: move |_| {
                    state.write().screen = Screen::Sync;
                    svc.send(Intent::Sync);
                },
                {tr(lang, "home.sync_now")}
            }
            crate::connection::ConnectionBox {}
        }
    }
}

#[component]
fn ListScreen() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let list = s.list.clone();
    drop(s);
    // The filters show the query as last asked for (an answer to an older one may be on
    // screen for a moment); the handlers change it through `ListAsk`, never from a copy.
    let ask = use_context::<crate::worklist::ListAsk>();
    let q = ask.current();
    let shown_page = list.query.page;
    let more = list.assignments.len() as u32 >= crate::state::PAGE_SIZE
        || list.households.len() as u32 >= crate::state::PAGE_SIZE;
    let page = shown_page + 1;
    rsx! {
        section { class: "card list",
            crate::proposal::NewProposal {}
            h2 { {tr(lang, "list.title")} crate::worklist::MatchCount {} }
            div { class: "filters",
                crate::worklist::SearchBox {}
                select { "data-t": tid("list-state"),
                    onchange: {
                        let svc = svc.clone();
                        move |e: FormEvent| ask.now(&svc, |q| {
                            q.state = RecordState::parse(&e.value());
                            q.page = 0;
                        })
                    },
                    option { value: "", selected: q.state.is_none(), {tr(lang, "list.all_states")} }
                    for st in RecordState::ALL.iter().copied().filter(|s| *s != RecordState::Deleted) {
                        option { key: "{st.as_str()}", value: st.as_str(), selected: q.state == Some(st), {state_label(st, lang)} }
                    }
                }
                select { "data-t": tid("list-desa"),
                    onchange: {
                        let svc = svc.clone();
                        move |e: FormEvent| {
                            let v = e.value();
                            ask.now(&svc, |q| {
                                q.desa = (!v.is_empty()).then_some(v);
                                q.page = 0;
                            })
                        }
                    },
                    option { value: "", selected: q.desa.is_none(), {tr(lang, "list.all_desa")} }
                    for (code, name) in list.desa_options.iter().cloned() {
                        option { key: "{code}", value: "{code}", selected: q.desa.as_deref() == Some(code.as_str()), "{name}" }
                    }
                }
            }
            if !list.assignments.is_empty() {
                h3 { {tr(lang, "list.prelist")} }
                ul { class: "rows",
                    for a in list.assignments.iter().cloned() {
                        li { key: "{a.household_id}",
                            button { "data-t": tid(&format!("open-prelist-{}", a.prelist_id)),
                                onclick: {
                                    let svc = svc.clone();
                                    move |_| svc.send(Intent::OpenAssignment(a.household_id))
                                },
                                strong { "{a.head_name}" }
                                " · {a.prelist_id} · {a.address}"
                            }
                        }
                    }
                }
            }
            h3 { {tr(lang, "list.households")} }
            if list.households.is_empty() {
                p { class: "empty", {tr(lang, "list.empty")} }
            }
            ul { class: "rows",
                for h in list.households.iter().cloned() {
                    li { key: "{h.id}",
                        button { "data-t": tid(&format!("open-household-{}", h.prelist_id.clone().unwrap_or_else(|| h.id.to_string()))),
                            onclick: {
                                let svc = svc.clone();
                                move |_| svc.send(Intent::OpenHousehold(h.id))
                            },
                            if h.head_name.trim().is_empty() {
                                strong { class: "no-name", {tr(lang, "list.no_head_name")} }
                            } else {
                                strong { "{h.head_name}" }
                            }
                            " · {h.address} · {h.member_count} {tr(lang, \"list.members\")} · "
                            span { class: "state {h.state.as_str()}", {state_label(h.state, lang)} }
                            if h.kind == "usulan_baru" { " · " span { class: "tag", {tr(lang, "proposal.tag")} } }
                        }
                    }
                }
            }
            div { class: "pager",
                button { "data-t": tid("list-prev"), disabled: shown_page == 0,
                    onclick: {
                        let svc = svc.clone();
                        move |_| ask.now(&svc, |q| q.page = shown_page.saturating_sub(1))
                    },
                    {tr(lang, "list.prev")}
                }
                span { "{tr(lang, \"list.page\")} {page}" }
                button { "data-t": tid("list-next"), disabled: !more,
                    onclick: {
                        let svc = svc.clone();
                        move |_| ask.now(&svc, |q| q.page = shown_page + 1)
                    },
                    {tr(lang, "list.next")}
                }
            }
        }
    }
}

/// Findings at one field.
fn findings_at<'a>(findings: &'a [Finding], path: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.path == path).collect()
}

/// One question: label, input, and the findings at it. Hidden when its skip rule says so.
pub(crate) fn field_row(
    svc: &Service,
    view: &FormView,
    h_json: &serde_json::Value,
    lang: Lang,
    prefix: &str,
    field: &Field,
) -> Element {
    let path = form::full_path(prefix, field);
    if field.conditional && view.hidden.contains(&path) {
        return rsx! {};
    }
    let id = view.household.id;
    let current = view
        .field_errors
        .get(&path)
        .map(|_| String::new())
        .unwrap_or_else(|| form::value_text(h_json, &path));
    let onchange = {
        let (svc, path) = (svc.clone(), path.clone());
        move |e: FormEvent| {
            svc.send(Intent::SetText {
                id,
                path: path.clone(),
                text: e.value(),
            })
        }
    };
    let found = findings_at(&view.findings, &path);
    let refused = view.field_errors.get(&path).cloned();
    let label = pick(lang, field.label);
    let hook = tid(&format!("f-{path}"));
    let input = match field.input {
        Input::Code(options) => rsx! {
            select { "data-t": hook, onchange,
                option { value: "", selected: current.is_empty(), {tr(lang, "form.choose")} }
                for (code, id_label, en_label) in options() {
                    option { key: "{code}", value: "{code}", selected: current == code.to_string(),
                        "{code} {pick(lang, (id_label, en_label))}" }
                }
            }
        },
        Input::Date => {
            rsx! { input { "data-t": hook, r#type: "date", value: "{current}", onchange } }
        }
        Input::Int | Input::Float => {
            rsx! { input { "data-t": hook, inputmode: "decimal", value: "{current}", onchange } }
        }
        Input::Text => rsx! { input { "data-t": hook, value: "{current}", onchange } },
        Input::Cards => crate::rows::identity_cards(svc, id, &path, &current, lang),
    };
    rsx! {
        div { class: "field", key: "{path}",
            label { "{label}" {input} }
            if let Some(r) = refused {
                p { class: "finding error", "{r}" }
            }
            for f in found {
                p { class: if f.severity == Severity::Error { "finding error" } else { "finding warning" },
                    "data-t": tid(&format!("finding-{path}")),
                    {f.message_in(lang).to_string()}
                }
            }
        }
    }
}

#[component]
fn FormScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let step = s.step;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    let member_open = s.member_open;
    let full_photo = s.full_photo.clone();
    drop(s);
    let h = &view.household;
    let head = h
        .head()
        .map(|m| m.name.clone())
        .unwrap_or_else(|| "—".into());
    let place = pendata_shared::Wilayah::embedded().describe(&h.location.desa_code);
    let h_json = serde_json::to_value(h).unwrap_or_default();
    let body = match step {
        Step::Location => location_step(&svc, &view, &h_json, lang),
        Step::Status => rsx! {
            {crate::proposal::musdes_fields(&svc, &view, &h_json, lang)}
            {fields_step(&svc, &view, &h_json, lang, form::STATUS)}
        },
        Step::Housing => fields_step(&svc, &view, &h_json, lang, form::HOUSING),
        Step::Assets => rsx! {
            {fields_step(&svc, &view, &h_json, lang, form::ASSETS)}
            {crate::rows::rows_editor(&svc, &view, &h_json, lang, form::Rows::Businesses)}
        },
        Step::Members => rsx! { MembersStep { open: member_open } },
        Step::Photos => rsx! { PhotosStep {} },
        Step::Review => rsx! { ReviewStep {} },
    };
    rsx! {
        section { class: "card form",
            h2 { "data-t": tid("form-head"), "{head}" }
            p { class: "place", "{place}" }
            p { class: "state", {tr(lang, "form.state")} ": "
                span { "data-t": tid("form-state"), {state_label(view.state, lang)} }
                {crate::proposal::kind_tag(&view, lang)}
                " · " {tr(lang, "form.saved")}
            }
            if let Some(note) = view.review_note.clone() {
                if view.state == RecordState::Rejected {
                    p { class: "finding warning", {tr(lang, "form.review_note")} ": {note}" }
                }
            }
            nav { class: "steps",
                for st in Step::ALL {
                    button { key: "{st.slug()}", "data-t": tid(&format!("step-{}", st.slug())),
                        class: if st == step { "current" } else { "" },
                        onclick: move |_| {
                            let mut s = state.write();
                            s.step = st;
                            s.member_open = None;
                        },
                        {tr(lang, st.key())}
                    }
                }
            }
            {body}
            if let Some(url) = full_photo {
                div { class: "overlay", "data-t": tid("photo-full"),
                    img { src: "{url}", alt: "foto" }
                    button { "data-t": tid("photo-close"), onclick: move |_| svc.send(Intent::ClosePhoto), {tr(lang, "photo.close")} }
                }
            }
        }
    }
}

fn fields_step(
    svc: &Service,
    view: &FormView,
    h_json: &serde_json::Value,
    lang: Lang,
    fields: &[Field],
) -> Element {
    rsx! {
        div { class: "fields",
            for field in fields.iter() {
                {field_row(svc, view, h_json, lang, "", field)}
            }
        }
    }
}

fn location_step(
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

/// The house position: the webview's geolocation where it exists, else typed coordinates or
/// a photo's EXIF position; the source is always kept with the position.
#[component]
fn GpsBox() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    drop(s);
    let id = view.household.id;
    let mut lat = use_signal(String::new);
    let mut lon = use_signal(String::new);
    let shown = view.household.geotag.clone();
    let photo_has_position = view.photos.iter().any(|p| p.has_position);
    let take_gps = {
        let svc = svc.clone();
        move |_| {
            let svc = svc.clone();
            spawn(async move {
                let js = r#"
                    if (!navigator.geolocation) { return null; }
                    return await new Promise((ok) => navigator.geolocation.getCurrentPosition(
                        (p) => ok([p.coords.latitude, p.coords.longitude, p.coords.accuracy]),
                        () => ok(null), { enableHighAccuracy: true, timeout: 20000 }));
                "#;
                match document::eval(js).join::<Option<(f64, f64, f64)>>().await {
                    Ok(Some((latitude, longitude, accuracy))) => svc.send(Intent::SetGeotag {
                        id,
                        latitude,
                        longitude,
                        accuracy_m: Some(accuracy),
                        source: GeoSource::Gps,
                    }),
                    _ => state.write().push_error(tr(lang, "gps.unavailable")),
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
                    source: GeoSource::Manual,
                }),
                _ => state.write().push_error(tr(lang, "gps.bad_number")),
            }
        }
    };
    let geotag_findings: Vec<Finding> = view
        .findings
        .iter()
        .filter(|f| f.path.starts_with("geotag"))
        .cloned()
        .collect();
    rsx! {
        fieldset { class: "gps",
            legend { {tr(lang, "gps.title")} }
            p { "data-t": tid("gps-current"),
                match shown {
                    Some(g) => rsx! { "{g.latitude:.6}, {g.longitude:.6} (" {tr(lang, geo_source_key(g.source))} ")" },
                    None => rsx! { {tr(lang, "gps.none")} },
                }
            }
            for f in geotag_findings {
                p { class: "finding warning", {f.message_in(lang).to_string()} }
            }
            button { "data-t": tid("gps-take"), onclick: take_gps, {tr(lang, "gps.take")} }
            label { {tr(lang, "gps.lat")} input { "data-t": tid("gps-lat"), oninput: move |e| lat.set(e.value()) } }
            label { {tr(lang, "gps.lon")} input { "data-t": tid("gps-lon"), oninput: move |e| lon.set(e.value()) } }
            button { "data-t": tid("gps-manual"), onclick: save_manual, {tr(lang, "gps.manual_save")} }
            if photo_has_position {
                button { "data-t": tid("gps-photo"), onclick: move |_| svc.send(Intent::GeotagFromPhoto(id)), {tr(lang, "gps.from_photo")} }
            }
        }
    }
}

#[component]
fn MembersStep(open: Option<usize>) -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    drop(s);
    let id = view.household.id;
    let mut new_name = use_signal(String::new);
    // A new input after each add: the typed name is not bound back (typing stays smooth).
    let mut added = use_signal(|| 0u32);
    let h_json = serde_json::to_value(&view.household).unwrap_or_default();
    let member_findings = findings_at(&view.findings, "members");
    let add = {
        let svc = svc.clone();
        move |_| {
            svc.send(Intent::AddMember {
                id,
                name: new_name(),
            });
            new_name.set(String::new());
            added += 1;
        }
    };
    rsx! {
        div { class: "members",
            for f in member_findings {
                p { class: "finding error", {f.message_in(lang).to_string()} }
            }
            ol {
                for (i, m) in view.household.members.iter().enumerate() {
                    li { key: "{m.id}",
                        span { "data-t": tid(&format!("member-name-{i}")), "{m.name}" }
                        " "
                        span { class: "relation", {m.relation_to_head.map(|r| pick(lang, (r.label_id(), r.label_en()))).unwrap_or("—")} }
                        " "
                        button { "data-t": tid(&format!("member-edit-{i}")),
                            onclick: move |_| state.write().member_open = Some(i),
                            {tr(lang, "member.edit")}
                        }
                        button { "data-t": tid(&format!("member-remove-{i}")),
                            onclick: {
                                let (svc, member) = (svc.clone(), m.id);
                                move |_| {
                                    state.write().member_open = None;
                                    svc.send(Intent::RemoveMember { id, member });
                                }
                            },
                            {tr(lang, "member.remove")}
                        }
                    }
                }
            }
            div { class: "add-member",
                input { "data-t": tid("member-new-name"), placeholder: tr(lang, "member.new_name"),
                    key: "{added}", oninput: move |e| new_name.set(e.value()) }
                button { "data-t": tid("member-add"), onclick: add, {tr(lang, "member.add")} }
            }
            if let Some(i) = open.filter(|i| *i < view.household.members.len()) {
                fieldset { class: "member-form", "data-t": tid("member-form"),
                    legend { "{i + 1}. {view.household.members[i].name}" }
                    for field in form::MEMBER.iter() {
                        {field_row(&svc, &view, &h_json, lang, &format!("members[{i}]."), field)}
                    }
                    button { "data-t": tid("member-close"), onclick: move |_| state.write().member_open = None, {tr(lang, "member.close")} }
                }
            }
            {crate::rows::rows_editor(&svc, &view, &h_json, lang, form::Rows::Families)}
            {crate::rows::rows_editor(&svc, &view, &h_json, lang, form::Rows::Dependents)}
        }
    }
}

/// The photo checklist of a household (kinds and whether each is present): pure, no I/O.
#[component]
pub fn PhotoChecklist(household: Household) -> Element {
    let items = photo_checklist(&household);
    let done = items.iter().filter(|(_, present)| *present).count();
    let total = items.len();
    rsx! {
        div { class: "photo-checklist",
            p { class: "count", "data-t": tid("photo-count"), "Foto {done}/{total}" }
            ul {
                for (kind, present) in items {
                    li {
                        key: "{kind}",
                        class: if present { "done" } else { "missing" },
                        span { class: "mark", if present { "✓" } else { "✗" } }
                        " {kind.stereotype()} — {kind.label_id()}"
                    }
                }
            }
        }
    }
}

#[component]
fn PhotosStep() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    drop(s);
    let id = view.household.id;
    let items = photo_checklist(&view.household);
    let photo_findings = findings_at(&view.findings, "photos");
    rsx! {
        div { class: "photos",
            PhotoChecklist { household: view.household.clone() }
            div { class: "thumbs",
                for (kind, present) in items {
                    div { key: "{kind}", class: "thumb",
                        p { strong { "{kind.stereotype()}" } " " {pick(lang, (kind.label_id(), kind.label_en()))} }
                        {
                            let thumb = view.photos.iter().find(|p| p.kind == kind.stereotype()).cloned();
                            match thumb {
                                Some(t) => rsx! {
                                    img { src: "{t.data_url}", alt: "{kind.stereotype()}", "data-t": tid(&format!("thumb-{}", kind.stereotype())) }
                                    button { "data-t": tid(&format!("photo-view-{}", kind.stereotype())),
                                        onclick: {
                                            let svc = svc.clone();
                                            move |_| svc.send(Intent::ViewPhoto(t.sha256.clone()))
                                        },
                                        {tr(lang, "photo.view")}
                                    }
                                },
                                None => rsx! { p { class: "missing", {tr(lang, "photo.missing")} } },
                            }
                        }
                        label { class: "take",
                            if present { {tr(lang, "photo.retake")} } else { {tr(lang, "photo.take")} }
                            input { r#type: "file", accept: "image/jpeg,image/png", "data-t": tid(&format!("photo-file-{}", kind.stereotype())),
                                onchange: {
                                    let svc = svc.clone();
                                    move |e: FormEvent| take_photo(&svc, id, kind, e)
                                }
                            }
                        }
                        PhotoPathInput { kind }
                    }
                }
            }
            for f in photo_findings {
                p { class: "finding error", {f.message_in(lang).to_string()} }
            }
            CameraNote {}
        }
    }
}

/// A typed path, for the desktop data-entry desk (and keyboard-only use).
#[component]
fn PhotoPathInput(kind: PhotoKind) -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let Some(id) = state.read().form.as_ref().map(|f| f.household.id) else {
        return rsx! {};
    };
    rsx! {
        input { class: "path", placeholder: "/path/foto.jpg", "data-t": tid(&format!("photo-path-{}", kind.stereotype())),
            onchange: move |e: FormEvent| {
                let v = e.value();
                if !v.trim().is_empty() {
                    svc.send(Intent::AddPhotoFile { id, kind, path: v.trim().into() });
                }
            }
        }
    }
}

/// A picked file goes to the service by path (desktop gives the path); without a path the
/// bytes are read here from the platform's file object and handed over.
fn take_photo(svc: &Service, id: pendata_shared::HouseholdId, kind: PhotoKind, e: FormEvent) {
    let Some(file) = e.files().into_iter().next() else {
        return;
    };
    let path = file.path();
    if !path.as_os_str().is_empty() {
        svc.send(Intent::AddPhotoFile { id, kind, path });
        return;
    }
    let svc = svc.clone();
    spawn(async move {
        if let Ok(bytes) = file.read_bytes().await {
            svc.send(Intent::AddPhotoBytes {
                id,
                kind,
                bytes: bytes.to_vec(),
            });
        }
    });
}

/// On Android the file input does not open the camera (Dioxus 0.7.10); see docs/app.md.
#[component]
fn CameraNote() -> Element {
    #[cfg(target_os = "android")]
    {
        let lang = use_context::<Signal<AppState>>().read().lang;
        rsx! { p { class: "note", {crate::camera::unavailable_note(lang)} } }
    }
    #[cfg(not(target_os = "android"))]
    {
        rsx! {}
    }
}

#[component]
fn ReviewStep() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    drop(s);
    let id = view.household.id;
    let errors: Vec<&Finding> = view
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings: Vec<&Finding> = view
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    let is_final = matches!(
        view.state,
        RecordState::Final | RecordState::Queued | RecordState::Sent | RecordState::Approved
    );
    let svc2 = svc.clone();
    let svc3 = svc.clone();
    rsx! {
        div { class: "review",
            if view.findings.is_empty() {
                p { {tr(lang, "review.none")} }
            }
            if !errors.is_empty() {
                h3 { {tr(lang, "review.errors")} }
                ul { "data-t": tid("review-errors"),
                    for f in errors.iter() {
                        li { class: "finding error", "{f.path}: {f.message_in(lang)}" }
                    }
                }
            }
            if !warnings.is_empty() {
                h3 { {tr(lang, "review.warnings")} }
                ul { "data-t": tid("review-warnings"),
                    for f in warnings.iter() {
                        li { class: "finding warning", "{f.path}: {f.message_in(lang)}" }
                    }
                }
            }
            if is_final {
                p { class: "notice", "data-t": tid("review-final"), {tr(lang, "review.done")} }
                if view.state == RecordState::Final {
                    button { "data-t": tid("review-reopen"), onclick: move |_| svc2.send(Intent::Reopen(id)), {tr(lang, "review.reopen")} }
                }
            } else if !errors.is_empty() {
                p { class: "finding error", "data-t": tid("review-blocked"), {tr(lang, "review.blocked")} }
                button { class: "primary", disabled: true, "data-t": tid("review-finalize"), {tr(lang, "review.finalize")} }
            } else if !warnings.is_empty() {
                button { class: "primary", "data-t": tid("review-confirm"), onclick: move |_| svc.send(Intent::Finalize(id)), {tr(lang, "review.confirm")} }
            } else {
                button { class: "primary", "data-t": tid("review-finalize"), onclick: move |_| svc.send(Intent::Finalize(id)), {tr(lang, "review.finalize")} }
            }
            {crate::rows::notes_field(&svc3, &view, lang)}
            crate::proposal::DeleteBox {}
        }
    }
}

#[component]
fn SyncScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let busy = s.busy;
    let v = s.sync.clone();
    drop(s);
    let done = v.phase == Some("sync.phase.done");
    let pct = (v.bytes_done.saturating_mul(100))
        .checked_div(v.bytes_total)
        .or_else(|| v.items_done.saturating_mul(100).checked_div(v.items_total))
        .unwrap_or(if done { 100 } else { 0 });
    let svc2 = svc.clone();
    rsx! {
        section { class: "card sync",
            h2 { {tr(lang, "sync.title")} }
            button { class: "primary", "data-t": tid("sync-start"), disabled: busy,
                onclick: move |_| svc.send(Intent::Sync), {tr(lang, "sync.start")} }
            if let Some(offline) = v.offline.clone() {
                p { class: "error", role: "alert", "data-t": tid("sync-offline"), strong { "{offline}" } }
            }
            if let Some(phase) = v.phase {
                p { "data-t": tid("sync-phase"), {tr(lang, phase)} }
                progress { max: "100", value: "{pct}" }
                p { "{v.items_done}/{v.items_total} {tr(lang, \"sync.items\")} · {v.bytes_done}/{v.bytes_total} {tr(lang, \"sync.bytes\")}" }
            }
            if let Some(sum) = v.summary.clone() {
                p { class: "notice", "data-t": tid("sync-summary"), "{sum}" }
            }
            if !v.problems.is_empty() {
                h3 { {tr(lang, "sync.problems")} }
                ul { "data-t": tid("sync-problems"),
                    for p in v.problems.iter() { li { "{p}" } }
                }
            }
            if !v.rejected.is_empty() {
                h3 { {tr(lang, "sync.rejected")} }
                ul {
                    for (id, name, note) in v.rejected.iter().cloned() {
                        li { key: "{id}",
                            strong { "{name}" } ": {note} "
                            button { "data-t": tid("sync-fix"),
                                onclick: {
                                    let svc = svc2.clone();
                                    move |_| {
                                        state.write().next_step = Some(Step::Review);
                                        svc.send(Intent::OpenHousehold(id));
                                    }
                                },
                                {tr(lang, "sync.fix")}
                            }
                        }
                    }
                }
            }
        }
    }
}

#[component]
fn SettingsScreen() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let set = s.settings.clone();
    drop(s);
    // The typed PINs stay as typed (the inputs are not bound back).
    let mut old = use_signal(String::new);
    let mut new = use_signal(String::new);
    let size_kib = set.data_bytes / 1024;
    let (s1, s2, s3, s4) = (svc.clone(), svc.clone(), svc.clone(), svc.clone());
    rsx! {
        section { class: "card settings",
            h2 { {tr(lang, "settings.title")} }
            fieldset {
                legend { {tr(lang, "settings.language")} }
                button { "data-t": tid("lang-id"), class: if lang == Lang::Id { "current" } else { "" },
                    onclick: move |_| s1.send(Intent::SetLang(Lang::Id)), "Bahasa Indonesia" }
                button { "data-t": tid("lang-en"), class: if lang == Lang::En { "current" } else { "" },
                    onclick: move |_| s2.send(Intent::SetLang(Lang::En)), "English" }
            }
            p { {tr(lang, "settings.server")} ": " {set.server.clone().unwrap_or_default()} }
            p { {tr(lang, "settings.user")} ": " {set.username.clone().unwrap_or_default()} }
            fieldset {
                legend { {tr(lang, "settings.change_pin")} }
                label { {tr(lang, "settings.old_pin")} input { "data-t": tid("pin-old"), r#type: "password", oninput: move |e| old.set(e.value()) } }
                label { {tr(lang, "settings.new_pin")} input { "data-t": tid("pin-new"), r#type: "password", oninput: move |e| new.set(e.value()) } }
                button { "data-t": tid("pin-change"),
                    onclick: move |_| {
                        s3.send(Intent::ChangePin { old: old(), new: new() });
                    },
                    {tr(lang, "settings.change_pin")}
                }
            }
            fieldset {
                legend { {tr(lang, "settings.about")} }
                p { {tr(lang, "settings.version")} ": " {env!("CARGO_PKG_VERSION")} }
                p { {tr(lang, "settings.data_dir")} ": {set.data_dir}" }
                p { "data-t": tid("data-size"), {tr(lang, "settings.data_size")} ": {size_kib} KiB" }
            }
            button { "data-t": tid("lock"), onclick: move |_| s4.send(Intent::Lock), {tr(lang, "settings.lock")} }
        }
    }
}
