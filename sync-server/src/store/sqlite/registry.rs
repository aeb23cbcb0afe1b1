//! The registry data on SQLite ([`RegistryStore`]): tables `desil_imports` and
//! `family_desil` (migration 0009).

use std::collections::BTreeMap;

use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::month::desil::FamilyDesil;
use rusqlite::params;

use super::rows::parse_time;
use super::{now, SqliteStore};
use crate::store::registry::decile;
use crate::store::{DesilImport, RegistryStore, StoreError};

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
}
