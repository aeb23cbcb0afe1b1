//! A push's part of the Dinsos month on PostgreSQL: the periods of the batch's records, read
//! under their desas' locks, a change of a record whose desa period is locked refused on its
//! own, and each stored proposal noted in its period — all in the push's transaction.
//!
//! The desa lock is the one every period writer takes exclusive ([`super::period::desa_key`]);
//! a push takes it shared, after its household locks ([`super::period::share_desas`]): the
//! approval that locks a desa's period and a push touching that desa's proposals happen one
//! after the other, whichever server process runs them, while pushes of one desa still run
//! side by side.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use pendata_shared::month::period::Period;
use pendata_shared::validate::Finding;

use super::period::{desa_key, share_desas};
use crate::store::period::{first_open, kind_of, locked_finding, ItemPeriod};
use crate::store::{IncomingRecord, StoreError};

/// The desa locks a batch takes (shared): the desa of each record's content and of each
/// proposal it brings.
fn desa_keys(records: &[IncomingRecord]) -> Vec<i64> {
    let mut keys = Vec::new();
    for rec in records {
        keys.extend(rec.desa_code.as_deref().map(desa_key));
        keys.extend(rec.period.as_ref().map(|p| desa_key(&p.arrival.desa_code)));
    }
    keys
}

/// What the batch knows of its records' periods, and the proposals it notes.
pub(super) struct PushPeriods {
    /// (kind, item id) → its period, for the batch's records already in one.
    items: HashMap<(String, String), ItemPeriod>,
    /// (desa, period) pairs locked, of every desa the batch's periods touch.
    locked: HashSet<(String, Period)>,
    /// Proposals to insert: (kind, item id, desa, period, label).
    new: Vec<(String, String, String, Period, String)>,
}

impl PushPeriods {
    /// Reads the periods of `records` (under the household locks, which every push of these
    /// records holds, so no other push notes one of them meanwhile). A record noted in a desa
    /// [`desa_keys`] did not lock (a tombstone, a record that moved desa) has that desa
    /// locked here.
    pub(super) async fn read(
        tx: &deadpool_postgres::Transaction<'_>,
        records: &[IncomingRecord],
    ) -> Result<Self, StoreError> {
        share_desas(tx, desa_keys(records)).await?;
        let kinds: Vec<&str> = records.iter().map(|r| kind_of(r.questionnaire)).collect();
        let ids: Vec<String> = records
            .iter()
            .map(|r| r.record.household_id.to_string())
            .collect();
        let mut items = HashMap::new();
        for row in tx
            .query(
                "SELECT i.kind, i.item_id, i.desa_code, i.period FROM period_items i \
                 JOIN unnest($1::text[], $2::text[]) AS u(kind, item_id) \
                   ON i.kind = u.kind AND i.item_id = u.item_id",
                &[&kinds, &ids],
            )
            .await?
        {
            let period: String = row.try_get(3)?;
            let period = period
                .parse()
                .map_err(|_| StoreError::Corrupt("period".into()))?;
            items.insert(
                (row.try_get(0)?, row.try_get(1)?),
                ItemPeriod {
                    desa_code: row.try_get(2)?,
                    period,
                    locked: false,
                },
            );
        }
        let mut locked_desas: HashSet<&str> = records
            .iter()
            .filter_map(|r| r.desa_code.as_deref())
            .collect();
        locked_desas.extend(
            records
                .iter()
                .filter_map(|r| r.period.as_ref().map(|p| p.arrival.desa_code.as_str())),
        );
        let extra: Vec<i64> = items
            .values()
            .filter(|i| !locked_desas.contains(i.desa_code.as_str()))
            .map(|i| desa_key(&i.desa_code))
            .collect();
        // Rare: a tombstone, a record that moved desa.
        share_desas(tx, extra).await?;
        let mut desas: Vec<&str> = locked_desas.into_iter().collect();
        desas.extend(items.values().map(|i| i.desa_code.as_str()));
        desas.sort_unstable();
        desas.dedup();
        let mut locked = HashSet::new();
        if !desas.is_empty() {
            for row in tx
                .query(
                    "SELECT desa_code, period FROM desa_periods \
                     WHERE desa_code = ANY($1) AND approved_at IS NOT NULL",
                    &[&desas],
                )
                .await?
            {
                let period: String = row.try_get(1)?;
                if let Ok(period) = period.parse() {
                    locked.insert((row.try_get(0)?, period));
                }
            }
        }
        for item in items.values_mut() {
            item.locked = locked.contains(&(item.desa_code.clone(), item.period));
        }
        Ok(PushPeriods {
            items,
            locked,
            new: Vec::new(),
        })
    }

    /// The refusal of a change of `rec` when it is a proposal of a locked desa period.
    pub(super) fn refusal(&self, rec: &IncomingRecord) -> Option<Finding> {
        let key = (
            kind_of(rec.questionnaire).to_owned(),
            rec.record.household_id.to_string(),
        );
        let item = self.items.get(&key)?;
        item.locked
            .then(|| locked_finding(&item.desa_code, item.period))
    }

    /// Notes the proposal `rec` brings (it was stored) unless it is in a period already.
    pub(super) fn note(&mut self, rec: &IncomingRecord) -> Result<(), StoreError> {
        let Some(p) = &rec.period else { return Ok(()) };
        let a = &p.arrival;
        let key = (a.kind.clone(), a.item_id.clone());
        if self.items.contains_key(&key) {
            return Ok(());
        }
        let locked = &self.locked;
        let period = first_open(p.due, |q| Ok(locked.contains(&(a.desa_code.clone(), q))))?;
        self.items.insert(
            key,
            ItemPeriod {
                desa_code: a.desa_code.clone(),
                period,
                locked: false,
            },
        );
        self.new.push((
            a.kind.clone(),
            a.item_id.clone(),
            a.desa_code.clone(),
            period,
            a.label.clone(),
        ));
        Ok(())
    }

    /// Inserts the noted proposals, one statement.
    pub(super) async fn write(
        self,
        tx: &deadpool_postgres::Transaction<'_>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if self.new.is_empty() {
            return Ok(());
        }
        let mut kind = Vec::with_capacity(self.new.len());
        let mut item = Vec::with_capacity(self.new.len());
        let mut desa = Vec::with_capacity(self.new.len());
        let mut period = Vec::with_capacity(self.new.len());
        let mut label = Vec::with_capacity(self.new.len());
        for (k, i, d, p, l) in self.new {
            kind.push(k);
            item.push(i);
            desa.push(d);
            period.push(p.to_string());
            label.push(l);
        }
        tx.execute(
            "INSERT INTO period_items (kind, item_id, desa_code, period, label, arrived_at) \
             SELECT kind, item_id, desa, period, label, $6 \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
               AS u(kind, item_id, desa, period, label) \
             ON CONFLICT (kind, item_id) DO NOTHING",
            &[&kind, &item, &desa, &period, &label, &at],
        )
        .await?;
        Ok(())
    }
}
