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

use super::households::time;
use super::{html_response, page, t, DashError, WebUser};
use crate::AppState;

/// At most this many households are listed.
const LIMIT: u32 = 1000;

/// `GET /dashboard/restore`
pub async fn page_handler(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let scope = user.scope();
    let store = state.backend.restores.clone();
    let (restores, resent) = tokio::task::spawn_blocking(move || {
        let restores = store.restores()?;
        let resent = store.resent_after_restore(&scope, LIMIT)?;
        Ok::<_, crate::store::StoreError>((restores, resent))
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))??;
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
                    (t(lang, "dipulihkan", "restored")) " " (time(newest.restored_at)) }
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
                                    td { (time(r.received_at)) }
                                }
                            }
                        }
                    }
                    @if resent.len() >= LIMIT as usize {
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
