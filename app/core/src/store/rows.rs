//! One record's row in `households`: reading it, writing its content with the search columns
//! and index, inserting and purging it, and the one edit path every change goes through.

use chrono::{DateTime, Utc};
use pendata_shared::{DeviceId, Questionnaire, RevisionId};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

use super::content::{Record, RecordContent};
use super::{now_text, parse_content, parse_rev, to_json, RecordState, Result, StoreError};

/// The row of a record, as edits need it.
pub(crate) struct Row {
    pub seq: i64,
    pub state: RecordState,
    pub revision: RevisionId,
    pub frozen: bool,
    pub base_revision: Option<RevisionId>,
    pub acked_revision: Option<RevisionId>,
    pub server_revision: Option<RevisionId>,
    pub questionnaire: Questionnaire,
    pub content: String,
    pub session_started_at: Option<String>,
}

impl Row {
    /// The content as `T`; `store.wrong_questionnaire` when the row holds the other form.
    pub fn parse<T: RecordContent>(&self) -> Result<T> {
        if !T::holds(self.questionnaire) {
            return Err(StoreError::WrongQuestionnaire {
                expected: T::QUESTIONNAIRE,
                found: self.questionnaire,
            });
        }
        parse_content(&self.content)
    }

    /// The content, whichever questionnaire it answers.
    pub fn record(&self) -> Result<Record> {
        Record::parse(self.questionnaire, &self.content)
    }
}

pub(crate) fn parse_questionnaire(s: &str) -> Result<Questionnaire> {
    Questionnaire::parse(s).ok_or_else(|| StoreError::Corrupt("questionnaire".into()))
}

pub(crate) fn load_row(conn: &Connection, id: &str) -> Result<Option<Row>> {
    let raw = conn
        .query_row(
            "SELECT seq, state, revision, revision_frozen, base_revision, acked_revision,
                    server_revision, content, session_started_at, questionnaire
             FROM households WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, String>(9)?,
                ))
            },
        )
        .optional()?;
    let Some((seq, state, revision, frozen, base, acked, server, content, session, q)) = raw else {
        return Ok(None);
    };
    Ok(Some(Row {
        seq,
        state: RecordState::parse(&state).ok_or_else(|| StoreError::Corrupt("state".into()))?,
        revision: revision
            .parse()
            .map_err(|_| StoreError::Corrupt("revision id".into()))?,
        frozen: frozen != 0,
        base_revision: parse_rev(base)?,
        acked_revision: parse_rev(acked)?,
        server_revision: parse_rev(server)?,
        questionnaire: parse_questionnaire(&q)?,
        content,
        session_started_at: session,
    }))
}

/// Write the content, the denormalised search and visit columns and the search index of an
/// existing row.
pub(crate) fn write_content<T: RecordContent>(
    tx: &Transaction<'_>,
    seq: i64,
    c: &T,
    state: RecordState,
    now: &str,
) -> Result<()> {
    let content = to_json(c)?;
    let sf = c.search_fields();
    let (kind, prelist) = c.kind();
    let visits = c.visit_columns();
    tx.execute(
        "UPDATE households SET content = ?2, state = ?3, kind = ?4, prelist_id = ?5,
                desa_code = ?6, head_name = ?7, address = ?8, member_count = ?9, updated_at = ?10,
                gc_outcome = ?11, gc_nobody_home = ?12, gc_last_visit_at = ?13,
                gc_awaits_revisit = ?14
         WHERE seq = ?1",
        params![
            seq,
            content,
            state.as_str(),
            kind,
            prelist,
            c.desa_code(),
            sf.head_name,
            sf.address,
            c.member_count() as i64,
            now,
            visits.outcome,
            visits.nobody_home,
            visits.last_visit_at,
            visits.awaits_revisit as i64
        ],
    )?;
    tx.execute("DELETE FROM household_search WHERE rowid = ?1", [seq])?;
    tx.execute(
        "INSERT INTO household_search (rowid, head_name, names, numbers, address, desa)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            seq,
            sf.head_name,
            sf.names,
            sf.numbers,
            sf.address,
            c.desa_code()
        ],
    )?;
    Ok(())
}

/// Insert a new record as a draft.
pub(crate) fn insert_record<T: RecordContent>(
    tx: &Transaction<'_>,
    c: &T,
    now: &str,
) -> Result<i64> {
    let (kind, _) = c.kind();
    tx.execute(
        "INSERT INTO households (id, content, state, revision, kind, desa_code, questionnaire,
                                 created_at, updated_at)
         VALUES (?1, '{}', 'draft', ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            c.record_id().to_string(),
            RevisionId::new().to_string(),
            kind,
            c.desa_code(),
            c.questionnaire().id(),
            now
        ],
    )?;
    let seq = tx.last_insert_rowid();
    write_content(tx, seq, c, RecordState::Draft, now)?;
    Ok(seq)
}

pub(crate) fn purge_household(tx: &Transaction<'_>, id: &str, seq: i64) -> Result<()> {
    tx.execute("DELETE FROM household_search WHERE rowid = ?1", [seq])?;
    tx.execute("DELETE FROM outbox WHERE household_id = ?1", [id])?;
    tx.execute("DELETE FROM households WHERE seq = ?1", [seq])?;
    Ok(())
}

/// Who is editing.
pub(crate) struct Actor<'a> {
    pub device_id: DeviceId,
    pub username: Option<&'a str>,
}

impl Actor<'_> {
    pub fn stamp<T: RecordContent>(&self, c: &mut T, now: DateTime<Utc>) {
        let i = c.interview_mut();
        i.last_saved_at = Some(now);
        i.device_id = Some(self.device_id);
        if let Some(u) = self.username {
            i.enumerator = Some(u.to_string());
        }
        if i.first_opened_at.is_none() {
            i.first_opened_at = Some(now);
        }
    }
}

/// Apply an edit to a stored record of type `T`: checks the state and the questionnaire, runs
/// `mutate`, makes a new revision when the current one has been queued, stamps the interview
/// metadata, writes the content as a draft and the audit rows. `mutate` returns the audit rows
/// (path, old, new). Returns whether anything changed.
pub(crate) fn edit<T, F>(
    tx: &Transaction<'_>,
    actor: &Actor<'_>,
    id: &str,
    mutate: F,
) -> Result<bool>
where
    T: RecordContent,
    F: FnOnce(&mut T) -> Result<Vec<(String, Value, Value)>>,
{
    let row = load_row(tx, id)?.ok_or(StoreError::NotFound)?;
    if row.state == RecordState::Deleted {
        return Err(StoreError::IllegalTransition {
            from: row.state,
            action: "edit",
        });
    }
    let before: T = row.parse()?;
    let mut c = before.clone();
    let changes = mutate(&mut c)?;
    if c == before {
        return Ok(false);
    }
    let now = Utc::now();
    let now_s = now_text(now);
    actor.stamp(&mut c, now);
    let revision = if row.frozen {
        let rev = RevisionId::new();
        let base = row.server_revision.or(row.acked_revision);
        // Revoke what still waits to be pushed: the new revision carries all of it.
        tx.execute(
            "DELETE FROM outbox WHERE household_id = ?1 AND status = 'pending'",
            [id],
        )?;
        tx.execute(
            "UPDATE households SET revision = ?2, revision_frozen = 0, base_revision = ?3
             WHERE seq = ?1",
            params![row.seq, rev.to_string(), base.map(|b| b.to_string())],
        )?;
        rev
    } else {
        row.revision
    };
    write_content(tx, row.seq, &c, RecordState::Draft, &now_s)?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO audit (household_id, revision, path, old_value, new_value, username, device_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (path, old, new) in changes {
        let old = (!old.is_null()).then(|| old.to_string());
        let new = (!new.is_null()).then(|| new.to_string());
        stmt.execute(params![
            id,
            revision.to_string(),
            path,
            old,
            new,
            actor.username,
            actor.device_id.to_string(),
            now_s
        ])?;
    }
    Ok(true)
}

/// Calls `$f::<Household>(args)`, `$f::<FamilyRecord>(args)` or `$f::<CaseRecord>(args)` by a
/// row's questionnaire.
macro_rules! by_questionnaire {
    ($q:expr, $f:ident ( $($arg:expr),* $(,)? )) => {
        match $q {
            pendata_shared::Questionnaire::DtksBdt => $f::<pendata_shared::Household>($($arg),*),
            pendata_shared::Questionnaire::Regsosek2022k => {
                $f::<pendata_shared::dtsen::FamilyRecord>($($arg),*)
            }
            pendata_shared::Questionnaire::KasusUsulSanggah
            | pendata_shared::Questionnaire::KasusReaktivasiPbiJk
            | pendata_shared::Questionnaire::KasusGraduasiPkh => {
                $f::<pendata_shared::cases::CaseRecord>($($arg),*)
            }
        }
    };
}
pub(crate) use by_questionnaire;

/// The questionnaire of the record `id`.
pub(crate) fn questionnaire_of(conn: &Connection, id: &str) -> Result<Questionnaire> {
    let q: String = conn
        .query_row(
            "SELECT questionnaire FROM households WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    parse_questionnaire(&q)
}
