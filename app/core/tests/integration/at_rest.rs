//! Encryption at rest, end to end on real files: key store, SQLCipher database, blob store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use pendata_core::blobs::{BlobError, BlobId, BlobStore};
use pendata_core::crypto::{CryptoError, KdfParams, KeyStore, KEY_FILE};
use pendata_core::db::{open_encrypted, DbError};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

use crate::common;
use common::scan::{all_files, contains, RunDetector};

const NIK: &str = "3201234505900001";
const NAME: &str = "Siti Rahmawati";
const PIN: &str = "246810";
const DB_FILE: &str = "pendata.db";

/// ~300 KB of photo-like bytes: a JPEG SOI/APP0 header followed by pseudo-random data
/// (incompressible, like real entropy-coded JPEG scan data). Deterministic per seed.
fn photo_bytes(seed: u64) -> Vec<u8> {
    let mut bytes = vec![0u8; 300 * 1024 + 17];
    StdRng::seed_from_u64(seed).fill_bytes(&mut bytes);
    bytes[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    bytes
}

/// Scans every file under `dir` for the NIK, the name and any 64-byte run of the photo.
/// Returns the scanned file names (relative) and a description of each leak found.
fn scan(dir: &Path, photo: &RunDetector) -> (Vec<String>, Vec<String>) {
    let mut names = Vec::new();
    let mut leaks = Vec::new();
    for path in all_files(dir) {
        let bytes = fs::read(&path).unwrap();
        let rel = path.strip_prefix(dir).unwrap().display().to_string();
        if contains(&bytes, NIK.as_bytes()) {
            leaks.push(format!("NIK in {rel}"));
        }
        if contains(&bytes, NAME.as_bytes()) {
            leaks.push(format!("name in {rel}"));
        }
        if photo.found_in(&bytes) {
            leaks.push(format!("photo bytes in {rel}"));
        }
        names.push(rel);
    }
    (names, leaks)
}

/// Asserts nothing readable is found under `dir`; returns the scanned file names.
fn assert_nothing_readable(dir: &Path, photo: &RunDetector) -> Vec<String> {
    let (names, leaks) = scan(dir, photo);
    assert!(!names.is_empty(), "nothing scanned under {}", dir.display());
    assert!(
        leaks.is_empty(),
        "plaintext found: {leaks:?} (files {names:?})"
    );
    names
}

#[test]
fn detector_positive_controls() {
    // The scanner must actually find what it looks for, at any offset, or the main test
    // proves nothing.
    let photo = photo_bytes(1);
    let det = RunDetector::new(&photo);
    for offset in [0usize, 1, 31, 32, 33, 1000, photo.len() - 64] {
        let mut hay = vec![0x55u8; 100];
        hay.extend_from_slice(&photo[offset..offset + 64]);
        hay.extend_from_slice(&[0xAA; 100]);
        assert!(det.found_in(&hay), "64-byte run at offset {offset} missed");
    }
    assert!(!det.found_in(&photo_bytes(2)));

    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(dir.path().join("sub/leak.bin"), format!("xx{NIK}yy")).unwrap();
    fs::write(dir.path().join("photo.jpg"), &photo[5000..5064]).unwrap();
    let (names, leaks) = scan(dir.path(), &det);
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(leaks.len(), 2, "{leaks:?}");
}

#[test]
fn data_at_rest_is_unreadable_without_the_pin() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    let db_path = data_dir.join(DB_FILE);
    let photo = photo_bytes(42);
    let detector = RunDetector::new(&photo);

    // --- First session: create key, database and blob.
    assert!(!KeyStore::exists(&data_dir));
    let key = KeyStore::create(&data_dir, PIN, KdfParams::insecure_for_tests()).unwrap();
    assert!(KeyStore::exists(&data_dir));
    let blob_id = {
        let conn = open_encrypted(&db_path, &key).unwrap();
        conn.execute_batch(
            "CREATE TABLE person (id INTEGER PRIMARY KEY, nik TEXT NOT NULL, name TEXT NOT NULL)",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO person (nik, name) VALUES (?1, ?2)",
            (NIK, NAME),
        )
        .unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");

        let blobs = BlobStore::open(&data_dir, &key).unwrap();
        let id = blobs.put(&photo).unwrap();
        assert_eq!(id, BlobId::of(&photo));
        assert!(blobs.exists(&id).unwrap());

        // While the connection is open the row lives in the -wal file: scan that state too.
        let names = assert_nothing_readable(&data_dir, &detector);
        assert!(
            names.iter().any(|n| n.ends_with("-wal")),
            "expected a WAL file while open, got {names:?}"
        );
        id
    };
    drop(key);

    // --- Everything closed: scan every file again.
    let names = assert_nothing_readable(&data_dir, &detector);
    assert!(names.contains(&DB_FILE.to_owned()), "{names:?}");
    assert!(names.contains(&KEY_FILE.to_owned()), "{names:?}");
    let blob_files: Vec<_> = names.iter().filter(|n| n.starts_with("photos")).collect();
    assert_eq!(blob_files.len(), 1, "{names:?}");
    assert!(
        !blob_files[0].contains(blob_id.as_str()),
        "blob file name reveals the content hash"
    );
    let db_header = fs::read(&db_path).unwrap();
    assert!(
        !db_header.starts_with(b"SQLite format 3"),
        "database header is plaintext"
    );

    // --- Wrong PIN: WrongPin, nothing changes on disk.
    let key_file = data_dir.join(KEY_FILE);
    let key_before = fs::read(&key_file).unwrap();
    let db_before = fs::read(&db_path).unwrap();
    let err = KeyStore::unlock(&data_dir, "135790").unwrap_err();
    assert!(matches!(err, CryptoError::WrongPin), "{err:?}");
    assert_eq!(err.code(), "store.wrong_pin");
    assert_eq!(err.to_string(), "PIN salah");
    assert_eq!(err.message_en(), "Wrong PIN");
    let err = KeyStore::change_pin(&data_dir, "135790", "999999").unwrap_err();
    assert!(matches!(err, CryptoError::WrongPin), "{err:?}");
    assert_eq!(fs::read(&key_file).unwrap(), key_before);
    assert_eq!(fs::read(&db_path).unwrap(), db_before);

    // --- Right PIN: both come back.
    {
        let key = KeyStore::unlock(&data_dir, PIN).unwrap();
        let conn = open_encrypted(&db_path, &key).unwrap();
        let (nik, name): (String, String) = conn
            .query_row("SELECT nik, name FROM person", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((nik.as_str(), name.as_str()), (NIK, NAME));
        let blobs = BlobStore::open(&data_dir, &key).unwrap();
        assert_eq!(blobs.get(&blob_id).unwrap(), photo);
    }

    // --- Change PIN: old fails, new opens the same data; the DB is not rewritten.
    let db_before = fs::read(&db_path).unwrap();
    KeyStore::change_pin(&data_dir, PIN, "pasphrase baru").unwrap();
    assert_ne!(fs::read(&key_file).unwrap(), key_before);
    assert_eq!(fs::read(&db_path).unwrap(), db_before);
    assert!(matches!(
        KeyStore::unlock(&data_dir, PIN),
        Err(CryptoError::WrongPin)
    ));
    let key = KeyStore::unlock(&data_dir, "pasphrase baru").unwrap();
    let conn = open_encrypted(&db_path, &key).unwrap();
    let nik: String = conn
        .query_row("SELECT nik FROM person", [], |r| r.get(0))
        .unwrap();
    assert_eq!(nik, NIK);
    drop(conn);
    let blobs = BlobStore::open(&data_dir, &key).unwrap();
    assert_eq!(blobs.get(&blob_id).unwrap(), photo);
    assert_nothing_readable(&data_dir, &detector);
}

#[test]
fn database_rejects_a_different_key_without_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir_a = tmp.path().join("a");
    let dir_b = tmp.path().join("b");
    let key_a = KeyStore::create(&dir_a, PIN, KdfParams::insecure_for_tests()).unwrap();
    let key_b = KeyStore::create(&dir_b, PIN, KdfParams::insecure_for_tests()).unwrap();
    let db_path = dir_a.join(DB_FILE);
    {
        let conn = open_encrypted(&db_path, &key_a).unwrap();
        conn.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('satu');")
            .unwrap();
    }
    let before = fs::read(&db_path).unwrap();
    let err = open_encrypted(&db_path, &key_b).unwrap_err();
    assert!(matches!(err, DbError::WrongKey { .. }), "{err:?}");
    assert_eq!(err.code(), "store.wrong_key");
    assert_eq!(fs::read(&db_path).unwrap(), before);
    assert!(!dir_a.join(format!("{DB_FILE}-wal")).exists());
    // Same PIN, different store: the salts and DEKs differ, so the key files differ too.
    assert_ne!(
        fs::read(dir_a.join(KEY_FILE)).unwrap(),
        fs::read(dir_b.join(KEY_FILE)).unwrap()
    );

    // A plain (unencrypted) SQLite file is refused too, and left alone.
    let plain = tmp.path().join("plain.db");
    let mut sqlite_header = b"SQLite format 3\0".to_vec();
    sqlite_header.resize(4096, 0);
    fs::write(&plain, &sqlite_header).unwrap();
    let err = open_encrypted(&plain, &key_a).unwrap_err();
    assert_eq!(err.code(), "store.wrong_key", "{err:?}");
    assert_eq!(fs::read(&plain).unwrap(), sqlite_header);
}

#[test]
fn pin_policy_and_key_file_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let err = KeyStore::create(dir, "12345", KdfParams::insecure_for_tests()).unwrap_err();
    assert_eq!(err.code(), "store.pin_too_short");
    assert!(!KeyStore::exists(dir));

    let err = KeyStore::unlock(dir, PIN).unwrap_err();
    assert_eq!(err.code(), "store.key_missing");

    let _key = KeyStore::create(dir, PIN, KdfParams::insecure_for_tests()).unwrap();
    let err = KeyStore::create(dir, PIN, KdfParams::insecure_for_tests()).unwrap_err();
    assert_eq!(err.code(), "store.key_exists");
    assert!(
        KeyStore::unlock(dir, PIN).is_ok(),
        "existing key overwritten"
    );

    let before = fs::read(dir.join(KEY_FILE)).unwrap();
    let err = KeyStore::change_pin(dir, PIN, "123").unwrap_err();
    assert_eq!(err.code(), "store.pin_too_short");
    assert_eq!(fs::read(dir.join(KEY_FILE)).unwrap(), before);

    // The key file is JSON with the documented fields, all secrets wrapped.
    let json: serde_json::Value = serde_json::from_slice(&before).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["kdf"]["algorithm"], "argon2id");
    assert_eq!(json["kdf"]["m_kib"], 64);
    assert_eq!(json["salt"].as_str().unwrap().len(), 32);
    assert_eq!(json["nonce"].as_str().unwrap().len(), 48);
    assert_eq!(json["wrapped_key"].as_str().unwrap().len(), 96);

    // Flipping one hex digit of the wrapped key: the unwrap fails, never a panic.
    let mut tampered = json.clone();
    let wk = tampered["wrapped_key"].as_str().unwrap().to_owned();
    let flipped = if wk.starts_with('0') { "1" } else { "0" };
    tampered["wrapped_key"] = format!("{flipped}{}", &wk[1..]).into();
    fs::write(dir.join(KEY_FILE), serde_json::to_vec(&tampered).unwrap()).unwrap();
    assert_eq!(
        KeyStore::unlock(dir, PIN).unwrap_err().code(),
        "store.wrong_pin"
    );

    for garbage in [&b"{not json"[..], b"", b"{\"format\":\"pendata-keys\"}"] {
        fs::write(dir.join(KEY_FILE), garbage).unwrap();
        assert_eq!(
            KeyStore::unlock(dir, PIN).unwrap_err().code(),
            "store.key_corrupt"
        );
    }
    let mut future = json.clone();
    future["version"] = 2.into();
    fs::write(dir.join(KEY_FILE), serde_json::to_vec(&future).unwrap()).unwrap();
    assert_eq!(
        KeyStore::unlock(dir, PIN).unwrap_err().code(),
        "store.key_version"
    );
}

#[test]
fn tampered_blobs_give_errors_not_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let key = KeyStore::create(tmp.path(), PIN, KdfParams::insecure_for_tests()).unwrap();
    let blobs = BlobStore::open(tmp.path(), &key).unwrap();
    let photo_a = photo_bytes(7);
    let photo_b = photo_bytes(8);
    let a = blobs.put(&photo_a).unwrap();
    let b = blobs.put(&photo_b).unwrap();
    assert_eq!(blobs.put(&photo_a).unwrap(), a, "put is idempotent");
    assert_eq!(blobs.get(&a).unwrap(), photo_a);

    let path_a = blobs.path_of(&a).unwrap();
    let path_b = blobs.path_of(&b).unwrap();
    let original_a = fs::read(&path_a).unwrap();
    let original_b = fs::read(&path_b).unwrap();

    let check = |err: BlobError| assert_eq!(err.code(), "blob.corrupt", "{err:?}");

    // One flipped bit in the ciphertext, the nonce, the header.
    for pos in [original_a.len() - 1, original_a.len() / 2, 10, 4, 0] {
        let mut bad = original_a.clone();
        bad[pos] ^= 0x01;
        fs::write(&path_a, &bad).unwrap();
        check(blobs.get(&a).unwrap_err());
    }
    // Truncated at several lengths, including empty.
    for len in [0, 3, 5, 28, 44, original_a.len() - 1] {
        fs::write(&path_a, &original_a[..len]).unwrap();
        check(blobs.get(&a).unwrap_err());
    }
    // Blob B's file moved under A's name: the associated data (id) does not match.
    fs::write(&path_a, &original_b).unwrap();
    check(blobs.get(&a).unwrap_err());

    // Putting the same photo again repairs the damaged copy.
    assert_eq!(blobs.put(&photo_a).unwrap(), a);
    assert_eq!(blobs.get(&a).unwrap(), photo_a);
    fs::write(&path_a, &original_a).unwrap();
    assert_eq!(blobs.get(&a).unwrap(), photo_a);

    // Another key cannot read it (fresh store elsewhere, same files copied over).
    let other_dir = tmp.path().join("other");
    let other_key = KeyStore::create(&other_dir, PIN, KdfParams::insecure_for_tests()).unwrap();
    let other = BlobStore::open(&other_dir, &other_key).unwrap();
    assert_eq!(other.get(&a).unwrap_err().code(), "blob.not_found");
    fs::copy(&path_a, other.path_of(&a).unwrap()).unwrap();
    check(other.get(&a).unwrap_err());

    // Thumbnails: a variant of the photo's id, own file name, bound to its id and role.
    let thumb = photo_bytes(9);
    blobs.put_thumbnail(&b, &thumb).unwrap();
    assert_eq!(blobs.get_thumbnail(&b).unwrap(), thumb);
    let thumb_path = blobs.thumbnail_path_of(&b).unwrap();
    assert_ne!(thumb_path, path_b);
    assert_eq!(
        blobs.get_thumbnail(&a).unwrap_err().code(),
        "blob.not_found"
    );
    // The thumbnail file under the photo's name (or the other way round) does not decrypt.
    let photo_b_file = fs::read(&path_b).unwrap();
    fs::write(&path_b, fs::read(&thumb_path).unwrap()).unwrap();
    check(blobs.get(&b).unwrap_err());
    fs::write(&thumb_path, &photo_b_file).unwrap();
    check(blobs.get_thumbnail(&b).unwrap_err());
    fs::write(&path_b, &photo_b_file).unwrap();
    blobs.put_thumbnail(&b, &thumb).unwrap();
    assert_eq!(blobs.get(&b).unwrap(), photo_b);

    // Delete (the thumbnail goes too) and bad ids.
    assert!(blobs.delete(&b).unwrap());
    assert!(!thumb_path.exists());
    assert!(!blobs.exists(&b).unwrap());
    assert!(!blobs.delete(&b).unwrap());
    assert_eq!(blobs.get(&b).unwrap_err().code(), "blob.not_found");
    assert_eq!(
        BlobId::parse("../../etc/passwd").unwrap_err().code(),
        "blob.invalid_id"
    );
    assert_eq!(BlobId::parse(&a.as_str().to_uppercase()).unwrap(), a);
}
