//! Step Anggota: the members, one member's questions, and the families and dependents.

use dioxus::prelude::*;

use crate::form;
use crate::i18n::{pick, tr};
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::{field_row, findings_at, tid};

#[component]
pub fn MembersStep(open: Option<usize>) -> Element {
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
            {super::rows::rows_editor(&svc, &view, &h_json, lang, form::Rows::Families)}
            {super::rows::rows_editor(&svc, &view, &h_json, lang, form::Rows::Dependents)}
        }
    }
}
