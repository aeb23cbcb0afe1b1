//! Sync endpoints (docs/sync-protocol.md): `POST /api/v1/push` and `GET /api/v1/pull`.
//!
//! The push handler does every check that needs no database (protocol, content hash, shared
//! validation, wilayah of the content, which photos the blob store lacks, the period a
//! proposal is due in) and hands the survivors to
//! [`RecordStore::push`](crate::store::RecordStore::push), which stores the batch in one
//! transaction: with each proposal noted in its period, and a change of a record whose desa
//! period is locked refused on its own (`period.locked`).

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use pendata_shared::dtsen::validate_family_batch;
use pendata_shared::protocol::{
    Change, DeviceSettings, PullPage, PushBatch, PushOutcome, PushRecord, PushResponse, PushResult,
    DEFAULT_PAGE_SIZE, MAX_BATCH_RECORDS, MAX_PAGE_SIZE, PROTOCOL_VERSION,
};
use pendata_shared::questionnaire::UnknownQuestionnaire;
use pendata_shared::validate::{validate_batch, Context, Finding, Severity};
use pendata_shared::{HouseholdId, RevisionId};
use serde::Deserialize;

use super::push_parse::{self, Item, ItemRead};
use crate::auth::AuthUser;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{json_error, ApiJson, ApiQuery, JsonBytes};
use crate::store::packed::PackedChange;
use crate::store::{outside_wilayah_finding, questionnaire_mismatch_finding};
use crate::store::{IncomingRecord, Puller, Pusher, Scope, Sha256Hex, ShaHex};
use crate::AppState;

/// Just the ids of a record, to answer for one that does not parse.
#[derive(Deserialize)]
struct RecordIds {
    household_id: HouseholdId,
    revision: RevisionId,
}

fn finding(path: &str, code: &str, id: &str, en: &str) -> Finding {
    Finding {
        path: path.into(),
        severity: Severity::Error,
        code: code.into(),
        message: id.into(),
        message_en: en.into(),
    }
}

/// The day validation runs against: the latest calendar day anywhere (UTC+14), so the server
/// never refuses a date the device, on its own local day, accepted as "not in the future".
fn validation_day() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(14)).date_naive()
}

pub(crate) fn scope_of(user: &AuthUser) -> Scope {
    Scope::of(user.role, &user.wilayah)
}

enum Slot {
    Done(PushOutcome),
    Ready(Box<IncomingRecord>),
}

#[utoipa::path(
    post, path = "/api/v1/push", tag = "sync",
    security(("bearer" = [])),
    request_body(content = PushBatch, description = "At most 200 records. `Content-Encoding: gzip` or `zstd` accepted."),
    responses(
        (status = 200, description = "One result per record, in order", body = PushResponse),
        (status = 400, description = "`protocol.unsupported`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
        (status = 413, description = "`push.too_many_records`, `request.too_large`", body = ErrorBody),
        (status = 415, description = "`request.content_type`", body = ErrorBody),
        (status = 422, description = "`request.invalid_json` (a record without usable ids, or a batch of the wrong shape)", body = ErrorBody),
    )
)]
pub async fn push(
    State(state): State<AppState>,
    user: AuthUser,
    JsonBytes(body): JsonBytes,
) -> Result<ApiJson<PushResponse>, ApiError> {
    // One pass over the body for the envelopes, off the async workers (a batch of 200 is
    // over a megabyte).
    let (batch, body) = on_pool(move || (push_parse::read_batch(&body), body)).await?;
    let batch = batch.map_err(|e| json_error(&e))?;
    if batch.protocol != PROTOCOL_VERSION {
        return Err(ApiError::bad_request(
            "protocol.unsupported",
            &format!(
                "Versi protokol {} tidak didukung; perbarui aplikasi (server memakai versi {PROTOCOL_VERSION})",
                batch.protocol
            ),
        )
        .en(&format!(
            "Protocol version {} is not supported; this server speaks {PROTOCOL_VERSION}",
            batch.protocol
        )));
    }
    if batch.items.len() > MAX_BATCH_RECORDS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "push.too_many_records",
            &format!("Paling banyak {MAX_BATCH_RECORDS} rumah tangga per kiriman"),
        )
        .en(&format!("At most {MAX_BATCH_RECORDS} records per batch")));
    }
    let scope = scope_of(&user);

    // Each change parsed from its slice of the body, off the async workers; a big batch in two
    // halves at once (one per core). A change of an unusual shape sends the whole batch down
    // the path that reads each record alone.
    let (ids, mut slots) = match prepare_items(body.clone(), batch.items, &scope).await? {
        Some(prepared) => prepared,
        None => {
            let (whole, body) =
                on_pool(move || (push_parse::read_batch_whole(&body), body)).await?;
            let whole = whole.map_err(|e| json_error(&e))?;
            prepare_items(body, whole.items, &scope)
                .await?
                .ok_or_else(|| ApiError::internal("a whole record asked to be read whole"))?
        }
    };

    // Shared validation, batch-wide (duplicate NIKs across households of the batch). The
    // households are moved out for it and back, not copied.
    let mut positions = Vec::new();
    let mut households = Vec::new();
    for (i, slot) in slots.iter_mut().enumerate() {
        if let Slot::Ready(rec) = slot {
            if matches!(rec.record.change, Change::Upsert { .. }) {
                if let Change::Upsert { household } =
                    std::mem::replace(&mut rec.record.change, Change::Delete)
                {
                    positions.push(i);
                    households.push(*household);
                }
            }
        }
    }
    if !households.is_empty() {
        let ctx = Context::embedded(validation_day());
        let all = validate_batch(&households, &ctx);
        for ((pos, household), findings) in positions.into_iter().zip(households).zip(all) {
            let Slot::Ready(rec) = &mut slots[pos] else {
                continue;
            };
            rec.record.change = Change::Upsert {
                household: Box::new(household),
            };
            if findings.iter().any(|f| f.severity == Severity::Error) {
                slots[pos] = Slot::Done(PushOutcome::Rejected { findings });
            } else {
                rec.warnings = findings;
            }
        }
    }

    // The same for DTSEN families (duplicate NIKs across families, in one building or not).
    let mut positions = Vec::new();
    let mut families = Vec::new();
    for (i, slot) in slots.iter_mut().enumerate() {
        if let Slot::Ready(rec) = slot {
            if let Change::UpsertFamily { .. } = rec.record.change {
                if let Change::UpsertFamily { family } =
                    std::mem::replace(&mut rec.record.change, Change::Delete)
                {
                    positions.push(i);
                    families.push(*family);
                }
            }
        }
    }
    if !families.is_empty() {
        let ctx = Context::embedded(validation_day());
        let all = validate_family_batch(&families, &ctx, &state.config.dtsen);
        for ((pos, family), findings) in positions.into_iter().zip(families).zip(all) {
            let Slot::Ready(rec) = &mut slots[pos] else {
                continue;
            };
            rec.record.change = Change::UpsertFamily {
                family: Box::new(family),
            };
            let findings = revisit_is_a_visit_report(findings);
            if findings.iter().any(|f| f.severity == Severity::Error) {
                slots[pos] = Slot::Done(PushOutcome::Rejected { findings });
            } else {
                rec.warnings = findings;
            }
        }
    }

    // Case findings (issue 21 §1): the device's case rules, run again here.
    for slot in &mut slots {
        let Slot::Ready(rec) = slot else { continue };
        let day = validation_day();
        if let Some(findings) =
            crate::cases::validate::case_findings(&rec.record.change, &state.config.cases, day)
        {
            if findings.iter().any(|f| f.severity == Severity::Error) {
                *slot = Slot::Done(PushOutcome::Rejected { findings });
            } else {
                rec.warnings = findings;
            }
        }
    }

    // Which referenced photos the blob store lacks (one question for the whole batch).
    let mut wanted: Vec<ShaHex> = Vec::new();
    for slot in &slots {
        if let Slot::Ready(rec) = slot {
            wanted.extend(rec.photos.iter().cloned());
        }
    }
    wanted.sort();
    wanted.dedup();
    let checkable: Vec<Sha256Hex> = wanted
        .iter()
        .filter_map(|sha| Sha256Hex::parse(sha.as_str()))
        .collect();
    let complete = state.blobs.complete_many(&checkable).await?;
    let known: HashSet<&str> = checkable
        .iter()
        .zip(complete)
        .filter(|(_, done)| *done)
        .map(|(h, _)| h.as_str())
        .collect();
    for slot in &mut slots {
        let Slot::Ready(rec) = slot else { continue };
        for sha in &rec.photos {
            if !known.contains(sha.as_str()) {
                rec.missing_photos.push(sha.clone());
            }
        }
    }

    let mut ready = Vec::new();
    let mut decided = Vec::with_capacity(slots.len());
    for slot in slots {
        match slot {
            Slot::Done(o) => decided.push(Some(o)),
            Slot::Ready(mut rec) => {
                rec.period = crate::month::period_arrival(&state, &rec);
                ready.push(*rec);
                decided.push(None);
            }
        }
    }
    let pusher = Pusher {
        username: user.username.clone(),
        device_id: user.device_id,
        scope,
    };
    let count = ready.len();
    let stored = if ready.is_empty() {
        Vec::new()
    } else if state.records.groups_pushes() {
        state
            .push_queue
            .store(state.records.clone(), pusher, ready)
            .await?
    } else {
        // A store with concurrent writers: this push goes straight to it.
        state.records(move |s| s.push(&pusher, ready)).await?
    };
    let mut stored = stored.into_iter();
    let mut results = Vec::with_capacity(decided.len());
    for (decided, (household_id, revision)) in decided.into_iter().zip(ids) {
        let outcome = match decided {
            Some(o) => o,
            None => stored
                .next()
                .ok_or_else(|| ApiError::internal("store answered fewer outcomes"))?,
        };
        results.push(PushResult {
            household_id,
            revision,
            outcome,
        });
    }
    tracing::info!(
        username = %user.username,
        records = results.len(),
        stored = count,
        "push"
    );
    Ok(ApiJson(PushResponse {
        results,
        server: Some(state.epoch.info()),
    }))
}

/// Where pushes wait for the single writer (group commit).
///
/// Each push puts its records in `pending` and waits for `turn`, a FIFO lock (the writer's
/// own mutex is not fair, and waiting here holds no blocking thread). The push that gets the
/// turn takes everything pending and stores it with [`RecordStore::push_group`]: one
/// transaction and one fsync for all of them, each push in its own savepoint, answered only
/// after the commit. A push whose records an earlier holder of the turn already stored
/// finds its answer waiting when its turn comes. A push whose client went away before its
/// records were taken is dropped unstored, as it would have been before reaching the writer.
#[derive(Default)]
pub struct PushQueue {
    pending: std::sync::Mutex<Vec<PushJob>>,
    turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

type PushAnswer = Result<Vec<PushOutcome>, crate::store::StoreError>;

struct PushJob {
    pusher: Pusher,
    records: Vec<IncomingRecord>,
    reply: tokio::sync::oneshot::Sender<PushAnswer>,
}

impl PushQueue {
    /// Stores one push's records (with whatever else is waiting) and answers its outcomes.
    pub async fn store(
        &self,
        store: std::sync::Arc<dyn crate::store::RecordStore>,
        pusher: Pusher,
        records: Vec<IncomingRecord>,
    ) -> Result<Vec<PushOutcome>, ApiError> {
        let (reply, mut answer) = tokio::sync::oneshot::channel();
        crate::store::lock(&self.pending).push(PushJob {
            pusher,
            records,
            reply,
        });
        let turn = self.turn.clone().lock_owned().await;
        match answer.try_recv() {
            Ok(stored) => return stored.map_err(ApiError::from),
            Err(tokio::sync::oneshot::error::TryRecvError::Closed) => {
                return Err(ApiError::internal("the writer dropped a push"))
            }
            Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
        }
        // Ours is still pending (whoever took jobs before answered them before letting go).
        let jobs = std::mem::take(&mut *crate::store::lock(&self.pending));
        on_pool(move || {
            let (replies, pushes): (Vec<_>, Vec<_>) = jobs
                .into_iter()
                .filter(|job| !job.reply.is_closed())
                .map(|job| (job.reply, (job.pusher, job.records)))
                .unzip();
            let results = store.push_group(pushes);
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(result);
            }
            // The turn passes on only once every answer is out.
            drop(turn);
        })
        .await?;
        answer
            .await
            .map_err(|_| ApiError::internal("the writer dropped a push"))?
            .map_err(ApiError::from)
    }
}

/// From this many records on, a batch is parsed in two halves at once.
const PARALLEL_FROM: usize = 32;

type Prepared = (Vec<(HouseholdId, RevisionId)>, Vec<Slot>);

/// Runs CPU work on the blocking pool: parsing a batch would otherwise hold an async worker
/// (and every connection waiting on it) for milliseconds.
async fn on_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(crate::store::StoreError::Task(e.to_string())))
}

/// [`prepare_records`] for every item, in two halves at once from [`PARALLEL_FROM`] items.
/// `None` when some item has to be read whole.
async fn prepare_items(
    body: Bytes,
    mut items: Vec<Item>,
    scope: &Scope,
) -> Result<Option<Prepared>, ApiError> {
    if items.len() < PARALLEL_FROM {
        let scope = scope.clone();
        return on_pool(move || prepare_records(&body, items, &scope)).await?;
    }
    let second = items.split_off(items.len() / 2);
    let (body_b, scope_a, scope_b) = (body.clone(), scope.clone(), scope.clone());
    let (a, b) = tokio::join!(
        on_pool(move || prepare_records(&body, items, &scope_a)),
        on_pool(move || prepare_records(&body_b, second, &scope_b))
    );
    let (Some((mut ids, mut slots)), Some((ids_b, slots_b))) = (a??, b??) else {
        return Ok(None);
    };
    ids.extend(ids_b);
    slots.extend(slots_b);
    Ok(Some((ids, slots)))
}

/// Reads and checks records on their own (no database, no other records). `None` as soon as
/// one has to be read whole.
fn prepare_records(
    body: &[u8],
    items: Vec<Item>,
    scope: &Scope,
) -> Result<Option<Prepared>, ApiError> {
    let mut ids = Vec::with_capacity(items.len());
    let mut slots = Vec::with_capacity(items.len());
    for item in items {
        match push_parse::read_item(body, item) {
            ItemRead::Record(record, change_json) => {
                ids.push((record.household_id, record.revision));
                slots.push(prepare(record, change_json, scope));
            }
            ItemRead::ReadWhole => return Ok(None),
            ItemRead::Unreadable(range) => {
                let Ok(rid) = serde_json::from_str::<RecordIds>(push_parse::text(body, &range))
                else {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "request.invalid_json",
                        "Ada catatan tanpa household_id dan revision yang sah",
                    )
                    .en("A record lacks a valid household_id and revision"));
                };
                ids.push((rid.household_id, rid.revision));
                // The parser's message may quote personal data: keep it generic.
                slots.push(Slot::Done(PushOutcome::Rejected {
                    findings: vec![finding(
                        "change",
                        "push.invalid_record",
                        "Isi catatan tidak sesuai format (kolom tak dikenal, kode salah, atau tipe salah)",
                        "The record does not match the format (unknown field, bad code or wrong type)",
                    )],
                }));
            }
        }
    }
    Ok(Some((ids, slots)))
}

/// The checks of one record that need neither the database nor the other records.
/// `sent_json` is the JSON of the change as sent when it already matched the content hash.
fn prepare(record: PushRecord, sent_json: Option<String>, scope: &Scope) -> Slot {
    let change_json = match sent_json {
        Some(j) => j,
        None => {
            let change_json = match serde_json::to_string(&record.change) {
                Ok(j) => j,
                Err(e) => return Slot::Done(internal_rejection(e)),
            };
            if ShaHex::digest(change_json.as_bytes()) != record.content_sha256 {
                return Slot::Done(PushOutcome::Rejected {
                    findings: vec![finding(
                        "content_sha256",
                        "push.hash_mismatch",
                        "Sidik isi (SHA-256) tidak cocok dengan isinya; data mungkin rusak di jalan",
                        "content_sha256 does not match the content; the data may have been damaged",
                    )],
                });
            }
            change_json
        }
    };
    // The questionnaire: one this server knows, and the one the content answers.
    let questionnaire = match record.questionnaire() {
        Ok(q) => q,
        Err(unknown) => {
            let text = unknown.text();
            return Slot::Done(PushOutcome::Rejected {
                findings: vec![finding(
                    "questionnaire",
                    UnknownQuestionnaire::CODE,
                    &text.id,
                    &text.en,
                )],
            });
        }
    };
    if let Some(content) = record.change.questionnaire() {
        if content != questionnaire {
            return Slot::Done(PushOutcome::Rejected {
                findings: vec![questionnaire_mismatch_finding(questionnaire.id(), content)],
            });
        }
    }
    let (desa, head_name, photos) = match (record.change.record_id(), record.change.desa_code()) {
        (Some(id), Some(desa)) => {
            if id != record.household_id {
                return Slot::Done(PushOutcome::Rejected {
                    findings: vec![finding(
                        "household.id",
                        "push.id_mismatch",
                        "Id rumah tangga di dalam isi berbeda dengan household_id",
                        "The household's id differs from household_id",
                    )],
                });
            }
            let desa = desa.trim().to_owned();
            if !scope.covers(&desa) {
                return Slot::Done(PushOutcome::Rejected {
                    findings: vec![outside_wilayah_finding()],
                });
            }
            let mut photos: Vec<ShaHex> = record
                .change
                .photos()
                .iter()
                .map(|p| p.sha256.clone())
                .collect();
            photos.sort();
            photos.dedup();
            (Some(desa), record.change.head_name(), photos)
        }
        _ => (None, String::new(), Vec::new()),
    };
    Slot::Ready(Box::new(IncomingRecord {
        record,
        packed_change: PackedChange::pack(&change_json),
        change_json,
        desa_code: desa,
        questionnaire,
        head_name,
        photos,
        missing_photos: Vec::new(),
        warnings: Vec::new(),
        period: None,
    }))
}

fn internal_rejection(e: impl std::fmt::Display) -> PushOutcome {
    tracing::error!(error = %e, "cannot serialise a change");
    PushOutcome::Rejected {
        findings: vec![finding(
            "change",
            "internal",
            "Terjadi kesalahan pada server",
            "Internal server error",
        )],
    }
}

/// Bounds the OpenAPI document states for shared protocol types (which carry no server
/// limits themselves), so the document says exactly what the handlers accept: the protocol
/// version, batch and query sizes, hash patterns, note and reason lengths (a rejection needing
/// a note is a rule across two fields, stated in the review endpoint's 422). Applied by [`crate::ApiDoc`].
pub struct SchemaBounds;

impl utoipa::Modify for SchemaBounds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else {
            return;
        };
        let sha = serde_json::json!({ "type": "string", "pattern": "^[0-9a-f]{64}$" });
        let not_blank = |max: usize| serde_json::json!({ "type": "string", "minLength": 1, "maxLength": max, "pattern": "\\S" });
        let schemas = &mut doc["components"]["schemas"];
        let patches = [
            (
                "/PushBatch/properties/protocol",
                serde_json::json!({ "type": "integer", "enum": [PROTOCOL_VERSION] }),
            ),
            (
                "/PushBatch/properties/records/maxItems",
                serde_json::json!(MAX_BATCH_RECORDS),
            ),
            ("/MissingRequest/properties/sha256/items", sha),
            (
                "/MissingRequest/properties/sha256/maxItems",
                serde_json::json!(super::photos::MAX_MISSING_QUERY),
            ),
            (
                "/ResolveRequest/properties/reason",
                not_blank(super::households::MAX_NOTE_CHARS),
            ),
            (
                "/ReviewRequest/properties/note",
                serde_json::json!({
                    "type": ["string", "null"], "maxLength": super::households::MAX_NOTE_CHARS
                }),
            ),
        ];
        for (pointer, value) in patches {
            let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
            if let Some(serde_json::Value::Object(map)) = schemas.pointer_mut(parent) {
                map.insert(key.to_owned(), value);
            }
        }
        if let Ok(patched) = serde_json::from_value(doc) {
            *openapi = patched;
        }
    }
}

/// Query of `GET /api/v1/pull`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// Opaque cursor from the previous page's `next_cursor`; absent for the start.
    pub cursor: Option<String>,
    /// Page size, 1-500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The desil import the device holds as a whole (`PullPage::desil`); absent: none.
    pub desil_import: Option<i64>,
}

pub(crate) fn bad_cursor() -> ApiError {
    ApiError::bad_request("request.bad_cursor", "Kursor halaman tidak sah")
        .en("The page cursor is not valid")
}

pub(crate) fn bad_limit() -> ApiError {
    ApiError::bad_request(
        "request.bad_limit",
        &format!("limit harus antara 1 dan {MAX_PAGE_SIZE}"),
    )
    .en(&format!("limit must be between 1 and {MAX_PAGE_SIZE}"))
}

#[utoipa::path(
    get, path = "/api/v1/pull", tag = "sync",
    security(("bearer" = [])),
    params(PullQuery),
    responses(
        (status = 200, description = "Items after the cursor, in change order", body = PullPage),
        (status = 400, description = "`request.bad_cursor`, `request.bad_limit`, `request.bad_query`", body = ErrorBody),
        (status = 401, description = "`auth.missing` or `auth.invalid`", body = ErrorBody),
    )
)]
pub async fn pull(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<ApiJson<PullPage>, ApiError> {
    // A cursor of another timeline (issued before a restore) is moved back (crate::epoch).
    let after = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => {
            let (timeline, seq) = crate::epoch::decode_cursor(c).ok_or_else(bad_cursor)?;
            state.epoch.rebase(timeline.as_deref(), seq)
        }
    };
    let limit = q.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if limit == 0 || limit > MAX_PAGE_SIZE {
        return Err(bad_limit());
    }
    let who = Puller {
        username: user.username.clone(),
        role: user.role,
        scope: scope_of(&user),
    };
    let scope = who.scope.clone();
    let page = state.records(move |s| s.pull(&who, after, limit)).await?;
    let (registry, held) = (state.backend.registry.clone(), q.desil_import);
    let (items, has_more) = (page.items, page.has_more);
    let (items, desil) = state
        .records(move |s| {
            let desil = crate::device_desil::desil_for_page(
                s,
                registry.as_ref(),
                &scope,
                &items,
                has_more,
                held,
            )?;
            Ok((items, desil))
        })
        .await?;
    Ok(ApiJson(PullPage {
        items,
        next_cursor: crate::epoch::encode_cursor(&state.epoch.timeline, page.last_seq),
        has_more,
        server: Some(state.epoch.info()),
        settings: Some(DeviceSettings {
            cutoff_day: state.config.month.cutoff_day,
            dtsen: state.config.dtsen,
            cases: Some(state.config.cases),
        }),
        desil,
    }))
}

/// A ground-check family whose last visit found nobody home is stored as a visit report: the
/// supervisor's ground-check progress counts it as "to revisit" (docs/formats.md, DTSEN
/// choices). Its `ground_check.revisit_pending` comes back to the device as a warning; it
/// stays an error for finalizing on the device.
fn revisit_is_a_visit_report(mut findings: Vec<Finding>) -> Vec<Finding> {
    for f in &mut findings {
        if f.code == "ground_check.revisit_pending" {
            f.severity = Severity::Warning;
        }
    }
    findings
}
