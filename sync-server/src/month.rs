//! The Dinsos month in the server (issue 21 §2): which period a proposal arriving today
//! belongs to ([`period_arrival`]; the store notes it in the push's transaction), and the
//! server's day.
//!
//! The day is the calendar day where the desa is (WIB, WITA or WIT from its province,
//! `pendata_shared::month::zone`): a proposal sent at 06:00 WIB on the 18th is late, although
//! it is still the 17th in UTC. `PENDATA_TODAY=YYYY-MM-DD` fixes the day instead: for a
//! month-end rehearsal on a copy of the data, and for the end-to-end tests, which run the real
//! binary on both sides of a cut-off. The server logs a warning at start-up when it is set.

use std::sync::OnceLock;

use chrono::NaiveDate;
use pendata_shared::cases::kind::CaseKind;
use pendata_shared::dtsen::family::FamilyProcess;
use pendata_shared::model::RecordKind;
use pendata_shared::month::period::Period;
use pendata_shared::month::zone::local_today;
use pendata_shared::protocol::Change;

use crate::store::period::{kind_of, Arrival, PeriodArrival};
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

/// The proposal a pushed record is, with the period its arrival is due in ([`proposal_of`]).
/// The store notes it in the push's own transaction.
pub fn period_arrival(state: &AppState, rec: &IncomingRecord) -> Option<PeriodArrival> {
    let arrival = proposal_of(rec)?;
    Some(PeriodArrival {
        due: arrival_period(state, &arrival.desa_code),
        arrival,
    })
}

/// The proposal a pushed record is, if it is one: a usulan baru household or family, an
/// usul-sanggah finding or a PBI-JK reactivation (the proposals issue 21 §2 links to a desa's
/// musdes/SPTJM). A graduasi PKH is not one: the reference (DTSEN-REFERENCE §3.4-3.5) puts no
/// KPM exit through the desa's musdes, so it is decided by the Dinsos alone.
pub fn proposal_of(rec: &IncomingRecord) -> Option<Arrival> {
    let proposal = match &rec.record.change {
        Change::Upsert { household } => matches!(household.kind, RecordKind::UsulanBaru { .. }),
        Change::UpsertFamily { family } => {
            matches!(family.process, FamilyProcess::UsulanBaru { .. })
        }
        Change::UpsertCase { case } => matches!(
            CaseKind::of_questionnaire(case.questionnaire),
            Some(CaseKind::UsulSanggah | CaseKind::ReaktivasiPbiJk)
        ),
        Change::Delete => false,
    };
    if !proposal {
        return None;
    }
    Some(Arrival {
        kind: kind_of(rec.questionnaire).into(),
        item_id: rec.record.household_id.to_string(),
        desa_code: rec.desa_code.clone()?,
        label: rec.head_name.clone(),
    })
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use chrono::{NaiveDate, Utc};
    use pendata_shared::cases::kind::CaseKind;
    use pendata_shared::cases::record::CaseRecord;
    use pendata_shared::model::RecordKind;
    use pendata_shared::protocol::{Change, PushRecord};
    use pendata_shared::RevisionId;

    use super::proposal_of;
    use crate::store::case_contract::case;
    use crate::store::contract::{household, incoming, ready};
    use crate::store::period::KIND_HOUSEHOLD;

    const DESA: &str = "3201022001";

    /// A pushed case record of `kind`, as the push handler hands it on.
    fn case_record(kind: CaseKind) -> crate::store::IncomingRecord {
        let due = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let c = case(kind, "CB-7", DESA, due);
        let record = CaseRecord::from_assignment(&c.assignment).unwrap();
        let change = Change::UpsertCase {
            case: Box::new(record),
        };
        let mut rec = ready(
            PushRecord::new(RevisionId::new(), None, Utc::now(), c.id, change),
            Some(DESA.into()),
            Vec::new(),
        );
        rec.questionnaire = kind.questionnaire();
        rec.head_name = "Subjek CB-7".into();
        rec
    }

    #[test]
    fn usulan_baru_usul_sanggah_and_reactivations_are_proposals_and_graduasi_is_not() {
        let usul = case_record(CaseKind::UsulSanggah);
        let a = proposal_of(&usul).unwrap();
        assert_eq!(
            (a.kind.as_str(), a.desa_code.as_str(), a.label.as_str()),
            ("usul_sanggah", DESA, "Subjek CB-7")
        );
        assert_eq!(a.item_id, usul.record.household_id.to_string());
        // The kind the push's lock check looks a record up by is the kind it was noted as.
        assert_eq!(crate::store::period::kind_of(usul.questionnaire), a.kind);
        let pbi = proposal_of(&case_record(CaseKind::ReaktivasiPbiJk)).unwrap();
        assert_eq!(pbi.kind, "reaktivasi_pbi_jk");
        assert!(proposal_of(&case_record(CaseKind::GraduasiPkh)).is_none());
        let usulan = proposal_of(&incoming(household(DESA), None)).unwrap();
        assert_eq!(usulan.kind, KIND_HOUSEHOLD);
        let mut verivali = household(DESA);
        verivali.kind = RecordKind::Verivali {
            prelist_id: "P-1".into(),
        };
        assert!(proposal_of(&incoming(verivali, None)).is_none());
    }
}
