//! The sync engine on a [`Device`]: [`DeviceSyncStore`] implements [`SyncStore`] over the
//! encrypted store and photo blobs, and [`Device::login`] / [`Device::sync`] keep the session
//! and run one sync.
//!
//! The session (server URL, optional CA certificate path, bearer token, who logged in) lives
//! only in the encrypted store's settings: never in a plain file, never in a log.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use pendata_shared::ids::{RevisionId, Sha256Hex};
use pendata_shared::photos::LocalPhotoProblem;
use pendata_shared::protocol::{
    DesilUpdate, DeviceSettings, PullItem, PushRecord, PushResult, ReviewOutcome, ServerEpoch,
    UserInfo,
};

use super::device_access::{sync_through, DeviceAccess};
use super::{
    Client, ClientConfig, PhotoReadError, PhotoSize, Progress, SetAside, StoreError, SyncReport,
};
use super::{SyncStore, MAX_PENDING_PER_SYNC};
use crate::device::{local_problem, Device, DeviceError};
use crate::store::{keys, PullSummary};

/// [`SyncStore`] over a [`Device`], reached through a [`DeviceAccess`] for each call (a
/// `&mut Device` for the whole sync, or a device lent per call: `device_access.rs`). Also
/// collects what the pull brought, for the summary.
#[derive(Debug)]
pub struct DeviceSyncStore<A> {
    device: A,
    /// Review outcomes pulled during this sync (with the supervisor's notes).
    pub reviews: Vec<ReviewOutcome>,
    /// What applying the pulled pages did.
    pub pulled: PullSummary,
}

impl<'a> DeviceSyncStore<&'a mut Device> {
    pub fn new(device: &'a mut Device) -> Self {
        DeviceSyncStore::through(device)
    }
}

impl<A: DeviceAccess> DeviceSyncStore<A> {
    /// A store reaching the device through `device` for each call.
    pub fn through(device: A) -> Self {
        DeviceSyncStore {
            device,
            reviews: Vec::new(),
            pulled: PullSummary::default(),
        }
    }

    /// Runs one step on the device; its error and the device's absence alike are the store's.
    fn on<R>(
        &mut self,
        f: impl FnOnce(&mut Device) -> Result<R, DeviceError>,
    ) -> Result<R, StoreError> {
        self.device.with(f)?.map_err(wrap)
    }
}

fn wrap(e: impl Into<DeviceError>) -> StoreError {
    StoreError::new(e.into())
}

impl<A: DeviceAccess> SyncStore for DeviceSyncStore<A> {
    fn pending_revisions(&mut self) -> Result<Vec<PushRecord>, StoreError> {
        self.on(|d| Ok(d.store_mut().pending_push(MAX_PENDING_PER_SYNC)?))
    }

    fn photo_refs_for_pending(&mut self) -> Result<Vec<PhotoSize>, StoreError> {
        self.on(|d| Ok(d.store().pending_photo_refs()?))
    }

    fn photo_bytes(&mut self, sha: &Sha256Hex) -> Result<Vec<u8>, PhotoReadError> {
        match self.device.with(|d| d.photo_bytes(sha))? {
            Ok(bytes) => Ok(bytes),
            Err(DeviceError::Blob(e)) => Err(PhotoReadError::Lost(local_problem(&e))),
            Err(e) => Err(PhotoReadError::Store(wrap(e))),
        }
    }

    fn set_aside_for_photo(
        &mut self,
        sha: &Sha256Hex,
        problem: LocalPhotoProblem,
    ) -> Result<Vec<SetAside>, StoreError> {
        self.on(|d| Ok(d.store_mut().set_aside_for_photo(sha, problem)?))
    }

    fn record_push_results(&mut self, results: &[PushResult]) -> Result<(), StoreError> {
        self.on(|d| Ok(d.store_mut().mark_pushed(results).map(|_| ())?))
    }

    fn record_push_failure(
        &mut self,
        revisions: &[RevisionId],
        code: &str,
    ) -> Result<(), StoreError> {
        self.on(|d| Ok(d.store_mut().mark_push_failed(revisions, code)?))
    }

    fn pull_cursor(&mut self) -> Result<Option<String>, StoreError> {
        self.on(|d| Ok(d.store().pull_cursor()?))
    }

    fn apply_pull(&mut self, items: &[PullItem], next_cursor: &str) -> Result<(), StoreError> {
        let sum = self.on(|d| Ok(d.store_mut().apply_pull_page(items, next_cursor)?))?;
        self.pulled.assignments += sum.assignments;
        self.pulled.reviews_applied += sum.reviews_applied;
        self.pulled.conflicts += sum.conflicts;
        self.pulled.kept_local += sum.kept_local;
        self.reviews.extend(items.iter().filter_map(|i| match i {
            PullItem::Review(r) => Some(r.clone()),
            _ => None,
        }));
        Ok(())
    }

    fn finish_pull(&mut self) -> Result<(), StoreError> {
        self.on(|d| Ok(d.store_mut().list_pulled_assignments().map(|_| ())?))
    }

    fn set_last_sync(&mut self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.on(|d| Ok(d.store_mut().set_last_sync_at(now)?))
    }

    fn note_server(&mut self, server: &ServerEpoch) -> Result<u64, StoreError> {
        self.on(|d| Ok(d.store_mut().note_server(server)?))
    }

    fn apply_settings(&mut self, settings: &DeviceSettings) -> Result<(), StoreError> {
        self.on(|d| Ok(d.store_mut().apply_device_settings(settings)?))
    }

    fn desil_import_held(&mut self) -> Result<Option<i64>, StoreError> {
        self.on(|d| Ok(d.store().desil_import_held()?))
    }

    fn apply_desil(&mut self, update: &DesilUpdate) -> Result<(), StoreError> {
        self.on(|d| Ok(d.store_mut().apply_desil(update)?))
    }
}

/// The saved session, without the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub server_url: String,
    pub ca_cert_pem: Option<PathBuf>,
    pub user: Option<UserInfo>,
}

/// Whether the server revoked the token at logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoke {
    Revoked,
    /// The server refused the token already (revoked or reset before).
    AlreadyInvalid,
    /// No token was saved.
    NotLoggedIn,
    /// The server could not be reached or refused; the token was forgotten locally anyway.
    Failed {
        code: String,
        message: String,
    },
}

/// What is still on the device and not on the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unsent {
    /// Households whose work the server does not have: final, queued, set aside for a photo
    /// retake (`needs_photo`), or with a revision waiting in the outbox (each counted once;
    /// drafts aside).
    pub records: u64,
    /// Drafts (never sent until finalised).
    pub drafts: u64,
    /// Distinct photos those records and the drafts reference that may not be on the server
    /// yet.
    pub photos: u64,
}

impl Unsent {
    /// Households that would be lost with this device's data: unsent records and drafts.
    pub fn households(&self) -> u64 {
        self.records + self.drafts
    }

    /// Whether nothing at all waits (no record, no draft, no photo).
    pub fn is_empty(&self) -> bool {
        self.records == 0 && self.drafts == 0 && self.photos == 0
    }
}

/// What [`Device::logout`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutOutcome {
    pub revoked: Revoke,
    /// Left on the device (kept; sent after the next login).
    pub unsent: Unsent,
}

/// What [`Device::sync`] did: the engine's report plus what the pull brought.
#[derive(Debug, Clone)]
pub struct SyncOutcome {
    pub report: SyncReport,
    /// Review outcomes received (approved / rejected with the supervisor's note).
    pub reviews: Vec<ReviewOutcome>,
    pub pulled: PullSummary,
}

impl Device {
    /// The saved session (server and user), if the device has logged in.
    pub fn session(&self) -> Result<Option<Session>, DeviceError> {
        let store = self.store();
        let Some(server_url) = store.setting(keys::SERVER_URL)? else {
            return Ok(None);
        };
        let user = store
            .setting(keys::SESSION_USER)?
            .and_then(|u| serde_json::from_str(&u).ok());
        Ok(Some(Session {
            server_url,
            ca_cert_pem: store.setting(keys::CA_CERT_PEM)?.map(PathBuf::from),
            user,
        }))
    }

    /// Whether a token is saved.
    pub fn is_logged_in(&self) -> Result<bool, DeviceError> {
        Ok(self.store().setting(keys::SESSION_TOKEN)?.is_some())
    }

    /// Logs in to `server_url` as `username` and enrols this device (its id is the store's
    /// device id). On success the token, the server URL, the CA path and the user are saved in
    /// the encrypted store, and the user becomes the store's facilitator (stamped on saves).
    /// A failed login changes nothing.
    pub async fn login(
        &mut self,
        server_url: &str,
        ca_cert_pem: Option<&Path>,
        username: &str,
        password: &str,
        device_name: &str,
    ) -> Result<UserInfo, DeviceError> {
        let mut config = ClientConfig::new(server_url, self.store().device_id());
        config.ca_cert_pem = ca_cert_pem.map(Path::to_path_buf);
        let client = Client::new(config)?;
        let res = client.login(username, password, device_name).await?;
        let user_json = serde_json::to_string(&res.user)
            .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        let store = self.store_mut();
        store.set_setting(keys::SERVER_URL, Some(server_url.trim()))?;
        let ca = ca_cert_pem.map(|p| p.to_string_lossy().into_owned());
        store.set_setting(keys::CA_CERT_PEM, ca.as_deref())?;
        store.set_setting(keys::SESSION_TOKEN, Some(&res.token))?;
        store.set_setting(keys::SESSION_USER, Some(&user_json))?;
        store.set_username(Some(&res.user.username))?;
        tracing::info!(role = ?res.user.role, "logged in");
        Ok(res.user)
    }

    /// Forgets the token (the server URL stays for the next login).
    pub fn forget_session(&mut self) -> Result<(), DeviceError> {
        self.store_mut().set_setting(keys::SESSION_TOKEN, None)?;
        Ok(())
    }

    /// Logs out: asks the server to revoke this device's token (`POST /api/v1/auth/logout`)
    /// and always forgets it locally, even when the server cannot be reached (the token then
    /// stays valid on the server until an administrator resets the device). Nothing else on
    /// the device changes: unsent records and photos stay and go with the next login's sync.
    pub async fn logout(&mut self) -> Result<LogoutOutcome, DeviceError> {
        let unsent = self.unsent()?;
        let revoked = match self.client() {
            Ok(client) => match client.logout().await {
                Ok(()) => Revoke::Revoked,
                // The server no longer knows the token: nothing left to revoke.
                Err(e) if e.status() == Some(401) => Revoke::AlreadyInvalid,
                Err(e) => Revoke::Failed {
                    code: e.code().to_owned(),
                    message: e.message(),
                },
            },
            Err(DeviceError::NotLoggedIn) => Revoke::NotLoggedIn,
            Err(e) => return Err(e),
        };
        self.forget_session()?;
        tracing::info!(?revoked, "logged out");
        Ok(LogoutOutcome { revoked, unsent })
    }

    /// What waits to be sent: records (final, queued, set aside for a photo retake, or in
    /// the outbox), drafts, and the distinct photos they reference that the server may lack.
    pub fn unsent(&self) -> Result<Unsent, DeviceError> {
        let store = self.store();
        let mut photos: std::collections::HashSet<String> = store
            .pending_photo_refs()?
            .into_iter()
            .map(|(sha, _)| sha.as_str().to_owned())
            .collect();
        photos.extend(store.unsent_draft_photos()?);
        Ok(Unsent {
            records: store.unsent_records()?,
            drafts: store.draft_count()?,
            photos: photos.len() as u64,
        })
    }

    /// A client for the saved session, with its token.
    pub fn client(&self) -> Result<Client, DeviceError> {
        let store = self.store();
        let (Some(url), Some(token)) = (
            store.setting(keys::SERVER_URL)?,
            store.setting(keys::SESSION_TOKEN)?,
        ) else {
            return Err(DeviceError::NotLoggedIn);
        };
        let mut config = ClientConfig::new(url, store.device_id());
        config.ca_cert_pem = store.setting(keys::CA_CERT_PEM)?.map(PathBuf::from);
        let client = Client::new(config)?;
        client.set_token(Some(token));
        Ok(client)
    }

    /// Runs one sync with the saved session: photos, push, pull (docs/sync-protocol.md).
    /// `progress` is called as the sync moves. A sync that stops early is
    /// [`DeviceError::Sync`] with what it did before in `partial`; what it did stays done.
    pub async fn sync(
        &mut self,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<SyncOutcome, DeviceError> {
        let client = self.client()?;
        self.sync_with(&client, progress).await
    }

    /// [`sync`](Self::sync) with a given client (tests, or a client with another retry policy).
    pub async fn sync_with(
        &mut self,
        client: &Client,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<SyncOutcome, DeviceError> {
        sync_through(self, client, progress).await
    }
}
