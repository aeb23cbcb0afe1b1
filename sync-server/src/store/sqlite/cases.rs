//! Case work on SQLite ([`CaseStore`]): the `cases` table (migration 0011) beside the
//! households row that carries each case's assignment.

use chrono::NaiveDate;
use pendata_shared::HouseholdId;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::prelist::{assigned_row, put_assignment};
use super::rows::{from_json, parse_id, parse_time, prefix_sql, to_json};
use super::{now, SqliteStore};
use crate::store::cases::{case_key, CaseSource, CaseWithRecord};
use crate::store::packed::change_text;
use crate::store::{
    CaseImportSummary, CaseKind, CaseQuery, CaseRow, CaseStore, DecideError, NewCase, PbiDecision,
    PbiOutcome, Scope, StoreError,
};

const COLUMNS: &str = "c.id, c.kind, c.source_id, c.source, c.desa_code, c.assigned_to, \
     c.due_date, c.created_at, c.created_by, c.subject, c.decision, c.letter_no, c.letter_date, \
     c.update_due, c.refusal_reason, c.decided_by, c.decided_at, r.received_at, r.username";

const FROM: &str = "cases c JOIN households h ON h.id = c.id \
     LEFT JOIN revisions r ON r.revision = h.head_revision AND h.deleted = 0";

type Raw = [Option<String>; 19];

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    let mut out: Raw = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok(out)
}

fn date(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt("case date".into()))
}

fn need(v: &Option<String>, what: &str) -> Result<String, StoreError> {
    v.clone()
        .ok_or_else(|| StoreError::Corrupt(format!("case {what}")))
}

fn row(r: Raw) -> Result<CaseRow, StoreError> {
    let kind = CaseKind::parse(&need(&r[1], "kind")?)
        .ok_or_else(|| StoreError::Corrupt("case kind".into()))?;
    let source = match need(&r[3], "source")?.as_str() {
        "hand" => CaseSource::Hand,
        _ => CaseSource::Import,
    };
    let decision = match r[10].as_deref() {
        None => None,
        Some(d) => {
            let outcome = if d == "reactivated" {
                PbiOutcome::Reactivated {
                    letter_no: need(&r[11], "letter")?,
                    letter_date: date(&need(&r[12], "letter date")?)?,
                    dtsen_update_due: date(&need(&r[13], "update due")?)?,
                }
            } else {
                PbiOutcome::Refused {
                    reason: need(&r[14], "refusal")?,
                }
            };
            Some(PbiDecision {
                outcome,
                decided_by: need(&r[15], "decider")?,
                decided_at: parse_time(&need(&r[16], "decided at")?)?,
            })
        }
    };
    Ok(CaseRow {
        id: parse_id(&need(&r[0], "id")?)?,
        kind,
        source_id: need(&r[2], "source id")?,
        source,
        desa_code: need(&r[4], "desa")?,
        assigned_to: r[5].clone(),
        due_date: date(&need(&r[6], "due date")?)?,
        created_at: parse_time(&need(&r[7], "created at")?)?,
        created_by: r[8].clone(),
        subject: from_json(&need(&r[9], "subject")?)?,
        finding_at: r[17].as_deref().map(parse_time).transpose()?,
        finding_by: r[18].clone(),
        decision,
    })
}

fn one(conn: &Connection, id: &str, scope: &Scope) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = ?1");
    let found = conn
        .prepare_cached(&sql)?
        .query_row([id], raw)
        .optional()?
        .map(row)
        .transpose()?;
    Ok(found.filter(|c| scope.covers(&c.desa_code)))
}

/// What [`CaseStore::cases_with_records`] reads beside [`COLUMNS`]: the assignment and the
/// current revision's change.
const RECORD_COLUMNS: &str = ", h.assignment, r.change_json, r.change_packed";

/// The cases of `scope` and `query` by due date then id, each row read by `map`
/// ([`COLUMNS`] and then `extra`).
fn listed<T>(
    conn: &Connection,
    scope: &Scope,
    query: &CaseQuery,
    extra: &str,
    map: impl Fn(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let open = "(r.received_at IS NULL OR (c.kind = 'reaktivasi_pbi_jk' AND c.decision IS NULL))";
    let sql = format!(
        "SELECT {COLUMNS}{extra} FROM {FROM} WHERE {} AND (?2 IS NULL OR c.kind = ?2) \
         AND (?3 = 0 OR {open}) ORDER BY c.due_date, c.id LIMIT ?4",
        prefix_sql("c.desa_code", "?1")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![
        scope.sql_prefix(),
        query.kind.map(CaseKind::id),
        query.open_only,
        i64::from(query.limit)
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(map(r)?);
    }
    Ok(out)
}

impl CaseStore for SqliteStore {
    fn create_cases(&self, cases: &[NewCase]) -> Result<CaseImportSummary, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let at = now();
            let mut summary = CaseImportSummary::default();
            for c in cases {
                let key = case_key(c.kind, &c.source_id);
                let existing = assigned_row(&tx, &key)?;
                let mut assignment = c.assignment.clone();
                if let Some(row) = &existing {
                    assignment.household_id = row.id;
                }
                put_assignment(&tx, &key, &assignment, existing.as_ref(), &at)?;
                let id = assignment.household_id.to_string();
                let subject = to_json(&c.subject)?;
                match existing {
                    Some(_) => {
                        tx.prepare_cached(
                            "UPDATE cases SET desa_code = ?2, assigned_to = ?3, subject = ?4 \
                             WHERE id = ?1",
                        )?
                        .execute(params![
                            id,
                            c.desa_code,
                            c.assigned_to,
                            subject
                        ])?;
                        summary.updated += 1;
                    }
                    None => {
                        tx.prepare_cached(
                            "INSERT INTO cases (id, kind, source_id, source, desa_code, \
                             assigned_to, due_date, created_at, created_by, subject) \
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        )?
                        .execute(params![
                            id,
                            c.kind.id(),
                            c.source_id,
                            match c.source {
                                CaseSource::Import => "import",
                                CaseSource::Hand => "hand",
                            },
                            c.desa_code,
                            c.assigned_to,
                            c.due_date.format("%Y-%m-%d").to_string(),
                            at,
                            c.created_by,
                            subject
                        ])?;
                        summary.created += 1;
                    }
                }
            }
            tx.commit()?;
            Ok(summary)
        })
    }

    fn cases(&self, scope: &Scope, query: &CaseQuery) -> Result<Vec<CaseRow>, StoreError> {
        self.read(|conn| listed(conn, scope, query, "", |r| row(raw(r)?)))
    }

    fn cases_with_records(
        &self,
        scope: &Scope,
        query: &CaseQuery,
    ) -> Result<Vec<CaseWithRecord>, StoreError> {
        self.read(|conn| {
            listed(conn, scope, query, RECORD_COLUMNS, |r| {
                let case = row(raw(r)?)?;
                let assignment: Option<String> = r.get(19)?;
                let record = match case.finding_at {
                    Some(_) => {
                        let json: Option<String> = r.get(20)?;
                        let text = change_text(json.unwrap_or_default(), r.get(21)?)?;
                        CaseWithRecord::record_of(from_json(&text)?)
                    }
                    None => None,
                };
                Ok(CaseWithRecord {
                    case,
                    record,
                    assignment: assignment.as_deref().map(from_json).transpose()?,
                })
            })
        })
    }

    fn case(&self, id: HouseholdId, scope: &Scope) -> Result<Option<CaseRow>, StoreError> {
        self.read(|conn| one(conn, &id.to_string(), scope))
    }

    fn decide_pbi(
        &self,
        id: HouseholdId,
        scope: &Scope,
        outcome: &PbiOutcome,
        decided_by: &str,
    ) -> Result<CaseRow, DecideError> {
        let id = id.to_string();
        let result = self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(case) = one(&tx, &id, scope)? else {
                return Ok(Err(DecideError::NotFound));
            };
            if case.kind != CaseKind::ReaktivasiPbiJk {
                return Ok(Err(DecideError::NotPbi));
            }
            let day = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
            let (decision, letter_no, letter_date, update_due, refusal) = match outcome {
                PbiOutcome::Reactivated {
                    letter_no,
                    letter_date,
                    dtsen_update_due,
                } => (
                    "reactivated",
                    Some(letter_no.as_str()),
                    Some(day(letter_date)),
                    Some(day(dtsen_update_due)),
                    None,
                ),
                PbiOutcome::Refused { reason } => {
                    ("refused", None, None, None, Some(reason.as_str()))
                }
            };
            tx.execute(
                "UPDATE cases SET decision = ?2, letter_no = ?3, letter_date = ?4, \
                 update_due = ?5, refusal_reason = ?6, decided_by = ?7, decided_at = ?8 \
                 WHERE id = ?1",
                params![
                    id,
                    decision,
                    letter_no,
                    letter_date,
                    update_due,
                    refusal,
                    decided_by,
                    now()
                ],
            )?;
            let stored = one(&tx, &id, scope)?;
            tx.commit()?;
            Ok(stored.ok_or(DecideError::NotFound))
        })?;
        result
    }

    fn pbi_updates_due(&self, scope: &Scope, until: NaiveDate) -> Result<Vec<CaseRow>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE {} AND c.decision = 'reactivated' \
                 AND c.update_due <= ?2 ORDER BY c.update_due, c.id",
                prefix_sql("c.desa_code", "?1")
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![scope.sql_prefix(), until.format("%Y-%m-%d").to_string()],
                raw,
            )?;
            let mut out = Vec::new();
            for r in rows {
                out.push(row(r?)?);
            }
            Ok(out)
        })
    }
}

/// The questionnaire ids of the three case records (`pendata_shared::Questionnaire`).
const CASE_QUESTIONNAIRES: &str =
    "'kasus-usul-sanggah', 'kasus-reaktivasi-pbi-jk', 'kasus-graduasi-pkh'";

/// Part of migration 0011: the CHECK lists of `households.questionnaire`,
/// `households.assignment_kind` and `revisions.questionnaire` (0007) learn the case ids.
/// SQLite cannot alter a CHECK constraint; rebuilding `households` and `revisions` would copy
/// every row. A CHECK only widened is the change SQLite's documentation allows through
/// `writable_schema` (ALTER TABLE, "Making other kinds of table schema changes"): the stored
/// rows are untouched, the table text is edited, and the schema cookie is bumped so every
/// connection (this one included) reads the new text.
pub(super) fn widen_checks(tx: &Connection) -> Result<(), StoreError> {
    let q_old = "CHECK (questionnaire IN ('dtks-bdt', 'regsosek2022k'))";
    let q_new =
        format!("CHECK (questionnaire IN ('dtks-bdt', 'regsosek2022k', {CASE_QUESTIONNAIRES}))");
    let k_old = "CHECK (assignment_kind IN ('verivali', 'ground_check', 'usulan_baru'))";
    let k_new = "CHECK (assignment_kind IN ('verivali', 'ground_check', 'usulan_baru', \
                 'usul_sanggah', 'reaktivasi_pbi_jk', 'graduasi_pkh'))";
    let cookie: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    let edited = tx.execute(
        "UPDATE sqlite_schema SET sql = replace(replace(sql, ?1, ?2), ?3, ?4) \
         WHERE type = 'table' AND name IN ('households', 'revisions')",
        params![q_old, q_new, k_old, k_new],
    );
    tx.pragma_update(None, "writable_schema", false)?;
    edited?;
    let texts: Vec<String> = tx
        .prepare(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' \
             AND name IN ('households', 'revisions') ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if texts.len() != 2 || !texts[0].contains(k_new) || !texts.iter().all(|t| t.contains(&q_new)) {
        return Err(StoreError::Corrupt(
            "migration 0011: the households/revisions CHECK lists are not the ones 0007 made"
                .into(),
        ));
    }
    tx.pragma_update(None, "schema_version", cookie + 1)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn insert(
        conn: &Connection,
        id: &str,
        kind: &str,
        questionnaire: &str,
    ) -> rusqlite::Result<usize> {
        conn.execute(
            "INSERT INTO households (id, desa_code, review_state, created_at, updated_at, \
             assignment_kind, questionnaire) VALUES (?1, '3201022001', 'assigned', 'x', 'x', ?2, ?3)",
            params![id, kind, questionnaire],
        )
    }

    #[test]
    fn the_widened_checks_take_the_case_ids_at_once_and_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let s = SqliteStore::open(&path, 1).unwrap();
        s.write(|c| {
            insert(c, "a", "usul_sanggah", "kasus-usul-sanggah").unwrap();
            insert(c, "b", "reaktivasi_pbi_jk", "kasus-reaktivasi-pbi-jk").unwrap();
            assert!(insert(c, "c", "nonsense", "regsosek2022k").is_err());
            assert!(insert(c, "d", "verivali", "kasus-lain").is_err());
            Ok(())
        })
        .unwrap();
        drop(s);
        let s = SqliteStore::open(&path, 1).unwrap();
        s.write(|c| {
            insert(c, "e", "graduasi_pkh", "kasus-graduasi-pkh").unwrap();
            assert!(insert(c, "f", "graduasi", "dtks-bdt").is_err());
            let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            assert_eq!(ok, "ok");
            Ok(())
        })
        .unwrap();
    }
}
