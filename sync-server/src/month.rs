//! The Dinsos month in the server (issue 21 §2): which period a proposal arriving today
//! belongs to, noted when a push stores it ([`note_arrivals`]), and the server's day.
//!
//! The day is the calendar day where the desa is (WIB, WITA or WIT from its province,
//! `pendata_shared::month::zone`): a proposal sent at 06:00 WIB on the 18th is late, although
//! it is still the 17th in UTC. `PENDATA_TODAY=YYYY-MM-DD` fixes the day instead: for a
//! month-end rehearsal on a copy of the data, and for the end-to-end tests, which run the real
//! binary on both sides of a cut-off. The server logs a warning at start-up when it is set.

use std::sync::OnceLock;

use chrono::NaiveDate;
use pendata_shared::dtsen::family::FamilyProcess;
use pendata_shared::model::RecordKind;
use pendata_shared::month::period::Period;
use pendata_shared::month::zone::local_today;
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

/// The day it is in `wilayah` (a desa, or a user's wilayah; WIB when it names no province):
/// `PENDATA_TODAY` when set, else the local calendar day of its time zone.
pub fn today_in(wilayah: &str) -> NaiveDate {
    fixed_day().unwrap_or_else(|| local_today(wilayah, chrono::Utc::now()))
}

/// The period a proposal from `wilayah` arriving now belongs to (before skipping locked ones).
pub fn arrival_period(state: &AppState, wilayah: &str) -> Period {
    Period::for_arrival(today_in(wilayah), state.config.month.cutoff_day)
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
    // Each proposal is due in the period of its own desa's day (one push normally comes from
    // one province, so one time zone, so one group).
    let mut by_due: Vec<(Period, Vec<Arrival>)> = Vec::new();
    for arrival in stored {
        let due = arrival_period(state, &arrival.desa_code);
        match by_due.iter_mut().find(|(p, _)| *p == due) {
            Some((_, group)) => group.push(arrival),
            None => by_due.push((due, vec![arrival])),
        }
    }
    let periods = state.backend.periods.clone();
    let done = tokio::task::spawn_blocking(move || {
        for (due, group) in by_due {
            let periods = periods.note_arrivals(&group, due)?;
            let later = periods.iter().filter(|p| **p != due).count();
            if later > 0 {
                tracing::info!(later, due = %due, "proposals put in the next open period");
            }
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
