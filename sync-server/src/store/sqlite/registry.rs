//! The registry data on SQLite ([`RegistryStore`]): tables `desil_imports` and
//! `family_desil` (migration 0009), `nik_index_key`, `nik_indexed` and `nik_index` (0010).

use std::collections::BTreeMap;

use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::month::desil::FamilyDesil;
use rusqlite::{params, OptionalExtension};

use super::rows::{current_change, opt_rev, parse_id, parse_time};
use super::{now, SqliteStore};
use crate::store::registry::decile;
use crate::store::{
    DesilImport, DuplicateNik, DuplicateRecord, NikEntry, RegistryStore, Scope, StaleHead,
    StoreError,
};

impl RegistryStore for SqliteStore {
    fn import_desil(
        &self,
        families: &[FamilyDesil],
        rows: u64,
        label: &str,
        username: Option<&str>,
    ) -> Result<DesilImport, StoreError> {
        let at = now();
        let id = self.write(|conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO desil_imports (imported_at, label, username, rows, families) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    at,
                    label,
                    username,
                    i64::try_from(rows).unwrap_or(i64::MAX),
                    families.len() as i64
                ],
            )?;
            let id = tx.last_insert_rowid();
            {
                let mut put = tx.prepare(
                    "INSERT INTO family_desil (kk_number, desil, import_id) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (kk_number) DO UPDATE SET desil = excluded.desil, \
                     import_id = excluded.import_id",
                )?;
                for f in families {
                    put.execute(params![f.kk_number, f.desil.code(), id])?;
                }
            }
            tx.commit()?;
            Ok(id)
        })?;
        Ok(DesilImport {
            id,
            imported_at: parse_time(&at)?,
            label: label.to_owned(),
            username: username.map(str::to_owned),
            rows,
            families: families.len() as u64,
        })
    }

    fn desil_of(&self, kk_numbers: &[&str]) -> Result<BTreeMap<String, WelfareDecile>, StoreError> {
        self.read(|conn| {
            let mut get =
                conn.prepare_cached("SELECT desil FROM family_desil WHERE kk_number = ?1")?;
            let mut out = BTreeMap::new();
            for kk in kk_numbers {
                let mut rows = get.query([kk])?;
                if let Some(row) = rows.next()? {
                    out.insert((*kk).to_owned(), decile(row.get(0)?)?);
                }
            }
            Ok(out)
        })
    }

    fn desil_imports(&self, limit: u32) -> Result<Vec<DesilImport>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, imported_at, label, username, rows, families FROM desil_imports \
                 ORDER BY id DESC LIMIT ?1",
            )?;
            let raw = stmt
                .query_map([i64::from(limit)], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            raw.into_iter()
                .map(|(id, at, label, username, rows, families)| {
                    Ok(DesilImport {
                        id,
                        imported_at: parse_time(&at)?,
                        label,
                        username,
                        rows: u64::try_from(rows).unwrap_or(0),
                        families: u64::try_from(families).unwrap_or(0),
                    })
                })
                .collect()
        })
    }

    fn nik_key_fingerprint(&self) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row("SELECT fingerprint FROM nik_index_key", [], |r| r.get(0))
                .optional()?)
        })
    }

    fn reset_nik_index(&self, fingerprint: &str) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            forget_nik_index(&tx)?;
            tx.execute(
                "INSERT INTO nik_index_key (id, fingerprint) VALUES (1, ?1) \
                 ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
                [fingerprint],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn nik_index_stale(&self, limit: u32) -> Result<Vec<StaleHead>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT h.id, h.head_revision, h.desa_code, h.deleted FROM households h \
                 LEFT JOIN nik_indexed i ON i.household_id = h.id \
                 WHERE h.head_revision IS NOT NULL \
                   AND (i.household_id IS NULL OR i.head_revision IS NOT h.head_revision) \
                 LIMIT ?1",
            )?;
            let raw = stmt
                .query_map([i64::from(limit)], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            raw.into_iter()
                .map(|(id, head, desa_code, deleted)| {
                    let head = opt_rev(head)?;
                    let change = if deleted {
                        None
                    } else {
                        current_change(conn, head)?
                    };
                    Ok(StaleHead {
                        id: parse_id(&id)?,
                        head,
                        desa_code,
                        change,
                    })
                })
                .collect()
        })
    }

    fn put_nik_index(&self, head: &StaleHead, entries: &[NikEntry]) -> Result<(), StoreError> {
        let id = head.id.to_string();
        self.write(|conn| {
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM nik_index WHERE household_id = ?1", [&id])?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT OR IGNORE INTO nik_index \
                     (digest, household_id, member, member_name, desa_code) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for e in entries {
                    put.execute(params![
                        e.digest,
                        id,
                        e.member,
                        e.member_name,
                        head.desa_code
                    ])?;
                }
            }
            tx.execute(
                "INSERT INTO nik_indexed (household_id, head_revision) VALUES (?1, ?2) \
                 ON CONFLICT (household_id) DO UPDATE SET head_revision = excluded.head_revision",
                params![id, head.head.map(|h| h.to_string())],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn nik_duplicates(&self, scope: &Scope, limit: u32) -> Result<Vec<DuplicateNik>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "WITH dup AS (SELECT digest FROM nik_index GROUP BY digest \
                              HAVING count(DISTINCT household_id) > 1) \
                 SELECT n.digest, n.household_id, n.desa_code, n.member_name, h.questionnaire \
                 FROM nik_index n JOIN dup ON dup.digest = n.digest \
                 JOIN households h ON h.id = n.household_id \
                 ORDER BY n.digest, n.desa_code, n.household_id",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut found = Vec::new();
            for (digest, id, desa_code, member_name, questionnaire) in rows {
                found.push((
                    digest,
                    DuplicateRecord {
                        household_id: parse_id(&id)?,
                        desa_code,
                        member_name,
                        questionnaire,
                    },
                ));
            }
            Ok(crate::store::registry::group_duplicates(
                found, scope, limit,
            ))
        })
    }
}

/// Forgets the NIK index and its key's fingerprint (derived data: the next refresh rebuilds it
/// under whatever key the server holds).
pub(super) fn forget_nik_index(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.execute_batch(crate::store::registry::FORGET_NIK_INDEX_SQL)
}
