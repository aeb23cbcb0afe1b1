//! Daftar kerja: unopened prelist households and own households, searched and filtered, a
//! page at a time.

use dioxus::prelude::*;
use pendata_core::store::RecordState;

use chrono::NaiveDate;
use pendata_shared::cases::{CaseAssignment, CaseKind};
use pendata_shared::protocol::{Assignment, AssignmentKind};
use pendata_shared::text::Localized;
use pendata_shared::{CodeList, Lang, Questionnaire};

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::{state_label, tid};

#[component]
pub fn ListScreen() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let list = s.list.clone();
    drop(s);
    // The filters show the query as last asked for (an answer to an older one may be on
    // screen for a moment); the handlers change it through `ListAsk`, never from a copy.
    let ask = use_context::<super::worklist::ListAsk>();
    let q = ask.current();
    let shown_page = list.query.page;
    let more = list.assignments.len() as u32 >= crate::state::PAGE_SIZE
        || list.households.len() as u32 >= crate::state::PAGE_SIZE;
    let page = shown_page + 1;
    rsx! {
        section { class: "card list",
            super::proposal::NewProposal {}
            h2 { {tr(lang, "list.title")} super::worklist::MatchCount {} }
            div { class: "filters",
                super::worklist::SearchBox {}
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
                                " · {a.prelist_id} · {a.address} · "
                                span { class: "tag process", "data-t": tid(&format!("process-{}", a.prelist_id)), {assignment_process(&a, lang)} }
                                if let (Some(case), Some(today)) = (a.case.as_deref(), list.today) {
                                    {due_tag(case, today, &a.prelist_id, lang)}
                                }
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
                            if h.questionnaire == Questionnaire::Regsosek2022k {
                                " · " span { class: "tag process", {tr(lang, "process.ground_check")} }
                            }
                            if let Some(k) = CaseKind::of_questionnaire(h.questionnaire) {
                                " · " span { class: "tag process", {k.text().get(lang)} }
                                if let Some((_, due, n, overdue)) = list.case_due.iter().find(|c| c.0 == h.id).copied() {
                                    " · "
                                    span { class: if overdue { "tag due overdue" } else { "tag due" },
                                        "data-t": tid(&format!("due-{}", h.prelist_id.clone().unwrap_or_default())),
                                        {super::case::due_text(due, n, lang)}
                                        if overdue { " — " strong { {tr(lang, "case.overdue")} } }
                                    }
                                }
                            }
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

/// The process of an assignment in a few words: "Verivali DTKS", or "Ground check DTSEN · PKH
/// · Desil 3" (the programme and desil when the list gives them).
fn assignment_process(a: &Assignment, lang: Lang) -> String {
    match a.kind {
        AssignmentKind::GroundCheck => {
            let mut parts = vec![tr(lang, "process.ground_check").to_string()];
            if let Some(p) = a.programme {
                parts.push(p.text().get(lang).to_string());
            }
            if let Some(d) = a.desil {
                parts.push(d.label(lang).to_string());
            }
            parts.join(" · ")
        }
        AssignmentKind::Verivali => tr(lang, "process.verivali").to_string(),
        AssignmentKind::UsulanBaru => tr(lang, "proposal.tag").to_string(),
        k @ (AssignmentKind::UsulSanggah
        | AssignmentKind::ReaktivasiPbiJk
        | AssignmentKind::GraduasiPkh) => k.text().get(lang).to_string(),
    }
}

/// A case's due date on the work list, marked when it has passed.
fn due_tag(case: &CaseAssignment, today: NaiveDate, prelist_id: &str, lang: Lang) -> Element {
    let (due, overdue) = super::case::due_line(case, today, lang);
    rsx! {
        " · "
        span { class: if overdue { "tag due overdue" } else { "tag due" }, "data-t": tid(&format!("due-{prelist_id}")),
            "{due}"
            if overdue { " — " strong { {tr(lang, "case.overdue")} } }
        }
    }
}
