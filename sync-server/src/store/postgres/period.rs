//! The Dinsos month on PostgreSQL ([`PeriodStore`]): tables `period_items`, `desa_periods` and
//! `desa_period_photos` (migration 0007), as SQLite's. Every write first takes the advisory
//! lock of its desa ([`desa_key`]) exclusive; a push and a supervisor's decision on a proposal
//! take it shared ([`share_desas`], [`decision_refused`]), so they and the approval that locks
//! the desa's period (from any server process) happen one after the other — nothing lands in
//! a period locked before it commits — while pushes of one desa run side by side.

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use pendata_shared::month::period::Period;
use tokio_postgres::Row;

use super::rows::millis;
use super::{in_transaction, lock_key, lock_keys, share_keys, PgStore};
use crate::store::period::{
    Agreement, AgreementForm, Arrival, DesaPeriod, ItemPeriod, PeriodError, PeriodItem,
    PeriodStore, Signed, ALL_KINDS,
};
use crate::store::{RecordError, Scope, StoreError};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.into())
}

fn period_of(s: &str) -> Result<Period, StoreError> {
    s.parse().map_err(|_| corrupt("period"))
}

/// The advisory lock key that serialises the writers of one desa's periods.
pub(super) fn desa_key(desa: &str) -> i64 {
    lock_key(b'd', desa.as_bytes())
}

async fn lock_desa(tx: &deadpool_postgres::Transaction<'_>, desa: &str) -> Result<(), StoreError> {
    lock_keys(tx, vec![desa_key(desa)]).await
}

/// Takes the desa locks `keys` ([`desa_key`]) shared: pushes and decisions on a desa's
/// proposals do not wait for each other, only for a period write (which takes it exclusive)
/// and it for them. Taken after every exclusive lock of the transaction, and a period write
/// holds no other lock, so no wait goes round in a circle.
pub(super) async fn share_desas(
    tx: &deadpool_postgres::Transaction<'_>,
    keys: Vec<i64>,
) -> Result<(), StoreError> {
    share_keys(tx, keys).await
}

/// A desa period's write begins: its desa locked, the period read, refused when locked.
async fn open_unlocked(
    tx: &deadpool_postgres::Transaction<'_>,
    desa: &str,
    period: Period,
) -> Result<Result<DesaPeriod, PeriodError>, StoreError> {
    lock_desa(tx, desa).await?;
    let d = one(tx, desa, period).await?;
    Ok(if d.locked() {
        Err(PeriodError::Locked {
            desa_code: desa.to_owned(),
            period,
        })
    } else {
        Ok(d)
    })
}

/// Signs one ratification step (`checked` or `approved`) of a desa period.
async fn sign(
    tx: &deadpool_postgres::Transaction<'_>,
    step: Step,
    desa: &str,
    period: Period,
    username: &str,
) -> Result<(), StoreError> {
    let sql = match step {
        Step::Check => {
            "UPDATE desa_periods SET checked_by = $3, checked_at = $4 \
             WHERE desa_code = $1 AND period = $2"
        }
        Step::Approve => {
            "UPDATE desa_periods SET approved_by = $3, approved_at = $4 \
             WHERE desa_code = $1 AND period = $2"
        }
    };
    let at = millis(Utc::now());
    tx.execute(sql, &[&desa, &period.to_string(), &username, &at])
        .await?;
    Ok(())
}

#[derive(Clone, Copy)]
enum Step {
    Check,
    Approve,
}

/// The desa and period `id` is a proposal in, if any (any kind: an id is one record's).
/// Read before a decision takes its locks, to take this desa's with them.
pub(super) async fn proposal_period(
    c: &impl GenericClient,
    id: uuid::Uuid,
) -> Result<Option<(String, Period)>, StoreError> {
    let row = c
        .query_opt(
            "SELECT desa_code, period FROM period_items WHERE kind = ANY($1) AND item_id = $2",
            &[&ALL_KINDS.as_slice(), &id.to_string()],
        )
        .await?;
    match row {
        Some(r) => Ok(Some((
            r.try_get(0)?,
            period_of(&r.try_get::<_, String>(1)?)?,
        ))),
        None => Ok(None),
    }
}

/// A supervisor's decision on record `id` refused because it is a proposal of a locked
/// desa period. `locked_desa` is the desa whose lock the decision took (shared, after the
/// household's: [`proposal_period`]); a proposal noted since in another desa has its lock
/// taken here. Either way an approval at the same moment committed first and is seen, or
/// waits for the decision.
pub(super) async fn decision_refused(
    tx: &deadpool_postgres::Transaction<'_>,
    id: uuid::Uuid,
    locked_desa: Option<&str>,
) -> Result<Option<RecordError>, StoreError> {
    let Some((desa, period)) = proposal_period(tx, id).await? else {
        return Ok(None);
    };
    if locked_desa != Some(desa.as_str()) {
        share_desas(tx, vec![desa_key(&desa)]).await?;
    }
    Ok(locked(tx, &desa, period)
        .await?
        .then_some(RecordError::PeriodLocked {
            desa_code: desa,
            period,
        }))
}

async fn locked(c: &impl GenericClient, desa: &str, period: Period) -> Result<bool, StoreError> {
    let row = c
        .query_opt(
            "SELECT approved_at IS NOT NULL FROM desa_periods WHERE desa_code = $1 AND period = $2",
            &[&desa, &period.to_string()],
        )
        .await?;
    Ok(match row {
        Some(r) => r.try_get(0)?,
        None => false,
    })
}

fn signed(name: Option<String>, at: Option<DateTime<Utc>>) -> Option<Signed> {
    match (name, at) {
        (Some(username), Some(at)) => Some(Signed { username, at }),
        _ => None,
    }
}

fn desa_period_row(r: &Row) -> Result<DesaPeriod, StoreError> {
    let desa: String = r.try_get(0)?;
    let period = period_of(&r.try_get::<_, String>(1)?)?;
    let agreement = match r.try_get::<_, Option<String>>(2)? {
        None => None,
        Some(form) => Some(Agreement {
            form: AgreementForm::parse(&form).ok_or_else(|| corrupt("agreement"))?,
            held_on: r
                .try_get::<_, Option<String>>(3)?
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .ok_or_else(|| corrupt("held_on"))?,
            document_number: r.try_get::<_, Option<String>>(4)?.unwrap_or_default(),
            attendance: r
                .try_get::<_, Option<i32>>(5)?
                .and_then(|n| u32::try_from(n).ok()),
            note: r.try_get(6)?,
        }),
    };
    Ok(DesaPeriod {
        agreement,
        recorded: signed(r.try_get(7)?, r.try_get(8)?),
        checked: signed(r.try_get(9)?, r.try_get(10)?),
        approved: signed(r.try_get(11)?, r.try_get(12)?),
        ..DesaPeriod::empty(&desa, period)
    })
}

/// One desa period with its counts and photos.
async fn one(c: &impl GenericClient, desa: &str, period: Period) -> Result<DesaPeriod, StoreError> {
    let p = period.to_string();
    let row = c
        .query_opt(
            "SELECT desa_code, period, agreement, held_on, document_number, attendance, note, \
               recorded_by, recorded_at, checked_by, checked_at, approved_by, approved_at \
             FROM desa_periods WHERE desa_code = $1 AND period = $2",
            &[&desa, &p],
        )
        .await?;
    let mut d = match row {
        Some(r) => desa_period_row(&r)?,
        None => DesaPeriod::empty(desa, period),
    };
    let counts = c
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE agreed) FROM period_items \
             WHERE desa_code = $1 AND period = $2",
            &[&desa, &p],
        )
        .await?;
    d.items = counts.try_get::<_, i64>(0)? as u64;
    d.agreed = counts.try_get::<_, i64>(1)? as u64;
    d.photos = c
        .query(
            "SELECT sha256 FROM desa_period_photos WHERE desa_code = $1 AND period = $2 \
             ORDER BY added_at, sha256",
            &[&desa, &p],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    Ok(d)
}

/// What a guarded write decided: done, or refused (nothing written).
type Guarded = Result<(), PeriodError>;

impl PeriodStore for PgStore {
    fn note_arrivals(&self, arrivals: &[Arrival], due: Period) -> Result<Vec<Period>, StoreError> {
        let at = millis(Utc::now());
        // Every desa's lock first, in one sorted order (no deadlock between two pushes).
        let keys: Vec<i64> = arrivals.iter().map(|a| desa_key(&a.desa_code)).collect();
        in_transaction!(self, |tx| {
            lock_keys(&tx, keys.clone()).await?;
            let mut out = Vec::with_capacity(arrivals.len());
            for a in arrivals {
                let known = tx
                    .query_opt(
                        "SELECT period FROM period_items WHERE kind = $1 AND item_id = $2",
                        &[&a.kind, &a.item_id],
                    )
                    .await?;
                if let Some(r) = known {
                    out.push(period_of(&r.try_get::<_, String>(0)?)?);
                    continue;
                }
                let mut period = due;
                while locked(&tx, &a.desa_code, period).await? {
                    period = period.next();
                }
                tx.execute(
                    "INSERT INTO period_items (kind, item_id, desa_code, period, label, \
                     arrived_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &a.kind,
                        &a.item_id,
                        &a.desa_code,
                        &period.to_string(),
                        &a.label,
                        &at,
                    ],
                )
                .await?;
                out.push(period);
            }
            Ok(out)
        })
    }

    fn item_period(&self, kind: &str, item_id: &str) -> Result<Option<ItemPeriod>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let row = c
                .query_opt(
                    "SELECT desa_code, period FROM period_items WHERE kind = $1 AND item_id = $2",
                    &[&kind, &item_id],
                )
                .await?;
            let Some(r) = row else { return Ok(None) };
            let desa_code: String = r.try_get(0)?;
            let period = period_of(&r.try_get::<_, String>(1)?)?;
            Ok(Some(ItemPeriod {
                locked: locked(&c, &desa_code, period).await?,
                desa_code,
                period,
            }))
        })
    }

    fn desa_periods(&self, scope: &Scope, period: Period) -> Result<Vec<DesaPeriod>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            let p = period.to_string();
            let prefix = scope.sql_prefix();
            let codes: Vec<String> = c
                .query(
                    "SELECT desa_code FROM period_items WHERE period = $1 \
                       AND left(desa_code, length($2)) = $2 \
                     UNION SELECT desa_code FROM desa_periods WHERE period = $1 \
                       AND left(desa_code, length($2)) = $2 \
                     ORDER BY 1",
                    &[&p, &prefix],
                )
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(codes.len());
            for desa in &codes {
                out.push(one(&c, desa, period).await?);
            }
            Ok(out)
        })
    }

    fn desa_period(&self, desa_code: &str, period: Period) -> Result<DesaPeriod, StoreError> {
        self.run(async {
            let c = self.client().await?;
            one(&c, desa_code, period).await
        })
    }

    fn period_items(&self, desa_code: &str, period: Period) -> Result<Vec<PeriodItem>, StoreError> {
        self.run(async {
            let c = self.client().await?;
            c.query(
                "SELECT kind, item_id, label, arrived_at, agreed FROM period_items \
                 WHERE desa_code = $1 AND period = $2 ORDER BY kind, item_id",
                &[&desa_code, &period.to_string()],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(PeriodItem {
                    kind: r.try_get(0)?,
                    item_id: r.try_get(1)?,
                    desa_code: desa_code.to_owned(),
                    period,
                    label: r.try_get(2)?,
                    arrived_at: r.try_get(3)?,
                    agreed: r.try_get(4)?,
                })
            })
            .collect()
        })
    }

    fn record_agreement(
        &self,
        desa_code: &str,
        period: Period,
        agreement: &Agreement,
        agreed: &[(String, String)],
        username: &str,
    ) -> Result<(), PeriodError> {
        let p = period.to_string();
        let at = millis(Utc::now());
        let outcome: Guarded = in_transaction!(self, |tx| {
            if let Err(refused) = open_unlocked(&tx, desa_code, period).await? {
                return Ok(Err(refused));
            }
            for (kind, id) in agreed {
                let found = tx
                    .query_opt(
                        "SELECT 1 FROM period_items WHERE kind = $1 AND item_id = $2 \
                         AND desa_code = $3 AND period = $4",
                        &[kind, id, &desa_code, &p],
                    )
                    .await?;
                if found.is_none() {
                    return Ok(Err(PeriodError::UnknownItem));
                }
            }
            let attendance = agreement.attendance.and_then(|n| i32::try_from(n).ok());
            tx.execute(
                "INSERT INTO desa_periods (desa_code, period, agreement, held_on, \
                   document_number, attendance, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (desa_code, period) DO UPDATE SET \
                   agreement = excluded.agreement, held_on = excluded.held_on, \
                   document_number = excluded.document_number, \
                   attendance = excluded.attendance, note = excluded.note, \
                   recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, \
                   checked_by = NULL, checked_at = NULL",
                &[
                    &desa_code,
                    &p,
                    &agreement.form.as_str(),
                    &agreement.held_on.format("%Y-%m-%d").to_string(),
                    &agreement.document_number,
                    &attendance,
                    &agreement.note,
                    &username,
                    &at,
                ],
            )
            .await?;
            let kinds: Vec<&str> = agreed.iter().map(|(k, _)| k.as_str()).collect();
            let ids: Vec<&str> = agreed.iter().map(|(_, i)| i.as_str()).collect();
            tx.execute(
                "UPDATE period_items i SET agreed = EXISTS (SELECT 1 FROM \
                   unnest($3::text[], $4::text[]) AS u(kind, item_id) \
                   WHERE u.kind = i.kind AND u.item_id = i.item_id) \
                 WHERE desa_code = $1 AND period = $2",
                &[&desa_code, &p, &kinds, &ids],
            )
            .await?;
            Ok(Ok(()))
        })?;
        outcome
    }

    fn add_agreement_photo(
        &self,
        desa_code: &str,
        period: Period,
        sha256: &str,
        username: &str,
    ) -> Result<(), PeriodError> {
        let at = millis(Utc::now());
        let outcome: Guarded = in_transaction!(self, |tx| {
            let d = match open_unlocked(&tx, desa_code, period).await? {
                Ok(d) => d,
                Err(refused) => return Ok(Err(refused)),
            };
            if d.agreement.is_none() {
                return Ok(Err(PeriodError::NoAgreement));
            }
            tx.execute(
                "INSERT INTO desa_period_photos (desa_code, period, sha256, added_by, added_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[&desa_code, &period.to_string(), &sha256, &username, &at],
            )
            .await?;
            Ok(Ok(()))
        })?;
        outcome
    }

    fn check_period(
        &self,
        desa_code: &str,
        period: Period,
        username: &str,
    ) -> Result<(), PeriodError> {
        let outcome: Guarded = in_transaction!(self, |tx| {
            let d = match open_unlocked(&tx, desa_code, period).await? {
                Ok(d) => d,
                Err(refused) => return Ok(Err(refused)),
            };
            if d.agreement.is_none() {
                return Ok(Err(PeriodError::NoAgreement));
            }
            sign(&tx, Step::Check, desa_code, period, username).await?;
            Ok(Ok(()))
        })?;
        outcome
    }

    fn approve_period(
        &self,
        desa_code: &str,
        period: Period,
        username: &str,
    ) -> Result<(), PeriodError> {
        let outcome: Guarded = in_transaction!(self, |tx| {
            let d = match open_unlocked(&tx, desa_code, period).await? {
                Ok(d) => d,
                Err(refused) => return Ok(Err(refused)),
            };
            let Some(checked) = &d.checked else {
                return Ok(Err(PeriodError::NotChecked));
            };
            if checked.username.eq_ignore_ascii_case(username) {
                return Ok(Err(PeriodError::SamePerson));
            }
            sign(&tx, Step::Approve, desa_code, period, username).await?;
            Ok(Ok(()))
        })?;
        outcome
    }
}
