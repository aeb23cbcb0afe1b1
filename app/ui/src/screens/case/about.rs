//! Who and what a case is about, as the supervisor's import or hand entry gave it: the person
//! (name, NIK, KK), and per kind the submission (usulan or sanggahan, from whom, the programme,
//! the reason and evidence given), the PBI-JK participant's emergency and deactivation, or the
//! graduating family's PKH components and the supervisor's proposed type.

use dioxus::prelude::*;
use pendata_shared::cases::usul_sanggah::Channel;
use pendata_shared::cases::CaseDetail;
use pendata_shared::text::Localized;
use pendata_shared::Lang;

use super::date_text;
use crate::i18n::tr;
use crate::state::AppState;
use crate::widgets::tid;

fn row(lang: Lang, key: &'static str, value: String) -> Element {
    rsx! {
        tr { th { {tr(lang, key)} } td { "{value}" } }
    }
}

#[component]
pub fn CaseAbout() -> Element {
    let state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.case.clone() else {
        return rsx! {};
    };
    drop(s);
    let detail = &view.record.assignment.detail;
    let subject = detail.subject().clone();
    let rows: Vec<Element> = match detail {
        CaseDetail::UsulSanggah(a) => {
            let mut r = vec![row(
                lang,
                "case.programme",
                format!(
                    "{} · {}",
                    a.submission.text().get(lang),
                    a.programme.text().get(lang)
                ),
            )];
            if let Some(by) = a.submitted_by.clone() {
                r.push(row(lang, "case.submitted_by", by));
            }
            let channel = match a.channel {
                Channel::CekBansos => "Cek Bansos".to_string(),
                Channel::Manual => match lang {
                    Lang::Id => "Input manual di Dinsos".to_string(),
                    Lang::En => "Entered by hand at the Dinsos".to_string(),
                },
            };
            r.push(row(lang, "case.channel", channel));
            r.push(row(lang, "case.reason_given", a.reason.clone()));
            if !a.evidence.is_empty() {
                r.push(row(lang, "case.evidence", a.evidence.join(", ")));
            }
            r
        }
        CaseDetail::ReaktivasiPbiJk(a) => {
            let mut r = Vec::new();
            if a.emergency {
                r.push(row(lang, "case.emergency", "✓".to_string()));
            }
            if let Some(d) = a.deactivated_on {
                r.push(row(lang, "case.deactivated_on", date_text(d)));
            }
            if let Some(n) = a.note.clone() {
                r.push(row(lang, "case.operator_note", n));
            }
            r
        }
        CaseDetail::GraduasiPkh(a) => {
            let mut r = Vec::new();
            if let Some(t) = a.proposed_type {
                r.push(row(
                    lang,
                    "case.proposed_type",
                    t.text().get(lang).to_string(),
                ));
            }
            if let Some(y) = a.family.pkh_since_year {
                r.push(row(lang, "case.pkh_since", y.to_string()));
            }
            if !a.family.components.is_empty() {
                let list = a
                    .family
                    .components
                    .iter()
                    .map(|c| format!("{} ({})", c.component.text().get(lang), c.member_name))
                    .collect::<Vec<_>>()
                    .join(", ");
                r.push(row(lang, "case.components", list));
            }
            if let Some(n) = a.note.clone() {
                r.push(row(lang, "case.operator_note", n));
            }
            r
        }
    };
    rsx! {
        table { class: "about", "data-t": tid("case-about"),
            if let Some(nik) = subject.nik.clone() { {row(lang, "case.nik", nik)} }
            if let Some(kk) = subject.kk_number.clone() { {row(lang, "case.kk", kk)} }
            if subject.kk_number.is_some() {
                tr { "data-t": tid("case-desil"),
                    th { {tr(lang, "facts.desil")} }
                    td { {view.desil.as_ref().map(|d| crate::screens::family_facts::desil_text(lang, d))
                        .unwrap_or_else(|| tr(lang, "facts.desil_none").to_string())} }
                }
            }
            for r in rows { {r} }
        }
    }
}
