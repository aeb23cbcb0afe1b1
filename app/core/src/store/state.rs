//! Where a record is in its life cycle (the same for DTKS households and DTSEN families).

use std::fmt;

use pendata_shared::Lang;
use serde::{Deserialize, Serialize};

/// Where a household record is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    Draft,
    Final,
    Queued,
    Sent,
    Approved,
    Rejected,
    Conflict,
    Deleted,
    /// A photo the record references is gone or damaged on this device: it is not sent until
    /// the photo is taken again ("perlu foto ulang"). See [`Store::set_aside_for_photo`].
    NeedsPhoto,
}

impl RecordState {
    /// Every state, in life-cycle order.
    pub const ALL: [RecordState; 9] = [
        RecordState::Draft,
        RecordState::Final,
        RecordState::Queued,
        RecordState::Sent,
        RecordState::Approved,
        RecordState::Rejected,
        RecordState::Conflict,
        RecordState::Deleted,
        RecordState::NeedsPhoto,
    ];

    /// The spelling in the store and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordState::Draft => "draft",
            RecordState::Final => "final",
            RecordState::Queued => "queued",
            RecordState::Sent => "sent",
            RecordState::Approved => "approved",
            RecordState::Rejected => "rejected",
            RecordState::Conflict => "conflict",
            RecordState::Deleted => "deleted",
            RecordState::NeedsPhoto => "needs_photo",
        }
    }

    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Label for people.
    pub const fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RecordState::Draft, Lang::Id) => "draf",
            (RecordState::Final, Lang::Id) => "final",
            (RecordState::Queued, Lang::Id) => "antre kirim",
            (RecordState::Sent, Lang::Id) => "terkirim",
            (RecordState::Approved, Lang::Id) => "disetujui",
            (RecordState::Rejected, Lang::Id) => "ditolak",
            (RecordState::Conflict, Lang::Id) => "konflik",
            (RecordState::Deleted, Lang::Id) => "dihapus",
            (RecordState::NeedsPhoto, Lang::Id) => "perlu foto ulang",
            (RecordState::Draft, Lang::En) => "draft",
            (RecordState::Final, Lang::En) => "final",
            (RecordState::Queued, Lang::En) => "queued",
            (RecordState::Sent, Lang::En) => "sent",
            (RecordState::Approved, Lang::En) => "approved",
            (RecordState::Rejected, Lang::En) => "rejected",
            (RecordState::Conflict, Lang::En) => "conflict",
            (RecordState::Deleted, Lang::En) => "deleted",
            (RecordState::NeedsPhoto, Lang::En) => "photo retake needed",
        }
    }
}

impl fmt::Display for RecordState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
