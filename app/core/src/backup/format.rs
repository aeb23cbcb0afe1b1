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
//!
//! Both ways stream: [`Writer`] packs entry by entry into any `Write` (a file on the desktop, an
//! OPFS file in the browser) and [`scan`] reads any `Read` once from start to end, in pieces of
//! [`CHUNK`] bytes, so a backup of any size needs the memory of one piece (plus what the caller
//! holds of one entry), never the whole file. [`pack`] and [`unpack`] do the same in memory
//! (tests, small files).

use std::collections::BTreeSet;
use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 8] = b"PDBACKUP";
/// The version this build writes and reads.
pub const VERSION: u16 = 1;

const CHECKSUM_LEN: usize = 32;
const HEADER_LEN: usize = MAGIC.len() + 2 + 4;
/// Longest entry name accepted.
pub const MAX_NAME_LEN: usize = 255;
/// The piece a backup is copied in (bytes): what streaming a backup holds at a time.
pub const CHUNK: usize = 256 * 1024;

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

/// A backup could not be written or read: the format refused it, or the bytes could not be
/// moved.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// One file to pack: its name inside the data directory and its bytes.
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

/// Writes a backup file entry by entry into `out`, hashing as it goes: the caller hands over
/// one file at a time, read in [`CHUNK`]s. How many entries follow is said first (it is in
/// the header, which the checksum covers).
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: W,
    hash: Sha256,
    declared: u32,
    count: u32,
    written: u64,
    seen: BTreeSet<String>,
}

impl<W: Write> Writer<W> {
    /// Starts a file of `count` entries (its header is written at once).
    pub fn new(out: W, count: u32) -> Result<Self, StreamError> {
        let mut w = Writer {
            out,
            hash: Sha256::new(),
            declared: count,
            count: 0,
            written: 0,
            seen: BTreeSet::new(),
        };
        w.put(MAGIC)?;
        w.put(&VERSION.to_be_bytes())?;
        w.put(&count.to_be_bytes())?;
        Ok(w)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hash.update(bytes);
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Appends the entry `name` of `len` bytes read from `data` (exactly `len`: fewer is an
    /// `UnexpectedEof` error). Refuses a name that [`name_allowed`] refuses, a repeated one or
    /// one more than declared, so nothing is written that [`scan`] would not read back.
    pub fn add(&mut self, name: &str, len: u64, data: &mut dyn Read) -> Result<(), StreamError> {
        if !name_allowed(name) {
            return Err(FormatError::BadName.into());
        }
        if self.seen.contains(name) {
            return Err(FormatError::Duplicate.into());
        }
        if self.count >= self.declared {
            return Err(FormatError::Malformed("more entries than declared").into());
        }
        let name_len = u16::try_from(name.len()).map_err(|_| FormatError::BadName)?;
        self.count += 1;
        self.seen.insert(name.to_owned());
        self.put(&name_len.to_be_bytes())?;
        self.put(name.as_bytes())?;
        self.put(&len.to_be_bytes())?;
        let mut buf = vec![0u8; CHUNK.min(usize::try_from(len).unwrap_or(CHUNK))];
        let mut left = len;
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let got = data.read(&mut buf[..want])?;
            if got == 0 {
                return Err(StreamError::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "a file ended before its size while being packed",
                )));
            }
            self.put(&buf[..got])?;
            left -= got as u64;
        }
        Ok(())
    }

    /// Ends the file: the checksum after the declared entries. Answers the file's size.
    pub fn finish(mut self) -> Result<u64, StreamError> {
        if self.count != self.declared {
            return Err(FormatError::Malformed("fewer entries than declared").into());
        }
        let sum = self.hash.finalize_reset();
        self.out.write_all(&sum)?;
        self.out.flush()?;
        Ok(self.written + CHECKSUM_LEN as u64)
    }
}

/// Packs `entries` into one backup file in memory (see [`Writer`]).
pub fn pack(entries: &[Entry<'_>]) -> Result<Vec<u8>, StreamError> {
    let count = u32::try_from(entries.len()).map_err(|_| FormatError::Malformed("too many"))?;
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out, count)?;
    for e in entries {
        w.add(e.name, e.data.len() as u64, &mut &e.data[..])?;
    }
    w.finish()?;
    Ok(out)
}

/// What went wrong while reading the entries: the format (believed only once the checksum
/// matches), the bytes, or the caller.
enum Stop<E> {
    Format(FormatError),
    Io(io::Error),
    Caller(E),
}

/// Reads at most `left` bytes of `inner` (the file without its checksum), hashing them.
struct Body<R> {
    inner: R,
    hash: Sha256,
    left: u64,
}

impl<R: Read> Read for Body<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let got = self.inner.read(&mut buf[..want])?;
        if got == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the backup file ended before its size",
            ));
        }
        self.hash.update(&buf[..got]);
        self.left -= got as u64;
        Ok(got)
    }
}

impl<R: Read> Body<R> {
    /// Exactly `buf.len()` bytes of the body; fewer left is the format's error.
    fn field<E>(&mut self, buf: &mut [u8]) -> Result<(), Stop<E>> {
        if (buf.len() as u64) > self.left {
            return Err(Stop::Format(FormatError::Malformed(
                "entry runs past the end",
            )));
        }
        self.read_exact(buf).map_err(Stop::Io)
    }

    /// Reads the rest of the body (hashing it) and throws it away.
    fn drain(&mut self) -> io::Result<()> {
        let mut buf = vec![0u8; CHUNK.min(usize::try_from(self.left).unwrap_or(CHUNK))];
        while self.left > 0 {
            let n = buf
                .len()
                .min(usize::try_from(self.left).unwrap_or(usize::MAX));
            self.read_exact(&mut buf[..n])?;
        }
        Ok(())
    }
}

/// Reads the backup file `src` of `len` bytes once, from start to end, and hands `each` every
/// entry in the order packed: its name, its size and a reader of exactly its bytes (what
/// `each` leaves unread is skipped). The checksum is known only at the end, so `each` must not
/// make anything it wrote count before `scan` returned `Ok` (a restore reads the file twice:
/// once to check it, once to write it, and the key file goes last). An error of `each` stops
/// the scan at once. A file whose checksum does not match is [`FormatError::Damaged`], whatever
/// else is wrong with it; the format's other errors are said only for a file whose checksum
/// matches. Never panics on any input.
pub fn scan<R: Read, E: From<StreamError>>(
    mut src: R,
    len: u64,
    mut each: impl FnMut(&str, u64, &mut dyn Read) -> Result<(), E>,
) -> Result<(), E> {
    let mut head = [0u8; MAGIC.len() + 2];
    if len < MAGIC.len() as u64 {
        return Err(StreamError::from(FormatError::NotABackup).into());
    }
    src.read_exact(&mut head[..MAGIC.len()])
        .map_err(StreamError::from)?;
    if &head[..MAGIC.len()] != MAGIC {
        return Err(StreamError::from(FormatError::NotABackup).into());
    }
    if len < (HEADER_LEN + CHECKSUM_LEN) as u64 {
        return Err(StreamError::from(FormatError::Damaged).into());
    }
    src.read_exact(&mut head[MAGIC.len()..])
        .map_err(StreamError::from)?;
    let version = u16::from_be_bytes([head[8], head[9]]);
    if version > VERSION {
        return Err(StreamError::from(FormatError::NewerVersion { found: version }).into());
    }
    if version == 0 {
        return Err(StreamError::from(FormatError::Malformed("version 0")).into());
    }
    let mut body = Body {
        inner: &mut src,
        hash: Sha256::new_with_prefix(head),
        left: len - (head.len() + CHECKSUM_LEN) as u64,
    };
    let wrong = match entries(&mut body, &mut each) {
        Ok(()) => None,
        Err(Stop::Format(e)) => Some(e),
        Err(Stop::Io(e)) => return Err(StreamError::from(e).into()),
        Err(Stop::Caller(e)) => return Err(e),
    };
    body.drain().map_err(StreamError::from)?;
    let sum = body.hash.finalize();
    let mut stated = [0u8; CHECKSUM_LEN];
    src.read_exact(&mut stated).map_err(StreamError::from)?;
    if sum.as_slice() != stated {
        return Err(StreamError::from(FormatError::Damaged).into());
    }
    match wrong {
        Some(e) => Err(StreamError::from(e).into()),
        None => Ok(()),
    }
}

/// The entries of the body (see [`scan`]).
fn entries<R: Read, E>(
    body: &mut Body<R>,
    each: &mut impl FnMut(&str, u64, &mut dyn Read) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    let mut n = [0u8; 4];
    body.field(&mut n)?;
    let count = u32::from_be_bytes(n);
    let mut seen = BTreeSet::new();
    for _ in 0..count {
        let mut n = [0u8; 2];
        body.field(&mut n)?;
        let mut name = vec![0u8; usize::from(u16::from_be_bytes(n))];
        body.field(&mut name)?;
        let name = String::from_utf8(name).map_err(|_| Stop::Format(FormatError::BadName))?;
        if !name_allowed(&name) {
            return Err(Stop::Format(FormatError::BadName));
        }
        let mut n = [0u8; 8];
        body.field(&mut n)?;
        let data_len = u64::from_be_bytes(n);
        if data_len > body.left {
            return Err(Stop::Format(FormatError::Malformed(
                "entry runs past the end",
            )));
        }
        if !seen.insert(name.clone()) {
            return Err(Stop::Format(FormatError::Duplicate));
        }
        let mut data = (&mut *body).take(data_len);
        each(&name, data_len, &mut data).map_err(Stop::Caller)?;
        io::copy(&mut data, &mut io::sink()).map_err(Stop::Io)?;
    }
    if body.left != 0 {
        return Err(Stop::Format(FormatError::Malformed(
            "bytes after the last entry",
        )));
    }
    Ok(())
}

/// Reads a whole backup file in memory into its entries (names and bytes), in the order
/// packed (see [`scan`]).
pub fn unpack(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StreamError> {
    let mut out = Vec::new();
    scan(bytes, bytes.len() as u64, |name, len, data| {
        let mut v = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        data.read_to_end(&mut v)?;
        out.push((name.to_owned(), v));
        Ok::<_, StreamError>(())
    })?;
    Ok(out)
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

    /// Why `unpack` refuses `bytes` (a format error, never an I/O one in memory).
    fn refused(bytes: &[u8]) -> FormatError {
        match unpack(bytes).unwrap_err() {
            StreamError::Format(e) => e,
            StreamError::Io(e) => panic!("an I/O error in memory: {e}"),
        }
    }

    fn packed() -> Vec<u8> {
        pack(&entries(&sample())).unwrap()
    }

    #[test]
    fn what_is_packed_unpacks_byte_for_byte() {
        let files = sample();
        let file = pack(&entries(&files)).unwrap();
        assert_eq!(&file[..8], MAGIC);
        assert_eq!(unpack(&file).unwrap(), files);
        // No entries at all is a valid (empty) file too.
        assert!(unpack(&pack(&[]).unwrap()).unwrap().is_empty());
    }

    /// Hands out at most 7 bytes per read, as a slow source might.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_source_read_in_small_pieces_scans_the_same_and_what_each_skips_is_skipped() {
        let files = sample();
        let file = packed();
        let mut seen = Vec::new();
        scan(Trickle(&file), file.len() as u64, |name, len, data| {
            // Only the first byte of each entry is read; the rest must be skipped (and hashed).
            let mut first = [0u8; 1];
            let got = data.read(&mut first)?;
            seen.push((name.to_owned(), len, first[..got].to_vec()));
            Ok::<_, StreamError>(())
        })
        .unwrap();
        let expected: Vec<_> = files
            .iter()
            .map(|(n, d)| {
                (
                    n.clone(),
                    d.len() as u64,
                    d.iter().take(1).copied().collect(),
                )
            })
            .collect();
        assert_eq!(seen, expected);
        // A source shorter than the size it was said to have is an I/O error, not a panic.
        let short = scan(Trickle(&file[..100]), file.len() as u64, |_, _, _| {
            Ok::<_, StreamError>(())
        });
        assert!(matches!(short, Err(StreamError::Io(_))), "{short:?}");
    }

    #[test]
    fn a_file_cut_short_anywhere_is_refused_without_panicking() {
        let file = packed();
        // Every cut in the header and the first entries, then a spread over the rest.
        let cuts = (0..200).chain((200..file.len()).step_by(97));
        for cut in cuts {
            let err = refused(&file[..cut]);
            let expected = if cut < MAGIC.len() {
                FormatError::NotABackup
            } else {
                FormatError::Damaged
            };
            assert_eq!(err, expected, "cut at {cut}");
        }
        assert_eq!(refused(&file[..file.len() - 1]), FormatError::Damaged);
    }

    #[test]
    fn a_changed_byte_anywhere_is_refused() {
        let file = packed();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..300 {
            let mut bad = file.clone();
            let at = rng.gen_range(MAGIC.len() + 2..bad.len());
            bad[at] ^= 1 << rng.gen_range(0..8);
            assert_eq!(refused(&bad), FormatError::Damaged, "at {at}");
        }
        // Bytes appended after the checksum break it too.
        let mut longer = file.clone();
        longer.push(0);
        assert_eq!(refused(&longer), FormatError::Damaged);
    }

    #[test]
    fn another_file_or_a_newer_format_is_named_as_such() {
        assert_eq!(refused(b"\xff\xd8\xff\xe0 a JPEG"), FormatError::NotABackup);
        assert_eq!(refused(b""), FormatError::NotABackup);
        let mut newer = packed();
        newer[8..10].copy_from_slice(&2u16.to_be_bytes());
        assert_eq!(refused(&newer), FormatError::NewerVersion { found: 2 });
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
                refused(&forged(1, &[(name, &b"x"[..])], None)),
                FormatError::BadName,
                "{name:?}"
            );
        }
        assert_eq!(
            refused(&forged(
                2,
                &[(&b"a"[..], &b"1"[..]), (&b"a"[..], &b"2"[..])],
                None
            )),
            FormatError::Duplicate
        );
        // A length that runs past the end, or a count larger than the entries.
        assert!(matches!(
            refused(&forged(1, &[(&b"a"[..], &b"12"[..])], Some(u64::MAX))),
            FormatError::Malformed(_)
        ));
        assert!(matches!(
            refused(&forged(3, &[(&b"a"[..], &b"1"[..])], None)),
            FormatError::Malformed(_)
        ));
        assert!(matches!(
            refused(&forged(0, &[(&b"a"[..], &b"1"[..])], None)),
            FormatError::Malformed(_)
        ));
        // Names the packer refuses are never written.
        let bad = Entry {
            name: "../x",
            data: &[],
        };
        assert!(matches!(
            pack(&[bad]).unwrap_err(),
            StreamError::Format(FormatError::BadName)
        ));
        let twice = Entry {
            name: "a",
            data: b"1",
        };
        assert!(matches!(
            pack(&[twice, twice]).unwrap_err(),
            StreamError::Format(FormatError::Duplicate)
        ));
    }
}
