//! The registry data on PostgreSQL ([`RegistryStore`]): tables `desil_imports` and
//! `family_desil` (migration 0003), as SQLite's.

use std::collections::BTreeMap;

use chrono::Utc;
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::month::desil::FamilyDesil;

use super::rows::millis;
use super::{in_transaction, PgStore};
use crate::store::registry::decile;
use crate::store::{DesilImport, RegistryStore, StoreError};

/// Families per statement: one round trip sets this many through `unnest`.
const CHUNK: usize = 5_000;

impl RegistryStore for PgStore {
    fn import_desil(
        &self,
        families: &[FamilyDesil],
        rows: u64,
        label: &str,
        username: Option<&str>,
    ) -> Result<DesilImport, StoreError> {
        let at = millis(Utc::now());
        let rows_i = i64::try_from(rows).unwrap_or(i64::MAX);
        let families_i = families.len() as i64;
        let id: i64 = in_transaction!(self, |tx| {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO desil_imports (imported_at, label, username, rows, families) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[&at, &label, &username, &rows_i, &families_i],
                )
                .await?
                .try_get(0)?;
            let put = tx
                .prepare(
                    "INSERT INTO family_desil (kk_number, desil, import_id) \
                     SELECT kk, d, $3 FROM unnest($1::text[], $2::int2[]) AS t (kk, d) \
                     ON CONFLICT (kk_number) DO UPDATE SET desil = excluded.desil, \
                     import_id = excluded.import_id",
                )
                .await?;
            for chunk in families.chunks(CHUNK) {
                let kks: Vec<&str> = chunk.iter().map(|f| f.kk_number.as_str()).collect();
                let deciles: Vec<i16> = chunk.iter().map(|f| i16::from(f.desil.code())).collect();
                tx.execute(&put, &[&kks, &deciles, &id]).await?;
            }
            Ok(id)
        })?;
        Ok(DesilImport {
            id,
            imported_at: at,
            label: label.to_owned(),
            username: username.map(str::to_owned),
            rows,
            families: families.len() as u64,
        })
    }

    fn desil_of(&self, kk_numbers: &[&str]) -> Result<BTreeMap<String, WelfareDecile>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let rows = c
                .query(
                    "SELECT kk_number, desil FROM family_desil WHERE kk_number = ANY ($1)",
                    &[&kk_numbers],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    let d: i16 = r.try_get(1)?;
                    Ok((r.try_get(0)?, decile(i64::from(d))?))
                })
                .collect()
        })
    }

    fn desil_imports(&self, limit: u32) -> Result<Vec<DesilImport>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let rows = c
                .query(
                    "SELECT id, imported_at, label, username, rows, families FROM desil_imports \
                     ORDER BY id DESC LIMIT $1",
                    &[&i64::from(limit)],
                )
                .await?;
            rows.iter()
                .map(|r| {
                    let (rows, families): (i64, i64) = (r.try_get(4)?, r.try_get(5)?);
                    Ok(DesilImport {
                        id: r.try_get(0)?,
                        imported_at: r.try_get(1)?,
                        label: r.try_get(2)?,
                        username: r.try_get(3)?,
                        rows: u64::try_from(rows).unwrap_or(0),
                        families: u64::try_from(families).unwrap_or(0),
                    })
                })
                .collect()
        })
    }
}
