//! An in-memory device for end-to-end sync tests: a [`SyncStore`] that keeps every revision until
//! the server acknowledges it (accepted or duplicate) and never sends an acknowledged one again,
//! like the real encrypted store.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use pendata_core::sync::{
    photo_refs_of, set_aside_of, PhotoReadError, PhotoSize, SetAside, StoreError, SyncStore,
};
use pendata_shared::ids::{HouseholdId, RevisionId, Sha256Hex};
use pendata_shared::model::Household;
use pendata_shared::photos::{LocalPhotoProblem, PhotoKind, PhotoRef};
use pendata_shared::protocol::{
    Change, PullItem, PushOutcome, PushRecord, PushResult, ServerEpoch,
};

/// The sync-relevant state of one device, in memory.
#[derive(Default)]
pub struct MemDevice {
    /// Every revision saved, in save order.
    pub revisions: Vec<PushRecord>,
    /// Photo bytes by SHA-256.
    pub photos: HashMap<Sha256Hex, Vec<u8>>,
    /// The server's answer per revision (present = no longer pending).
    pub results: HashMap<RevisionId, PushOutcome>,
    pub cursor: Option<String>,
    pub pulled: Vec<PullItem>,
    pub last_sync: Option<DateTime<Utc>>,
    /// Batches refused as a whole: (revisions, code).
    pub push_failures: Vec<(Vec<RevisionId>, String)>,
    /// Photos the server listed as missing for an acknowledged revision: offered again on every
    /// sync (the server's `photos/missing` answer filters out the ones it holds by then).
    pub noted_missing: Vec<PhotoSize>,
    /// How often each revision was handed out by `pending_revisions` (for resend accounting).
    pub handed_out: HashMap<RevisionId, u32>,
    /// Revisions set aside because a photo they need is lost on the device (never sent).
    pub set_aside: HashSet<RevisionId>,
    /// The server state of the last sync.
    pub server: Option<ServerEpoch>,
    /// Revisions offered again after the server went back to a backup.
    pub reoffered: Vec<RevisionId>,
}

impl MemDevice {
    /// Keeps a photo's bytes; returns its SHA-256.
    pub fn add_photo(&mut self, bytes: Vec<u8>) -> Sha256Hex {
        let sha = Sha256Hex::digest(&bytes);
        self.photos.insert(sha.clone(), bytes);
        sha
    }

    /// The revision the server last acknowledged for a household (accepted or duplicate).
    pub fn acknowledged_base(&self, id: HouseholdId) -> Option<RevisionId> {
        self.revisions
            .iter()
            .rev()
            .filter(|r| r.household_id == id)
            .find(|r| self.is_acknowledged(r.revision))
            .map(|r| r.revision)
    }

    /// Whether a revision still waits to be sent: no answer yet and not set aside.
    pub fn is_pending(&self, rev: RevisionId) -> bool {
        !self.results.contains_key(&rev) && !self.set_aside.contains(&rev)
    }

    /// Whether the server acknowledged (accepted or duplicate) this revision.
    pub fn is_acknowledged(&self, rev: RevisionId) -> bool {
        matches!(
            self.results.get(&rev),
            Some(PushOutcome::Accepted { .. } | PushOutcome::Duplicate { .. })
        )
    }

    /// Every revision the server acknowledged, in save order.
    pub fn acknowledged(&self) -> Vec<RevisionId> {
        self.revisions
            .iter()
            .filter(|r| self.is_acknowledged(r.revision))
            .map(|r| r.revision)
            .collect()
    }

    /// Saves `n` usulan baru households (serials `first..first + n`) with nine real JPEGs
    /// each, tagged `tag`: every third household has photos of its own, the two after it share
    /// them (fewer uploads, the same paths).
    pub fn save_households(
        &mut self,
        example: &Household,
        tinies: &[Vec<u8>],
        tag: &str,
        first: u32,
        n: u32,
    ) {
        for k in first..first + n {
            let mut h = crate::workload::usulan_baru(example, k);
            let head = h.members.first().map(|m| m.id);
            let own = k - k % 3;
            h.photos = PhotoKind::VERIVALI_NINE
                .iter()
                .enumerate()
                .map(|(i, kind)| {
                    let bytes =
                        crate::workload::tagged_jpeg(&tinies[i], &format!("{tag}/{own}/{i}"));
                    let len = bytes.len() as u64;
                    PhotoRef {
                        kind: *kind,
                        sha256: self.add_photo(bytes),
                        bytes: len,
                        width: 40,
                        height: 30,
                        geotag: None,
                        taken_at: Utc::now(),
                        member_id: matches!(kind, PhotoKind::Ktp | PhotoKind::Krt)
                            .then_some(head)
                            .flatten(),
                    }
                })
                .collect();
            self.save(h);
        }
    }

    /// Edits each of `ids` twice (the head's name), syncing after each round, so the first
    /// edit is an acknowledged revision the device no longer holds as its newest. Returns the
    /// first round's revisions.
    pub async fn edit_twice_and_sync(
        &mut self,
        client: &pendata_core::sync::Client,
        ids: &[HouseholdId],
    ) -> anyhow::Result<Vec<RevisionId>> {
        let mut first = Vec::new();
        for round in 0..2 {
            for id in ids {
                let latest = self
                    .latest()
                    .into_iter()
                    .find(|r| r.household_id == *id)
                    .ok_or_else(|| anyhow::anyhow!("no household {id}"))?;
                let Change::Upsert { household } = &latest.change else {
                    anyhow::bail!("household {id} is deleted");
                };
                let mut h = (**household).clone();
                h.members[0].name.push_str(" (diubah)");
                let rec = self.save(h);
                if round == 0 {
                    first.push(rec.revision);
                }
            }
            pendata_core::sync::run_sync(self, client, &mut |_| {}).await?;
        }
        Ok(first)
    }

    /// Saves a new version of a household for sending, based on the last acknowledged revision.
    pub fn save(&mut self, household: Household) -> PushRecord {
        let base = self.acknowledged_base(household.id);
        let rec = PushRecord::new(
            RevisionId::new(),
            base,
            Utc::now(),
            household.id,
            Change::Upsert {
                household: Box::new(household),
            },
        );
        self.revisions.push(rec.clone());
        rec
    }

    /// The newest revision of each household, in first-save order.
    pub fn latest(&self) -> Vec<&PushRecord> {
        let mut order: Vec<HouseholdId> = Vec::new();
        let mut last: HashMap<HouseholdId, &PushRecord> = HashMap::new();
        for r in &self.revisions {
            if last.insert(r.household_id, r).is_none() {
                order.push(r.household_id);
            }
        }
        order
            .iter()
            .filter_map(|id| last.get(id).copied())
            .collect()
    }

    /// Whether a household has a revision not yet answered.
    pub fn has_pending(&self, id: HouseholdId) -> bool {
        self.revisions
            .iter()
            .any(|r| r.household_id == id && self.is_pending(r.revision))
    }
}

impl SyncStore for MemDevice {
    fn pending_revisions(&mut self) -> Result<Vec<PushRecord>, StoreError> {
        let pending: Vec<PushRecord> = self
            .revisions
            .iter()
            .filter(|r| self.is_pending(r.revision))
            .cloned()
            .collect();
        for r in &pending {
            *self.handed_out.entry(r.revision).or_default() += 1;
        }
        Ok(pending)
    }

    fn photo_refs_for_pending(&mut self) -> Result<Vec<PhotoSize>, StoreError> {
        let mut refs: Vec<PhotoSize> = self
            .revisions
            .iter()
            .filter(|r| self.is_pending(r.revision))
            .flat_map(photo_refs_of)
            .collect();
        refs.extend(self.noted_missing.iter().cloned());
        Ok(refs)
    }

    fn photo_bytes(&mut self, sha: &Sha256Hex) -> Result<Vec<u8>, PhotoReadError> {
        self.photos
            .get(sha)
            .cloned()
            .ok_or(PhotoReadError::Lost(LocalPhotoProblem::Missing))
    }

    fn set_aside_for_photo(
        &mut self,
        sha: &Sha256Hex,
        problem: LocalPhotoProblem,
    ) -> Result<Vec<SetAside>, StoreError> {
        let pending: Vec<PushRecord> = self
            .revisions
            .iter()
            .filter(|r| self.is_pending(r.revision))
            .cloned()
            .collect();
        let out = set_aside_of(&pending, sha, problem);
        for s in &out {
            self.set_aside.extend(s.withdrawn.iter().copied());
        }
        Ok(out)
    }

    fn record_push_results(&mut self, results: &[PushResult]) -> Result<(), StoreError> {
        for r in results {
            if let PushOutcome::Accepted { missing_photos, .. }
            | PushOutcome::Duplicate { missing_photos } = &r.outcome
            {
                for sha in missing_photos {
                    if let Some(bytes) = self.photos.get(sha) {
                        let noted = (sha.clone(), bytes.len() as u64);
                        if !self.noted_missing.contains(&noted) {
                            self.noted_missing.push(noted);
                        }
                    }
                }
            }
            self.results.insert(r.revision, r.outcome.clone());
        }
        Ok(())
    }

    fn record_push_failure(
        &mut self,
        revisions: &[RevisionId],
        code: &str,
    ) -> Result<(), StoreError> {
        self.push_failures
            .push((revisions.to_vec(), code.to_owned()));
        Ok(())
    }

    fn pull_cursor(&mut self) -> Result<Option<String>, StoreError> {
        Ok(self.cursor.clone())
    }

    fn apply_pull(&mut self, items: &[PullItem], next_cursor: &str) -> Result<(), StoreError> {
        self.pulled.extend_from_slice(items);
        self.cursor = Some(next_cursor.to_owned());
        Ok(())
    }

    fn set_last_sync(&mut self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.last_sync = Some(now);
        Ok(())
    }

    /// Like the real store: after a restore, each household's newest revision that the server
    /// had acknowledged is pending again (a real device holds only that one of each).
    fn note_server(&mut self, server: &ServerEpoch) -> Result<u64, StoreError> {
        let went_back = self
            .server
            .as_ref()
            .is_some_and(|k| k.server_id != server.server_id || k.timeline != server.timeline);
        let mut n = 0;
        if went_back {
            let again: Vec<RevisionId> = self
                .latest()
                .iter()
                .filter(|r| self.is_acknowledged(r.revision))
                .map(|r| r.revision)
                .collect();
            for rev in again {
                self.results.remove(&rev);
                self.reoffered.push(rev);
                n += 1;
            }
        }
        self.server = Some(server.clone());
        Ok(n)
    }
}

/// Makes an enumerator `username` of `wilayah` on the server behind `state`, and a signed-in
/// session for each of `devices` new devices: (bearer token, device id) each, for
/// [`pendata_core::sync::Client::set_token`]. (The password hash is a placeholder: these
/// devices never log in.)
pub fn enrol_devices(
    state: &pendata_server::AppState,
    username: &str,
    wilayah: &str,
    devices: usize,
) -> anyhow::Result<Vec<(String, pendata_shared::ids::DeviceId)>> {
    use pendata_server::store::{NewUser, Role};
    let user = state.accounts.create_user(NewUser {
        username: username.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVzdHRlc3Q$dGVzdHRlc3R0ZXN0dGVzdA".into(),
        role: Role::Enumerator,
        wilayah: wilayah.into(),
    })?;
    (0..devices)
        .map(|_| {
            let device = pendata_shared::ids::DeviceId::new();
            let token = format!("uji-{}", uuid::Uuid::new_v4());
            state.accounts.create_session(
                user.id,
                device.0,
                "HP uji",
                pendata_server::auth::hash_token(&token),
            )?;
            Ok((token, device))
        })
        .collect()
}

/// A sync client per session of [`enrol_devices`], against the server at `url`, retrying
/// without waiting.
pub fn signed_in_clients(
    url: &str,
    sessions: &[(String, pendata_shared::ids::DeviceId)],
) -> anyhow::Result<Vec<pendata_core::sync::Client>> {
    use pendata_core::sync::{Client, ClientConfig};
    sessions
        .iter()
        .map(|(token, id)| {
            let client = Client::new(ClientConfig::new(url.to_owned(), *id))
                .map_err(|e| anyhow::anyhow!("sync client: {e}"))?
                .with_sleeper(std::sync::Arc::new(crate::NoSleep));
            client.set_token(Some(token.clone()));
            Ok(client)
        })
        .collect()
}
