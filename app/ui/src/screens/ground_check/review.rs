//! The visit's review: every finding, finalize (or confirm the warnings), reopen
//! ([`FinalizeBox`](crate::screens::finalize::FinalizeBox)); a visit nobody was home at says it
//! goes as a visit report.

use dioxus::prelude::*;
use pendata_core::store::RecordState;

use crate::screens::finalize::FinalizeBox;
use crate::state::AppState;

#[component]
pub fn VisitReview() -> Element {
    let state = use_context::<Signal<AppState>>();
    let Some(view) = state.read().visit.clone() else {
        return rsx! {};
    };
    // A visit with nobody home goes to the server as a report, never as a final record.
    let report = view.family.ground_check.outcome.is_none()
        && matches!(view.state, RecordState::Queued | RecordState::Sent);
    rsx! {
        div { class: "review",
            FinalizeBox { id: view.family.id, findings: view.findings.clone(), state: view.state, report }
        }
    }
}
