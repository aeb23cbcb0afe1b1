//! What a component can ask of the service.

use std::path::PathBuf;

use pendata_shared::dtsen::GroundCheckOutcome;
use pendata_shared::model::GeoSource;
use pendata_shared::{HouseholdId, Lang, MemberId, PhotoKind};

use serde::{Deserialize, Serialize};

use crate::form;
use crate::state::ListQuery;

/// What a component can ask for. Serializable: in the browser it crosses to the Web Worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Intent {
    /// First start: create the encrypted data directory with `pin` (unless already created)
    /// and log in.
    Enrol {
        server_url: String,
        username: String,
        password: String,
        pin: String,
    },
    Unlock {
        pin: String,
    },
    Lock,
    ChangePin {
        old: String,
        new: String,
    },
    LoadHome,
    Search(ListQuery),
    OpenAssignment(HouseholdId),
    OpenHousehold(HouseholdId),
    /// Set a field from what was typed or picked (empty clears it).
    SetText {
        id: HouseholdId,
        path: String,
        text: String,
    },
    AddMember {
        id: HouseholdId,
        name: String,
    },
    RemoveMember {
        id: HouseholdId,
        member: MemberId,
    },
    /// Take a photo from a file (desktop) into the household.
    AddPhotoFile {
        id: HouseholdId,
        kind: PhotoKind,
        path: PathBuf,
    },
    /// Take a photo from bytes (a platform camera, or a file input without a path).
    AddPhotoBytes {
        id: HouseholdId,
        kind: PhotoKind,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    ViewPhoto(String),
    ClosePhoto,
    SetGeotag {
        id: HouseholdId,
        latitude: f64,
        longitude: f64,
        accuracy_m: Option<f64>,
        /// When the position was measured (ms since 1970, the platform's own timestamp); the
        /// worker's clock when unknown (typed coordinates).
        fix_time_ms: Option<i64>,
        source: GeoSource,
    },
    GeotagFromPhoto(HouseholdId),
    Finalize(HouseholdId),
    Reopen(HouseholdId),
    CloseForm(HouseholdId),
    Sync,
    SetLang(Lang),
    LoadSettings,
    /// Create a new proposal (usulan baru) in this desa of the user's area and open it.
    NewProposal {
        desa_code: String,
    },
    /// Delete a household made on this device and never sent, then list `then`.
    DeleteDraft {
        id: HouseholdId,
        then: ListQuery,
    },
    /// Ask the server's `/healthz` (in the background; the answer comes as an update).
    CheckConnection,
    /// Add an empty row (a family, a business, a dependent) at the end of its list.
    AddRow {
        id: HouseholdId,
        rows: form::Rows,
    },
    /// Remove row `index` of a list.
    RemoveRow {
        id: HouseholdId,
        rows: form::Rows,
        index: usize,
    },
    /// Flip one bit of a bitmask answer (a member's identity cards), from its stored value.
    ToggleBit {
        id: HouseholdId,
        path: String,
        bit: u8,
    },
    /// Add or remove one code of a list answer (430's illnesses, 307b's meters).
    ToggleCode {
        id: HouseholdId,
        path: String,
        code: u8,
    },
    /// A ground-check visit where the outcome was learnt (found, moved, died, not found): the
    /// store records the visit and fills the members' keberadaan (404) not yet answered.
    RecordOutcome {
        id: HouseholdId,
        outcome: GroundCheckOutcome,
    },
    /// "Tidak ada orang — kunjungi lagi": the visit goes on the revisit list; nothing filled
    /// is lost.
    NobodyHome {
        id: HouseholdId,
        note: String,
    },
    /// The revisit list ("Kunjungi lagi").
    LoadRevisits,
    /// Pack the whole encrypted data directory into one backup file (streamed): an OPFS file
    /// the page offers for the browser's Downloads, or written to the backup folder natively.
    Backup,
    /// Restore a backup from the file the browser's file input picked: the `File` itself
    /// crosses to the worker (a reference, not its bytes), which reads it in slices.
    #[cfg(all(target_family = "wasm", feature = "web"))]
    RestoreBlob {
        #[serde(with = "serde_wasm_bindgen::preserve")]
        file: web_sys::Blob,
    },
    /// Restore a backup from its bytes: natively, where the file input gives no path (an
    /// Android WebView may not). Never in the browser, which sends the `File` itself.
    #[cfg(not(all(target_family = "wasm", feature = "web")))]
    RestoreBytes {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Restore a backup from a file (the desktop's file input gives a path).
    RestoreFile {
        path: PathBuf,
    },
    /// Count what waits to be sent and ask before logging out.
    AskLogout,
    /// Log out: the token is revoked and forgotten; every record and photo stays.
    Logout,
    /// Log in again with the saved server and username (the server refused the token during
    /// a sync), keeping every record and photo, then sync.
    Relogin {
        password: String,
    },
    /// Drop what waits for the running sync to end (the facilitator changed their mind).
    CancelWait,
    /// Answers [`Update::Flushed`](crate::state::Update::Flushed) with the same number once
    /// every intent sent before it has been served (intents are served in order): nothing is
    /// in flight then (a reload for a new version waits for it).
    Flush(u64),
}

impl Intent {
    /// Whether serving it takes long (the UI shows busy): the PIN's key derivation, a photo
    /// through the pipeline, the whole store packed or restored, a round trip to the server.
    pub fn is_long(&self) -> bool {
        #[cfg(all(target_family = "wasm", feature = "web"))]
        if matches!(self, Intent::RestoreBlob { .. }) {
            return true;
        }
        #[cfg(not(all(target_family = "wasm", feature = "web")))]
        if matches!(self, Intent::RestoreBytes { .. }) {
            return true;
        }
        matches!(
            self,
            Intent::Enrol { .. }
                | Intent::Unlock { .. }
                | Intent::AddPhotoFile { .. }
                | Intent::AddPhotoBytes { .. }
                | Intent::ChangePin { .. }
                | Intent::Backup
                | Intent::RestoreFile { .. }
                | Intent::Logout
                | Intent::Relogin { .. }
        )
    }

    /// Whether it changes the open record (an answer, a member, a row, a photo, the position,
    /// the visit's outcome): the form's "Menyimpan…" waits for the worker's answer to it.
    pub fn is_edit(&self) -> bool {
        matches!(
            self,
            Intent::SetText { .. }
                | Intent::AddMember { .. }
                | Intent::RemoveMember { .. }
                | Intent::AddPhotoFile { .. }
                | Intent::AddPhotoBytes { .. }
                | Intent::SetGeotag { .. }
                | Intent::GeotagFromPhoto(_)
                | Intent::AddRow { .. }
                | Intent::RemoveRow { .. }
                | Intent::ToggleBit { .. }
                | Intent::ToggleCode { .. }
                | Intent::RecordOutcome { .. }
                | Intent::NobodyHome { .. }
        )
    }
}
