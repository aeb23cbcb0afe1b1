//! The Dinsos month in the server (issue 21 §2): which period a proposal arriving today
//! belongs to, noted when a push stores it ([`note_arrivals`]), and the server's day.
//!
//! The day is the server's UTC date, unless `PENDATA_TODAY=YYYY-MM-DD` fixes it: for a
//! month-end rehearsal on a copy of the data, and for the end-to-end tests, which run the real
//! binary on both sides of a cut-off. The server logs a warning at start-up when it is set.

use std::sync::OnceLock;

use chrono::NaiveDate;
use pendata_shared::dtsen::family::FamilyProcess;
use pendata_shared::model::RecordKind;
use pendata_shared::month::period::Period;
use pendata_shared::protocol::{Change, PushOutcome};

use crate::store::period::{Arrival, KIND_HOUSEHOLD};
use crate::store::IncomingRecord;
use crate::AppState;

/// The variable that fixes the server's day.
pub const TODAY_VAR: &str = "PENDATA_TODAY";

fn fixed_day() -> Option<NaiveDate> {
    static FIXED: OnceLock<Option<NaiveDate>> = OnceLock::new();
    *FIXED.get_or_init(|| {
        let v = std::env::var(TODAY_VAR).ok()?;
        match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
            Ok(d) => {
                tracing::warn!(today = %d, "{TODAY_VAR} fixes the server's day (rehearsal/test only)");
                Some(d)
            }
            Err(_) => {
                tracing::warn!(value = %v, "{TODAY_VAR} is not YYYY-MM-DD; using the real date");
                None
            }
        }
    })
}

/// The server's day: `PENDATA_TODAY` when set, else today's UTC date.
pub fn today() -> NaiveDate {
    fixed_day().unwrap_or_else(|| chrono::Utc::now().date_naive())
}

/// The period a proposal arriving now belongs to (before skipping locked ones).
pub fn arrival_period(state: &AppState) -> Period {
    Period::for_arrival(today(), state.config.month.cutoff_day)
}

/// The proposal a pushed record is, if it is one: a usulan baru household or family.
pub fn proposal_of(rec: &IncomingRecord) -> Option<Arrival> {
    let proposal = match &rec.record.change {
        Change::Upsert { household } => matches!(household.kind, RecordKind::UsulanBaru { .. }),
        Change::UpsertFamily { family } => {
            matches!(family.process, FamilyProcess::UsulanBaru { .. })
        }
        _ => false,
    };
    if !proposal {
        return None;
    }
    Some(Arrival {
        kind: KIND_HOUSEHOLD.into(),
        item_id: rec.record.household_id.to_string(),
        desa_code: rec.desa_code.clone()?,
        label: rec.head_name.clone(),
    })
}

/// Notes the proposals a push stored (accepted, or stored before) in their period. The push is
/// already committed: a failure here is logged, and the record is noted when it arrives again.
pub async fn note_arrivals(
    state: &AppState,
    arrivals: Vec<Option<Arrival>>,
    outcomes: &[PushOutcome],
) {
    let stored: Vec<Arrival> = arrivals
        .into_iter()
        .zip(outcomes)
        .filter_map(|(a, o)| match o {
            PushOutcome::Accepted { .. } | PushOutcome::Duplicate { .. } => a,
            _ => None,
        })
        .collect();
    if stored.is_empty() {
        return;
    }
    let due = arrival_period(state);
    let periods = state.backend.periods.clone();
    let done = tokio::task::spawn_blocking(move || {
        let periods = periods.note_arrivals(&stored, due)?;
        let later = periods.iter().filter(|p| **p != due).count();
        if later > 0 {
            tracing::info!(later, due = %due, "proposals put in the next open period");
        }
        Ok::<_, crate::store::StoreError>(())
    })
    .await;
    match done {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "could not note proposals in their period"),
        Err(e) => tracing::error!(error = %e, "noting proposals in their period failed"),
    }
}

/// A refusal when `kind`/`item_id` lies in a locked period of a desa `scope` covers (outside
/// the scope the caller answers "not found" as always, so a lock tells nothing about it).
pub async fn lock_of(
    state: &AppState,
    kind: &'static str,
    item_id: String,
    scope: crate::store::Scope,
) -> Result<Option<crate::store::period::PeriodError>, crate::store::StoreError> {
    let periods = state.backend.periods.clone();
    let found = tokio::task::spawn_blocking(move || periods.item_period(kind, &item_id))
        .await
        .map_err(|e| crate::store::StoreError::Task(e.to_string()))??;
    Ok(found
        .filter(|p| p.locked && scope.covers(&p.desa_code))
        .map(|p| crate::store::period::PeriodError::Locked {
            desa_code: p.desa_code,
            period: p.period,
        }))
}

/// The API's answer to a refused change of a desa period: 409 with its stable code.
pub fn api_refusal(e: &crate::store::period::PeriodError) -> crate::ApiError {
    let (id, en) = e.message();
    crate::ApiError::new(axum::http::StatusCode::CONFLICT, e.code(), &id).en(&en)
}
