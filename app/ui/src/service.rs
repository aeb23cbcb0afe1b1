//! The service: one worker thread owns the [`Device`] (the client core) and does all I/O —
//! SQLCipher, photo files, HTTP — off the UI thread.
//!
//! Components send [`Intent`]s through [`Service::send`] (never blocks). The worker answers
//! with [`Update`]s on an unbounded channel; the root component applies them to the
//! [`AppState`](crate::state::AppState) signal. The core stays synchronous; the two async calls
//! (`login`, `sync`) run on a current-thread tokio runtime owned by the worker.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use base64::Engine as _;
use chrono::Utc;
use pendata_core::crypto::KdfParams;
use pendata_core::store::{keys, RecordState, SearchQuery, StoreError};
use pendata_core::sync::{Phase, Progress};
use pendata_core::{Device, DeviceError, PhotoOptions};
use pendata_shared::model::{GeoSource, Geotag};
use pendata_shared::{HouseholdId, Lang, Member, MemberId, PhotoKind};
use serde_json::Value;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::form;
use crate::i18n::tr;
use crate::state::{
    ConnectionView, Deletable, FormView, HomeView, ListCounts, ListQuery, ListView, PhotoThumb,
    Reach, SettingsView, SyncView, Update, PAGE_SIZE,
};

/// Largest photo file read from disk (bytes); the core's pipeline has its own limits too.
const MAX_PHOTO_FILE: u64 = 40 * 1024 * 1024;

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

/// What a component can ask for.
#[derive(Debug, Clone)]
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
        bytes: Vec<u8>,
    },
    ViewPhoto(String),
    ClosePhoto,
    SetGeotag {
        id: HouseholdId,
        latitude: f64,
        longitude: f64,
        accuracy_m: Option<f64>,
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

    fn handle(&mut self, intent: Intent) -> Res {
        match intent {
            Intent::Enrol {
                server_url,
                username,
                password,
                pin,
            } => {
                self.enrol(&server_url, &username, &password, &pin)?;
                self.check_connection();
                Ok(())
            }
            Intent::Unlock { pin } => {
                self.unlock(&pin)?;
                self.check_connection();
                Ok(())
            }
            Intent::Lock => {
                self.close_session();
                self.device = None;
                self.emit(Update::Locked);
                Ok(())
            }
            Intent::ChangePin { old, new } => {
                if new.chars().count() < 6 {
                    return Err(tr(self.lang, "enrol.pin_short").into());
                }
                Device::change_pin(&self.config.data_dir, &old, &new).map_err(|e| self.err(e))?;
                self.emit(Update::Notice(tr(self.lang, "settings.pin_changed").into()));
                Ok(())
            }
            Intent::LoadHome => self.load_home(),
            Intent::Search(q) => {
                self.search(q.clone())?;
                self.count_matches(q)
            }
            Intent::OpenAssignment(id) => {
                let lang = self.lang;
                let d = self.device()?;
                d.store_mut()
                    .open_assignment(id)
                    .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
                self.open_household(id)
            }
            Intent::OpenHousehold(id) => self.open_household(id),
            Intent::SetText { id, path, text } => self.set_text(id, &path, &text),
            Intent::AddMember { id, name } => {
                let name = name.trim().to_string();
                if name.is_empty() {
                    return Ok(());
                }
                let lang = self.lang;
                self.device()?
                    .store_mut()
                    .add_member(id, Member::new(name))
                    .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
                self.refresh_form(id)
            }
            Intent::RemoveMember { id, member } => {
                let lang = self.lang;
                self.device()?
                    .store_mut()
                    .remove_member(id, member)
                    .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
                self.refresh_form(id)
            }
            Intent::AddPhotoFile { id, kind, path } => {
                let bytes = read_photo_file(&path, self.lang)?;
                self.add_photo(id, kind, &bytes)
            }
            Intent::AddPhotoBytes { id, kind, bytes } => self.add_photo(id, kind, &bytes),
            Intent::ViewPhoto(sha) => {
                let lang = self.lang;
                let d = self.device()?;
                let sha = pendata_shared::Sha256Hex::parse(&sha)
                    .ok_or_else(|| tr(lang, "photo.missing").to_string())?;
                let bytes = d
                    .photo_bytes(&sha)
                    .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
                self.emit(Update::FullPhoto(Some(jpeg_data_url(&bytes))));
                Ok(())
            }
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
            } => {
                let tag = Geotag {
                    latitude,
                    longitude,
                    accuracy_m,
                    fix_time: Utc::now(),
                    source,
                };
                self.set_value(id, "geotag", geotag_json(&tag)?)?;
                self.refresh_form(id)
            }
            Intent::GeotagFromPhoto(id) => {
                let lang = self.lang;
                let h = self
                    .device()?
                    .store()
                    .household(id)
                    .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
                let Some(mut tag) = h.photos.iter().find_map(|p| p.geotag.clone()) else {
                    return Err(tr(lang, "gps.unavailable").into());
                };
                tag.source = GeoSource::PhotoExif;
                self.set_value(id, "geotag", geotag_json(&tag)?)?;
                self.refresh_form(id)
            }
            Intent::Finalize(id) => {
                let lang = self.lang;
                let result = self.device()?.store_mut().finalize(id);
                match result {
                    Ok(_) => {
                        self.refresh_form(id)?;
                        self.emit(Update::Notice(tr(lang, "review.done").into()));
                        Ok(())
                    }
                    Err(StoreError::NotFinalizable(_)) => {
                        self.refresh_form(id)?;
                        Err(tr(lang, "review.blocked").into())
                    }
                    Err(e) => Err(self.store_err(e)),
                }
            }
            Intent::Reopen(id) => {
                let lang = self.lang;
                self.device()?
                    .store_mut()
                    .reopen(id)
                    .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
                self.refresh_form(id)
            }
            Intent::CloseForm(_) => {
                self.close_session();
                Ok(())
            }
            Intent::Sync => self.sync_if_reachable(),
            Intent::SetLang(lang) => {
                self.lang = lang;
                if let Some(d) = self.device.as_mut() {
                    let code = match lang {
                        Lang::Id => "id",
                        Lang::En => "en",
                    };
                    d.store_mut()
                        .set_setting(keys::LANG, Some(code))
                        .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
                }
                self.emit(Update::Lang(lang));
                Ok(())
            }
            Intent::LoadSettings => self.load_settings(),
            Intent::NewProposal { desa_code } => self.new_proposal(&desa_code),
            Intent::DeleteDraft { id, then } => self.delete_draft(id, then),
            Intent::CheckConnection => {
                self.check_connection();
                Ok(())
            }
            Intent::AddRow { id, rows } => self.edit_rows(id, rows, |list| {
                let n = list.len();
                list.push(rows.new_row(n));
            }),
            Intent::RemoveRow { id, rows, index } => self.edit_rows(id, rows, |list| {
                if index < list.len() {
                    list.remove(index);
                }
            }),
            Intent::ToggleBit { id, path, bit } => self.toggle_bit(id, &path, bit),
        }
    }

    fn enrol(&mut self, server_url: &str, username: &str, password: &str, pin: &str) -> Res {
        let lang = self.lang;
        if server_url.trim().is_empty() || username.trim().is_empty() || password.is_empty() {
            return Err(tr(lang, "enrol.fields_missing").into());
        }
        if self.device.is_none() {
            if pin.chars().count() < 6 {
                return Err(tr(lang, "enrol.pin_short").into());
            }
            let dir = self.config.data_dir.clone();
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let device = Device::create(&dir, pin, self.config.kdf).map_err(|e| self.err(e))?;
            self.device = Some(device);
        }
        let name = self.config.device_name.clone();
        let Some(rt) = self.runtime.as_ref() else {
            return Err("no async runtime".into());
        };
        let Some(device) = self.device.as_mut() else {
            return Err(tr(lang, "unlock.title").into());
        };
        let res =
            rt.block_on(device.login(server_url.trim(), None, username.trim(), password, &name));
        res.map_err(|e| self.err(e))?;
        self.emit(Update::Unlocked { lang: self.lang });
        self.load_home()
    }

    fn unlock(&mut self, pin: &str) -> Res {
        let device = Device::unlock(&self.config.data_dir, pin).map_err(|e| self.err(e))?;
        self.lang = match device.store().setting(keys::LANG) {
            Ok(Some(l)) if l == "en" => Lang::En,
            _ => Lang::Id,
        };
        let logged_in = device.is_logged_in().unwrap_or(false);
        self.device = Some(device);
        if !logged_in {
            // Created but never logged in: finish the enrolment (the PIN is already set).
            self.emit(Update::Lang(self.lang));
            self.emit(Update::NeedsEnrol);
            return Ok(());
        }
        self.emit(Update::Unlocked { lang: self.lang });
        self.load_home()
    }

    fn load_home(&mut self) -> Res {
        let lang = self.lang;
        let d = self.device()?;
        let s = d
            .store()
            .status()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let shown = [
            RecordState::Draft,
            RecordState::Final,
            RecordState::Queued,
            RecordState::Sent,
            RecordState::Approved,
            RecordState::Rejected,
            RecordState::Conflict,
        ];
        let count = |st: RecordState| s.states.get(st.as_str()).copied().unwrap_or(0);
        let home = HomeView {
            states: shown.iter().map(|st| (*st, count(*st))).collect(),
            unsent: count(RecordState::Final) + s.outbox_pending,
            assignments: s.assignments_active,
            last_sync_at: s.last_sync_at.clone(),
            username: d.store().username().map(str::to_string),
        };
        self.emit(Update::Home(home));
        Ok(())
    }

    /// The desa of the user's area (or of `fallback_desa`'s kecamatan).
    fn desa_options(&self, fallback_desa: Option<&str>) -> Vec<(String, String)> {
        let area = self
            .device
            .as_ref()
            .and_then(|d| d.session().ok().flatten())
            .and_then(|s| s.user.map(|u| u.wilayah))
            .filter(|w| !w.is_empty())
            .or_else(|| fallback_desa.map(str::to_string))
            .unwrap_or_default();
        let kecamatan: String = area.chars().take(6).collect();
        if kecamatan.len() < 6 || !kecamatan.bytes().all(|b| b.is_ascii_digit()) {
            return Vec::new();
        }
        pendata_shared::wilayah::desa_in_tsv(pendata_shared::wilayah::EMBEDDED_TSV, &kecamatan)
    }

    fn search(&mut self, q: ListQuery) -> Res {
        let lang = self.lang;
        let desa_options = self.desa_options(None);
        let d = self.device()?;
        let text = Some(q.text.trim().to_string()).filter(|t| !t.is_empty());
        let offset = q.page.saturating_mul(PAGE_SIZE);
        let households = d
            .store()
            .search(&SearchQuery {
                text: text.clone(),
                state: q.state,
                desa_code: q.desa.clone(),
                limit: PAGE_SIZE,
                offset,
            })
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        // Unopened prelist households are drafts-to-be: listed unless another state is asked.
        let assignments = if q.state.is_none() || q.state == Some(RecordState::Draft) {
            d.store()
                .unopened_assignments(text.as_deref(), q.desa.as_deref(), PAGE_SIZE, offset)
                .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?
        } else {
            Vec::new()
        };
        self.emit(Update::List(ListView {
            query: q,
            assignments,
            households,
            desa_options,
        }));
        Ok(())
    }

    fn close_session(&mut self) {
        if let (Some(id), Some(d)) = (self.open.take(), self.device.as_mut()) {
            if let Err(e) = d.store_mut().end_session(id) {
                tracing::warn!(code = e.code(), "ending the editing session failed");
            }
        }
        self.field_errors.clear();
    }

    fn open_household(&mut self, id: HouseholdId) -> Res {
        if self.open != Some(id) {
            self.close_session();
            let lang = self.lang;
            self.device()?
                .store_mut()
                .begin_session(id)
                .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
            self.open = Some(id);
        }
        self.refresh_form(id)
    }

    fn refresh_form(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let d = self
            .device
            .as_ref()
            .ok_or_else(|| tr(lang, "unlock.title").to_string())?;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let household = d.store().household(id).map_err(map)?;
        let record = d.store().record(id).map_err(map)?;
        let findings = d.store().validate(id).map_err(map)?;
        let mut photos = Vec::new();
        for p in d.photos(id).map_err(|e| self.err(e))? {
            let Some(sha) = pendata_shared::Sha256Hex::parse(&p.sha256) else {
                continue;
            };
            let data_url = match d.thumbnail(&sha) {
                Ok(bytes) => jpeg_data_url(&bytes),
                Err(e) => {
                    tracing::warn!(code = e.code(), "thumbnail unreadable");
                    String::new()
                }
            };
            let has_position = household
                .photos
                .iter()
                .any(|r| r.sha256.as_str() == p.sha256 && r.geotag.is_some());
            photos.push(PhotoThumb {
                kind: p.kind,
                sha256: p.sha256,
                data_url,
                has_position,
            });
        }
        let hidden = form::hidden_paths(&household);
        let desa_options = self.desa_options(Some(&household.location.desa_code));
        let deletable = deletable(&household, &record);
        self.emit(Update::Form(Box::new(FormView {
            household,
            state: record.state,
            review_note: record.review_note,
            findings,
            hidden,
            field_errors: self.field_errors.clone(),
            photos,
            desa_options,
            deletable,
        })));
        Ok(())
    }

    fn set_value(&mut self, id: HouseholdId, path: &str, value: Value) -> Res {
        let lang = self.lang;
        self.device()?
            .store_mut()
            .set_field(id, path, value)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))
    }

    fn set_text(&mut self, id: HouseholdId, path: &str, text: &str) -> Res {
        let input = form::field_for(path)
            .map(|f| f.input)
            .unwrap_or(form::Input::Text);
        let value = match form::parse_input(input, text) {
            Ok(v) => v,
            Err(bad) => {
                let why = match self.lang {
                    Lang::Id => format!("\"{bad}\" bukan angka"),
                    Lang::En => format!("\"{bad}\" is not a number"),
                };
                self.field_errors.insert(path.to_string(), why);
                return self.refresh_form(id);
            }
        };
        match self.set_value(id, path, value) {
            Ok(()) => {
                self.field_errors.remove(path);
            }
            Err(why) => {
                self.field_errors.insert(path.to_string(), why);
                return self.refresh_form(id);
            }
        }
        self.clear_skipped(id)?;
        self.refresh_form(id)
    }

    /// A change can make follow-up questions not apply any more: their answers are cleared
    /// (the validator names them `skip.not_applicable`), as the paper form's skip rules do.
    fn clear_skipped(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let findings = self
            .device()?
            .store()
            .validate(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        for f in findings {
            let conditional = form::field_for(&f.path).is_some_and(|x| x.conditional);
            if f.code == "skip.not_applicable" && conditional {
                self.set_value(id, &f.path, Value::Null)?;
            }
            // Businesses are asked only when a member runs one.
            if f.code == "skip.not_applicable" && f.path == form::Rows::Businesses.path() {
                self.set_value(id, &f.path, Value::Array(Vec::new()))?;
                let prefix = format!("{}[", f.path);
                self.field_errors.retain(|p, _| !p.starts_with(&prefix));
            }
        }
        Ok(())
    }

    fn add_photo(&mut self, id: HouseholdId, kind: PhotoKind, bytes: &[u8]) -> Res {
        let lang = self.lang;
        let d = self.device()?;
        // F-KRT and F-KTP show the head: attach the head's member id when there is one.
        let member_id = match kind {
            PhotoKind::Krt | PhotoKind::Ktp => d
                .store()
                .household(id)
                .ok()
                .and_then(|h| h.head().map(|m| m.id)),
            _ => None,
        };
        d.add_photo(
            id,
            kind,
            bytes,
            PhotoOptions {
                member_id,
                ..PhotoOptions::default()
            },
        )
        .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.refresh_form(id)
    }

    fn sync(&mut self) -> Res {
        let lang = self.lang;
        let out = self.out.clone();
        let Some(rt) = self.runtime.as_ref() else {
            return Err("no async runtime".into());
        };
        let Some(d) = self.device.as_mut() else {
            return Err(tr(lang, "unlock.title").into());
        };
        d.store_mut()
            .queue_all_final()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let _ = out.send(Update::SyncProgress {
            phase: "sync.phase.photos",
            items_done: 0,
            items_total: 0,
            bytes_done: 0,
            bytes_total: 0,
        });
        let mut progress = |p: Progress| {
            let _ = out.send(Update::SyncProgress {
                phase: phase_key(p.phase),
                items_done: p.items_done,
                items_total: p.items_total,
                bytes_done: p.bytes_done,
                bytes_total: p.bytes_total,
            });
        };
        let result = rt.block_on(d.sync(&mut progress));
        let mut view = SyncView {
            phase: Some("sync.phase.done"),
            ..SyncView::default()
        };
        let outcome = match result {
            Ok(o) => Some(o),
            Err(e) => {
                if e.code().starts_with("net.") {
                    view.offline = Some(offline_message(d, lang));
                }
                view.problems
                    .push(format!("{} ({})", e.message(lang), e.code()));
                None
            }
        };
        if let Some(o) = &outcome {
            let r = &o.report;
            view.items_done = r.sent + r.duplicate;
            view.items_total = view.items_done;
            view.bytes_done = r.photo_bytes_sent;
            view.bytes_total = r.photo_bytes_sent;
            view.summary = Some(format!(
                "{}: {} {}, {} {}, {} {}",
                tr(lang, "sync.finished"),
                r.sent + r.duplicate,
                tr(lang, "sync.sent"),
                r.photos_uploaded,
                tr(lang, "sync.photos_uploaded"),
                r.pulled.assignments + r.pulled.reviews + r.pulled.conflicts,
                tr(lang, "sync.pulled"),
            ));
            for issue in &r.issues {
                view.problems.push(issue.message.clone());
            }
            for c in &r.conflicts {
                view.problems.push(format!(
                    "{}: {}",
                    tr(lang, "sync.conflict"),
                    head_name(d, c.household_id)
                ));
            }
            for rej in &r.rejected {
                view.problems.push(format!(
                    "{}: {} — {}",
                    tr(lang, "sync.refused"),
                    head_name(d, rej.household_id),
                    rej.messages.join("; ")
                ));
            }
        }
        // Households the supervisor sent back, with the note, so they can be fixed.
        let rejected = d
            .store()
            .search(&SearchQuery {
                state: Some(RecordState::Rejected),
                limit: 200,
                ..SearchQuery::default()
            })
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        for row in rejected {
            let note = d
                .store()
                .record(row.id)
                .ok()
                .and_then(|r| r.review_note)
                .unwrap_or_default();
            view.rejected.push((row.id, row.head_name, note));
        }
        self.emit(Update::SyncDone(view));
        self.load_home()
    }

    fn load_settings(&mut self) -> Res {
        let dir = self.config.data_dir.clone();
        let session = self
            .device
            .as_ref()
            .and_then(|d| d.session().ok().flatten());
        self.emit(Update::Settings(SettingsView {
            server: session.as_ref().map(|s| s.server_url.clone()),
            username: session.and_then(|s| s.user.map(|u| u.username)),
            data_dir: dir.display().to_string(),
            data_bytes: dir_size(&dir),
        }));
        Ok(())
    }
}

fn head_name(d: &Device, id: HouseholdId) -> String {
    d.store()
        .household(id)
        .ok()
        .and_then(|h| h.head().map(|m| m.name.clone()))
        .unwrap_or_else(|| "—".into())
}

fn phase_key(p: Phase) -> &'static str {
    match p {
        Phase::Photos => "sync.phase.photos",
        Phase::Push => "sync.phase.push",
        Phase::Pull => "sync.phase.pull",
        Phase::Done => "sync.phase.done",
    }
}

fn geotag_json(tag: &Geotag) -> Res<Value> {
    serde_json::to_value(tag).map_err(|e| e.to_string())
}

fn jpeg_data_url(bytes: &[u8]) -> String {
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn read_photo_file(path: &Path, lang: Lang) -> Res<Vec<u8>> {
    let too_big = match std::fs::metadata(path) {
        Ok(m) => m.len() > MAX_PHOTO_FILE,
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    if too_big {
        return Err(match lang {
            Lang::Id => "Berkas foto terlalu besar (photo.too_large)".into(),
            Lang::En => "The photo file is too large (photo.too_large)".into(),
        });
    }
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Total size of the files under `dir` (the about box).
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut total = 0;
    for entry in entries.flatten() {
        match entry.file_type() {
            Ok(t) if t.is_dir() => total += dir_size(&entry.path()),
            Ok(_) => total += entry.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => {}
        }
    }
    total
}

/// How long a reachability check may take, connecting included.
pub const HEALTH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether a household may be deleted from the device (see [`Deletable`]).
fn deletable(h: &pendata_shared::Household, record: &pendata_core::store::RecordInfo) -> Deletable {
    if matches!(h.kind, pendata_shared::RecordKind::Verivali { .. }) {
        return Deletable::Prelist;
    }
    let never_sent = record.acked_revision.is_none() && record.server_revision.is_none();
    if never_sent && matches!(record.state, RecordState::Draft | RecordState::Final) {
        Deletable::Yes
    } else {
        Deletable::Sent
    }
}

/// "No signal — the data is safe", with what waits to be sent.
fn offline_message(d: &Device, lang: Lang) -> String {
    let head = tr(lang, "sync.offline");
    match d.unsent() {
        Ok(u) => format!(
            "{head}. {}: {} {}, {} {}; {} {}.",
            tr(lang, "sync.waiting"),
            u.records,
            tr(lang, "sync.waiting_records"),
            u.photos,
            tr(lang, "sync.waiting_photos"),
            u.drafts,
            tr(lang, "sync.waiting_drafts"),
        ),
        Err(_) => head.to_string(),
    }
}

fn local_time() -> String {
    chrono::Local::now().format("%H:%M").to_string()
}

/// Usulan baru, deleting drafts, reachability and list totals.
impl Worker {
    fn new_proposal(&mut self, desa_code: &str) -> Res {
        let lang = self.lang;
        let area = self
            .device
            .as_ref()
            .and_then(|d| d.session().ok().flatten())
            .and_then(|s| s.user.map(|u| u.wilayah))
            .unwrap_or_default();
        let allowed = !area.is_empty()
            && desa_code.starts_with(&area)
            && self
                .desa_options(None)
                .iter()
                .any(|(code, _)| code == desa_code);
        if !allowed {
            return Err(tr(lang, "proposal.desa_required").into());
        }
        let mut h = pendata_shared::Household::new(
            pendata_shared::RecordKind::UsulanBaru {
                musdes: pendata_shared::model::MusdesRef::default(),
            },
            desa_code,
        );
        h.verivali.household_status = Some(pendata_shared::codes::HouseholdStatus::NewProposal);
        self.device()?
            .store_mut()
            .create_household(&h)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.open_household(h.id)?;
        self.emit(Update::Notice(tr(lang, "proposal.created").into()));
        Ok(())
    }

    fn delete_draft(&mut self, id: HouseholdId, then: ListQuery) -> Res {
        let lang = self.lang;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let d = self.device()?;
        let household = d.store().household(id).map_err(map)?;
        let record = d.store().record(id).map_err(map)?;
        match deletable(&household, &record) {
            Deletable::Yes => {}
            Deletable::Prelist => return Err(tr(lang, "delete.prelist").into()),
            Deletable::Sent => return Err(tr(lang, "delete.sent").into()),
        }
        if self.open == Some(id) {
            self.close_session();
        }
        self.device()?
            .delete_household(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.emit(Update::Deleted(id));
        self.emit(Update::Notice(tr(lang, "delete.done").into()));
        self.search(then.clone())?;
        self.count_matches(then)
    }

    /// Totals of a work-list query (sent after its page, so the page is never late for it).
    fn count_matches(&mut self, q: ListQuery) -> Res {
        let lang = self.lang;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let d = self.device()?;
        let text = Some(q.text.trim().to_string()).filter(|t| !t.is_empty());
        let households = d
            .store()
            .count(&SearchQuery {
                text: text.clone(),
                state: q.state,
                desa_code: q.desa.clone(),
                ..SearchQuery::default()
            })
            .map_err(map)?;
        let assignments = if q.state.is_none() || q.state == Some(RecordState::Draft) {
            d.store()
                .count_unopened_assignments(text.as_deref(), q.desa.as_deref())
                .map_err(map)?
        } else {
            0
        };
        self.emit(Update::ListCounts(ListCounts {
            query: q,
            households,
            assignments,
        }));
        Ok(())
    }

    fn next_conn_seq(&mut self) -> u64 {
        self.conn_seq += 1;
        self.conn_seq
    }

    /// Starts a `/healthz` check on its own short-lived thread: the worker (and the UI) go on
    /// at once (the worker only reads the saved server address; the client is built on the
    /// thread); the answer arrives as [`Update::Connection`]. Nothing to ask before a login.
    fn check_connection(&mut self) {
        let Some(d) = self.device.as_ref() else {
            return;
        };
        if !d.is_logged_in().unwrap_or(false) {
            return;
        }
        let Ok(Some(session)) = d.session() else {
            return;
        };
        let mut config =
            pendata_core::sync::ClientConfig::new(session.server_url, d.store().device_id());
        config.ca_cert_pem = session.ca_cert_pem;
        let seq = self.next_conn_seq();
        self.emit(Update::Connection(ConnectionView {
            seq,
            reach: Reach::Checking,
            checked_at: None,
            detail: None,
        }));
        let out = self.out.clone();
        let lang = self.lang;
        let spawned = std::thread::Builder::new()
            .name("pendata-healthz".into())
            .spawn(move || {
                let result = pendata_core::sync::Client::new(config)
                    .map_err(|e| connection_detail(&e, lang))
                    .and_then(|client| {
                        let rt = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .map_err(|e| e.to_string())?;
                        rt.block_on(client.healthz(HEALTH_DEADLINE))
                            .map_err(|e| connection_detail(&e, lang))
                    });
                let _ = out.send(Update::Connection(connection_view(seq, result)));
            });
        if let Err(e) = spawned {
            tracing::warn!("cannot start the connection check: {e}");
        }
    }

    /// Sync, but first a quick `/healthz`: without a network the facilitator hears so at once
    /// (instead of after the engine's retries), with what waits to be sent. Afterwards the
    /// connection state is checked again.
    fn sync_if_reachable(&mut self) -> Res {
        let lang = self.lang;
        let reach = match (self.device.as_ref(), self.runtime.as_ref()) {
            (Some(d), Some(rt)) => match d.client() {
                Ok(client) => Some(
                    rt.block_on(client.healthz(HEALTH_DEADLINE))
                        .map_err(|e| connection_detail(&e, lang)),
                ),
                // Not logged in, bad settings: the sync itself says so.
                Err(_) => None,
            },
            _ => None,
        };
        if let Some(Err(detail)) = reach {
            let seq = self.next_conn_seq();
            self.emit(Update::Connection(connection_view(
                seq,
                Err(detail.clone()),
            )));
            let Some(d) = self.device.as_ref() else {
                return Err(tr(lang, "unlock.title").into());
            };
            self.emit(Update::SyncDone(SyncView {
                phase: Some("sync.phase.done"),
                offline: Some(offline_message(d, lang)),
                problems: vec![detail],
                ..SyncView::default()
            }));
            return self.load_home();
        }
        let result = self.sync();
        self.check_connection();
        result
    }
}

fn connection_detail(e: &pendata_core::sync::ClientError, lang: Lang) -> String {
    let message = match lang {
        Lang::Id => e.message(),
        Lang::En => e.message_en(),
    };
    format!("{message} ({})", e.code())
}

fn connection_view(seq: u64, result: Result<(), String>) -> ConnectionView {
    match result {
        Ok(()) => ConnectionView {
            seq,
            reach: Reach::Online,
            checked_at: Some(local_time()),
            detail: None,
        },
        Err(detail) => ConnectionView {
            seq,
            reach: Reach::Offline,
            checked_at: Some(local_time()),
            detail: Some(detail),
        },
    }
}

/// Row lists (families, businesses, dependents) and bitmask answers.
impl Worker {
    /// Flips `bit` of the number stored at `path` (unanswered counts as 0): the stored value
    /// is read here, so quick clicks never work from a stale screen.
    fn toggle_bit(&mut self, id: HouseholdId, path: &str, bit: u8) -> Res {
        let lang = self.lang;
        let household = self
            .device()?
            .store()
            .household(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let json = serde_json::to_value(&household).map_err(|e| e.to_string())?;
        let mask = form::value_text(&json, path).parse::<u8>().unwrap_or(0);
        self.set_text(id, path, &(mask ^ bit).to_string())
    }

    /// Changes one list of the household as a whole (one `set_field`, one audit row).
    fn edit_rows(
        &mut self,
        id: HouseholdId,
        rows: form::Rows,
        change: impl FnOnce(&mut Vec<Value>),
    ) -> Res {
        let lang = self.lang;
        let map = |e: StoreError| format!("{} ({})", e.message(lang), e.code());
        let household = self.device()?.store().household(id).map_err(map)?;
        let json = serde_json::to_value(&household).map_err(|e| e.to_string())?;
        let path = pendata_core::store::jsonpath::parse(rows.path())
            .ok_or_else(|| rows.path().to_string())?;
        let mut list = match pendata_core::store::jsonpath::get(&json, &path) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        change(&mut list);
        self.set_value(id, rows.path(), Value::Array(list))?;
        // Row paths moved: errors kept for typed values no longer point at the same row.
        let prefix = format!("{}[", rows.path());
        self.field_errors.retain(|p, _| !p.starts_with(&prefix));
        self.refresh_form(id)
    }
}
