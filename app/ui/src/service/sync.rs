//! Sync: a quick reachability check first, then the engine with progress, then the summary,
//! per-record problems and the supervisor's rejections. The sync runs beside the other
//! intents (`serve.rs`): it reaches the device only through the slot it is lent.

use pendata_core::store::{RecordState, SearchQuery};
use pendata_core::sync::{sync_through, DeviceAccess, Phase, Progress, SyncOutcome};
use pendata_core::{Device, DeviceError};
use pendata_shared::{HouseholdId, Lang};

use super::connection::{connection_detail, connection_view, HEALTH_DEADLINE};
use super::serve::{Lent, Slot, SyncRun};
use super::{relogin, Res, Worker};
use crate::i18n::tr;
use crate::state::{SyncPhase, SyncView, Update};

/// How a sync ended, for [`Worker::end_sync`].
pub(super) enum SyncEnd {
    /// `/healthz` did not answer: nothing was tried (the detail for people).
    Unreachable(String),
    /// It could not start (locked, the store refused to queue the final records).
    Failed(String),
    /// The engine ran: what it did, or why it stopped.
    Ran(Box<Result<SyncOutcome, DeviceError>>),
}

impl Worker {
    /// A sync was asked for ([`Intent::Sync`](super::Intent::Sync), or a login again): the
    /// loop (`serve.rs`) starts it when none runs.
    pub(super) fn request_sync(&mut self) {
        self.sync_requested = true;
    }

    pub(super) fn take_sync_request(&mut self) -> bool {
        std::mem::take(&mut self.sync_requested)
    }

    /// Starts a sync that reaches the device through `slot` (lent to it while it is polled):
    /// first a quick `/healthz`, so that without a network the facilitator hears so at once
    /// (instead of after the engine's retries), then the engine with progress.
    pub(super) fn start_sync(&mut self, slot: Slot) -> SyncRun {
        self.busy(true);
        let lang = self.lang;
        if self.device.is_none() {
            let locked = tr(lang, "unlock.title").to_string();
            return Box::pin(std::future::ready(SyncEnd::Failed(locked)));
        }
        let out = self.out.clone();
        Box::pin(async move {
            let mut lent = Lent(slot);
            // Not unlocked, not logged in, bad settings: the sync itself says so.
            let client = lent.with(|d| d.client());
            if let Ok(Ok(client)) = &client {
                if let Err(e) = client.healthz(HEALTH_DEADLINE).await {
                    return SyncEnd::Unreachable(connection_detail(&e, lang));
                }
            }
            let client = match client {
                Ok(Ok(client)) => client,
                Ok(Err(e)) => return SyncEnd::Ran(Box::new(Err(e))),
                Err(e) => return SyncEnd::Failed(e.to_string()),
            };
            match lent.with(|d| d.store_mut().queue_all_final()) {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    return SyncEnd::Failed(format!("{} ({})", e.message(lang), e.code()))
                }
                Err(e) => return SyncEnd::Failed(e.to_string()),
            }
            let _ = out.send(Update::SyncProgress {
                phase: SyncPhase::Photos,
                items_done: 0,
                items_total: 0,
                bytes_done: 0,
                bytes_total: 0,
            });
            let mut progress = |p: Progress| {
                let _ = out.send(Update::SyncProgress {
                    phase: sync_phase(p.phase),
                    items_done: p.items_done,
                    items_total: p.items_total,
                    bytes_done: p.bytes_done,
                    bytes_total: p.bytes_total,
                });
            };
            SyncEnd::Ran(Box::new(sync_through(lent, &client, &mut progress).await))
        })
    }

    /// Tells how the sync ended (summary, problems, the supervisor's rejections), then checks
    /// the connection again.
    pub(super) fn end_sync(&mut self, end: SyncEnd) {
        let result = self.sync_done(end);
        if let Err(message) = result {
            self.emit(Update::Error(message));
        }
        self.busy(false);
    }

    fn sync_done(&mut self, end: SyncEnd) -> Res {
        let lang = self.lang;
        let result = match end {
            SyncEnd::Failed(message) => return Err(message),
            SyncEnd::Unreachable(detail) => {
                let seq = self.next_conn_seq();
                self.emit(Update::Connection(connection_view(
                    seq,
                    Err(detail.clone()),
                )));
                let Some(d) = self.device.as_ref() else {
                    return Err(tr(lang, "unlock.title").into());
                };
                self.emit(Update::SyncDone(SyncView {
                    phase: Some(SyncPhase::Done),
                    offline: Some(offline_message(d, lang)),
                    problems: vec![detail],
                    ..SyncView::default()
                }));
                return self.load_home();
            }
            SyncEnd::Ran(result) => *result,
        };
        let done = self.report(result);
        self.check_connection();
        done
    }

    fn report(&mut self, result: Result<SyncOutcome, DeviceError>) -> Res {
        let lang = self.lang;
        let Some(d) = self.device.as_mut() else {
            return Err(tr(lang, "unlock.title").into());
        };
        let mut view = SyncView {
            phase: Some(SyncPhase::Done),
            ..SyncView::default()
        };
        let outcome = match result {
            Ok(o) => Some(o),
            Err(e) => {
                if e.code().starts_with("net.") {
                    view.offline = Some(offline_message(d, lang));
                }
                if relogin::needs_login(e.code()) {
                    view.relogin = relogin::relogin_view(d);
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
            if r.reoffered > 0 {
                if let Some(summary) = &mut view.summary {
                    summary.push_str(&format!(
                        ". {}: {}",
                        tr(lang, "sync.reoffered"),
                        r.reoffered
                    ));
                }
            }
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
            for s in &r.set_aside {
                view.problems.push(format!(
                    "{}: {} — {}",
                    tr(lang, "sync.needs_photo"),
                    head_name(d, s.household_id),
                    s.finding.message_in(lang)
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
}

/// The head's name of a household or a DTSEN family (whichever form the record answers).
fn head_name(d: &Device, id: HouseholdId) -> String {
    d.store()
        .content(id)
        .ok()
        .map(|r| r.head_name())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "—".into())
}

fn sync_phase(p: Phase) -> SyncPhase {
    match p {
        Phase::Photos => SyncPhase::Photos,
        Phase::Push => SyncPhase::Push,
        Phase::Pull => SyncPhase::Pull,
        Phase::Listing => SyncPhase::Listing,
        Phase::Done => SyncPhase::Done,
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
