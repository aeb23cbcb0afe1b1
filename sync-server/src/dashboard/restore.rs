//! `GET /dashboard/restore`: what came back after the server was restored from a backup.
//!
//! Supervisors' decisions made after the backup are lost with the old server, and the phones
//! send again what the server had accepted after it (docs/sync-protocol.md, "After a
//! restore"). This page lists, inside the supervisor's wilayah, the households with a revision
//! that was saved on a phone before the restore and arrived after it: data sent (again) across
//! the restore, to review again.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use rusqlite::params;

use super::{html_response, page, t, DashError, WebUser};
use crate::store::StoreError;
use crate::AppState;

/// At most this many households are listed.
const LIMIT: i64 = 1000;

/// One restore of the data.
struct RestoreRow {
    generation: i64,
    snapshot: String,
    restored_at: String,
}

/// A household sent across the restore.
struct ResentRow {
    id: String,
    desa_code: String,
    head_name: String,
    username: String,
    received_at: String,
}

/// The restores, newest first, and the households of `prefix` sent across the newest one.
fn read(
    conn: &rusqlite::Connection,
    prefix: &str,
) -> Result<(Vec<RestoreRow>, Vec<ResentRow>), StoreError> {
    let mut stmt = conn.prepare(
        "SELECT generation, snapshot, restored_at FROM server_restores ORDER BY generation DESC",
    )?;
    let restores = stmt
        .query_map([], |r| {
            Ok(RestoreRow {
                generation: r.get(0)?,
                snapshot: r.get(1)?,
                restored_at: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let Some(newest) = restores.first() else {
        return Ok((restores, Vec::new()));
    };
    let mut stmt = conn.prepare(
        "SELECT h.id, h.desa_code, h.head_name, r.username, max(r.received_at) \
         FROM revisions r JOIN households h ON h.id = r.household_id \
         WHERE r.received_at > ?1 AND r.saved_at < ?1 \
           AND substr(h.desa_code, 1, length(?2)) = ?2 \
         GROUP BY h.id ORDER BY h.desa_code, h.id LIMIT ?3",
    )?;
    let resent = stmt
        .query_map(params![newest.restored_at, prefix, LIMIT], |r| {
            Ok(ResentRow {
                id: r.get(0)?,
                desa_code: r.get(1)?,
                head_name: r.get(2)?,
                username: r.get(3)?,
                received_at: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((restores, resent))
}

/// `GET /dashboard/restore`
pub async fn page_handler(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let prefix = user.scope().sql_prefix().to_owned();
    // Restores are made on the SQLite data directory (PostgreSQL is restored with its own
    // tools and has no restore record to show here yet).
    let (restores, resent) = match state.backend.sqlite().cloned() {
        Some(db) => tokio::task::spawn_blocking(move || db.read(|c| read(c, &prefix)))
            .await
            .map_err(|e| DashError::Internal(e.to_string()))??,
        None => (Vec::new(), Vec::new()),
    };
    let title = t(
        lang,
        "Dikirim ulang sesudah pemulihan",
        "Sent again after a restore",
    );
    let body = html! {
        h1 { (title) }
        @match restores.first() {
            None => p.empty { (t(lang,
                "Server ini belum pernah dipulihkan dari cadangan.",
                "This server was never restored from a backup.")) }
            Some(newest) => {
                p { (t(lang,
                    "Server dipulihkan dari cadangan. Keputusan supervisor sesudah cadangan itu hilang; HP petugas mengirim ulang datanya. Tinjau ulang rumah tangga di bawah ini.",
                    "The server was restored from a backup. Supervisors' decisions made after that backup are lost; the phones sent their data again. Review the households below again.")) }
                p { (t(lang, "Generasi", "Generation")) " " (newest.generation) ", "
                    (t(lang, "cadangan", "backup")) " " (newest.snapshot) ", "
                    (t(lang, "dipulihkan", "restored")) " " (newest.restored_at) }
                @if resent.is_empty() {
                    p.empty { (t(lang, "Belum ada yang dikirim ulang.", "Nothing was sent again yet.")) }
                } @else {
                    table {
                        thead { tr {
                            th { (t(lang, "Kepala rumah tangga", "Head of household")) }
                            th { (t(lang, "Desa", "Desa")) }
                            th { (t(lang, "Dikirim oleh", "Sent by")) }
                            th { (t(lang, "Diterima", "Received")) }
                        } }
                        tbody {
                            @for r in &resent {
                                tr {
                                    td { a href=(format!("/dashboard/households/{}", r.id)) {
                                        @if r.head_name.is_empty() { "(" (t(lang, "tanpa nama", "no name")) ")" } @else { (r.head_name) }
                                    } }
                                    td { (r.desa_code) }
                                    td { (r.username) }
                                    td { (r.received_at) }
                                }
                            }
                        }
                    }
                    @if resent.len() as i64 >= LIMIT {
                        p { (t(lang, "Hanya 1000 pertama yang ditampilkan.", "Only the first 1000 are shown.")) }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}
