//! `GET /dashboard/cases/export?kind=`: the cases of one type in the user's wilayah as CSV —
//! the case's bookkeeping (state, overdue, pendamping, when the finding arrived, the PBI-JK
//! decision) and then the columns of `pendata_shared::cases::export` (the assignment, the
//! finding, the photos), for cases without a finding yet with its finding columns empty.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use pendata_shared::cases::export::{case_header, case_row};
use serde::Deserialize;

use super::{day, parse_kind, today};
use crate::dashboard::{DashError, WebUser};
use crate::store::{CaseQuery, PbiOutcome};
use crate::AppState;

#[derive(Deserialize)]
pub struct ExportParams {
    kind: Option<String>,
}

const OWN: [&str; 11] = [
    "state",
    "overdue",
    "assigned_to",
    "finding_received_at",
    "finding_by",
    "decision",
    "letter_no",
    "letter_date",
    "dtsen_update_due",
    "refusal_reason",
    "decided_by",
];

/// `GET /dashboard/cases/export`
pub async fn download(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ExportParams>,
) -> Result<Response, DashError> {
    let kind = parse_kind(q.kind.as_deref())?.ok_or_else(|| {
        DashError::bad_request(
            "cases.kind_required",
            "Pilih jenis kasus (kind=usul_sanggah, reaktivasi_pbi_jk atau graduasi_pkh)",
            "Choose the case type (kind=usul_sanggah, reaktivasi_pbi_jk or graduasi_pkh)",
        )
    })?;
    let today = today(&user);
    let scope = user.scope();
    let cases = state.backend.cases.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let rows = cases.cases_with_records(
            &scope,
            &CaseQuery {
                kind: Some(kind),
                open_only: false,
                limit: u32::MAX,
            },
        )?;
        let mut csv = csv::Writer::from_writer(Vec::new());
        let header: Vec<String> = OWN
            .iter()
            .map(|s| (*s).to_owned())
            .chain(case_header(kind))
            .collect();
        let width = header.len();
        csv.write_record(&header).map_err(writer)?;
        for with_record in rows {
            let c = &with_record.case;
            let d = c.decision.as_ref();
            let (decision, letter_no, letter_date, update_due, refusal) =
                match d.map(|d| &d.outcome) {
                    Some(PbiOutcome::Reactivated {
                        letter_no,
                        letter_date,
                        dtsen_update_due,
                    }) => (
                        "reactivated",
                        letter_no.clone(),
                        day(*letter_date),
                        day(*dtsen_update_due),
                        String::new(),
                    ),
                    Some(PbiOutcome::Refused { reason }) => (
                        "refused",
                        String::new(),
                        String::new(),
                        String::new(),
                        reason.clone(),
                    ),
                    None => (
                        "",
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ),
                };
            let mut row = vec![
                if c.is_open() { "open" } else { "done" }.to_owned(),
                if c.is_overdue(today) { "ya" } else { "tidak" }.to_owned(),
                c.assigned_to.clone().unwrap_or_default(),
                c.finding_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                c.finding_by.clone().unwrap_or_default(),
                decision.to_owned(),
                letter_no,
                letter_date,
                update_due,
                refusal,
                d.map(|d| d.decided_by.clone()).unwrap_or_default(),
            ];
            match with_record.record_or_assigned() {
                Some(r) => row.extend(case_row(&r)),
                None => row.resize(width, String::new()),
            }
            csv.write_record(&row).map_err(writer)?;
        }
        csv.into_inner()
            .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))??;
    tracing::info!(user = %user.username, kind = kind.id(), bytes = bytes.len(), "dashboard: case export");
    let disposition = format!(
        "attachment; filename=\"pendata-kasus-{}-{}.csv\"",
        kind.id(),
        today.format("%Y%m%d")
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn writer(e: csv::Error) -> crate::store::StoreError {
    crate::store::StoreError::Corrupt(format!("csv: {e}"))
}
