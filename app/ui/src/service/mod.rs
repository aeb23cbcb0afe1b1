//! The service: one worker owns the [`Device`] (the client core) and does all I/O —
//! SQLCipher, photo files, HTTP — off the UI.
//!
//! Components send [`Intent`]s through [`Service::send`] (never blocks). The worker answers
//! with [`Update`]s on an unbounded channel; the root component applies them to the
//! [`AppState`](crate::state::AppState) signal. Where the worker runs is the platform's
//! business, the worker is the same: on the desktop and Android a thread (`thread.rs`) with a
//! current-thread tokio runtime for the core's async calls (`login`, `sync`, `/healthz`); in
//! the browser a dedicated Web Worker (`web.rs` on the page, `web_worker.rs` inside the
//! worker), intents and updates crossing as structured-cloned values ([`ToWorker`], `Update`).
//!
//! This file holds the handle, the worker's state and [`Worker::handle`], which routes each
//! intent to the file serving its concern: `session.rs` (enrol, unlock, lock, PIN, language,
//! settings), `worklist.rs` (home counts, search, totals), `household.rs` (the open household:
//! answers, skip rules, members, rows, finalize, proposals, deleting drafts), `ground_check.rs`
//! (the open DTSEN family of a ground check: outcome, nobody home, the revisit list), `photos.rs`
//! (photos and the house position), `sync.rs`, `connection.rs` (`/healthz`) and `backup.rs`
//! (the backup file, restoring it).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

use pendata_core::crypto::KdfParams;
use pendata_core::{Device, DeviceError};
use pendata_shared::{HouseholdId, Lang};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::i18n::tr;
use crate::state::{Refused, Update};

mod background;
mod backup;
mod case;
mod connection;
mod family_facts;
mod ground_check;
mod household;
mod intent;
mod photos;
mod relogin;
mod serve;
mod session;
mod sync;
#[cfg(not(target_family = "wasm"))]
mod thread;
#[cfg(all(target_family = "wasm", feature = "web"))]
pub mod web;
#[cfg(all(target_family = "wasm", feature = "web"))]
mod web_files;
#[cfg(all(target_family = "wasm", feature = "web"))]
pub mod web_worker;
mod worklist;

pub use backup::BACKUP_DIR;
pub use connection::HEALTH_DEADLINE;
pub use intent::Intent;
pub use photos::MAX_PHOTO_FILE;
pub use session::dir_size;

/// How the service is set up: where the data lives and how costly the PIN derivation is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceConfig {
    pub data_dir: PathBuf,
    /// Argon2 parameters for a new key file (the real default; cheap ones only in tests).
    pub kdf: KdfParams,
    /// Name the device gives itself at enrolment.
    pub device_name: String,
    /// The server address the enrolment form starts with (`PENDATA_SERVER_URL`).
    pub server_hint: Option<String>,
    /// Where *Cadangkan data* writes the backup file natively (`paths::backup_dir`); the
    /// browser hands it to its Downloads instead and ignores this.
    pub backup_dir: PathBuf,
}

/// The handle components hold. Cloning it is cheap; on the desktop the worker stops when every
/// handle is gone.
#[derive(Clone)]
pub struct Service {
    send: Rc<dyn Fn(Intent)>,
}

impl Service {
    /// Starts the worker (a thread natively, a Web Worker in the browser). Returns the handle
    /// and the stream of updates.
    pub fn start(config: ServiceConfig) -> (Service, UnboundedReceiver<Update>) {
        #[cfg(not(target_family = "wasm"))]
        return thread::start(config);
        #[cfg(all(target_family = "wasm", feature = "web"))]
        return web::start(config);
    }

    /// A handle that hands each intent to `send` (the platform's transport).
    pub(crate) fn from_fn(send: impl Fn(Intent) + 'static) -> Service {
        Service {
            send: Rc::new(send),
        }
    }

    /// Sends an intent to the worker (never blocks).
    pub fn send(&self, intent: Intent) {
        (self.send)(intent)
    }
}

/// What the page sends to the service's Web Worker: first its configuration, then intents.
#[derive(Debug, Serialize, Deserialize)]
pub enum ToWorker {
    Start(ServiceConfig),
    Intent(Intent),
}

/// The service's state and its answers; the same on every platform (see the module docs).
/// `serve.rs` runs it: intents in order, a sync beside them.
pub(crate) struct Worker {
    config: ServiceConfig,
    out: UnboundedSender<Update>,
    device: Option<Device>,
    lang: Lang,
    open: Option<HouseholdId>,
    field_errors: BTreeMap<String, Refused>,
    /// Number of the last reachability check.
    conn_seq: u64,
    list_pages: worklist::ListPages,
    /// Edits served so far (see [`Intent::is_edit`]).
    edits_served: u64,
    /// Called after each emit where updates must be handed on at once (the browser's worker:
    /// its poster task would otherwise run only when the intent being served ends).
    post_now: Option<Rc<dyn Fn()>>,
    /// Long intents and the sync under way: the UI shows busy while this is above zero.
    busy: u32,
    /// A sync was asked for and not started yet (`serve.rs` starts it).
    sync_requested: bool,
}

type Res<T = ()> = Result<T, String>;

impl Worker {
    pub(crate) fn new(config: ServiceConfig, out: UnboundedSender<Update>) -> Self {
        Worker {
            config,
            out,
            device: None,
            lang: Lang::Id,
            open: None,
            field_errors: BTreeMap::new(),
            conn_seq: 0,
            list_pages: Default::default(),
            edits_served: 0,
            post_now: None,
            busy: 0,
            sync_requested: false,
        }
    }

    /// Hands every emitted update on at once through `post_now` (the browser's worker).
    #[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
    pub(crate) fn posting_with(mut self, post_now: Rc<dyn Fn()>) -> Self {
        self.post_now = Some(post_now);
        self
    }

    fn emit(&self, u: Update) {
        // The UI may have gone away (window closed): nothing to do then.
        let _ = self.out.send(u);
        if let Some(post) = &self.post_now {
            post();
        }
    }

    /// The first answer: enrol on a first start, else ask for the PIN.
    pub(crate) fn hello(&self) {
        if Device::exists(&self.config.data_dir) {
            self.emit(Update::NeedsUnlock);
        } else {
            self.emit(Update::NeedsEnrol);
        }
    }

    /// Serves one intent: busy around the long ones, an error for people when it fails.
    pub(crate) async fn step(&mut self, intent: Intent) {
        let long = intent.is_long();
        if long {
            self.busy(true);
        }
        let edit = intent.is_edit();
        let result = self.handle(intent).await;
        if edit {
            self.edits_served += 1;
            self.emit(Update::EditDone {
                served: self.edits_served,
                result: result.clone().map(|()| connection::local_time()),
            });
        }
        if let Err(message) = result {
            self.emit(Update::Error(message));
        }
        if long {
            self.busy(false);
        }
    }

    /// One long piece of work begins (`true`) or ends: the UI hears only when the first
    /// begins and the last ends (a photo added during a sync leaves it busy).
    fn busy(&mut self, on: bool) {
        let before = self.busy;
        self.busy = if on {
            before + 1
        } else {
            before.saturating_sub(1)
        };
        if (before == 0) != (self.busy == 0) {
            self.emit(Update::Busy(self.busy > 0));
        }
    }

    /// The UI has gone: ends the open editing session.
    pub(crate) fn close(&mut self) {
        if let (Some(id), Some(d)) = (self.open, self.device.as_mut()) {
            let _ = d.store_mut().end_session(id);
        }
    }

    /// The store refused `typed` at `path`: the field keeps it, with `why` under it.
    fn refuse(&mut self, path: &str, typed: &str, why: String) {
        let typed = typed.to_string();
        self.field_errors
            .insert(path.to_string(), Refused { typed, why });
    }

    fn err(&self, e: DeviceError) -> String {
        if e.is_wrong_pin() {
            return tr(self.lang, "unlock.wrong_pin").to_string();
        }
        format!("{} ({})", e.message(self.lang), e.code())
    }

    fn device(&mut self) -> Res<&mut Device> {
        let lang = self.lang;
        self.device
            .as_mut()
            .ok_or_else(|| tr(lang, "unlock.title").to_string())
    }

    /// Routes an intent to the part of the worker that serves its concern.
    async fn handle(&mut self, intent: Intent) -> Res {
        match intent {
            // session.rs
            Intent::Enrol {
                server_url,
                username,
                password,
                pin,
            } => {
                self.enrol(&server_url, &username, &password, &pin).await?;
                self.check_connection();
                Ok(())
            }
            Intent::Unlock { pin } => {
                self.unlock(&pin)?;
                self.check_connection();
                Ok(())
            }
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
            // ground_check.rs
            Intent::ToggleCode { id, path, code } => self.toggle_code(id, &path, code),
            Intent::RecordOutcome { id, outcome } => self.record_outcome(id, outcome),
            Intent::NobodyHome { id, note } => self.nobody_home(id, &note),
            Intent::LoadRevisits => self.load_revisits(),
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
                fix_time_ms,
                source,
            } => self.set_geotag(id, latitude, longitude, accuracy_m, fix_time_ms, source),
            Intent::GeotagFromPhoto(id) => self.geotag_from_photo(id),
            // sync.rs, connection.rs
            Intent::Sync => {
                self.request_sync();
                Ok(())
            }
            Intent::CheckConnection => {
                self.check_connection();
                Ok(())
            }
            // backup.rs
            Intent::Backup => self.backup().await,
            #[cfg(all(target_family = "wasm", feature = "web"))]
            Intent::RestoreBlob { file } => self.restore_blob(file),
            #[cfg(not(all(target_family = "wasm", feature = "web")))]
            Intent::RestoreBytes { bytes } => self.restore(std::io::Cursor::new(bytes)),
            Intent::RestoreFile { path } => self.restore_file(&path),
            // session.rs
            Intent::AskLogout => self.ask_logout(),
            Intent::Logout => self.logout().await,
            // relogin.rs
            Intent::Relogin { password } => self.relogin(&password).await,
            // Nothing waits when it is served (serve.rs drops what waits for a sync).
            Intent::CancelWait => Ok(()),
            Intent::Flush(seq) => {
                self.emit(Update::Flushed(seq));
                Ok(())
            }
        }
    }
}
