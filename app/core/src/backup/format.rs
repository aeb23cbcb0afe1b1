//! The backup file's format: named byte strings in one versioned file with a checksum.
//!
//! ```text
//! magic     8 bytes  "PDBACKUP"
//! version   u16      1
//! count     u32      number of entries
//! entries   count ×  name length u16 ‖ name (UTF-8) ‖ data length u64 ‖ data
//! checksum  32 bytes SHA-256 of every byte before it
//! ```
//!
//! Integers are big-endian. Names are relative paths inside a data directory (`keys.json`,
//! `pendata.db`, `photos/<hex>`): parts of ASCII letters, digits, `.`, `_` and `-`, joined by
//! `/`, never `.` or `..`, so a file can never name a place outside the directory it is
//! restored into. The checksum is checked before anything else is believed: a file cut short
//! by a copy, or with a byte changed, is refused as a whole ([`FormatError::Damaged`]).
//!
//! The format knows nothing of what the entries hold; the data directory's files are already
//! encrypted (the PIN-wrapped key, the SQLCipher pages, the sealed photo blobs), and they are
//! packed as they are.

use sha2::{Digest, Sha256};

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 8] = b"PDBACKUP";
/// The version this build writes and reads.
pub const VERSION: u16 = 1;

const CHECKSUM_LEN: usize = 32;
const HEADER_LEN: usize = MAGIC.len() + 2 + 4;
/// Longest entry name accepted.
pub const MAX_NAME_LEN: usize = 255;

/// Why bytes are not a backup this build can read. No variant carries the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// Not a Pendata backup at all (another file was picked).
    #[error("not a Pendata backup")]
    NotABackup,
    /// A backup of a newer format.
    #[error("backup format {found} is newer than this app reads ({VERSION})")]
    NewerVersion { found: u16 },
    /// The checksum does not match: cut short or changed.
    #[error("backup damaged or incomplete")]
    Damaged,
    /// The checksum matches but the entries do not parse (written by something else).
    #[error("backup malformed: {0}")]
    Malformed(&'static str),
    /// An entry name that could leave the directory, or is not one the format allows.
    #[error("backup entry name not allowed")]
    BadName,
    /// Two entries with one name.
    #[error("backup entry repeated")]
    Duplicate,
}

/// One packed file: its name inside the data directory and its bytes (borrowed: a backup of
/// many photos is never held twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
}

/// Whether `name` is an allowed entry name (see the module docs).
pub fn name_allowed(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

/// Writes a backup file entry by entry, so the caller reads one file at a time.
#[derive(Debug)]
pub struct Packer {
    out: Vec<u8>,
    count: u32,
    seen: std::collections::BTreeSet<String>,
}

impl Default for Packer {
    fn default() -> Self {
        Self::new()
    }
}

impl Packer {
    pub fn new() -> Self {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&0u32.to_be_bytes());
        Packer {
            out,
            count: 0,
            seen: std::collections::BTreeSet::new(),
        }
    }

    /// Appends one entry. Refuses a name that [`name_allowed`] refuses or a repeated one, so
    /// nothing is written that [`unpack`] would not read back.
    pub fn add(&mut self, entry: Entry<'_>) -> Result<(), FormatError> {
        if !name_allowed(entry.name) {
            return Err(FormatError::BadName);
        }
        if self.seen.contains(entry.name) {
            return Err(FormatError::Duplicate);
        }
        let name_len = u16::try_from(entry.name.len()).map_err(|_| FormatError::BadName)?;
        self.count = self
            .count
            .checked_add(1)
            .ok_or(FormatError::Malformed("too many entries"))?;
        self.seen.insert(entry.name.to_owned());
        self.out
            .reserve(2 + entry.name.len() + 8 + entry.data.len());
        self.out.extend_from_slice(&name_len.to_be_bytes());
        self.out.extend_from_slice(entry.name.as_bytes());
        self.out
            .extend_from_slice(&(entry.data.len() as u64).to_be_bytes());
        self.out.extend_from_slice(entry.data);
        Ok(())
    }

    /// The finished file: the entry count filled in and the checksum appended.
    pub fn finish(mut self) -> Vec<u8> {
        self.out[MAGIC.len() + 2..HEADER_LEN].copy_from_slice(&self.count.to_be_bytes());
        let sum = Sha256::digest(&self.out);
        self.out.extend_from_slice(&sum);
        self.out
    }
}

/// Packs `entries` into one backup file (see [`Packer`]).
pub fn pack(entries: &[Entry<'_>]) -> Result<Vec<u8>, FormatError> {
    let mut p = Packer::new();
    for e in entries {
        p.add(*e)?;
    }
    Ok(p.finish())
}

/// Reads a backup file back into its entries, in the order packed (borrowing from `bytes`).
/// Any damage is an error, never a panic, and nothing is returned from a file whose checksum
/// does not match.
pub fn unpack(bytes: &[u8]) -> Result<Vec<Entry<'_>>, FormatError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(FormatError::NotABackup);
    }
    if bytes.len() < HEADER_LEN + CHECKSUM_LEN {
        return Err(FormatError::Damaged);
    }
    let version = u16::from_be_bytes([bytes[8], bytes[9]]);
    if version > VERSION {
        return Err(FormatError::NewerVersion { found: version });
    }
    if version == 0 {
        return Err(FormatError::Malformed("version 0"));
    }
    let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
    if Sha256::digest(body).as_slice() != sum {
        return Err(FormatError::Damaged);
    }
    let mut r = Reader {
        rest: &body[MAGIC.len() + 2..],
    };
    let count = r.u32()?;
    let mut entries = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..count {
        let name_len = usize::from(r.u16()?);
        let name = std::str::from_utf8(r.take(name_len)?).map_err(|_| FormatError::BadName)?;
        if !name_allowed(name) {
            return Err(FormatError::BadName);
        }
        if !seen.insert(name) {
            return Err(FormatError::Duplicate);
        }
        let data_len =
            usize::try_from(r.u64()?).map_err(|_| FormatError::Malformed("entry too long"))?;
        let data = r.take(data_len)?;
        entries.push(Entry { name, data });
    }
    if !r.rest.is_empty() {
        return Err(FormatError::Malformed("bytes after the last entry"));
    }
    Ok(entries)
}

/// A cursor that never reads past the end.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        if n > self.rest.len() {
            return Err(FormatError::Malformed("entry runs past the end"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use rand::{Rng, RngCore, SeedableRng};

    /// Files like a data directory's: a key file, a database, photos, an empty file.
    fn sample() -> Vec<(String, Vec<u8>)> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(18);
        let mut random = |n: usize| {
            let mut v = vec![0u8; n];
            rng.fill_bytes(&mut v);
            v
        };
        vec![
            (
                "keys.json".into(),
                br#"{"version":1,"kdf":"argon2id"}"#.to_vec(),
            ),
            ("pendata.db".into(), random(3 * 4096)),
            (format!("photos/{}", "ab".repeat(32)), random(70_001)),
            ("photos/empty".into(), Vec::new()),
        ]
    }

    fn entries(files: &[(String, Vec<u8>)]) -> Vec<Entry<'_>> {
        files
            .iter()
            .map(|(name, data)| Entry { name, data })
            .collect()
    }

    fn packed() -> Vec<u8> {
        pack(&entries(&sample())).unwrap()
    }

    #[test]
    fn what_is_packed_unpacks_byte_for_byte() {
        let files = sample();
        let file = pack(&entries(&files)).unwrap();
        assert_eq!(&file[..8], MAGIC);
        assert_eq!(unpack(&file).unwrap(), entries(&files));
        // No entries at all is a valid (empty) file too.
        assert!(unpack(&pack(&[]).unwrap()).unwrap().is_empty());
    }

    #[test]
    fn a_file_cut_short_anywhere_is_refused_without_panicking() {
        let file = packed();
        // Every cut in the header and the first entries, then a spread over the rest.
        let cuts = (0..200).chain((200..file.len()).step_by(97));
        for cut in cuts {
            let err = unpack(&file[..cut]).unwrap_err();
            let expected = if cut < MAGIC.len() {
                FormatError::NotABackup
            } else {
                FormatError::Damaged
            };
            assert_eq!(err, expected, "cut at {cut}");
        }
        assert_eq!(
            unpack(&file[..file.len() - 1]).unwrap_err(),
            FormatError::Damaged
        );
    }

    #[test]
    fn a_changed_byte_anywhere_is_refused() {
        let file = packed();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..300 {
            let mut bad = file.clone();
            let at = rng.gen_range(MAGIC.len() + 2..bad.len());
            bad[at] ^= 1 << rng.gen_range(0..8);
            assert_eq!(unpack(&bad).unwrap_err(), FormatError::Damaged, "at {at}");
        }
        // Bytes appended after the checksum break it too.
        let mut longer = file.clone();
        longer.push(0);
        assert_eq!(unpack(&longer).unwrap_err(), FormatError::Damaged);
    }

    #[test]
    fn another_file_or_a_newer_format_is_named_as_such() {
        assert_eq!(
            unpack(b"\xff\xd8\xff\xe0 a JPEG").unwrap_err(),
            FormatError::NotABackup
        );
        assert_eq!(unpack(b"").unwrap_err(), FormatError::NotABackup);
        let mut newer = packed();
        newer[8..10].copy_from_slice(&2u16.to_be_bytes());
        assert_eq!(
            unpack(&newer).unwrap_err(),
            FormatError::NewerVersion { found: 2 }
        );
    }

    /// A file with a valid checksum but hostile content (written by something else): refused.
    fn forged(count: u32, entries: &[(&[u8], &[u8])], declared_len: Option<u64>) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        for (name, data) in entries {
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name);
            let len = declared_len.unwrap_or(data.len() as u64);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(data);
        }
        let sum = Sha256::digest(&out);
        out.extend_from_slice(&sum);
        out
    }

    #[test]
    fn hostile_content_with_a_good_checksum_is_refused() {
        for name in [
            &b"../keys.json"[..],
            b"/etc/passwd",
            b"photos/../../x",
            b"photos//x",
            b"",
            b"a\\b",
            b"\xff\xfe",
        ] {
            assert_eq!(
                unpack(&forged(1, &[(name, &b"x"[..])], None)).unwrap_err(),
                FormatError::BadName,
                "{name:?}"
            );
        }
        assert_eq!(
            unpack(&forged(
                2,
                &[(&b"a"[..], &b"1"[..]), (&b"a"[..], &b"2"[..])],
                None
            ))
            .unwrap_err(),
            FormatError::Duplicate
        );
        // A length that runs past the end, or a count larger than the entries.
        assert!(matches!(
            unpack(&forged(1, &[(&b"a"[..], &b"12"[..])], Some(u64::MAX))).unwrap_err(),
            FormatError::Malformed(_)
        ));
        assert!(matches!(
            unpack(&forged(3, &[(&b"a"[..], &b"1"[..])], None)).unwrap_err(),
            FormatError::Malformed(_)
        ));
        assert!(matches!(
            unpack(&forged(0, &[(&b"a"[..], &b"1"[..])], None)).unwrap_err(),
            FormatError::Malformed(_)
        ));
        // Names the packer refuses are never written.
        let bad = Entry {
            name: "../x",
            data: &[],
        };
        assert_eq!(pack(&[bad]).unwrap_err(), FormatError::BadName);
        let twice = Entry {
            name: "a",
            data: b"1",
        };
        assert_eq!(pack(&[twice, twice]).unwrap_err(), FormatError::Duplicate);
    }
}
