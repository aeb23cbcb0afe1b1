//! The service: one worker thread owns the [`Device`] (the client core) and does all I/O —
//! SQLCipher, photo files, HTTP — off the UI thread.
//!
//! Components send [`Intent`]s through [`Service::send`] (never blocks). The worker answers
//! with [`Update`]s on an unbounded channel; the root component applies them to the
//! [`AppState`](crate::state::AppState) signal. The core stays synchronous; the two async calls
//! (`login`, `sync`) run on a current-thread tokio runtime owned by the worker.
//!
//! This file holds the handle, the worker's state and [`Worker::handle`], which routes each
//! intent to the file serving its concern: `session.rs` (enrol, unlock, lock, PIN, language,
//! settings), `worklist.rs` (home counts, search, totals), `household.rs` (the open household:
//! answers, skip rules, members, rows, finalize, proposals, deleting drafts), `photos.rs`
//! (photos and the house position), `sync.rs` and `connection.rs` (`/healthz`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc;

use pendata_core::crypto::KdfParams;
use pendata_core::store::StoreError;
use pendata_core::{Device, DeviceError};
use pendata_shared::{HouseholdId, Lang};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::i18n::tr;
use crate::state::Update;

mod connection;
mod household;
mod intent;
mod photos;
mod session;
mod sync;
mod worklist;

pub use connection::HEALTH_DEADLINE;
pub use intent::Intent;
pub use session::dir_size;

/// How the service is set up: where the data lives and how costly the PIN derivation is.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    pub data_dir: PathBuf,
    /// Argon2 parameters for a new key file (the real default; cheap ones only in tests).
    pub kdf: KdfParams,
    /// Name the device gives itself at enrolment.
    pub device_name: String,
    /// The server address the enrolment form starts with (`PENDATA_SERVER_URL`).
    pub server_hint: Option<String>,
}

/// The handle components hold. Cloning it is cheap; the worker stops when every handle is gone.
#[derive(Clone)]
pub struct Service {
    tx: mpsc::Sender<Intent>,
}

impl Service {
    /// Starts the worker thread. Returns the handle and the stream of updates.
    pub fn start(config: ServiceConfig) -> (Service, UnboundedReceiver<Update>) {
        let (tx, rx) = mpsc::channel::<Intent>();
        let (out, updates) = unbounded_channel();
        let spawned = std::thread::Builder::new()
            .name("pendata-service".into())
            .spawn(move || Worker::new(config, out).run(rx));
        if let Err(e) = spawned {
            tracing::error!("cannot start the service thread: {e}");
        }
        (Service { tx }, updates)
    }

    /// Sends an intent to the worker (never blocks).
    pub fn send(&self, intent: Intent) {
        if self.tx.send(intent).is_err() {
            tracing::error!("the service thread has stopped");
        }
    }
}

struct Worker {
    config: ServiceConfig,
    out: UnboundedSender<Update>,
    device: Option<Device>,
    lang: Lang,
    open: Option<HouseholdId>,
    field_errors: BTreeMap<String, String>,
    runtime: Option<tokio::runtime::Runtime>,
    /// Number of the last reachability check.
    conn_seq: u64,
}

type Res<T = ()> = Result<T, String>;

impl Worker {
    fn new(config: ServiceConfig, out: UnboundedSender<Update>) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| tracing::error!("no async runtime for sync: {e}"))
            .ok();
        Worker {
            config,
            out,
            device: None,
            lang: Lang::Id,
            open: None,
            field_errors: BTreeMap::new(),
            runtime,
            conn_seq: 0,
        }
    }

    fn emit(&self, u: Update) {
        // The UI may have gone away (window closed): nothing to do then.
        let _ = self.out.send(u);
    }

    fn run(mut self, rx: mpsc::Receiver<Intent>) {
        if Device::exists(&self.config.data_dir) {
            self.emit(Update::NeedsUnlock);
        } else {
            self.emit(Update::NeedsEnrol);
        }
        while let Ok(intent) = rx.recv() {
            let long = matches!(
                intent,
                Intent::Enrol { .. }
                    | Intent::Unlock { .. }
                    | Intent::Sync
                    | Intent::AddPhotoFile { .. }
                    | Intent::AddPhotoBytes { .. }
                    | Intent::ChangePin { .. }
            );
            if long {
                self.emit(Update::Busy(true));
            }
            if let Err(message) = self.handle(intent) {
                self.emit(Update::Error(message));
            }
            if long {
                self.emit(Update::Busy(false));
            }
        }
        if let (Some(id), Some(d)) = (self.open, self.device.as_mut()) {
            let _ = d.store_mut().end_session(id);
        }
    }

    fn err(&self, e: DeviceError) -> String {
        if e.is_wrong_pin() {
            return tr(self.lang, "unlock.wrong_pin").to_string();
        }
        format!("{} ({})", e.message(self.lang), e.code())
    }

    fn store_err(&self, e: StoreError) -> String {
        format!("{} ({})", e.message(self.lang), e.code())
    }

    fn device(&mut self) -> Res<&mut Device> {
        let lang = self.lang;
        self.device
            .as_mut()
            .ok_or_else(|| tr(lang, "unlock.title").to_string())
    }

    /// Routes an intent to the part of the worker that serves its concern.
    fn handle(&mut self, intent: Intent) -> Res {
        match intent {
            // session.rs
            Intent::Enrol {
                server_url,
                username,
                password,
                pin,
            } => self
                .enrol(&server_url, &username, &password, &pin)
                .map(|()| self.check_connection()),
            Intent::Unlock { pin } => self.unlock(&pin).map(|()| self.check_connection()),
            Intent::Lock => self.lock(),
            Intent::ChangePin { old, new } => self.change_pin(&old, &new),
            Intent::SetLang(lang) => self.set_lang(lang),
            Intent::LoadSettings => self.load_settings(),
            // worklist.rs
            Intent::LoadHome => self.load_home(),
            Intent::Search(q) => self.search_and_count(q),
            // household.rs
            Intent::OpenAssignment(id) => self.open_assignment(id),
            Intent::OpenHousehold(id) => self.open_household(id),
            Intent::CloseForm(_) => {
                self.close_session();
                Ok(())
            }
            Intent::SetText { id, path, text } => self.set_text(id, &path, &text),
            Intent::AddMember { id, name } => self.add_member(id, &name),
            Intent::RemoveMember { id, member } => self.remove_member(id, member),
            Intent::AddRow { id, rows } => self.add_row(id, rows),
            Intent::RemoveRow { id, rows, index } => self.remove_row(id, rows, index),
            Intent::ToggleBit { id, path, bit } => self.toggle_bit(id, &path, bit),
            Intent::Finalize(id) => self.finalize(id),
            Intent::Reopen(id) => self.reopen(id),
            Intent::NewProposal { desa_code } => self.new_proposal(&desa_code),
            Intent::DeleteDraft { id, then } => self.delete_draft(id, then),
            // photos.rs
            Intent::AddPhotoFile { id, kind, path } => self.add_photo_file(id, kind, &path),
            Intent::AddPhotoBytes { id, kind, bytes } => self.add_photo(id, kind, &bytes),
            Intent::ViewPhoto(sha) => self.view_photo(&sha),
            Intent::ClosePhoto => {
                self.emit(Update::FullPhoto(None));
                Ok(())
            }
            Intent::SetGeotag {
                id,
                latitude,
                longitude,
                accuracy_m,
                source,
            } => self.set_geotag(id, latitude, longitude, accuracy_m, source),
            Intent::GeotagFromPhoto(id) => self.geotag_from_photo(id),
            // sync.rs, connection.rs
            Intent::Sync => self.sync_if_reachable(),
            Intent::CheckConnection => {
                self.check_connection();
                Ok(())
            }
        }
    }
}
