//! The form's blocks for a family found living here: Blok I-III (`housing_step`), Blok IV one
//! member at a time (`members_step`), Blok V (`assets_step`). Questions are `dtsen_form`'s;
//! the conditional ones show only while the shared validator says they apply.

use dioxus::prelude::*;
use pendata_shared::{CodeList, Lang};

use crate::dtsen_form;
use crate::form::Field;
use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, VisitView};
use crate::widgets::{findings_at, question_row, tid};

fn fields(svc: &Service, view: &VisitView, lang: Lang, prefix: &str, list: &[Field]) -> Element {
    let json = serde_json::to_value(&view.family).unwrap_or_default();
    let ctx = super::ctx(view);
    rsx! {
        div { class: "fields",
            for field in list.iter() {
                {question_row(svc, &ctx, &json, lang, prefix, field)}
            }
        }
    }
}

pub fn housing_step(svc: &Service, view: &VisitView, lang: Lang) -> Element {
    rsx! {
        h3 { {tr(lang, "visit.family_block")} }
        {fields(svc, view, lang, "", dtsen_form::FAMILY)}
        crate::screens::household::location::GpsBox {}
        h3 { {tr(lang, "visit.housing_block")} }
        {fields(svc, view, lang, "", dtsen_form::HOUSING)}
    }
}

pub fn assets_step(svc: &Service, view: &VisitView, lang: Lang) -> Element {
    rsx! {
        h3 { {tr(lang, "visit.assets_block")} }
        {fields(svc, view, lang, "", dtsen_form::PROGRAMMES_ASSETS)}
    }
}

/// Blok IV: the members (404 first), one open at a time, and a new member (404 = 5).
#[component]
pub fn VisitMembers() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let mut new_name = use_signal(String::new);
    // A new input after each add: the typed name is not bound back (typing stays smooth).
    let mut added = use_signal(|| 0u32);
    let s = state.read();
    let lang = s.lang;
    let open = s.member_open;
    let Some(view) = s.visit.clone() else {
        return rsx! {};
    };
    drop(s);
    let f = &view.family;
    let id = f.id;
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
            for finding in member_findings {
                p { class: "finding error", {finding.message_in(lang).to_string()} }
            }
            ol {
                for (i, m) in f.members.iter().enumerate() {
                    li { key: "{m.id}",
                        span { "data-t": tid(&format!("member-name-{i}")), "{m.name}" }
                        " "
                        span { class: "relation", {m.relation.map(|r| r.label(lang)).unwrap_or("—")} }
                        " · "
                        span { class: "presence", {m.presence.map(|p| p.label(lang)).unwrap_or("—")} }
                        " "
                        button { "data-t": tid(&format!("member-edit-{i}")),
                            onclick: move |_| state.write().member_open = Some(i),
                            {tr(lang, "member.edit")}
                        }
                    }
                }
            }
            div { class: "add-member",
                input { "data-t": tid("member-new-name"), placeholder: tr(lang, "member.new_name"),
                    key: "{added}", oninput: move |e| new_name.set(e.value()) }
                button { "data-t": tid("member-add"), onclick: add, {tr(lang, "visit.add_member")} }
            }
            if let Some(i) = open.filter(|i| *i < f.members.len()) {
                fieldset { class: "member-form", "data-t": tid("member-form"),
                    legend { "{i + 1}. {f.members[i].name}" }
                    {fields(&svc, &view, lang, &format!("members[{i}]."), std::slice::from_ref(&dtsen_form::PRESENCE))}
                    {fields(&svc, &view, lang, &format!("members[{i}]."), dtsen_form::MEMBER)}
                    button { "data-t": tid("member-close"), onclick: move |_| state.write().member_open = None, {tr(lang, "member.close")} }
                }
            }
        }
    }
}
