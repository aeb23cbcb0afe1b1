//! Small pieces every screen uses: the test hook, a record state's label, the findings at a
//! field and one question's row (label, input, findings). Screens import these; this module
//! imports no screen, so the dependencies point one way.

use dioxus::prelude::*;
use pendata_core::store::RecordState;
use pendata_shared::codes::IdentityCards;
use pendata_shared::{Finding, Lang, Severity};

use crate::form::{self, Field, Input};
use crate::i18n::{pick, tr};
use crate::service::{Intent, Service};
use crate::state::{FormView, Refused};

/// A test hook value (dynamic, so tests can find the element's id).
pub fn tid(name: &str) -> String {
    name.to_string()
}

/// The label of a record state in the user's language.
pub fn state_label(s: RecordState, lang: Lang) -> &'static str {
    s.label(lang)
}

/// Findings at one field.
pub fn findings_at<'a>(findings: &'a [Finding], path: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.path == path).collect()
}

/// "Belum tersimpan: …" under a field whose answer the store refused.
pub fn not_saved(lang: Lang, r: &Refused) -> String {
    format!("{}: {}", tr(lang, "form.not_saved"), r.why)
}

/// What a question row needs of the record on screen (a DTKS household or a DTSEN family).
pub struct FieldCtx<'a> {
    pub id: pendata_shared::HouseholdId,
    /// Conditional questions that do not apply now (full paths).
    pub hidden: &'a [String],
    /// Values the store refused, by path.
    pub field_errors: &'a std::collections::BTreeMap<String, Refused>,
    pub findings: &'a [Finding],
}

/// One question: label, input, and the findings at it. Hidden when its skip rule says so.
pub fn field_row(
    svc: &Service,
    view: &FormView,
    h_json: &serde_json::Value,
    lang: Lang,
    prefix: &str,
    field: &Field,
) -> Element {
    let ctx = FieldCtx {
        id: view.household.id,
        hidden: &view.hidden,
        field_errors: &view.field_errors,
        findings: &view.findings,
    };
    question_row(svc, &ctx, h_json, lang, prefix, field)
}

/// [`field_row`] for any record: `json` is the record's content.
pub fn question_row(
    svc: &Service,
    ctx: &FieldCtx<'_>,
    json: &serde_json::Value,
    lang: Lang,
    prefix: &str,
    field: &Field,
) -> Element {
    let path = form::full_path(prefix, field);
    if field.conditional && ctx.hidden.contains(&path) {
        return rsx! {};
    }
    let id = ctx.id;
    // What the facilitator typed stays in the field while the store refuses it.
    let current = ctx
        .field_errors
        .get(&path)
        .map(|r| r.typed.clone())
        .unwrap_or_else(|| form::value_text(json, &path));
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
    let found = findings_at(ctx.findings, &path);
    let refused = ctx.field_errors.get(&path).map(|r| not_saved(lang, r));
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
        Input::Int => {
            rsx! { input { "data-t": hook, inputmode: "numeric", value: "{current}", onchange } }
        }
        Input::Float => {
            rsx! { input { "data-t": hook, inputmode: "decimal", value: "{current}", onchange } }
        }
        // Numbers written as text (NIK, KK, NISN, RT/RW keep their leading zeros): the phone's
        // number pad all the same.
        Input::Text if form::digits_only(&path) => rsx! {
            input { "data-t": hook, inputmode: "numeric", autocomplete: "off", value: "{current}", onchange }
        },
        Input::Text => rsx! { input { "data-t": hook, value: "{current}", onchange } },
        Input::Cards => identity_cards(svc, id, &path, &current, lang),
        Input::Bits(options) => bit_boxes(svc, id, &path, &current, options(), lang),
        Input::CodeSet(options) => {
            let held = code_list_at(json, &path);
            code_boxes(svc, id, &path, &held, options(), lang)
        }
    };
    rsx! {
        div { class: "field", key: "{path}",
            label { "{label}" {input} }
            if let Some(r) = refused {
                p { class: "finding error", "data-t": tid(&format!("refused-{path}")), "{r}" }
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

/// The codes stored as a list at `path` (empty when none).
fn code_list_at(json: &serde_json::Value, path: &str) -> Vec<u8> {
    pendata_core::store::jsonpath::parse(path)
        .and_then(|seg| pendata_core::store::jsonpath::get(json, &seg).cloned())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_u64().and_then(|c| u8::try_from(c).ok()))
        .collect()
}

/// A bitmask answer as one checkbox per choice (labels from the shared `CodeMask`). A bit
/// flips in the service, from the stored value; code 0 ("none") and a sentinel (a code that is
/// not a single bit, e.g. 99) stand alone and replace the answer.
fn bit_boxes(
    svc: &Service,
    id: pendata_shared::HouseholdId,
    path: &str,
    current: &str,
    options: form::Options,
    lang: Lang,
) -> Element {
    let alone = |code: u8| !code.is_power_of_two();
    let answered = current.trim().parse::<u8>().ok();
    let held_alone = answered.filter(|c| alone(*c));
    let mask = answered.filter(|c| !alone(*c)).unwrap_or(0);
    rsx! {
        span { class: "cards", "data-t": tid(&format!("f-{path}")),
            for (bit, id_label, en_label) in options {
                label { key: "{bit}", class: "check",
                    input { r#type: "checkbox", "data-t": tid(&format!("f-{path}-{bit}")),
                        checked: if alone(bit) { held_alone == Some(bit) } else { mask & bit != 0 },
                        onchange: {
                            let (svc, path) = (svc.clone(), path.to_string());
                            move |_| {
                                let path = path.clone();
                                if alone(bit) || held_alone.is_some_and(|c| c != 0) {
                                    // Replaces a lone answer (a bit after "lainnya" starts anew).
                                    svc.send(Intent::SetText { id, path, text: bit.to_string() })
                                } else {
                                    svc.send(Intent::ToggleBit { id, path, bit })
                                }
                            }
                        }
                    }
                    {pick(lang, (id_label, en_label))}
                }
            }
        }
    }
}

/// A list of codes as one checkbox per code (labels from the shared `CodeList`).
fn code_boxes(
    svc: &Service,
    id: pendata_shared::HouseholdId,
    path: &str,
    held: &[u8],
    options: form::Options,
    lang: Lang,
) -> Element {
    rsx! {
        span { class: "cards", "data-t": tid(&format!("f-{path}")),
            for (code, id_label, en_label) in options {
                label { key: "{code}", class: "check",
                    input { r#type: "checkbox", "data-t": tid(&format!("f-{path}-{code}")),
                        checked: held.contains(&code),
                        onchange: {
                            let (svc, path) = (svc.clone(), path.to_string());
                            move |_| svc.send(Intent::ToggleCode { id, path: path.clone(), code })
                        }
                    }
                    "{code} " {pick(lang, (id_label, en_label))}
                }
            }
        }
    }
}

/// The identity cards a member holds, one checkbox per card (the stored answer is their sum);
/// *Tidak punya* stores 0. A click flips its card in the service, from the stored value.
pub fn identity_cards(
    svc: &Service,
    id: pendata_shared::HouseholdId,
    path: &str,
    current: &str,
    lang: Lang,
) -> Element {
    let answered = current.trim().parse::<u8>().ok();
    let mask = answered.unwrap_or(0);
    let none = {
        let (svc, path) = (svc.clone(), path.to_string());
        move |_| {
            svc.send(Intent::SetText {
                id,
                path: path.clone(),
                text: "0".into(),
            })
        }
    };
    rsx! {
        span { class: "cards", "data-t": tid(&format!("f-{path}")),
            for (card, id_label, en_label) in IdentityCards::CARDS {
                label { key: "{card.code()}", class: "check",
                    input { r#type: "checkbox", "data-t": tid(&format!("f-{path}-{}", card.code())),
                        checked: mask & card.code() != 0,
                        onchange: {
                            let (svc, path) = (svc.clone(), path.to_string());
                            move |_| svc.send(Intent::ToggleBit { id, path: path.clone(), bit: card.code() })
                        }
                    }
                    {pick(lang, (id_label, en_label))}
                }
            }
            label { class: "check",
                input { r#type: "checkbox", "data-t": tid(&format!("f-{path}-none")),
                    checked: answered == Some(0),
                    onchange: none
                }
                {tr(lang, "rows.no_cards")}
            }
        }
    }
}
