//! Scanning a data directory for plaintext (see [`RunDetector`] for the 64-byte-run argument).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Detects whether any 64-byte run of `secret` occurs in a haystack.
///
/// Why aligned 32-byte blocks suffice: a 64-byte run of `secret` starting at any offset `o`
/// covers `[o, o + 64)`. The first multiple of 32 at or after `o` is `a <= o + 31`, and
/// `a + 32 <= o + 63 < o + 64`, so the run contains the whole aligned block `[a, a + 32)`.
/// Hence if no aligned 32-byte block of `secret` occurs anywhere in the haystack, no 64-byte
/// run of it occurs either. (The converse check is stricter than needed: a lone 32-byte block
/// would also be flagged; by chance in ciphertext that has probability ~ n·m / 2^256.)
/// The blocks go into a hash set and every offset of the haystack is looked up once: O(n).
pub struct RunDetector {
    blocks: HashSet<[u8; 32]>,
}

impl RunDetector {
    pub fn new(secret: &[u8]) -> Self {
        let blocks: HashSet<[u8; 32]> = secret
            .chunks_exact(32)
            .map(|c| <[u8; 32]>::try_from(c).unwrap())
            .collect();
        assert!(
            blocks.len() >= secret.len() / 32 - 1,
            "secret too repetitive"
        );
        RunDetector { blocks }
    }

    pub fn found_in(&self, haystack: &[u8]) -> bool {
        haystack
            .windows(32)
            .any(|w| self.blocks.contains(<&[u8; 32]>::try_from(w).unwrap()))
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
