//! Usul-sanggah (DTSEN-REFERENCE §3.2): residents propose themselves or others (*Daftar
//! Usulan*) or object to a listed recipient (*Tanggapan Kelayakan*) through Cek Bansos, or a
//! Dinsos officer enters one by hand; a pendamping verifies it in the field and records whether
//! the person is layak. The reference records nothing beyond this ("use the GC variables"), so
//! what the facilitator records is Pendata's choice: the verdict, the reason from §3.8 when
//! tidak layak, a note, photos and the house's position.

use serde::{Deserialize, Serialize};

use super::ineligible::IneligibleReason;
use super::subject::CaseSubject;
use crate::dtsen::family::ListProgramme;
use crate::month::geo::Position;
use crate::text::{Localized, Text};

/// A proposal or an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Submission {
    /// *Daftar Usulan*: someone proposed to receive a programme.
    Usulan,
    /// *Tanggapan Kelayakan*: an objection to a listed recipient.
    Sanggahan,
}

impl Submission {
    pub const fn id(self) -> &'static str {
        match self {
            Submission::Usulan => "usulan",
            Submission::Sanggahan => "sanggahan",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "usulan" | "usul" => Some(Submission::Usulan),
            "sanggahan" | "sanggah" => Some(Submission::Sanggahan),
            _ => None,
        }
    }
}

impl Localized for Submission {
    fn text(&self) -> Text {
        match self {
            Submission::Usulan => Text::new("Usulan", "Proposal"),
            Submission::Sanggahan => Text::new("Sanggahan", "Objection"),
        }
    }
}

/// Where a submission came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Kemensos's Cek Bansos app.
    #[default]
    CekBansos,
    /// Entered by hand at the Dinsos (a letter, a visit to the office).
    Manual,
}

impl Channel {
    pub const fn id(self) -> &'static str {
        match self {
            Channel::CekBansos => "cek_bansos",
            Channel::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "cek_bansos" | "cekbansos" => Some(Channel::CekBansos),
            "manual" => Some(Channel::Manual),
            _ => None,
        }
    }
}

/// What the supervisor hands out: the submission as it came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UsulSanggahAssignment {
    pub submission: Submission,
    #[serde(default)]
    pub channel: Channel,
    /// Who proposed or objected, by name. Their NIK is not needed to verify (the reference asks
    /// only that an objector lives in the same desa), so it is not carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    /// Who the submission is about.
    pub subject: CaseSubject,
    /// The programme proposed for, or objected to.
    pub programme: ListProgramme,
    /// The submitter's reason, as written.
    pub reason: String,
    /// The evidence it came with, described (e.g. "foto rumah", "surat keterangan RT").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// The house's coordinates the submitter gave (an objection carries them, §3.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_position: Option<Position>,
}

/// The facilitator's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Layak,
    TidakLayak,
}

impl Verdict {
    pub const fn id(self) -> &'static str {
        match self {
            Verdict::Layak => "layak",
            Verdict::TidakLayak => "tidak_layak",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "layak" => Some(Verdict::Layak),
            "tidak_layak" => Some(Verdict::TidakLayak),
            _ => None,
        }
    }
}

impl Localized for Verdict {
    fn text(&self) -> Text {
        match self {
            Verdict::Layak => Text::new("Layak", "Eligible"),
            Verdict::TidakLayak => Text::new("Tidak layak", "Not eligible"),
        }
    }
}

/// What the facilitator records (photos and the position are on the record).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UsulSanggahFinding {
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// Required when tidak layak, absent when layak.
    #[serde(default)]
    pub reason: Option<IneligibleReason>,
    #[serde(default)]
    pub note: Option<String>,
}
