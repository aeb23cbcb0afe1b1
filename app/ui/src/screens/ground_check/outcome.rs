//! The visit's first part: the family as listed (KK, address, building, members with their
//! listed data), the outcome (found / moved / died / not found) with each member's keberadaan
//! (404), 205 and the note the form requires, and "Tidak ada orang — kunjungi lagi".

use dioxus::prelude::*;
use pendata_shared::dtsen::GroundCheckOutcome;
use pendata_shared::{CodeList, Lang};

use crate::dtsen_form;
use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, RevisitView};
use crate::widgets::{findings_at, question_row, tid};

#[component]
pub fn OutcomeStep() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let mut nobody_note = use_signal(String::new);
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.visit.clone() else {
        return rsx! {};
    };
    drop(s);
    let f = &view.family;
    let id = f.id;
    let json = serde_json::to_value(f).unwrap_or_default();
    let ctx = super::ctx(&view);
    let current = f.ground_check.outcome;
    let outcome_findings = findings_at(&view.findings, "ground_check.outcome");
    let building = f
        .location
        .building_no
        .map(|b| b.to_string())
        .unwrap_or_else(|| "—".into());
    let kk = f.kk_number.clone().unwrap_or_else(|| "—".into());
    rsx! {
        div { class: "outcome",
            h3 { {tr(lang, "visit.listed")} }
            dl { class: "listed", "data-t": tid("visit-listed"),
                dt { {tr(lang, "visit.kk")} } dd { "data-t": tid("visit-kk"), "{kk}" }
                dt { {tr(lang, "visit.address")} } dd { "{f.location.address}" }
                dt { {tr(lang, "visit.building")} } dd { "{building}" }
            }
            if let Some(r) = view.revisit.clone() {
                {revisit_banner(&r, lang)}
            }
            h3 { {tr(lang, "visit.outcome")} }
            div { class: "outcomes", "data-t": tid("visit-outcomes"),
                for o in GroundCheckOutcome::ALL {
                    button { key: "{o.id()}", "data-t": tid(&format!("outcome-{}", o.id())),
                        class: if current == Some(o) { "outcome current" } else { "outcome" },
                        onclick: {
                            let svc = svc.clone();
                            move |_| svc.send(Intent::RecordOutcome { id, outcome: o })
                        },
                        {o.text().get(lang).to_string()}
                    }
                }
            }
            if let Some(o) = current {
                p { class: "notice", "data-t": tid("visit-outcome-current"), {tr(lang, "visit.outcome_now")} ": " strong { {o.text().get(lang).to_string()} } }
            }
            for finding in outcome_findings {
                p { class: "finding error", "data-t": tid("finding-ground_check.outcome"), {finding.message_in(lang).to_string()} }
            }
            h3 { {tr(lang, "visit.members")} }
            ol { class: "listed-members",
                for (i, m) in f.members.iter().enumerate() {
                    li { key: "{m.id}", "data-t": tid(&format!("visit-member-{i}")),
                        strong { "{m.name}" }
                        " · " {m.nik.clone().unwrap_or_else(|| "—".into())}
                        " · " {m.relation.map(|r| r.label(lang)).unwrap_or("—")}
                        " · " {m.sex.map(|x| x.label(lang)).unwrap_or("—")}
                        " · " {m.birth_date.map(|d| d.format("%d-%m-%Y").to_string()).unwrap_or_else(|| "—".into())}
                        {question_row(&svc, &ctx, &json, lang, &format!("members[{i}]."), &dtsen_form::PRESENCE)}
                    }
                }
            }
            div { class: "fields",
                for field in dtsen_form::OUTCOME.iter() {
                    {question_row(&svc, &ctx, &json, lang, "", field)}
                }
            }
            if current.is_none() {
                fieldset { class: "nobody-home",
                    legend { {tr(lang, "visit.nobody_home_title")} }
                    p { class: "note", {tr(lang, "visit.nobody_home_help")} }
                    label { {tr(lang, "visit.nobody_home_note")}
                        input { "data-t": tid("nobody-home-note"), value: "{nobody_note}",
                            oninput: move |e| nobody_note.set(e.value()) }
                    }
                    button { class: "primary", "data-t": tid("nobody-home"),
                        onclick: move |_| {
                            svc.send(Intent::NobodyHome { id, note: nobody_note() });
                            nobody_note.set(String::new());
                        },
                        {tr(lang, "visit.nobody_home")}
                    }
                }
            }
        }
    }
}

/// "Kunjungi lagi: tanpa penghuni 1 dari 3 · terakhir 07-12-2026 · berikutnya mulai 08-12-2026".
pub fn revisit_banner(r: &RevisitView, lang: Lang) -> Element {
    let next = r.next_visit.clone().unwrap_or_else(|| "—".into());
    rsx! {
        p { class: "finding warning revisit", "data-t": tid("visit-revisit"),
            {tr(lang, "revisit.title")} ": "
            {tr(lang, "revisit.attempts")} " "
            span { "data-t": tid("visit-revisit-attempts"), "{r.attempts}" }
            " / {r.max_attempts} · "
            {tr(lang, "revisit.last")} " {r.last_visit} · "
            {tr(lang, "revisit.next")} " {next}"
            if r.attempts_used_up {
                " · " strong { {tr(lang, "revisit.used_up")} }
            }
        }
    }
}
