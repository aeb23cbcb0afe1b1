//! One sync: plan, photos, push, pull, report.
//!
//! Resumable at any point: results are recorded through the store as each answer arrives, photo
//! uploads resume from the server's staged count, and the pull cursor is saved with each page.

use std::collections::HashSet;

use chrono::Utc;
use pendata_shared::ids::{BatchId, HouseholdId, RevisionId, Sha256Hex};
use pendata_shared::photos::LocalPhotoProblem;
use pendata_shared::protocol::{
    ConflictReason, MissingPhoto, PullItem, PushBatch, PushOutcome, PushResult, DEFAULT_PAGE_SIZE,
    MAX_PHOTO_QUERY, PHOTO_CHUNK_BYTES, PROTOCOL_VERSION,
};
use rand::{Rng, SeedableRng};

use super::client::{ChunkOutcome, Client, ClientError};
use super::plan::{photos_to_query, plan, Operation, PlanInput};
use super::retry::retry;
use super::{PhotoReadError, SetAside, StoreError, SyncStore};

/// Offset corrections tolerated for one photo before giving up on it for this sync.
const MAX_OFFSET_CORRECTIONS: u32 = 8;

/// Where a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Photos,
    Push,
    Pull,
    /// The pulled assignments join the work list (one transaction when the pull ends; seconds
    /// for a first sync of thousands). `items_total` is how many the pull brought.
    Listing,
    Done,
}

/// A progress event. In `Pull` the totals grow as pages arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    pub items_done: u64,
    pub items_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// A revision the server kept as a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictEntry {
    pub household_id: HouseholdId,
    pub revision: RevisionId,
    pub reason: ConflictReason,
}

/// A revision the server refused, with its findings' messages (Bahasa Indonesia).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedEntry {
    pub household_id: HouseholdId,
    pub revision: RevisionId,
    pub messages: Vec<String>,
}

/// Something that went wrong in one step while the sync moved on (an answer, not a fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub phase: Phase,
    /// The photo concerned, if any (a hash, never personal data).
    pub photo: Option<Sha256Hex>,
    pub code: String,
    pub message: String,
}

/// Pulled items by type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PulledCounts {
    pub assignments: u64,
    pub reviews: u64,
    pub conflicts: u64,
    pub pages: u64,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Revisions stored by the server (`accepted`).
    pub sent: u64,
    /// Of those and the duplicates, how many the server marked incomplete (photos missing).
    pub incomplete: u64,
    /// Revisions the server already had (`duplicate`).
    pub duplicate: u64,
    pub conflicts: Vec<ConflictEntry>,
    pub rejected: Vec<RejectedEntry>,
    /// Photos the server now holds completely thanks to this sync.
    pub photos_uploaded: u64,
    /// Photo bytes put on the wire (chunk bodies, every attempt counted in full).
    pub photo_bytes_sent: u64,
    /// Photo bytes sent again: chunk bytes at offsets of a photo that this sync had already
    /// sent once (after a cut, the part of the chunk in flight the server did not keep). Bytes
    /// the server already held when the sync started are never sent, so they never count;
    /// bytes an earlier, killed sync sent but the server did not keep are not known here and
    /// do not count either. With the resume rule of the protocol this is at most one chunk
    /// per cut.
    pub resent_bytes: u64,
    pub pulled: PulledCounts,
    pub issues: Vec<Issue>,
    /// Households taken out of the sync because a photo they need is gone or damaged on the
    /// device (they wait for a retake; everything else went on).
    pub set_aside: Vec<SetAside>,
    /// Revisions offered again because the server went back to a backup (they are counted
    /// in `sent` or `duplicate` too once answered).
    pub reoffered: u64,
}

/// Why a sync stopped before the end. `partial` tells what was done before.
#[derive(Debug, thiserror::Error)]
#[error("{cause}")]
pub struct SyncError {
    pub cause: SyncFailure,
    pub phase: Phase,
    pub partial: Box<SyncReport>,
}

/// The cause of a stopped sync.
#[derive(Debug, thiserror::Error)]
pub enum SyncFailure {
    /// The server could not be reached (after retries), or refused the login (`auth.*`).
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// Stable code: the client's or `store.failed`.
    pub fn code(&self) -> &str {
        match &self.cause {
            SyncFailure::Client(e) => e.code(),
            SyncFailure::Store(_) => "store.failed",
        }
    }
}

/// Errors that stop the sync rather than being noted and skipped: faults that survived the
/// retries, and a refused token (nothing else will work until the user logs in again).
fn is_fatal(e: &ClientError) -> bool {
    super::retry::is_retryable(e) || e.status() == Some(401) || e.status() == Some(403)
}

/// What one photo's upload put on the wire.
#[derive(Debug, Default)]
struct Wire {
    /// Chunk body bytes handed to the network.
    sent: u64,
    /// Of those, bytes at offsets already handed to the network earlier in this sync.
    resent: u64,
    /// End of the highest offset handed to the network so far.
    high: u64,
}

impl Wire {
    /// Notes a chunk of `len` bytes at `offset` about to be sent.
    fn note(&mut self, offset: u64, len: u64) {
        let end = offset.saturating_add(len);
        self.sent += len;
        self.resent += self.high.min(end).saturating_sub(offset);
        self.high = self.high.max(end);
    }
}

struct Run<'a, S: SyncStore> {
    store: &'a mut S,
    client: &'a Client,
    progress: &'a mut dyn FnMut(Progress),
    report: SyncReport,
    phase: Phase,
    /// Revisions set aside during this sync (a photo they need is not usable): never pushed.
    withdrawn: HashSet<RevisionId>,
}

/// Runs one sync. Records the server rejects are set aside by the store; a step that gets an
/// answer other than success is noted in [`SyncReport::issues`] and the sync moves on; a
/// network fault that survives the retries, a 401/403, or a store failure stops it.
pub async fn run_sync(
    store: &mut impl SyncStore,
    client: &Client,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let mut run = Run {
        store,
        client,
        progress,
        report: SyncReport::default(),
        phase: Phase::Photos,
        withdrawn: HashSet::new(),
    };
    match run.all().await {
        Ok(()) => Ok(run.report),
        Err(cause) => Err(SyncError {
            cause,
            phase: run.phase,
            partial: Box::new(run.report),
        }),
    }
}

impl<S: SyncStore> Run<'_, S> {
    async fn call<T, F, Fut>(&self, op: F) -> Result<T, ClientError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let mut rng = rand::rngs::StdRng::from_entropy();
        let mut unit = move || rng.gen::<f64>();
        retry(
            self.client.retry_policy(),
            self.client.sleeper(),
            &mut unit,
            op,
        )
        .await
    }

    fn issue(&mut self, photo: Option<Sha256Hex>, e: &ClientError) {
        tracing::warn!(phase = ?self.phase, code = e.code(), "sync step refused; moving on");
        self.report.issues.push(Issue {
            phase: self.phase,
            photo,
            code: e.code().to_owned(),
            message: e.message(),
        });
    }

    fn emit(&mut self, items_done: u64, items_total: u64, bytes_done: u64, bytes_total: u64) {
        (self.progress)(Progress {
            phase: self.phase,
            items_done,
            items_total,
            bytes_done,
            bytes_total,
        });
    }

    async fn all(&mut self) -> Result<(), SyncFailure> {
        let client = self.client;
        self.phase = Phase::Photos;
        self.note_server().await?;
        let pending = self.store.pending_revisions()?;
        let photos = self.store.photo_refs_for_pending()?;
        let cursor = self.store.pull_cursor()?;

        self.phase = Phase::Photos;
        let mut missing: Vec<MissingPhoto> = Vec::new();
        for group in photos_to_query(&photos).chunks(MAX_PHOTO_QUERY) {
            match self.call(|| client.photos_missing(group)).await {
                Ok(answer) => missing.extend(answer.missing),
                Err(e) if is_fatal(&e) => return Err(e.into()),
                Err(e) => self.issue(None, &e),
            }
        }

        let ops = plan(&PlanInput {
            pending,
            photos,
            missing,
            cursor,
        });

        let uploads: Vec<_> = ops
            .iter()
            .filter_map(|op| match op {
                Operation::UploadPhoto {
                    sha256,
                    from_offset,
                    total,
                } => Some((sha256.clone(), *from_offset, *total)),
                _ => None,
            })
            .collect();
        let photo_bytes_total: u64 = uploads.iter().map(|(_, from, total)| total - from).sum();
        let photos_total = uploads.len() as u64;
        let mut records_total: u64 = ops
            .iter()
            .map(|op| match op {
                Operation::PushBatch { records } => records.len() as u64,
                _ => 0,
            })
            .sum();

        let mut photos_done = 0u64;
        let mut photo_bytes_done = 0u64;
        let mut records_done = 0u64;
        self.emit(0, photos_total, 0, photo_bytes_total);
        for op in ops {
            match op {
                Operation::UploadPhoto {
                    sha256,
                    from_offset,
                    total,
                } => {
                    self.phase = Phase::Photos;
                    self.upload(
                        &sha256,
                        from_offset,
                        total,
                        photos_done,
                        photos_total,
                        &mut photo_bytes_done,
                        photo_bytes_total,
                    )
                    .await?;
                    photos_done += 1;
                    self.emit(
                        photos_done,
                        photos_total,
                        photo_bytes_done.min(photo_bytes_total),
                        photo_bytes_total,
                    );
                }
                Operation::PushBatch { mut records } => {
                    let planned = records.len() as u64;
                    records.retain(|r| !self.withdrawn.contains(&r.revision));
                    records_total -= planned - records.len() as u64;
                    if records.is_empty() {
                        continue;
                    }
                    if self.phase != Phase::Push {
                        self.phase = Phase::Push;
                        self.emit(0, records_total, 0, 0);
                    }
                    let batch = PushBatch {
                        protocol: PROTOCOL_VERSION,
                        batch_id: BatchId::new(),
                        device_id: self.client.device_id(),
                        records,
                    };
                    let n = batch.records.len() as u64;
                    match self.call(|| client.push(&batch)).await {
                        Ok(answer) => {
                            // Durable before anything else happens: a kill right after this
                            // loses nothing the server acknowledged.
                            self.store.record_push_results(&answer.results)?;
                            self.tally(&answer.results);
                        }
                        Err(e) if is_fatal(&e) => return Err(e.into()),
                        Err(e) => {
                            self.issue(None, &e);
                            let revisions: Vec<RevisionId> =
                                batch.records.iter().map(|r| r.revision).collect();
                            self.store.record_push_failure(&revisions, e.code())?;
                        }
                    }
                    records_done += n;
                    self.emit(records_done, records_total, 0, 0);
                }
                Operation::Pull { cursor } => {
                    self.phase = Phase::Pull;
                    // What the pull brought joins the work list whether or not it was cut.
                    let pulled = self.pull(cursor).await;
                    if self.report.pulled.assignments > 0 {
                        self.phase = Phase::Listing;
                        self.emit(0, self.report.pulled.assignments, 0, 0);
                    }
                    let listed = self.store.finish_pull();
                    pulled?;
                    listed?;
                }
            }
        }

        self.phase = Phase::Done;
        self.store.set_last_sync(Utc::now())?;
        let items = records_done;
        self.emit(items, items, photo_bytes_done, photo_bytes_total);
        Ok(())
    }

    /// Asks which server state answers before anything is pushed (`photos/missing` with no
    /// hash: one short request); after a restore the store puts back what the server lost
    /// (docs/sync-protocol.md, "After a restore"). A server that does not say is left alone.
    async fn note_server(&mut self) -> Result<(), SyncFailure> {
        let client = self.client;
        match self.call(|| client.photos_missing(&[])).await {
            Ok(answer) => {
                if let Some(server) = answer.server {
                    self.report.reoffered = self.store.note_server(&server)?;
                }
            }
            Err(e) if is_fatal(&e) => return Err(e.into()),
            Err(e) => self.issue(None, &e),
        }
        Ok(())
    }

    /// Uploads one photo from `from_offset`; notes what went on the wire
    /// ([`SyncReport::photo_bytes_sent`]) and what went on it again
    /// ([`SyncReport::resent_bytes`]).
    #[allow(clippy::too_many_arguments)]
    async fn upload(
        &mut self,
        sha: &Sha256Hex,
        from_offset: u64,
        planned_total: u64,
        photos_done: u64,
        photos_total: u64,
        bytes_done: &mut u64,
        bytes_total: u64,
    ) -> Result<(), SyncFailure> {
        let mut wire = Wire::default();
        let out = self
            .upload_inner(
                sha,
                from_offset,
                planned_total,
                (photos_done, photos_total, bytes_total),
                bytes_done,
                &mut wire,
            )
            .await;
        self.report.photo_bytes_sent += wire.sent;
        self.report.resent_bytes += wire.resent;
        out
    }

    /// Asks the server how many bytes of `sha` it holds (`POST /photos/missing` with the one
    /// hash): `None` when the photo is complete there.
    async fn staged(&mut self, sha: &Sha256Hex) -> Result<Option<u64>, ClientError> {
        let client = self.client;
        let one = std::slice::from_ref(sha);
        let answer = self.call(|| client.photos_missing(one)).await?;
        Ok(answer
            .missing
            .iter()
            .find(|m| &m.sha256 == sha)
            .map(|m| m.received))
    }

    #[allow(clippy::too_many_arguments)]
    async fn upload_inner(
        &mut self,
        sha: &Sha256Hex,
        from_offset: u64,
        planned_total: u64,
        (photos_done, photos_total, bytes_total): (u64, u64, u64),
        bytes_done: &mut u64,
        wire: &mut Wire,
    ) -> Result<(), SyncFailure> {
        let client = self.client;
        let bytes = match self.store.photo_bytes(sha) {
            // Sending damaged bytes would cost the whole photo and end in photo.hash_mismatch.
            Ok(bytes) if &Sha256Hex::digest(&bytes) != sha => {
                return self.set_aside(sha, LocalPhotoProblem::Damaged);
            }
            Ok(bytes) => bytes,
            Err(PhotoReadError::Lost(problem)) => return self.set_aside(sha, problem),
            Err(PhotoReadError::Store(e)) => return Err(e.into()),
        };
        let total = bytes.len() as u64;
        if total != planned_total {
            tracing::warn!(sha256 = %sha, planned_total, total, "store size differs from bytes");
        }
        // `from_offset == total`: every byte is staged but the server never finished the photo
        // (the handler of the last chunk was dropped); an empty chunk at the end finishes it.
        let mut offset = if from_offset <= total { from_offset } else { 0 };
        wire.high = offset;
        let mut corrections = 0u32;
        let mut faults = 0u32;
        let mut rng = rand::rngs::StdRng::from_entropy();
        loop {
            let end = offset.saturating_add(PHOTO_CHUNK_BYTES).min(total);
            let lo = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let hi = usize::try_from(end).unwrap_or(usize::MAX).min(bytes.len());
            wire.note(offset, (hi - lo) as u64);
            // One attempt: after a fault the server is asked where it is before anything is
            // sent again, so a chunk cut in flight costs at most its own unconfirmed part and
            // a stale offset is never sent (docs/sync-protocol.md, "Photos").
            let answer = client
                .put_chunk(sha, offset, total, bytes[lo..hi].to_vec())
                .await;
            match answer {
                Ok(ChunkOutcome::Ack(ack)) => {
                    faults = 0;
                    if ack.complete {
                        *bytes_done += total.saturating_sub(offset);
                        self.report.photos_uploaded += 1;
                        return Ok(());
                    }
                    let received = ack.received;
                    if received > offset && received < total {
                        *bytes_done += received - offset;
                    } else {
                        corrections += 1;
                    }
                    offset = if received <= total { received } else { 0 };
                }
                Ok(ChunkOutcome::OffsetMismatch { received }) => {
                    // The chunk just sent was not kept (another upload of the same photo
                    // moved the server on); resume where the server is.
                    corrections += 1;
                    offset = if received <= total { received } else { 0 };
                }
                Err(e) if super::retry::is_retryable(&e) => {
                    faults += 1;
                    if faults >= self.client.retry_policy().max_tries.max(1) {
                        return Err(e.into());
                    }
                    let wait = self.client.retry_policy().delay(
                        faults - 1,
                        rng.gen::<f64>(),
                        e.retry_after(),
                    );
                    tracing::warn!(
                        code = e.code(),
                        faults,
                        "photo chunk failed; asking the server where it is"
                    );
                    self.client.sleeper().sleep(wait).await;
                    match self.staged(sha).await {
                        Ok(None) => {
                            // The last chunk arrived; only its answer was lost.
                            *bytes_done += total.saturating_sub(offset);
                            self.report.photos_uploaded += 1;
                            return Ok(());
                        }
                        Ok(Some(received)) => {
                            if received > offset && received < total {
                                *bytes_done += received - offset;
                            }
                            offset = if received <= total { received } else { 0 };
                        }
                        Err(e) if is_fatal(&e) => return Err(e.into()),
                        Err(e) => {
                            self.issue(Some(sha.clone()), &e);
                            return Ok(());
                        }
                    }
                }
                Err(e) if is_fatal(&e) => return Err(e.into()),
                Err(e) => {
                    self.issue(Some(sha.clone()), &e);
                    return Ok(());
                }
            }
            if corrections > MAX_OFFSET_CORRECTIONS {
                self.report.issues.push(Issue {
                    phase: Phase::Photos,
                    photo: Some(sha.clone()),
                    code: "photo.no_progress".into(),
                    message: "Unggahan foto tidak maju; dicoba lagi pada sinkronisasi berikutnya"
                        .into(),
                });
                return Ok(());
            }
            self.emit(
                photos_done,
                photos_total,
                (*bytes_done).min(bytes_total),
                bytes_total,
            );
        }
    }

    /// The photo `sha` is not usable on this device: the store sets aside the records that
    /// need it, and they are left out of this sync's push. The rest of the sync goes on.
    fn set_aside(
        &mut self,
        sha: &Sha256Hex,
        problem: LocalPhotoProblem,
    ) -> Result<(), SyncFailure> {
        let set_aside = self.store.set_aside_for_photo(sha, problem)?;
        tracing::warn!(
            sha256 = %sha,
            problem = problem.as_str(),
            households = set_aside.len(),
            "photo not usable on this device; its households set aside"
        );
        for s in &set_aside {
            self.withdrawn.extend(s.withdrawn.iter().copied());
        }
        self.report.set_aside.extend(set_aside);
        Ok(())
    }

    fn tally(&mut self, results: &[PushResult]) {
        for r in results {
            match &r.outcome {
                PushOutcome::Accepted { missing_photos, .. } => {
                    self.report.sent += 1;
                    if !missing_photos.is_empty() {
                        self.report.incomplete += 1;
                    }
                }
                PushOutcome::Duplicate { missing_photos } => {
                    self.report.duplicate += 1;
                    if !missing_photos.is_empty() {
                        self.report.incomplete += 1;
                    }
                }
                PushOutcome::Conflict { reason, .. } => self.report.conflicts.push(ConflictEntry {
                    household_id: r.household_id,
                    revision: r.revision,
                    reason: *reason,
                }),
                PushOutcome::Rejected { findings } => self.report.rejected.push(RejectedEntry {
                    household_id: r.household_id,
                    revision: r.revision,
                    messages: findings.iter().map(|f| f.message.clone()).collect(),
                }),
            }
        }
    }

    async fn pull(&mut self, mut cursor: Option<String>) -> Result<(), SyncFailure> {
        let client = self.client;
        let mut items_done = 0u64;
        let desil_held = self.store.desil_import_held()?;
        self.emit(0, 0, 0, 0);
        loop {
            let page = match self
                .call(|| client.pull(cursor.as_deref(), DEFAULT_PAGE_SIZE, desil_held))
                .await
            {
                Ok(page) => page,
                Err(e) if is_fatal(&e) => return Err(e.into()),
                Err(e) => {
                    self.issue(None, &e);
                    return Ok(());
                }
            };
            if let Some(desil) = &page.desil {
                self.store.apply_desil(desil)?;
            }
            self.store.apply_pull(&page.items, &page.next_cursor)?;
            if let Some(settings) = &page.settings {
                self.store.apply_settings(settings)?;
            }
            self.report.pulled.pages += 1;
            for item in &page.items {
                match item {
                    PullItem::Assignment(_) => self.report.pulled.assignments += 1,
                    PullItem::Review(_) => self.report.pulled.reviews += 1,
                    PullItem::Conflict(_) => self.report.pulled.conflicts += 1,
                }
            }
            items_done += page.items.len() as u64;
            self.emit(items_done, items_done, 0, 0);
            let stuck = page.items.is_empty() && cursor.as_deref() == Some(&page.next_cursor);
            if !page.has_more {
                return Ok(());
            }
            if stuck {
                self.report.issues.push(Issue {
                    phase: Phase::Pull,
                    photo: None,
                    code: "pull.no_progress".into(),
                    message: "Server mengatakan ada data lagi tetapi tidak mengirimkannya; \
                              dicoba lagi pada sinkronisasi berikutnya"
                        .into(),
                });
                return Ok(());
            }
            cursor = Some(page.next_cursor);
        }
    }
}
