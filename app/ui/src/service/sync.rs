//! Sync: a quick reachability check first, then the engine with progress, then the summary,
//! per-record problems and the supervisor's rejections.

use pendata_core::store::{RecordState, SearchQuery};
use pendata_core::sync::{Phase, Progress};
use pendata_core::Device;
use pendata_shared::{HouseholdId, Lang};

use super::connection::{connection_detail, connection_view, HEALTH_DEADLINE};
use super::{relogin, Res, Worker};
use crate::i18n::tr;
use crate::state::{SyncPhase, SyncView, Update};

impl Worker {
    /// Sync, but first a quick `/healthz`: without a network the facilitator hears so at once
    /// (instead of after the engine's retries), with what waits to be sent. Afterwards the
    /// connection state is checked again.
    pub(super) async fn sync_if_reachable(&mut self) -> Res {
        let lang = self.lang;
        let client = self.device.as_ref().and_then(|d| d.client().ok());
        // Not unlocked, not logged in, bad settings: the sync itself says so.
        let reach = match client {
            Some(client) => Some(
                client
                    .healthz(HEALTH_DEADLINE)
                    .await
                    .map_err(|e| connection_detail(&e, lang)),
            ),
            None => None,
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
                phase: Some(SyncPhase::Done),
                offline: Some(offline_message(d, lang)),
                problems: vec![detail],
                ..SyncView::default()
            }));
            return self.load_home();
        }
        let result = self.sync().await;
        self.check_connection();
        result
    }

    pub(super) async fn sync(&mut self) -> Res {
        let lang = self.lang;
        let out = self.out.clone();
        let Some(d) = self.device.as_mut() else {
            return Err(tr(lang, "unlock.title").into());
        };
        d.store_mut()
            .queue_all_final()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
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
        let result = d.sync(&mut progress).await;
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
