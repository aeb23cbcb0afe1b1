//! The Pendata facilitator app (Dioxus 0.7). Components only send intents; the client core
//! (`pendata-core`) owns the data and does all I/O.

use dioxus::prelude::*;
use pendata_shared::photos::photo_checklist;
use pendata_shared::wilayah::Wilayah;
use pendata_shared::Household;

/// The example household shipped in `assets/examples`, used by the first screen until the
/// store is wired in.
pub const EXAMPLE_HOUSEHOLD: &str = include_str!("../../../assets/examples/household.json");

/// The root component.
#[component]
pub fn App() -> Element {
    let household: Option<Household> = serde_json::from_str(EXAMPLE_HOUSEHOLD).ok();
    rsx! {
        main { class: "pendata",
            h1 { "Pendata" }
            p { class: "subtitle", "Pendataan rumah tangga DTKS/DTSEN — Household survey" }
            if let Some(h) = household {
                HouseholdCard { household: h }
            } else {
                p { class: "error", "Contoh rumah tangga tidak terbaca (example household unreadable)" }
            }
        }
    }
}

/// A household's location and its photo checklist.
#[component]
pub fn HouseholdCard(household: Household) -> Element {
    let place = Wilayah::embedded().describe(&household.location.desa_code);
    let head = household
        .head()
        .map(|m| m.name.clone())
        .unwrap_or_else(|| "—".into());
    rsx! {
        section { class: "household",
            h2 { "{head}" }
            p { class: "place", "{place}" }
            PhotoChecklist { household }
        }
    }
}

/// The photo checklist: each required kind with whether it has been taken, and a count.
#[component]
pub fn PhotoChecklist(household: Household) -> Element {
    let items = photo_checklist(&household);
    let done = items.iter().filter(|(_, present)| *present).count();
    let total = items.len();
    rsx! {
        div { class: "photo-checklist",
            p { class: "count", "Foto {done}/{total}" }
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
