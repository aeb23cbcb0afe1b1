//! The DTSEN ground check: what a pendamping found when visiting a listed family, each visit,
//! and when a family must be visited again.
//!
//! **The outcome code list and the revisit rule are UNCONFIRMED** (DTSEN-REFERENCE.md §3.1: no
//! published ground-check codes; Regsosek 205 and 404 are the closest published codes). Pendata's
//! choice, documented in docs/formats.md: four outcomes as snake_case words (not numbers, so
//! they can never be mistaken for an official code), every visit kept with its time, and a
//! revisit policy that is configuration ([`RevisitPolicy`]), not a constant.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::month::zone::Zone;
use crate::text::Text;

/// What the ground check found about the listed family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroundCheckOutcome {
    /// Found, and living here: the form is filled (205 = 1 or 2).
    Found,
    /// The family moved away (205 = 5).
    Moved,
    /// The listed family no longer exists because its members died (404 = 2).
    Died,
    /// Nobody knows the family at this address (205 = 3 or 5).
    NotFound,
}

impl GroundCheckOutcome {
    pub const ALL: [GroundCheckOutcome; 4] = [
        GroundCheckOutcome::Found,
        GroundCheckOutcome::Moved,
        GroundCheckOutcome::Died,
        GroundCheckOutcome::NotFound,
    ];

    /// The id on the wire and in exports.
    pub const fn id(self) -> &'static str {
        match self {
            GroundCheckOutcome::Found => "found",
            GroundCheckOutcome::Moved => "moved",
            GroundCheckOutcome::Died => "died",
            GroundCheckOutcome::NotFound => "not_found",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.id() == s)
    }

    pub const fn text(self) -> Text {
        match self {
            GroundCheckOutcome::Found => {
                Text::new("Ditemukan, tinggal di sini", "Found, living here")
            }
            GroundCheckOutcome::Moved => Text::new("Pindah", "Moved"),
            GroundCheckOutcome::Died => Text::new("Meninggal", "Died"),
            GroundCheckOutcome::NotFound => Text::new("Tidak ditemukan", "Not found"),
        }
    }
}

/// What happened at one visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitResult {
    /// Someone could answer (or the outcome was learnt from neighbours).
    Met,
    /// Nobody was home: "kunjungi lagi".
    NobodyHome,
}

impl VisitResult {
    pub const fn text(self) -> Text {
        match self {
            VisitResult::Met => Text::new("Bertemu responden", "Met a respondent"),
            VisitResult::NobodyHome => {
                Text::new("Tidak ada orang, kunjungi lagi", "Nobody home, visit again")
            }
        }
    }
}

/// One visit to the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Visit {
    #[serde(deserialize_with = "crate::time::utc")]
    pub at: DateTime<Utc>,
    pub result: VisitResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The ground check of one family: every visit and the outcome once known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroundCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<GroundCheckOutcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<Visit>,
}

impl GroundCheck {
    pub fn is_empty(&self) -> bool {
        self.outcome.is_none() && self.visits.is_empty()
    }

    /// Visits where nobody was home.
    pub fn attempts_nobody_home(&self) -> usize {
        self.visits
            .iter()
            .filter(|v| v.result == VisitResult::NobodyHome)
            .count()
    }

    /// Whether the family waits for another visit: no outcome yet and the last visit found
    /// nobody home.
    pub fn awaits_revisit(&self) -> bool {
        self.outcome.is_none()
            && self
                .visits
                .last()
                .is_some_and(|v| v.result == VisitResult::NobodyHome)
    }

    /// The date of the last visit, on the calendar of `zone` (the family's: [`FamilyRecord::zone`]).
    ///
    /// [`FamilyRecord::zone`]: crate::dtsen::FamilyRecord::zone
    pub fn last_visit(&self, zone: Zone) -> Option<NaiveDate> {
        self.visits.last().map(|v| zone.today(v.at))
    }
}

/// When a family nobody was home at is visited again, and when the pendamping may stop.
/// UNCONFIRMED in the reference: configuration with documented defaults (docs/formats.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RevisitPolicy {
    /// Visits with nobody home before the family may be closed as not found.
    pub max_attempts: u8,
    /// Days to wait after a visit with nobody home before the next one (0: the same day).
    pub min_days_between: u16,
}

impl Default for RevisitPolicy {
    /// 3 attempts, on different days (1 day apart): Regsosek's practice of revisiting until
    /// the end of fieldwork (205 = 3), made finite. A Dinsos sets its own.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            min_days_between: 1,
        }
    }
}

impl RevisitPolicy {
    /// Whether `gc` may be closed as not found because the attempts are used up.
    pub fn attempts_used_up(&self, gc: &GroundCheck) -> bool {
        gc.attempts_nobody_home() >= usize::from(self.max_attempts)
    }

    /// The first day the next visit is due, if the family awaits one.
    pub fn next_visit_on(&self, gc: &GroundCheck, zone: Zone) -> Option<NaiveDate> {
        if !gc.awaits_revisit() {
            return None;
        }
        gc.last_visit(zone)
            .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(self.min_days_between))))
    }
}
