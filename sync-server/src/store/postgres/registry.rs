//! The registry data on PostgreSQL ([`RegistryStore`]): tables `desil_imports` and
//! `family_desil` (migration 0003), `nik_index_key`, `nik_indexed` and `nik_index` (0005), as
//! SQLite's.

use std::collections::BTreeMap;

use chrono::Utc;
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::month::desil::FamilyDesil;

use super::rows::{current_change, millis};
use super::{in_transaction, PgStore};
use crate::store::registry::decile;
use crate::store::{
    DesilImport, DuplicateNik, DuplicateRecord, NikEntry, RegistryStore, Scope, StaleHead,
    StoreError,
};

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

    fn nik_key_fingerprint(&self) -> Result<Option<String>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let row = c
                .query_opt("SELECT fingerprint FROM nik_index_key", &[])
                .await?;
            row.map(|r| r.try_get(0)).transpose().map_err(Into::into)
        })
    }

    fn reset_nik_index(&self, fingerprint: &str) -> Result<(), StoreError> {
        in_transaction!(self, |tx| {
            tx.batch_execute(crate::store::registry::FORGET_NIK_INDEX_SQL)
                .await?;
            tx.execute(
                "INSERT INTO nik_index_key (id, fingerprint) VALUES (1, $1) \
                 ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
                &[&fingerprint],
            )
            .await?;
            Ok(())
        })
    }

    fn nik_index_stale(&self, limit: u32) -> Result<Vec<StaleHead>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let rows = c
                .query(
                    "SELECT h.id, h.head_revision, h.desa_code, h.deleted FROM households h \
                     LEFT JOIN nik_indexed i ON i.household_id = h.id \
                     WHERE h.head_revision IS NOT NULL \
                       AND i.head_revision IS DISTINCT FROM h.head_revision \
                     LIMIT $1",
                    &[&i64::from(limit)],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let id: uuid::Uuid = r.try_get(0)?;
                let head: Option<uuid::Uuid> = r.try_get(1)?;
                let deleted: bool = r.try_get(3)?;
                let head = head.map(pendata_shared::RevisionId);
                let change = if deleted {
                    None
                } else {
                    current_change(&c, head).await?
                };
                out.push(StaleHead {
                    id: pendata_shared::HouseholdId(id),
                    head,
                    desa_code: r.try_get(2)?,
                    change,
                });
            }
            Ok(out)
        })
    }

    fn put_nik_index(&self, head: &StaleHead, entries: &[NikEntry]) -> Result<(), StoreError> {
        let id = head.id.0;
        let rev = head.head.map(|h| h.0);
        in_transaction!(self, |tx| {
            tx.execute("DELETE FROM nik_index WHERE household_id = $1", &[&id])
                .await?;
            let digests: Vec<&[u8]> = entries.iter().map(|e| e.digest.as_slice()).collect();
            let members: Vec<&str> = entries.iter().map(|e| e.member.as_str()).collect();
            let names: Vec<&str> = entries.iter().map(|e| e.member_name.as_str()).collect();
            tx.execute(
                "INSERT INTO nik_index (digest, household_id, member, member_name, desa_code) \
                 SELECT d, $4, m, n, $5 FROM unnest($1::bytea[], $2::text[], $3::text[]) \
                 AS t (d, m, n) ON CONFLICT DO NOTHING",
                &[&digests, &members, &names, &id, &head.desa_code],
            )
            .await?;
            tx.execute(
                "INSERT INTO nik_indexed (household_id, head_revision) VALUES ($1, $2) \
                 ON CONFLICT (household_id) DO UPDATE SET head_revision = excluded.head_revision",
                &[&id, &rev],
            )
            .await?;
            Ok(())
        })
    }

    fn nik_duplicates(&self, scope: &Scope, limit: u32) -> Result<Vec<DuplicateNik>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let rows = c
                .query(
                    "WITH dup AS (SELECT digest FROM nik_index GROUP BY digest \
                                  HAVING count(DISTINCT household_id) > 1) \
                     SELECT n.digest, n.household_id, n.desa_code, n.member_name, \
                            h.questionnaire \
                     FROM nik_index n JOIN dup ON dup.digest = n.digest \
                     JOIN households h ON h.id = n.household_id \
                     ORDER BY n.digest, n.desa_code, n.household_id",
                    &[],
                )
                .await?;
            let mut found = Vec::with_capacity(rows.len());
            for r in &rows {
                let id: uuid::Uuid = r.try_get(1)?;
                found.push((
                    r.try_get::<_, Vec<u8>>(0)?,
                    DuplicateRecord {
                        household_id: pendata_shared::HouseholdId(id),
                        desa_code: r.try_get(2)?,
                        member_name: r.try_get(3)?,
                        questionnaire: r.try_get(4)?,
                    },
                ));
            }
            Ok(crate::store::registry::group_duplicates(
                found, scope, limit,
            ))
        })
    }
}
