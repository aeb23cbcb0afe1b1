//! Who may do what in the Dinsos month on the dashboard (issue 21 §2). Supervisors are the
//! verifikator: they review households, import lists, record the musdes/SPTJM and check a
//! desa's period. The Kepala OPD reads what a supervisor reads in their wilayah and approves
//! a checked period, which locks it; they make no review decisions. Admins may do both (a
//! Dinsos without separate accounts), but never both steps of one period.

use maud::{html, Markup};
use pendata_shared::Lang;

use super::{t, DashError, WebUser};
use crate::store::period::PeriodError;
use crate::store::Role;

/// Supervisors and admins (the verifikator's work).
pub(crate) fn may_verify(user: &WebUser) -> bool {
    matches!(user.role, Role::Supervisor | Role::Admin)
}

/// The Kepala OPD and admins (the approval).
pub(crate) fn may_approve(user: &WebUser) -> bool {
    matches!(user.role, Role::KepalaOpd | Role::Admin)
}

pub(crate) fn require_verifier(user: &WebUser) -> Result<(), DashError> {
    if may_verify(user) {
        Ok(())
    } else {
        Err(DashError::Forbidden)
    }
}

pub(crate) fn require_approver(user: &WebUser) -> Result<(), DashError> {
    if may_approve(user) {
        Ok(())
    } else {
        Err(DashError::Forbidden)
    }
}

/// A refused change of a desa period as the dashboard's 409 page.
pub(crate) fn refusal(e: PeriodError) -> DashError {
    match e {
        PeriodError::Store(e) => DashError::from(e),
        e => {
            let (id, en) = e.message();
            DashError::Refused {
                code: e.code(),
                id,
                en,
            }
        }
    }
}

/// What a page shows the Kepala OPD instead of a form only a verifikator may send (a review
/// or resolve decision, an import, a new case): it reads, it does not submit.
pub(crate) fn verifier_only(lang: Lang) -> Markup {
    html! {
        p.note.read-only {
            (t(lang,
                "Hanya verifikator (supervisor) yang mengisi ini; Kepala OPD melihat dan mengesahkan periode di Bulan & pengesahan.",
                "Only a verifikator (supervisor) fills this in; the Kepala OPD reads it and approves periods under Month & ratification."))
        }
    }
}
