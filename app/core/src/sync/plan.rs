//! The sync plan: a pure function from a snapshot of local state (and the server's answer to
//! `photos/missing`) to the ordered operations of one sync. No I/O, so it is tested by tables.
//!
//! Order: photos first (a record whose photos are not uploaded still goes, the server marks it
//! incomplete, but by then its photos have had their chance), then push batches of at most
//! [`MAX_BATCH_RECORDS`] in the order the store gave, then one pull from the stored cursor.

use std::collections::{HashMap, HashSet};

use pendata_shared::ids::Sha256Hex;
use pendata_shared::protocol::{MissingPhoto, PushRecord, MAX_BATCH_RECORDS};

use super::PhotoSize;

/// One step of a sync.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// Send the bytes `from_offset..total` of a photo (the server already holds the rest).
    UploadPhoto {
        sha256: Sha256Hex,
        from_offset: u64,
        total: u64,
    },
    /// Push these records as one batch.
    PushBatch { records: Vec<PushRecord> },
    /// Pull pages from this cursor until the server has no more.
    Pull { cursor: Option<String> },
}

/// The snapshot the plan is made from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanInput {
    /// Revisions waiting to be pushed, oldest first.
    pub pending: Vec<PushRecord>,
    /// Photos the pending revisions reference, with their local sizes (duplicates allowed).
    pub photos: Vec<PhotoSize>,
    /// The server's answer to `photos/missing` for those photos: the ones it does not fully
    /// hold, with the bytes it already staged. A photo absent from this list is on the server.
    pub missing: Vec<MissingPhoto>,
    /// The stored pull cursor.
    pub cursor: Option<String>,
}

/// The distinct photo hashes of `photos`, in first-seen order (what to ask `photos/missing`).
pub fn photos_to_query(photos: &[PhotoSize]) -> Vec<Sha256Hex> {
    let mut seen = HashSet::new();
    photos
        .iter()
        .filter(|(sha, _)| seen.insert(sha.clone()))
        .map(|(sha, _)| sha.clone())
        .collect()
}

/// Makes the plan. Deterministic: the same input gives the same operations.
pub fn plan(input: &PlanInput) -> Vec<Operation> {
    let mut ops = Vec::new();

    let staged: HashMap<&Sha256Hex, u64> = input
        .missing
        .iter()
        .map(|m| (&m.sha256, m.received))
        .collect();
    let mut seen = HashSet::new();
    for (sha, size) in &input.photos {
        if !seen.insert(sha) {
            continue;
        }
        // Not in the answer: the server holds the photo already.
        let Some(&received) = staged.get(sha) else {
            continue;
        };
        // The engine reads the real bytes and uses their length if the store's size is off.
        let total = *size;
        // Every byte staged but never finished (the server dropped the last chunk's handler):
        // an empty chunk at the end finishes it. Past the end means a staging the server will
        // correct (409 with its real count); start from zero and let it say so.
        let from_offset = if received <= total { received } else { 0 };
        ops.push(Operation::UploadPhoto {
            sha256: sha.clone(),
            from_offset,
            total,
        });
    }

    for chunk in input.pending.chunks(MAX_BATCH_RECORDS) {
        ops.push(Operation::PushBatch {
            records: chunk.to_vec(),
        });
    }

    ops.push(Operation::Pull {
        cursor: input.cursor.clone(),
    });
    ops
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use pendata_shared::ids::{HouseholdId, RevisionId};
    use pendata_shared::protocol::Change;
    use uuid::Uuid;

    fn sha(n: u8) -> Sha256Hex {
        Sha256Hex::digest(&[n])
    }

    fn rec(n: u128) -> PushRecord {
        PushRecord::new(
            RevisionId(Uuid::from_u128(n)),
            None,
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            HouseholdId(Uuid::from_u128(1_000 + n)),
            Change::Delete,
        )
    }

    fn missing(n: u8, received: u64) -> MissingPhoto {
        MissingPhoto {
            sha256: sha(n),
            received,
        }
    }

    /// A compact picture of a plan: `U<n>@from/total`, `P<count>:<first>..<last>`, `L<cursor>`.
    fn shape(ops: &[Operation]) -> Vec<String> {
        ops.iter()
            .map(|op| match op {
                Operation::UploadPhoto {
                    sha256,
                    from_offset,
                    total,
                } => {
                    let n = (0..=255u8).find(|n| &sha(*n) == sha256).unwrap();
                    format!("U{n}@{from_offset}/{total}")
                }
                Operation::PushBatch { records } => format!(
                    "P{}:{}..{}",
                    records.len(),
                    records.first().unwrap().revision.0.as_u128(),
                    records.last().unwrap().revision.0.as_u128()
                ),
                Operation::Pull { cursor } => format!("L{}", cursor.as_deref().unwrap_or("-")),
            })
            .collect()
    }

    struct Case {
        name: &'static str,
        pending: u128,
        photos: Vec<(u8, u64)>,
        missing: Vec<(u8, u64)>,
        cursor: Option<&'static str>,
        expect: &'static [&'static str],
    }

    #[test]
    fn plans() {
        let cases = vec![
            Case {
                name: "nothing to do still pulls",
                pending: 0,
                photos: vec![],
                missing: vec![],
                cursor: None,
                expect: &["L-"],
            },
            Case {
                name: "pull from the stored cursor",
                pending: 0,
                photos: vec![],
                missing: vec![],
                cursor: Some("c42"),
                expect: &["Lc42"],
            },
            Case {
                name: "one record, no photos",
                pending: 1,
                photos: vec![],
                missing: vec![],
                cursor: None,
                expect: &["P1:1..1", "L-"],
            },
            Case {
                name: "photos the server holds are not sent",
                pending: 2,
                photos: vec![(1, 500), (2, 600)],
                missing: vec![],
                cursor: None,
                expect: &["P2:1..2", "L-"],
            },
            Case {
                name: "missing photos go first, resumed from the staged bytes",
                pending: 2,
                photos: vec![(1, 500), (2, 600), (3, 700)],
                missing: vec![(3, 0), (1, 200)],
                cursor: Some("c"),
                expect: &["U1@200/500", "U3@0/700", "P2:1..2", "Lc"],
            },
            Case {
                name: "a photo referenced twice is sent once",
                pending: 1,
                photos: vec![(1, 500), (2, 10), (1, 500)],
                missing: vec![(1, 0), (2, 0)],
                cursor: None,
                expect: &["U1@0/500", "U2@0/10", "P1:1..1", "L-"],
            },
            Case {
                name: "staging at the end is finished by an empty chunk, past it restarts",
                pending: 0,
                photos: vec![(1, 500), (2, 500)],
                missing: vec![(1, 500), (2, 9_999)],
                cursor: None,
                expect: &["U1@500/500", "U2@0/500", "L-"],
            },
            Case {
                name: "missing entries for photos nobody references are ignored",
                pending: 1,
                photos: vec![],
                missing: vec![(7, 0)],
                cursor: None,
                expect: &["P1:1..1", "L-"],
            },
            Case {
                name: "exactly one full batch",
                pending: 200,
                photos: vec![],
                missing: vec![],
                cursor: None,
                expect: &["P200:1..200", "L-"],
            },
            Case {
                name: "one past a full batch",
                pending: 201,
                photos: vec![],
                missing: vec![],
                cursor: None,
                expect: &["P200:1..200", "P1:201..201", "L-"],
            },
            Case {
                name: "two full batches and a bit, order preserved",
                pending: 450,
                photos: vec![(5, 1)],
                missing: vec![(5, 0)],
                cursor: None,
                expect: &[
                    "U5@0/1",
                    "P200:1..200",
                    "P200:201..400",
                    "P50:401..450",
                    "L-",
                ],
            },
        ];
        for case in cases {
            let input = PlanInput {
                pending: (1..=case.pending).map(rec).collect(),
                photos: case.photos.iter().map(|(n, s)| (sha(*n), *s)).collect(),
                missing: case.missing.iter().map(|(n, r)| missing(*n, *r)).collect(),
                cursor: case.cursor.map(str::to_owned),
            };
            let ops = plan(&input);
            assert_eq!(shape(&ops), case.expect, "case: {}", case.name);
            // Purity: the same input gives the same plan.
            assert_eq!(plan(&input), ops, "case: {}", case.name);
        }
    }

    #[test]
    fn batches_carry_the_records_unchanged() {
        let pending: Vec<_> = (1..=3).map(rec).collect();
        let ops = plan(&PlanInput {
            pending: pending.clone(),
            ..PlanInput::default()
        });
        assert_eq!(ops[0], Operation::PushBatch { records: pending });
    }

    #[test]
    fn query_lists_distinct_hashes_in_first_seen_order() {
        let photos = vec![(sha(2), 1), (sha(1), 1), (sha(2), 1), (sha(3), 1)];
        assert_eq!(photos_to_query(&photos), vec![sha(2), sha(1), sha(3)]);
        assert!(photos_to_query(&[]).is_empty());
    }
}
