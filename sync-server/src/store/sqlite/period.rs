//! The Dinsos month on SQLite ([`PeriodStore`]): tables `period_items`, `desa_periods` and
//! `desa_period_photos` (migration 0012). Every write runs on the single writer in an
//! IMMEDIATE transaction (another process on the same file waits instead of failing the
//! upgrade to a write), so the lock check and the change it guards are one transaction; a
//! push notes its proposals and a supervisor's decision reads the lock the same way
//! ([`note_in`], [`decision_refused`]).

use chrono::NaiveDate;
use pendata_shared::month::period::Period;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::rows::parse_time;
use super::{now, SqliteStore};
use crate::store::period::{
    first_open, kind_of_stored, Agreement, AgreementForm, Arrival, DesaPeriod, ItemPeriod,
    PeriodError, PeriodItem, PeriodStore, Signed,
};
use crate::store::{RecordError, Scope, StoreError};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.into())
}

fn period_of(s: &str) -> Result<Period, StoreError> {
    s.parse().map_err(|_| corrupt("period"))
}

fn locked(conn: &Connection, desa: &str, period: Period) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT approved_at IS NOT NULL FROM desa_periods WHERE desa_code = ?1 AND period = ?2",
            params![desa, period.to_string()],
            |r| r.get::<_, bool>(0),
        )
        .optional()?
        .unwrap_or(false))
}

fn signed(name: Option<String>, at: Option<String>) -> Result<Option<Signed>, StoreError> {
    match (name, at) {
        (Some(username), Some(at)) => Ok(Some(Signed {
            username,
            at: parse_time(&at)?,
        })),
        _ => Ok(None),
    }
}

const DESA_PERIOD_COLUMNS: &str = "d.desa_code, d.period, d.agreement, d.held_on, \
     d.document_number, d.attendance, d.note, d.recorded_by, d.recorded_at, d.checked_by, \
     d.checked_at, d.approved_by, d.approved_at";

fn desa_period_row(r: &Row<'_>) -> Result<DesaPeriod, StoreError> {
    let desa: String = r.get(0)?;
    let period = period_of(&r.get::<_, String>(1)?)?;
    let agreement = match r.get::<_, Option<String>>(2)? {
        None => None,
        Some(form) => Some(Agreement {
            form: AgreementForm::parse(&form).ok_or_else(|| corrupt("agreement"))?,
            held_on: r
                .get::<_, Option<String>>(3)?
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                .ok_or_else(|| corrupt("held_on"))?,
            document_number: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            attendance: r
                .get::<_, Option<i64>>(5)?
                .and_then(|n| u32::try_from(n).ok()),
            note: r.get(6)?,
        }),
    };
    Ok(DesaPeriod {
        agreement,
        recorded: signed(r.get(7)?, r.get(8)?)?,
        checked: signed(r.get(9)?, r.get(10)?)?,
        approved: signed(r.get(11)?, r.get(12)?)?,
        ..DesaPeriod::empty(&desa, period)
    })
}

/// Fills in the counts and photos of a desa period.
fn complete(conn: &Connection, mut d: DesaPeriod) -> Result<DesaPeriod, StoreError> {
    let p = d.period.to_string();
    let (items, agreed): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(agreed), 0) FROM period_items \
         WHERE desa_code = ?1 AND period = ?2",
        params![d.desa_code, p],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    d.items = items as u64;
    d.agreed = agreed as u64;
    let mut photos = conn.prepare_cached(
        "SELECT sha256 FROM desa_period_photos WHERE desa_code = ?1 AND period = ?2 \
         ORDER BY added_at, sha256",
    )?;
    d.photos = photos
        .query_map(params![d.desa_code, p], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(d)
}

/// Puts `a` in its period unless it is in one already (the writer's transaction `conn`, a
/// push's or [`PeriodStore::note_arrivals`]'s); the period it is in.
pub(super) fn note_in(
    conn: &Connection,
    a: &Arrival,
    due: Period,
    at: &str,
) -> Result<Period, StoreError> {
    if let Some(known) = item_in(conn, &a.kind, &a.item_id)? {
        return Ok(known.period);
    }
    let period = first_open(due, |p| locked(conn, &a.desa_code, p))?;
    conn.prepare_cached(
        "INSERT INTO period_items (kind, item_id, desa_code, period, label, arrived_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        a.kind,
        a.item_id,
        a.desa_code,
        period.to_string(),
        a.label,
        at
    ])?;
    Ok(period)
}

/// The period `kind`/`item_id` is in, if it was noted, and whether it is locked.
pub(super) fn item_in(
    conn: &Connection,
    kind: &str,
    item_id: &str,
) -> Result<Option<ItemPeriod>, StoreError> {
    let row: Option<(String, String, bool)> = conn
        .prepare_cached(
            "SELECT i.desa_code, i.period, d.approved_at IS NOT NULL FROM period_items i \
             LEFT JOIN desa_periods d ON d.desa_code = i.desa_code AND d.period = i.period \
             WHERE i.kind = ?1 AND i.item_id = ?2",
        )?
        .query_row(params![kind, item_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((desa_code, p, locked)) = row else {
        return Ok(None);
    };
    Ok(Some(ItemPeriod {
        period: period_of(&p)?,
        desa_code,
        locked,
    }))
}

/// A supervisor's decision on record `hid` (of a stored `questionnaire`) refused because it
/// is a proposal of a locked desa period; read in the decision's own write transaction, so
/// it sees an approval committed before it, and an approval after it sees the decision.
pub(super) fn decision_refused(
    conn: &Connection,
    hid: &str,
    questionnaire: &str,
) -> Result<Option<RecordError>, StoreError> {
    Ok(item_in(conn, kind_of_stored(questionnaire), hid)?
        .filter(|p| p.locked)
        .map(|p| RecordError::PeriodLocked {
            desa_code: p.desa_code,
            period: p.period,
        }))
}

impl PeriodStore for SqliteStore {
    fn note_arrivals(&self, arrivals: &[Arrival], due: Period) -> Result<Vec<Period>, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let at = now();
            let out = arrivals
                .iter()
                .map(|a| note_in(&tx, a, due, &at))
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit()?;
            Ok(out)
        })
    }

    fn item_period(&self, kind: &str, item_id: &str) -> Result<Option<ItemPeriod>, StoreError> {
        self.read(|conn| item_in(conn, kind, item_id))
    }

    fn desa_periods(&self, scope: &Scope, period: Period) -> Result<Vec<DesaPeriod>, StoreError> {
        self.read(|conn| {
            let p = period.to_string();
            let mut desas = conn.prepare_cached(
                "SELECT desa_code FROM period_items WHERE period = ?1 \
                   AND substr(desa_code, 1, length(?2)) = ?2 \
                 UNION SELECT desa_code FROM desa_periods WHERE period = ?1 \
                   AND substr(desa_code, 1, length(?2)) = ?2 \
                 ORDER BY 1",
            )?;
            let codes: Vec<String> = desas
                .query_map(params![p, scope.sql_prefix()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            codes.iter().map(|desa| one(conn, desa, period)).collect()
        })
    }

    fn desa_period(&self, desa_code: &str, period: Period) -> Result<DesaPeriod, StoreError> {
        self.read(|conn| one(conn, desa_code, period))
    }

    fn period_items(&self, desa_code: &str, period: Period) -> Result<Vec<PeriodItem>, StoreError> {
        self.read(|conn| {
            let mut q = conn.prepare_cached(
                "SELECT kind, item_id, label, arrived_at, agreed FROM period_items \
                 WHERE desa_code = ?1 AND period = ?2 ORDER BY kind, item_id",
            )?;
            let rows = q.query_map(params![desa_code, period.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (kind, item_id, label, at, agreed) = row?;
                out.push(PeriodItem {
                    kind,
                    item_id,
                    desa_code: desa_code.to_owned(),
                    period,
                    label,
                    arrived_at: parse_time(&at)?,
                    agreed,
                });
            }
            Ok(out)
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
        guarded(self, desa_code, period, |tx, _| {
            tx.execute(
                "INSERT INTO desa_periods (desa_code, period, agreement, held_on, \
                   document_number, attendance, note, recorded_by, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (desa_code, period) DO UPDATE SET \
                   agreement = excluded.agreement, held_on = excluded.held_on, \
                   document_number = excluded.document_number, \
                   attendance = excluded.attendance, note = excluded.note, \
                   recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at, \
                   checked_by = NULL, checked_at = NULL",
                params![
                    desa_code,
                    p,
                    agreement.form.as_str(),
                    agreement.held_on.format("%Y-%m-%d").to_string(),
                    agreement.document_number,
                    agreement.attendance.map(i64::from),
                    agreement.note,
                    username,
                    now()
                ],
            )
            .map_err(StoreError::from)?;
            tx.execute(
                "UPDATE period_items SET agreed = 0 WHERE desa_code = ?1 AND period = ?2",
                params![desa_code, p],
            )
            .map_err(StoreError::from)?;
            for (kind, id) in agreed {
                let n = tx
                    .execute(
                        "UPDATE period_items SET agreed = 1 WHERE kind = ?1 AND item_id = ?2 \
                         AND desa_code = ?3 AND period = ?4",
                        params![kind, id, desa_code, p],
                    )
                    .map_err(StoreError::from)?;
                if n != 1 {
                    return Err(PeriodError::UnknownItem);
                }
            }
            Ok(())
        })
    }

    fn add_agreement_photo(
        &self,
        desa_code: &str,
        period: Period,
        sha256: &str,
        username: &str,
    ) -> Result<(), PeriodError> {
        let p = period.to_string();
        guarded(self, desa_code, period, |tx, d| {
            if d.agreement.is_none() {
                return Err(PeriodError::NoAgreement);
            }
            tx.execute(
                "INSERT INTO desa_period_photos (desa_code, period, sha256, added_by, added_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                params![desa_code, p, sha256, username, now()],
            )
            .map_err(StoreError::from)?;
            Ok(())
        })
    }

    fn check_period(
        &self,
        desa_code: &str,
        period: Period,
        username: &str,
    ) -> Result<(), PeriodError> {
        guarded(self, desa_code, period, |tx, d| {
            if d.agreement.is_none() {
                return Err(PeriodError::NoAgreement);
            }
            tx.execute(
                "UPDATE desa_periods SET checked_by = ?3, checked_at = ?4 \
                 WHERE desa_code = ?1 AND period = ?2",
                params![desa_code, period.to_string(), username, now()],
            )
            .map_err(StoreError::from)?;
            Ok(())
        })
    }

    fn approve_period(
        &self,
        desa_code: &str,
        period: Period,
        username: &str,
    ) -> Result<(), PeriodError> {
        guarded(self, desa_code, period, |tx, d| {
            let Some(checked) = &d.checked else {
                return Err(PeriodError::NotChecked);
            };
            if checked.username.eq_ignore_ascii_case(username) {
                return Err(PeriodError::SamePerson);
            }
            tx.execute(
                "UPDATE desa_periods SET approved_by = ?3, approved_at = ?4 \
                 WHERE desa_code = ?1 AND period = ?2",
                params![desa_code, period.to_string(), username, now()],
            )
            .map_err(StoreError::from)?;
            Ok(())
        })
    }
}

/// One desa period, complete.
fn one(conn: &Connection, desa: &str, period: Period) -> Result<DesaPeriod, StoreError> {
    let found = conn
        .query_row(
            &format!(
                "SELECT {DESA_PERIOD_COLUMNS} FROM desa_periods d \
                 WHERE d.desa_code = ?1 AND d.period = ?2"
            ),
            params![desa, period.to_string()],
            |r| Ok(desa_period_row(r)),
        )
        .optional()?
        .transpose()?;
    complete(
        conn,
        found.unwrap_or_else(|| DesaPeriod::empty(desa, period)),
    )
}

/// Runs `f` in one write transaction with the desa period as it is, after refusing a locked
/// one; commits when `f` succeeds.
fn guarded(
    store: &SqliteStore,
    desa: &str,
    period: Period,
    f: impl FnOnce(&rusqlite::Transaction<'_>, &DesaPeriod) -> Result<(), PeriodError>,
) -> Result<(), PeriodError> {
    let mut outcome: Result<(), PeriodError> = Ok(());
    store.write(|conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let d = one(&tx, desa, period)?;
        outcome = if d.locked() {
            Err(PeriodError::Locked {
                desa_code: desa.to_owned(),
                period,
            })
        } else {
            f(&tx, &d)
        };
        if outcome.is_ok() {
            tx.commit()?;
        }
        Ok(())
    })?;
    outcome
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use rusqlite::Connection;

    use super::super::{SqliteStore, MIGRATIONS};
    use crate::store::{AccountStore, NewUser, Role};

    /// Migration 0012 copies `users` (for the new role): ids, devices, tokens and sessions
    /// stay, the keys still hold, and a Kepala OPD can be created.
    #[test]
    fn migration_12_keeps_users_and_their_devices_and_allows_kepala_opd() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        {
            let c = Connection::open(&path).unwrap();
            for (_, sql) in &MIGRATIONS[..11] {
                c.execute_batch(sql).unwrap();
            }
            c.pragma_update(None, "user_version", 11).unwrap();
            c.execute_batch(
                "INSERT INTO users (id, username, password_hash, role, wilayah, created_at) \
                   VALUES (7, 'Ani', 'x', 'supervisor', '3201', '2026-11-01T00:00:00Z');
                 INSERT INTO devices VALUES (7, 'd1', 'hp', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
                 INSERT INTO tokens VALUES (x'00', 7, 'd1', '2026-11-01T00:00:00Z', NULL);",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path, 1).unwrap();
        let ani = store.credentials("ani").unwrap().unwrap().user;
        assert_eq!((ani.id.0, ani.role), (7, Role::Supervisor));
        store
            .create_user(NewUser {
                username: "kadis".into(),
                password_hash: "y".into(),
                role: Role::KepalaOpd,
                wilayah: "3201".into(),
            })
            .unwrap();
        assert_eq!(
            store.credentials("kadis").unwrap().unwrap().user.role,
            Role::KepalaOpd
        );
        store
            .write(|c| {
                let n: i64 =
                    c.query_row("SELECT count(*) FROM tokens WHERE user_id = 7", [], |r| {
                        r.get(0)
                    })?;
                assert_eq!(n, 1);
                // Foreign keys are back on: a device of no user is refused.
                assert!(c
                    .execute(
                        "INSERT INTO devices VALUES (99, 'd', 'x', '2026-01-01T00:00:00Z', \
                         '2026-01-01T00:00:00Z')",
                        [],
                    )
                    .is_err());
                Ok(())
            })
            .unwrap();
    }
}
