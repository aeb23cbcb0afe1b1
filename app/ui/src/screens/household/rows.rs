//! Editors for the household's row lists: families (KK), the members' businesses and the
//! children in the household's care. Each row's questions are ordinary fields (autosaved one
//! by one through the service); adding and removing a row sends `Intent::AddRow` /
//! `Intent::RemoveRow`. No I/O here.

use dioxus::prelude::*;
use pendata_shared::codes::YesNo;
use pendata_shared::{Lang, Severity};

use crate::form::{self, Rows};
use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::FormView;
use crate::widgets::{field_row, tid};

/// The title of a list in the string table.
const fn title_key(rows: Rows) -> &'static str {
    match rows {
        Rows::Families => "rows.families",
        Rows::Businesses => "rows.businesses",
        Rows::Dependents => "rows.dependents",
    }
}

/// Whether the list is asked now (businesses only when a member runs one).
pub fn asked(rows: Rows, view: &FormView) -> bool {
    match rows {
        Rows::Businesses => view.household.assets.has_business == Some(YesNo::Yes),
        Rows::Families | Rows::Dependents => true,
    }
}

/// One list: its rows with their questions, a remove button each, and an add button.
pub fn rows_editor(
    svc: &Service,
    view: &FormView,
    h_json: &serde_json::Value,
    lang: Lang,
    rows: Rows,
) -> Element {
    if !asked(rows, view) {
        return rsx! {};
    }
    let id = view.household.id;
    let n = match rows {
        Rows::Families => view.household.families.len(),
        Rows::Businesses => view.household.assets.businesses.len(),
        Rows::Dependents => view.household.dependents.len(),
    };
    let slug = rows.slug();
    let list_findings: Vec<_> = view
        .findings
        .iter()
        .filter(|f| f.path == rows.path())
        .cloned()
        .collect();
    let add = {
        let svc = svc.clone();
        move |_| svc.send(Intent::AddRow { id, rows })
    };
    rsx! {
        fieldset { class: "rows {slug}", "data-t": tid(&format!("rows-{slug}")),
            legend { {tr(lang, title_key(rows))} " ({n})" }
            for f in list_findings {
                p { class: if f.severity == Severity::Error { "finding error" } else { "finding warning" },
                    {f.message_in(lang).to_string()}
                }
            }
            for i in 0..n {
                div { key: "{slug}-{i}", class: "row", "data-t": tid(&format!("{slug}-{i}")),
                    strong { "{i + 1}." }
                    if rows == Rows::Dependents {
                        {dependent_member(svc, view, lang, i)}
                    }
                    for field in rows.fields().iter() {
                        {field_row(svc, view, h_json, lang, &format!("{}[{i}].", rows.path()), field)}
                    }
                    button { "data-t": tid(&format!("{slug}-remove-{i}")),
                        onclick: {
                            let svc = svc.clone();
                            move |_| svc.send(Intent::RemoveRow { id, rows, index: i })
                        },
                        {tr(lang, "rows.remove")}
                    }
                }
            }
            button { "data-t": tid(&format!("{slug}-add")), onclick: add, {tr(lang, "rows.add")} }
        }
    }
}

/// Which member a dependent is (a picker over the household's members).
fn dependent_member(svc: &Service, view: &FormView, lang: Lang, i: usize) -> Element {
    let id = view.household.id;
    let path = format!("dependents[{i}].member_id");
    let current = view
        .household
        .dependents
        .get(i)
        .and_then(|d| d.member_id)
        .map(|m| m.to_string())
        .unwrap_or_default();
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
    rsx! {
        div { class: "field",
            label { {tr(lang, "rows.dependent_member")}
                select { "data-t": tid(&format!("f-{path}")), onchange,
                    option { value: "", selected: current.is_empty(), {tr(lang, "form.choose")} }
                    for m in view.household.members.iter() {
                        option { key: "{m.id}", value: "{m.id}", selected: current == m.id.to_string(), "{m.name}" }
                    }
                }
            }
        }
    }
}

/// The facilitator's remarks on the household (review step).
pub fn notes_field(svc: &Service, view: &FormView, lang: Lang) -> Element {
    let h_json = serde_json::to_value(&view.household).unwrap_or_default();
    rsx! {
        div { class: "notes",
            for field in form::NOTES.iter() {
                {field_row(svc, view, &h_json, lang, "", field)}
            }
        }
    }
}
