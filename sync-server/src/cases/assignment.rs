//! A case as the device receives it: an ordinary pull `Assignment` of the case's kind, the
//! person or family it is about as its members, and the case facts in `Assignment::case`.

use chrono::{DateTime, NaiveDate, Utc};
use pendata_shared::cases::graduasi::{GraduasiAssignment, GraduasiFamily};
use pendata_shared::cases::pbi_jk::PbiJkAssignment;
use pendata_shared::cases::usul_sanggah::{Channel, Submission, UsulSanggahAssignment};
use pendata_shared::cases::{CaseAssignment, CaseDetail, CaseSubject as SharedSubject};
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::model::Family;
use pendata_shared::protocol::{Assignment, PrelistMember};
use pendata_shared::HouseholdId;

use crate::store::cases::{CaseSource, CaseSubject};
use crate::store::{CaseKind, NewCase};

/// Everything a new case needs; [`new_case`] makes its assignment.
#[derive(Debug, Clone)]
pub struct CaseInput {
    pub kind: CaseKind,
    pub source_id: String,
    pub source: CaseSource,
    pub desa_code: String,
    pub assigned_to: Option<String>,
    pub due_date: NaiveDate,
    pub subject: CaseSubject,
    pub created_by: Option<String>,
}

/// The case with a fresh id and the assignment devices pull.
pub fn new_case(input: CaseInput, at: DateTime<Utc>) -> NewCase {
    let id = HouseholdId::new();
    let s = &input.subject;
    let assignment = Assignment {
        household_id: id,
        kind: input.kind.assignment_kind(),
        programme: s.programme.as_deref().and_then(ListProgramme::parse),
        desil: None,
        building_no: None,
        prelist_id: input.source_id.clone(),
        desa_code: input.desa_code.clone(),
        rt: s.rt.clone(),
        rw: s.rw.clone(),
        address: s.address.clone(),
        head_name: s.name.clone(),
        families: s
            .kk_number
            .iter()
            .map(|kk| Family {
                family_no: 1,
                kk_number: kk.clone(),
            })
            .collect(),
        members: vec![PrelistMember {
            name: s.name.clone(),
            nik: s.nik.clone(),
            relation_to_head: None,
            sex: None,
            birth_date: None,
            family_no: s.kk_number.as_ref().map(|_| 1),
        }],
        assigned_to: input.assigned_to.clone(),
        active: true,
        updated_at: at,
        case: Some(case_assignment(&input)),
    };
    NewCase {
        id,
        kind: input.kind,
        source_id: input.source_id,
        source: input.source,
        desa_code: input.desa_code,
        assigned_to: input.assigned_to,
        due_date: input.due_date,
        subject: input.subject,
        created_by: input.created_by,
        assignment,
    }
}

/// What the case is about, as the device's model carries it (`pendata_shared::cases`).
fn case_assignment(input: &CaseInput) -> Box<CaseAssignment> {
    let s = &input.subject;
    let subject = SharedSubject {
        name: s.name.clone(),
        nik: s.nik.clone(),
        kk_number: s.kk_number.clone(),
    };
    let detail = match input.kind {
        CaseKind::UsulSanggah => CaseDetail::UsulSanggah(UsulSanggahAssignment {
            submission: s
                .submission
                .as_deref()
                .and_then(Submission::parse)
                .unwrap_or(Submission::Usulan),
            channel: match input.source {
                CaseSource::Import => Channel::CekBansos,
                CaseSource::Hand => Channel::Manual,
            },
            submitted_by: s.proposer.clone(),
            subject,
            programme: s
                .programme
                .as_deref()
                .and_then(ListProgramme::parse)
                .unwrap_or(ListProgramme::Pkh),
            reason: s.reason.clone().unwrap_or_default(),
            evidence: s.evidence.iter().cloned().collect(),
            submitted_position: None,
        }),
        CaseKind::ReaktivasiPbiJk => CaseDetail::ReaktivasiPbiJk(PbiJkAssignment {
            person: subject,
            emergency: s.emergency,
            deactivated_on: None,
            note: s.note.clone(),
        }),
        CaseKind::GraduasiPkh => CaseDetail::GraduasiPkh(GraduasiAssignment {
            family: GraduasiFamily {
                head: subject,
                pkh_since_year: None,
                components: Vec::new(),
            },
            proposed_type: None,
            note: s.note.clone(),
        }),
    };
    Box::new(CaseAssignment {
        due_date: input.due_date,
        detail,
    })
}
