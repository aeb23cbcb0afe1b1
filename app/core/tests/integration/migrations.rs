#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every frozen old schema (tests/integration/schemas/vN.sql) upgrades to the newest with its data intact,
//! and the newest frozen schema equals what the migrations build.

use crate::common;

use pendata_core::store::{connection, migrations, RecordState, SearchQuery, Store};
use rusqlite::Connection;

/// The frozen schemas, by version. Add `(N, include_str!("schemas/vN.sql"))` with each migration.
const FROZEN: &[(u32, &str)] = &[
    (1, include_str!("schemas/v1.sql")),
    (2, include_str!("schemas/v2.sql")),
    (3, include_str!("schemas/v3.sql")),
    (4, include_str!("schemas/v4.sql")),
    (5, include_str!("schemas/v5.sql")),
    (6, include_str!("schemas/v6.sql")),
    (7, include_str!("schemas/v7.sql")),
];

fn schema(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT name, coalesce(sql, '') FROM sqlite_master
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Data written with the v1 layout; later versions must keep it readable.
fn insert_v1_data(conn: &Connection) -> pendata_shared::HouseholdId {
    let h = common::example();
    let content = serde_json::to_string(&h).unwrap();
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('device_id', '0193a8f2-6b10-7c41-9a51-3c2d4e5f7000'),
                                                  ('pull_cursor', 'cur-7')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO households (seq, id, content, state, revision, kind, prelist_id, desa_code,
                                 head_name, address, member_count, created_at, updated_at)
         VALUES (1, ?1, ?2, 'draft', '0193a8f2-6b10-7c41-9a51-3c2d4e5f7001', 'verivali',
                 '3201022001-00123', '3201022001', 'Ahmad Suryana', 'Kp. Cikeas', 5,
                 '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        rusqlite::params![h.id.to_string(), content],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO household_search (rowid, head_name, names, numbers, address)
         VALUES (1, 'Ahmad Suryana', 'Ahmad Suryana Siti Aminah', '3201021403780003', 'Kp. Cikeas')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO audit (household_id, revision, path, old_value, new_value, username, device_id, at)
         VALUES (?1, '0193a8f2-6b10-7c41-9a51-3c2d4e5f7001', 'housing.wall', '3', '4', 'tksk01',
                 '0193a8f2-6b10-7c41-9a51-3c2d4e5f7000', '2026-01-01T00:00:00Z')",
        [h.id.to_string()],
    )
    .unwrap();
    h.id
}

#[test]
fn every_frozen_schema_upgrades_with_data() {
    assert_eq!(
        FROZEN.last().map(|(v, _)| *v),
        Some(migrations::LATEST_VERSION),
        "freeze the newest schema in tests/integration/schemas"
    );
    for (version, sql) in FROZEN {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let key = common::key(dir.path());
        {
            let conn = connection::open(&path, &key).unwrap();
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", version).unwrap();
            insert_v1_data(&conn);
        }
        let s = Store::open(&path, &key).unwrap();
        assert_eq!(
            migrations::version(s.connection()).unwrap(),
            migrations::LATEST_VERSION
        );
        let h = common::example();
        assert_eq!(
            s.household(h.id).unwrap(),
            h,
            "v{version}: content survives"
        );
        assert_eq!(s.state(h.id).unwrap(), RecordState::Draft);
        assert_eq!(
            s.device_id().to_string(),
            "0193a8f2-6b10-7c41-9a51-3c2d4e5f7000"
        );
        assert_eq!(s.pull_cursor().unwrap().as_deref(), Some("cur-7"));
        assert_eq!(s.audit_trail(h.id).unwrap().len(), 1);
        let hits = s
            .search(&SearchQuery {
                text: Some("amin".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(hits.len(), 1);
        let ok: String = s
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
}

#[test]
fn newest_frozen_schema_matches_the_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = Store::open(&dir.path().join("fresh.db"), &common::key(dir.path())).unwrap();
    let frozen = Connection::open_in_memory().unwrap();
    frozen.execute_batch(FROZEN.last().unwrap().1).unwrap();
    assert_eq!(schema(fresh.connection()), schema(&frozen));
}

#[test]
fn refuses_a_store_from_a_newer_app() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let key = common::key(dir.path());
    {
        let conn = connection::open(&path, &key).unwrap();
        conn.pragma_update(None, "user_version", migrations::LATEST_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&path, &key).unwrap_err();
    assert_eq!(err.code(), "store.schema_too_new");
}

#[test]
fn pragmas_are_set_on_every_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let conn = connection::open(&path, &common::key(dir.path())).unwrap();
    let cipher: String = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .unwrap();
    assert!(!cipher.is_empty(), "SQLCipher is linked");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    let fts5: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fts5, 1);
    drop(conn);
    let header = std::fs::read(&path).unwrap();
    assert!(
        !header.starts_with(b"SQLite format 3"),
        "the store file is encrypted"
    );
}

#[test]
fn a_store_refuses_another_key_and_a_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let key_a = common::key(&a);
    let key_b = common::key(&b);
    let s = Store::open_in_dir(&a, &key_a).unwrap();
    drop(s);
    let err = Store::open_in_dir(&a, &key_b).unwrap_err();
    assert_eq!(err.code(), "store.wrong_key", "{err:?}");
    // A plain SQLite store (as written before encryption) is refused, not read.
    let plain = dir.path().join("plain.db");
    drop(
        Connection::open(&plain)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)"),
    );
    let err = Store::open(&plain, &key_a).unwrap_err();
    assert_eq!(err.code(), "store.wrong_key", "{err:?}");
    assert!(err
        .message(pendata_shared::Lang::Id)
        .contains("Kunci basis data salah"));
}

/// A device at schema 2 holding DTKS work (a household queued in the outbox) and a ground-check
/// assignment it could not open: after the upgrade the household is pushed exactly as before
/// (a DTKS `Upsert`, the same content hash) and the ground check opens as a DTSEN family.
#[test]
fn a_schema_2_store_with_dtks_work_upgrades_untouched() {
    use pendata_shared::protocol::{content_hash, Change};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    let key = common::key(dir.path());
    let h = common::example();
    let content = serde_json::to_string(&h).unwrap();
    let gc_id = pendata_shared::HouseholdId::new();
    let gc = serde_json::json!({
        "household_id": gc_id, "kind": "ground_check", "programme": "pkh", "building_no": 12,
        "prelist_id": "GC-PKH-3201022001-0042", "desa_code": "3201022001", "rt": "003",
        "rw": "007", "address": "Kp. Cikeas", "head_name": "Dedi Kurniawan",
        "families": [{"family_no": 1, "kk_number": "3201021503240011"}],
        "members": [{"name": "Dedi Kurniawan", "nik": "3201021205900003",
                     "relation_to_head": 1, "sex": 1, "birth_date": "1990-05-12",
                     "family_no": 1}],
        "assigned_to": null, "active": true, "updated_at": "2026-11-01T00:00:00Z"
    });
    {
        let conn = connection::open(&path, &key).unwrap();
        conn.execute_batch(include_str!("schemas/v2.sql")).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        insert_v1_data(&conn);
        conn.execute(
            "UPDATE households SET state = 'queued', revision_frozen = 1",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO outbox (revision, household_id, base_revision, op, content, saved_at)
             VALUES ('0193a8f2-6b10-7c41-9a51-3c2d4e5f7001', ?1, NULL, 'upsert', ?2,
                     '2026-01-01T00:00:00Z')",
            rusqlite::params![h.id.to_string(), content],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO assignments (household_id, prelist_id, desa_code, head_name, active,
                                      content, updated_at)
             VALUES (?1, 'GC-PKH-3201022001-0042', '3201022001', 'Dedi Kurniawan', 1, ?2,
                     '2026-11-01T00:00:00Z')",
            rusqlite::params![gc_id.to_string(), gc.to_string()],
        )
        .unwrap();
    }
    let mut s = Store::open(&path, &key).unwrap();
    assert_eq!(
        migrations::version(s.connection()).unwrap(),
        migrations::LATEST_VERSION
    );
    let info = s.record(h.id).unwrap();
    assert_eq!(info.state, RecordState::Queued);
    assert_eq!(info.questionnaire, pendata_shared::Questionnaire::DtksBdt);
    let stored: String = s
        .connection()
        .query_row(
            "SELECT content FROM households WHERE id = ?1",
            [h.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        stored, content,
        "the record's JSON is byte-for-byte what it was"
    );
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].questionnaire, None);
    assert_eq!(
        push[0].change,
        Change::Upsert {
            household: Box::new(h.clone())
        }
    );
    assert_eq!(
        push[0].content_sha256,
        content_hash(&Change::Upsert {
            household: Box::new(h)
        })
    );
    assert!(s.revisit_list().unwrap().is_empty());
    let f = s.open_ground_check(gc_id).unwrap();
    assert_eq!(f.members[0].name, "Dedi Kurniawan");
    assert_eq!(f.location.building_no, Some(12));
}

/// A device at schema 3 holding a prelist of 30 (one already opened as a record, one withdrawn):
/// after 0004 the work list, its pages, its search and its counts answer exactly what a fresh
/// store that pulled the same list answers, and the triggers keep `opened` true afterwards.
#[test]
fn a_schema_3_prelist_is_backfilled_into_the_indexed_work_list() {
    use crate::store_worklist::{assignment, pull, walk};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    let key = common::key(dir.path());
    let h = common::example();
    let mut items: Vec<_> = (0..30u64)
        .map(|i| {
            let head = format!("Kepala {:02}", i % 17);
            let desa = if i % 2 == 0 {
                "3201022001"
            } else {
                "3201022002"
            };
            assignment(
                &format!("3201022001-{i:05}"),
                desa,
                &[&head, "Anak Bungsu"],
                3201020000000000 + 10 * i,
                &format!("{}", 3201021500000000 + i),
                &format!("Kp. Cikeas no. {i}"),
            )
        })
        .collect();
    items[7].household_id = h.id; // the example household was opened from it
    items[3].active = false;
    {
        let conn = connection::open(&path, &key).unwrap();
        conn.execute_batch(include_str!("schemas/v3.sql")).unwrap();
        conn.pragma_update(None, "user_version", 3).unwrap();
        insert_v1_data(&conn);
        for a in &items {
            conn.execute(
                "INSERT INTO assignments (household_id, prelist_id, desa_code, head_name, active,
                                          content, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '2026-11-01T00:00:00Z')",
                rusqlite::params![
                    a.household_id.to_string(),
                    a.prelist_id,
                    a.desa_code,
                    a.head_name,
                    a.active as i64,
                    serde_json::to_string(a).unwrap()
                ],
            )
            .unwrap();
        }
    }
    let mut s = Store::open(&path, &key).unwrap();
    assert_eq!(
        migrations::version(s.connection()).unwrap(),
        migrations::LATEST_VERSION
    );
    let (_d, mut fresh) = common::store();
    pull(&mut fresh, &items);
    fresh.open_assignment(h.id).unwrap();

    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 28);
    for (t, d) in [
        (None, None),
        (None, Some("3201022002")),
        (Some("kepala 1"), None),
        (Some("anak"), Some("3201022001")),
        (Some("cikeas 12"), None),
        (Some("3201020000000051"), None),
        (Some("32010215"), None),
        (Some("3201022001-0002"), None),
    ] {
        let upgraded = walk(&s, t, d, 4);
        assert_eq!(upgraded, walk(&fresh, t, d, 4), "{t:?} {d:?}");
        assert_eq!(
            s.count_unopened_assignments(t, d).unwrap(),
            upgraded.len() as u64
        );
    }
    let by_nik = walk(&s, Some("3201020000000051"), None, 4);
    assert_eq!(by_nik, vec![items[5].household_id], "member 1 of prelist 5");
    assert_eq!(walk(&s, Some("anak"), None, 50).len(), 28);
    assert_eq!(s.assignment(items[3].household_id).unwrap(), items[3]);
    // The triggers came with the migration: opening one more leaves the list.
    s.open_assignment(items[0].household_id).unwrap();
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 27);
    let kind: String = s
        .connection()
        .query_row(
            "SELECT kind FROM assignments WHERE household_id = ?1",
            [items[0].household_id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kind, "verivali");
}
