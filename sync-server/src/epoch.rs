//! The server's identity and restore lineage (migration 0006), as the sync answers show it,
//! and pull cursors that survive a restore.
//!
//! A restore takes the server back in time: its change log ends where the backup's ended and
//! grows again from there, with new items at sequence numbers a device may already have
//! pulled past. So a pull cursor names the timeline it was issued in, and a cursor of another
//! timeline is **re-based**: it is moved back to the change-log position of the first restore
//! after its timeline (`server_restores.base_seq`), from where the two histories differ.
//! Items before that point are the same in both; items after it are sent (again). Applying an
//! item twice is harmless, skipping one is not: re-basing only ever moves a cursor back.
//! This needs nothing from the device, so devices of every version pull correctly after a
//! restore.

use base64::Engine;
use pendata_shared::protocol::ServerEpoch;

/// One restore in this data's past.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Restore {
    timeline: String,
    from_timeline: String,
    base_seq: i64,
}

/// The identity and lineage of the data the server runs on (read once at start: a restore
/// happens only while no server runs on the directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Epoch {
    pub server_id: String,
    pub generation: u32,
    pub timeline: String,
    /// Oldest first.
    restores: Vec<Restore>,
}

impl Epoch {
    /// From its parts as a backend reads them (tables `server_identity`, `server_restores`):
    /// the restores oldest first, each `(timeline, from_timeline, base_seq)`.
    pub fn from_parts(
        server_id: String,
        generation: u32,
        timeline: String,
        restores: Vec<(String, String, i64)>,
    ) -> Self {
        Epoch {
            server_id,
            generation,
            timeline,
            restores: restores
                .into_iter()
                .map(|(timeline, from_timeline, base_seq)| Restore {
                    timeline,
                    from_timeline,
                    base_seq,
                })
                .collect(),
        }
    }

    /// What the sync answers carry.
    pub fn info(&self) -> ServerEpoch {
        ServerEpoch {
            server_id: self.server_id.clone(),
            generation: self.generation,
            timeline: self.timeline.clone(),
        }
    }

    /// The timeline this data started in (before any restore).
    fn root(&self) -> &str {
        self.restores
            .first()
            .map_or(self.timeline.as_str(), |r| r.from_timeline.as_str())
    }

    /// The change-log position to pull after, for a cursor at `seq` issued in `timeline`
    /// (`None`: a cursor from before this server knew timelines, i.e. its first one).
    pub fn rebase(&self, timeline: Option<&str>, seq: i64) -> i64 {
        let timeline = timeline.unwrap_or_else(|| self.root());
        if timeline == self.timeline {
            return seq;
        }
        let later: &[Restore] = if timeline == self.root() {
            &self.restores
        } else if let Some(i) = self.restores.iter().position(|r| r.timeline == timeline) {
            &self.restores[i + 1..]
        } else if self.restores.is_empty() {
            // A timeline this data never had (a device of a server whose data was started
            // afresh): everything again.
            return 0;
        } else {
            // A sibling timeline (another restore of an older backup): the histories agree at
            // most up to the earliest restore this data went through.
            &self.restores
        };
        later.iter().map(|r| r.base_seq).fold(seq, i64::min).max(0)
    }
}

/// A new timeline's name (16 hex digits).
pub fn new_timeline() -> String {
    let mut id = uuid::Uuid::new_v4().simple().to_string();
    id.truncate(16);
    id
}

/// Encodes a change-log position of `timeline` as an opaque cursor.
pub fn encode_cursor(timeline: &str, seq: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("t{timeline}.s{seq}"))
}

/// Decodes [`encode_cursor`] and the cursors of servers before timelines (`s{seq}`): the
/// timeline (if named) and the position; `None` for anything else.
pub fn decode_cursor(cursor: &str) -> Option<(Option<String>, i64)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let (timeline, seq) = match text.strip_prefix('t') {
        Some(rest) => {
            let (timeline, seq) = rest.split_once(".s")?;
            let ok = !timeline.is_empty()
                && timeline.len() <= 64
                && timeline.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                return None;
            }
            (Some(timeline.to_owned()), seq)
        }
        None => (None, text.strip_prefix('s')?),
    };
    let seq = seq.parse::<i64>().ok().filter(|s| *s >= 0)?;
    Some((timeline, seq))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn epoch(timeline: &str, restores: &[(&str, &str, i64)]) -> Epoch {
        Epoch {
            server_id: "srv".into(),
            generation: restores.len() as u32 + 1,
            timeline: timeline.into(),
            restores: restores
                .iter()
                .map(|(t, from, base)| Restore {
                    timeline: (*t).into(),
                    from_timeline: (*from).into(),
                    base_seq: *base,
                })
                .collect(),
        }
    }

    #[test]
    fn cursors_round_trip_old_ones_still_read_and_garbage_is_refused() {
        for seq in [0, 1, 99, i64::MAX] {
            assert_eq!(
                decode_cursor(&encode_cursor("a1b2", seq)),
                Some((Some("a1b2".into()), seq))
            );
        }
        let old = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("s42");
        assert_eq!(decode_cursor(&old), Some((None, 42)));
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        for bad in [
            "".to_owned(),
            "!!".into(),
            b64("s-1"),
            b64("t.s5"),
            b64("tab/c.s5"),
            b64("tabc.s-5"),
            b64("tabc5"),
        ] {
            assert_eq!(decode_cursor(&bad), None, "{bad}");
        }
    }

    #[test]
    fn a_cursor_of_this_timeline_stays_and_one_from_before_a_restore_moves_back_only() {
        // Never restored: old cursors and this timeline's stay where they are.
        let e = epoch("root", &[]);
        assert_eq!(e.rebase(None, 500), 500);
        assert_eq!(e.rebase(Some("root"), 500), 500);
        // A cursor of data this server never had: from the start.
        assert_eq!(e.rebase(Some("elsewhere"), 500), 0);

        // root → (backup at 3000) → B → (backup at 3800) → C, the one running.
        let e = epoch("C", &[("B", "root", 3000), ("C", "B", 3800)]);
        assert_eq!(e.rebase(Some("C"), 4200), 4200, "this timeline");
        assert_eq!(
            e.rebase(Some("B"), 5000),
            3800,
            "B's items after 3800 are gone"
        );
        assert_eq!(
            e.rebase(Some("B"), 3500),
            3500,
            "before the fork: nothing to re-send"
        );
        assert_eq!(
            e.rebase(Some("root"), 5000),
            3000,
            "root never saw B's 3001-3800"
        );
        assert_eq!(
            e.rebase(None, 5000),
            3000,
            "a cursor from before timelines is root's"
        );
        assert_eq!(
            e.rebase(Some("D"), 5000),
            3000,
            "a sibling timeline: the earliest fork"
        );
        assert_eq!(e.rebase(Some("B"), 0), 0);
    }
}
