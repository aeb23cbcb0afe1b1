#![allow(clippy::unwrap_used, clippy::expect_used)]
//! After a server restore the device offers again what the server had acknowledged
//! (`Store::note_server`, docs/sync-protocol.md "After a restore").

use crate::common;

use common::{example, store};
use pendata_core::store::{RecordState, Store};
use pendata_shared::protocol::{PushOutcome, PushResult, ServerEpoch};
use pendata_shared::{HouseholdId, RevisionId};

fn answer(store: &mut Store, id: HouseholdId) -> RevisionId {
    let rec = store.pending_push(100).unwrap();
    let rev = rec.iter().find(|r| r.household_id == id).unwrap().revision;
    store
        .mark_pushed(&[PushResult {
            household_id: id,
            revision: rev,
            outcome: PushOutcome::Accepted {
                missing_photos: vec![],
                warnings: vec![],
            },
        }])
        .unwrap();
    rev
}

fn epoch(timeline: &str) -> ServerEpoch {
    ServerEpoch {
        server_id: "kantor-dinsos".into(),
        generation: 1,
        timeline: timeline.into(),
    }
}

#[test]
fn a_server_that_went_back_gets_every_acknowledged_revision_offered_again_once() {
    let (_d, mut s) = store();
    // One household acknowledged, one still a draft.
    let sent = example();
    s.save_household(&sent).unwrap();
    s.finalize(sent.id, common::photos_on_device).unwrap();
    s.queue(sent.id).unwrap();
    let rev = answer(&mut s, sent.id);
    let mut draft = example();
    draft.id = HouseholdId::new();
    s.save_household(&draft).unwrap();
    assert_eq!(s.state(sent.id).unwrap(), RecordState::Sent);

    // The first server state is only remembered; the same one again changes nothing.
    assert_eq!(s.note_server(&epoch("t1")).unwrap(), 0);
    assert_eq!(s.note_server(&epoch("t1")).unwrap(), 0);
    assert_eq!(s.server_epoch().unwrap(), Some(epoch("t1")));
    assert!(s.pending_list().unwrap().is_empty());

    // A new timeline: the acknowledged revision is pending again, same id, content and base;
    // the draft is left alone.
    assert_eq!(s.note_server(&epoch("t2")).unwrap(), 1);
    assert_eq!(s.server_epoch().unwrap(), Some(epoch("t2")));
    assert_eq!(s.state(sent.id).unwrap(), RecordState::Queued);
    assert_eq!(s.state(draft.id).unwrap(), RecordState::Draft);
    let pending = s.pending_push(100).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].revision, rev);
    assert_eq!(pending[0].household_id, sent.id);
    assert_eq!(pending[0].base_revision, None);
    assert_eq!(
        pending[0].content_sha256,
        pendata_shared::protocol::content_hash(&pending[0].change)
    );
    let photos = s.pending_photo_refs().unwrap();
    assert_eq!(
        photos.len(),
        sent.photos.len(),
        "its photos are offered again"
    );

    // Acknowledged again: sent, and nothing more to offer for this timeline.
    assert_eq!(answer(&mut s, sent.id), rev);
    assert_eq!(s.state(sent.id).unwrap(), RecordState::Sent);
    assert_eq!(s.note_server(&epoch("t2")).unwrap(), 0);
    // Another server altogether (the data started afresh) is offered everything too.
    let mut other = epoch("t2");
    other.server_id = "server-baru".into();
    assert_eq!(s.note_server(&other).unwrap(), 1);
}
