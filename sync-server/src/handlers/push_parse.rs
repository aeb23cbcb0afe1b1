//! Reading a push body (`POST /api/v1/push`) with as few passes over its bytes as possible.
//!
//! The body is read once for the envelope of the batch and of each record (ids, dates, hash),
//! with each record's `change` kept as a borrowed slice of the body: [`read_batch`]. Each
//! change is then parsed from its slice, typed, straight into the shared model
//! ([`read_item`], on two cores for a big batch). A batch that does not read that way (a
//! record of an unusual shape) is read again with every record kept whole ([`read_batch_whole`])
//! so that each bad record is answered alone; which records are accepted never depends on the
//! path taken (tested below).
//!
//! Items carry byte ranges, not borrows, so that halves of a batch can move to the blocking
//! pool beside a shared, reference-counted copy of the body.

use std::ops::Range;

use chrono::{DateTime, Utc};
use pendata_shared::model::Household;
use pendata_shared::protocol::{Change, PushRecord};
use pendata_shared::{BatchId, DeviceId, HouseholdId, RevisionId};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::store::ShaHex;

/// A batch read from a body: its protocol version and where its records are.
#[derive(Debug)]
pub(crate) struct Batch {
    pub protocol: u32,
    pub items: Vec<Item>,
}

/// Where one record of a batch is, and how much of it is read already.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// The record's envelope, read; its `change` is the body's bytes at the range.
    Envelope(Envelope, Range<usize>),
    /// The record's whole text is the body's bytes at this range, to be read on its own.
    Whole(Range<usize>),
}

/// What [`read_item`] makes of one item.
#[derive(Debug)]
pub(crate) enum ItemRead {
    /// The record, with the JSON of its change as sent when that is what its hash covers.
    Record(PushRecord, Option<String>),
    /// A whole record that is not a [`PushRecord`]: its text, to be answered alone.
    Unreadable(Range<usize>),
    /// An envelope whose change does not read the quick way: read the batch whole.
    ReadWhole,
}

/// A record's fields around its change.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    household_id: HouseholdId,
    revision: RevisionId,
    base_revision: Option<RevisionId>,
    saved_at: DateTime<Utc>,
    content_sha256: ShaHex,
    questionnaire: Option<String>,
}

impl Envelope {
    /// The record with its change read from `sent` the quick way ([`QuickChange`]), and
    /// `sent` itself when it is what the content hash covers; `None` when `sent` does not
    /// read that way.
    fn with_change(self, sent: &str) -> Option<(PushRecord, Option<String>)> {
        let QuickChange(change) = serde_json::from_str(sent).ok()?;
        let change_json =
            (ShaHex::digest(sent.as_bytes()) == self.content_sha256).then(|| sent.to_owned());
        Some((
            PushRecord {
                household_id: self.household_id,
                revision: self.revision,
                base_revision: self.base_revision,
                saved_at: self.saved_at,
                content_sha256: self.content_sha256,
                questionnaire: self.questionnaire,
                change,
            },
            change_json,
        ))
    }
}

impl<'a> WireRecord<'a> {
    fn split(self) -> (Envelope, &'a RawValue) {
        (
            Envelope {
                household_id: self.household_id,
                revision: self.revision,
                base_revision: self.base_revision,
                saved_at: self.saved_at,
                content_sha256: self.content_sha256,
                questionnaire: self.questionnaire,
            },
            self.change,
        )
    }
}

/// A batch with its records read as `R`: each record's envelope typed with its change
/// borrowed ([`WireRecord`]), or each record kept whole (`&RawValue`).
#[derive(Deserialize)]
struct BatchOf<R> {
    protocol: u32,
    #[allow(dead_code)]
    batch_id: BatchId,
    #[allow(dead_code)]
    device_id: DeviceId,
    records: Vec<R>,
}

/// Where `part` (a slice borrowed from `body`) sits in `body`.
fn range_in(body: &[u8], part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    start..start + part.len()
}

/// Reads a body's batch, each record's envelope typed. Falls back to [`read_batch_whole`]
/// when some record's envelope does not read (its error is the one answered).
pub(crate) fn read_batch(body: &[u8]) -> Result<Batch, serde_json::Error> {
    let Ok(batch) = serde_json::from_slice::<BatchOf<WireRecord<'_>>>(body) else {
        return read_batch_whole(body);
    };
    let items = batch
        .records
        .into_iter()
        .map(|w| {
            let (envelope, change) = w.split();
            Item::Envelope(envelope, range_in(body, change.get()))
        })
        .collect();
    Ok(Batch {
        protocol: batch.protocol,
        items,
    })
}

/// Reads a body's batch with every record kept whole.
pub(crate) fn read_batch_whole(body: &[u8]) -> Result<Batch, serde_json::Error> {
    let batch: BatchOf<&RawValue> = serde_json::from_slice(body)?;
    let items = batch
        .records
        .iter()
        .map(|r| Item::Whole(range_in(body, r.get())))
        .collect();
    Ok(Batch {
        protocol: batch.protocol,
        items,
    })
}

/// The text of `range` in `body` (empty if the range is not valid UTF-8 there, which a range
/// made by [`read_batch`] always is).
pub(crate) fn text<'a>(body: &'a [u8], range: &Range<usize>) -> &'a str {
    body.get(range.clone())
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

/// Reads one item of a batch read by [`read_batch`] from the same `body`.
pub(crate) fn read_item(body: &[u8], item: Item) -> ItemRead {
    match item {
        Item::Whole(range) => match parse_record(text(body, &range)) {
            Some((record, sent)) => ItemRead::Record(record, sent),
            None => ItemRead::Unreadable(range),
        },
        Item::Envelope(envelope, change) => match envelope.with_change(text(body, &change)) {
            Some((record, sent)) => ItemRead::Record(record, sent),
            None => ItemRead::ReadWhole,
        },
    }
}

/// A record as sent, with `change` kept as its bytes.
#[derive(Deserialize)]
struct WireRecord<'a> {
    household_id: HouseholdId,
    revision: RevisionId,
    base_revision: Option<RevisionId>,
    #[serde(deserialize_with = "pendata_shared::time::utc")]
    saved_at: DateTime<Utc>,
    content_sha256: ShaHex,
    #[serde(default)]
    questionnaire: Option<String>,
    #[serde(borrow)]
    change: &'a RawValue,
}

/// The tag of a [`Change`].
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum WireOp {
    Upsert,
    Delete,
}

/// The keys of a [`Change`].
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ChangeKey {
    Op,
    Household,
    #[serde(other)]
    Other,
}

/// A [`Change`] read in one pass: when `op` comes first (as the shared types write it) the
/// household is parsed straight from the input; otherwise it is kept as a raw slice and
/// parsed once `op` is known.
struct QuickChange(Change);

impl<'de> Deserialize<'de> for QuickChange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(QuickChangeVisitor)
    }
}

struct QuickChangeVisitor;

impl<'de> serde::de::Visitor<'de> for QuickChangeVisitor {
    type Value = QuickChange;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a change")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<QuickChange, A::Error> {
        use serde::de::{Error, IgnoredAny};
        let mut op: Option<WireOp> = None;
        let mut household: Option<Box<Household>> = None;
        let mut raw: Option<&'de RawValue> = None;
        let mut seen_household = false;
        while let Some(key) = map.next_key::<ChangeKey>()? {
            match key {
                ChangeKey::Op => {
                    if op.is_some() {
                        return Err(A::Error::duplicate_field("op"));
                    }
                    op = Some(map.next_value()?);
                }
                ChangeKey::Household => {
                    if seen_household {
                        return Err(A::Error::duplicate_field("household"));
                    }
                    seen_household = true;
                    match op {
                        Some(WireOp::Upsert) => household = Some(map.next_value()?),
                        Some(WireOp::Delete) => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        None => raw = Some(map.next_value()?),
                    }
                }
                ChangeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match op {
            None => Err(A::Error::missing_field("op")),
            Some(WireOp::Delete) => Ok(QuickChange(Change::Delete)),
            Some(WireOp::Upsert) => {
                let household = match (household, raw) {
                    (Some(h), _) => h,
                    (None, Some(raw)) => {
                        serde_json::from_str(raw.get()).map_err(A::Error::custom)?
                    }
                    (None, None) => return Err(A::Error::missing_field("household")),
                };
                Ok(QuickChange(Change::Upsert { household }))
            }
        }
    }
}

/// Parses one record of a batch once, typed, and returns it with the JSON of its `change` to
/// store, or `None` when it is not a [`PushRecord`].
///
/// `serde`'s derive for the internally tagged [`Change`] first copies the whole household into
/// a generic tree and then reads that tree again; this reads the envelope with `change` as a
/// borrowed raw slice and the change with [`QuickChange`], straight from its bytes. When
/// that quicker path does not succeed (a record of an unusual shape), the record is parsed
/// as before, so what is accepted or refused does not depend on the path.
///
/// The JSON stored (and returned) is the bytes of `change` as sent when those are what the
/// device hashed, which is the case for every device that serialises with the shared types
/// (`protocol::content_hash` and the batch use the same serialiser), so the server does not
/// serialise the change again. Otherwise it is the types' own serialisation, whose hash
/// [`prepare`] checks.
pub(crate) fn parse_record(raw: &str) -> Option<(PushRecord, Option<String>)> {
    if let Some(fast) = parse_record_fast(raw) {
        return Some(fast);
    }
    serde_json::from_str::<PushRecord>(raw)
        .ok()
        .map(|record| (record, None))
}

fn parse_record_fast(raw: &str) -> Option<(PushRecord, Option<String>)> {
    let (envelope, change) = serde_json::from_str::<WireRecord<'_>>(raw).ok()?.split();
    envelope.with_change(change.get())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The quick parse of a record decides exactly as the derived one, whatever the shape.
    #[test]
    fn the_quick_record_parse_agrees_with_the_derived_one() {
        use pendata_shared::model::Household;
        let household: Household =
            serde_json::from_str(include_str!("../../../assets/examples/household.json")).unwrap();
        let upsert = PushRecord::new(
            RevisionId::new(),
            None,
            chrono::Utc::now(),
            household.id,
            Change::Upsert {
                household: Box::new(household.clone()),
            },
        );
        let canonical = serde_json::to_string(&upsert).unwrap();
        // As a device sends it: the sent change hashes right and is stored as sent.
        let (parsed, sent) = parse_record(&canonical).unwrap();
        assert_eq!(parsed, upsert);
        assert_eq!(
            sent.as_deref(),
            Some(serde_json::to_string(&upsert.change).unwrap().as_str())
        );
        // Keys reordered (through a `Value`): same record, but the sent bytes do not hash
        // right, so the types' serialisation is checked instead.
        let reordered = serde_json::to_value(&upsert).unwrap().to_string();
        assert_ne!(reordered, canonical);
        let (parsed, sent) = parse_record(&reordered).unwrap();
        assert_eq!(parsed, upsert);
        assert_eq!(sent, None);

        let rec = |change: &str| {
            format!(
                r#"{{"household_id":"{}","revision":"{}","base_revision":null,"saved_at":"2026-01-02T03:04:05Z","content_sha256":"{}","change":{change}}}"#,
                household.id,
                upsert.revision,
                "a".repeat(64)
            )
        };
        let body = serde_json::to_string(&household).unwrap();
        let mut unknown: serde_json::Value = serde_json::to_value(&household).unwrap();
        unknown["surprise"] = serde_json::json!(1);
        let cases = [
            rec(&format!(r#"{{"op":"upsert","household":{body}}}"#)),
            rec(&format!(r#"{{"household":{body},"op":"upsert"}}"#)),
            rec(&format!(
                r#"{{ "op" : "upsert" , "household" : {body} , "extra": [1] }}"#
            )),
            rec(r#"{"op":"delete"}"#),
            rec(r#"{"op":"delete","household":{"not":"a household"}}"#),
            rec(r#"{"op":"delete","household":null}"#),
            rec(r#"{"op":"upsert"}"#),
            rec(r#"{"op":"upsert","household":null}"#),
            rec(&format!(r#"{{"op":"upsert","household":{unknown}}}"#)),
            rec(&format!(r#"{{"op":"replace","household":{body}}}"#)),
            rec(&format!(r#"{{"household":{body}}}"#)),
            rec(&format!(
                r#"{{"op":"upsert","op":"delete","household":{body}}}"#
            )),
            rec(&format!(r#"{{"op":0,"household":{body}}}"#)),
            rec(r#"{"op":1}"#),
            rec(&format!(r#"{{"\u006fp":"upsert","household":{body}}}"#)),
            rec(&format!(
                r#"{{"op":"upsert","household":{body},"household":{body}}}"#
            )),
            rec(r#"[]"#),
            rec(r#"null"#),
            r#"{"household_id":"x"}"#.to_owned(),
        ];
        let mut accepted = 0;
        for case in &cases {
            let derived = serde_json::from_str::<PushRecord>(case).ok();
            let quick = parse_record(case).map(|(r, _)| r);
            assert_eq!(quick, derived, "{}", &case[case.len().saturating_sub(80)..]);
            accepted += usize::from(derived.is_some());
        }
        assert_eq!(accepted, 7, "the cases cover both answers");

        // Read in batches (alone, all together, the good ones together), the records come out
        // as each one alone would, in order; the bytes stored are the sent ones.
        let derived: Vec<Option<PushRecord>> = cases
            .iter()
            .map(|c| serde_json::from_str::<PushRecord>(c).ok())
            .collect();
        let good: Vec<&String> = cases
            .iter()
            .zip(&derived)
            .filter(|(_, d)| d.is_some())
            .map(|(c, _)| c)
            .collect();
        for (case, expected) in cases.iter().zip(&derived) {
            assert_eq!(read_all(&batch_of(&[case])), vec![expected.clone()]);
        }
        let all: Vec<&String> = cases.iter().collect();
        assert_eq!(read_all(&batch_of(&all)), derived);
        let expected_good: Vec<Option<PushRecord>> =
            derived.iter().flatten().cloned().map(Some).collect();
        assert_eq!(read_all(&batch_of(&good)), expected_good);

        // A batch as a device sends it takes the one-pass path, and each change's range is
        // exactly its bytes.
        let canonical_body = batch_of(&[&canonical, &canonical]);
        let batch = read_batch(&canonical_body).unwrap();
        assert_eq!(batch.protocol, 1);
        for item in batch.items {
            let Item::Envelope(_, range) = &item else {
                panic!("a device's batch should read in one pass: {item:?}");
            };
            assert_eq!(
                text(&canonical_body, range),
                serde_json::to_string(&upsert.change).unwrap()
            );
            let ItemRead::Record(record, Some(sent)) = read_item(&canonical_body, item.clone())
            else {
                panic!("a device's record should read with its sent bytes");
            };
            assert_eq!(record, upsert);
            assert_eq!(sent, text(&canonical_body, range));
        }
    }

    fn batch_of(records: &[&String]) -> Vec<u8> {
        let records: Vec<&str> = records.iter().map(|r| r.as_str()).collect();
        format!(
            r#"{{"protocol":1,"batch_id":"{0}","device_id":"{0}","records":[{1}]}}"#,
            uuid::Uuid::now_v7(),
            records.join(",")
        )
        .into_bytes()
    }

    /// What the push handler makes of a body: each record, or `None` for one answered alone.
    fn read_all(body: &[u8]) -> Vec<Option<PushRecord>> {
        let read = |batch: Batch| -> Option<Vec<Option<PushRecord>>> {
            let mut out = Vec::new();
            for item in batch.items {
                match read_item(body, item) {
                    ItemRead::Record(r, _) => out.push(Some(r)),
                    ItemRead::Unreadable(_) => out.push(None),
                    ItemRead::ReadWhole => return None,
                }
            }
            Some(out)
        };
        read(read_batch(body).unwrap())
            .or_else(|| read(read_batch_whole(body).unwrap()))
            .unwrap()
    }
}
