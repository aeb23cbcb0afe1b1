//! A revision's change as the SQLite store keeps it (`revisions.change_packed`, migration 0005):
//! one codec byte, then the compressed JSON, so that a household of 8 KB of JSON takes ~3.4 KB
//! and fits its leaf page instead of three pages (docs/PERFORMANCE.md, "Stored changes").
//!
//! The JSON comes back byte for byte as it was hashed (`content_sha256` is over these bytes).
//! Packing is pure CPU and runs where the push is parsed, on the blocking pool, not inside the
//! single writer ([`crate::store::IncomingRecord::packed_change`]).

use super::StoreError;

/// Codec byte: an LZ4 block (`lz4_flex::block`) after the JSON's length as a little-endian u32.
const LZ4_BLOCK: u8 = 1;

/// The longest JSON that is packed (a push body is at most `limits.max_json_bytes`, 16 MiB by
/// default): a longer one is stored as plain `change_json`, and a stored length over this means
/// the row is corrupt (nothing that large is allocated for it).
const MAX_UNPACKED: usize = 64 * 1024 * 1024;

/// A change's JSON, packed for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedChange(Vec<u8>);

impl PackedChange {
    /// Packs `json`; `None` for a text over [`MAX_UNPACKED`] (stored plain instead).
    pub fn pack(json: &str) -> Option<Self> {
        let len = u32::try_from(json.len())
            .ok()
            .filter(|&n| n as usize <= MAX_UNPACKED)?;
        let max = lz4_flex::block::get_maximum_output_size(json.len());
        let mut out = vec![0u8; 5 + max];
        out[0] = LZ4_BLOCK;
        out[1..5].copy_from_slice(&len.to_le_bytes());
        // The buffer has the block's worst-case size, so this cannot run out of room.
        let n = lz4_flex::block::compress_into(json.as_bytes(), &mut out[5..]).ok()?;
        out.truncate(5 + n);
        Some(Self(out))
    }

    /// The stored bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The JSON of stored bytes, as it was packed.
    pub fn unpack(stored: &[u8]) -> Result<String, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("packed change: {what}"));
        let (&codec, rest) = stored.split_first().ok_or_else(|| corrupt("empty"))?;
        if codec != LZ4_BLOCK {
            return Err(corrupt("unknown codec"));
        }
        let (len, block) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| corrupt("no length"))?;
        let len = u32::from_le_bytes(*len) as usize;
        if len > MAX_UNPACKED {
            return Err(corrupt("length out of range"));
        }
        let json = lz4_flex::block::decompress(block, len).map_err(|_| corrupt("bad LZ4 block"))?;
        if json.len() != len {
            return Err(corrupt("length differs"));
        }
        String::from_utf8(json).map_err(|_| corrupt("not UTF-8"))
    }
}

/// The change's JSON of a `revisions` row: from `change_packed` when the row has it (written
/// since migration 0005), else `change_json` (rows written before).
pub fn change_text(
    change_json: String,
    change_packed: Option<Vec<u8>>,
) -> Result<String, StoreError> {
    match change_packed {
        Some(packed) => PackedChange::unpack(&packed),
        None => Ok(change_json),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const EXAMPLE: &str = include_str!("../../../assets/examples/household.json");

    #[test]
    fn a_household_comes_back_byte_for_byte_and_smaller() {
        let household: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        let json =
            serde_json::to_string(&serde_json::json!({"op": "upsert", "household": household}))
                .unwrap();
        let packed = PackedChange::pack(&json).unwrap();
        assert!(
            packed.as_bytes().len() * 2 < json.len(),
            "{} bytes packed from {}",
            packed.as_bytes().len(),
            json.len()
        );
        assert_eq!(PackedChange::unpack(packed.as_bytes()).unwrap(), json);
        for text in ["", "{\"op\":\"delete\"}", "é—ü \u{1F600}"] {
            let p = PackedChange::pack(text).unwrap();
            assert_eq!(PackedChange::unpack(p.as_bytes()).unwrap(), text);
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic_nor_a_huge_allocation() {
        let p = PackedChange::pack(&"{\"a\":1}".repeat(200)).unwrap();
        let good = p.as_bytes();
        // Codec, length and block each damaged; every prefix cut off.
        let mut cases: Vec<Vec<u8>> = (0..good.len()).map(|n| good[..n].to_vec()).collect();
        let mut codec = good.to_vec();
        codec[0] = 9;
        cases.push(codec);
        let mut huge = good.to_vec();
        huge[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        cases.push(huge);
        let mut short = good.to_vec();
        short[1..5].copy_from_slice(&3u32.to_le_bytes());
        cases.push(short);
        let mut block = good.to_vec();
        for b in &mut block[5..] {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
        cases.push(block);
        for bytes in cases {
            assert!(
                matches!(PackedChange::unpack(&bytes), Err(StoreError::Corrupt(_))),
                "{bytes:?} was accepted"
            );
        }
    }

    #[test]
    fn a_row_without_packed_bytes_is_read_from_its_json() {
        assert_eq!(
            change_text("{\"op\":\"delete\"}".into(), None).unwrap(),
            "{\"op\":\"delete\"}"
        );
        let p = PackedChange::pack("{\"op\":\"delete\"}").unwrap();
        assert_eq!(
            change_text(String::new(), Some(p.as_bytes().to_vec())).unwrap(),
            "{\"op\":\"delete\"}"
        );
    }
}
