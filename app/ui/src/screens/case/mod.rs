//! A case taken to the field (issue 21 §1): who and what it is about and its due date
//! (`about.rs`), the finding its kind asks for (`finding.rs`: usul-sanggah layak / tidak layak
//! with the reason, note and the house's position; PBI-JK the note; graduasi PKH the type, reason
//! and assessment), the kind's photo checklist (`photos.rs`, the same photo slots as every form)
//! and the review with finalize (the same box as every form). Every finding shown comes from
//! `pendata_shared::cases::validate_case` through the core; none is written here.

use chrono::NaiveDate;
use dioxus::prelude::*;
use pendata_core::store::RecordState;
use pendata_shared::cases::CaseAssignment;
use pendata_shared::text::Localized;
use pendata_shared::Lang;

use crate::i18n::tr;
use crate::screens::finalize::FinalizeBox;
use crate::service::{Intent, Service};
use crate::state::{AppState, CaseStep};
use crate::widgets::{state_label, tid};

mod about;
mod finding;
mod photos;

/// `21-12-2026`.
pub fn date_text(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// "Batas waktu: 21-12-2026 · 3 hari lagi" or "… · lewat 2 hari" (`CaseAssignment::days_left`
/// on the facilitator's day), and whether it is overdue.
pub fn due_line(a: &CaseAssignment, today: NaiveDate, lang: Lang) -> (String, bool) {
    (
        due_text(a.due_date, a.days_left(today), lang),
        a.is_overdue(today),
    )
}

/// "Batas waktu: 21-12-2026 · 3 hari lagi" for a due date `n` days away (negative: past).
pub fn due_text(due: NaiveDate, n: i64, lang: Lang) -> String {
    let date = date_text(due);
    let rest = match (lang, n) {
        (Lang::Id, 0) => "hari ini".to_string(),
        (Lang::En, 0) => "today".to_string(),
        (Lang::Id, n) if n > 0 => format!("{n} hari lagi"),
        (Lang::En, 1) => "1 day left".to_string(),
        (Lang::En, n) if n > 0 => format!("{n} days left"),
        (Lang::Id, n) => format!("lewat {} hari", -n),
        (Lang::En, -1) => "1 day overdue".to_string(),
        (Lang::En, n) => format!("{} days overdue", -n),
    };
    format!("{}: {date} · {rest}", tr(lang, "case.due"))
}

#[component]
pub fn CaseScreen() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let step = s.case_step;
    let full_photo = s.full_photo.clone();
    let Some(view) = s.case.clone() else {
        return rsx! {};
    };
    drop(s);
    let c = &view.record;
    let name = Some(c.name())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("—")
        .to_string();
    let place = pendata_shared::Wilayah::embedded().describe(&c.desa_code);
    let (due, overdue) = due_line(&c.assignment, view.today, lang);
    let body = match step {
        CaseStep::Finding => rsx! {
            about::CaseAbout {}
            finding::CaseFindingForm {}
        },
        CaseStep::Photos => rsx! { photos::CasePhotos {} },
        CaseStep::Review => rsx! {
            div { class: "review",
                FinalizeBox { id: c.id, findings: view.findings.clone(), state: view.state }
            }
        },
    };
    rsx! {
        section { class: "card form case",
            h2 { "data-t": tid("case-name"), "{name}" }
            p { class: "process", "data-t": tid("case-kind"), {c.kind().text().get(lang)} " · {c.case_id}" }
            p { class: if overdue { "due overdue" } else { "due" }, "data-t": tid("case-due"), "{due}" }
            p { class: "place", "{place}" if !c.address.is_empty() { " · {c.address}" } }
            p { class: "state", {tr(lang, "form.state")} ": "
                span { "data-t": tid("case-state"), {state_label(view.state, lang)} }
                " · " crate::screens::saving::SaveStatus { refused: !view.field_errors.is_empty() }
            }
            if let Some(note) = view.review_note.clone() {
                if view.state == RecordState::Rejected {
                    p { class: "finding warning", {tr(lang, "form.review_note")} ": {note}" }
                }
                // An approved case's note: the Dinsos's decision (a PBI-JK reactivation's
                // letter and DTSEN update deadline, or the refusal's reason).
                if view.state == RecordState::Approved {
                    p { class: "finding info", "data-t": tid("case-decision"), {tr(lang, "case.decision")} ": {note}" }
                }
            }
            nav { class: "steps",
                for st in CaseStep::ALL {
                    button { key: "{st.slug()}", "data-t": tid(&format!("case-step-{}", st.slug())),
                        class: if st == step { "current" } else { "" },
                        onclick: move |_| state.write().case_step = st,
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
