//! `GET /dashboard/nik-ganda`: the same NIK in more than one record (issue 21).
//!
//! The index is brought up to date first ([`crate::nik_index::refresh`]), so a record that
//! arrived a moment ago is already counted. Each group is one person (never shown by NIK: the
//! index holds only keyed digests): the records of the supervisor's wilayah side by side, with
//! a link to each, and a count of the records outside it. The supervisor then marks one as
//! ganda in its review, or has it corrected.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::{html_response, page, t, DashError, WebUser};
use crate::nik_index::{refresh, RefreshError};
use crate::store::DuplicateNik;
use crate::AppState;

/// At most this many groups are listed.
const LIMIT: u32 = 500;

/// `GET /dashboard/nik-ganda`
pub async fn page_handler(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let scope = user.scope();
    let (store, key) = (state.backend.registry.clone(), state.nik_key.clone());
    let (stale, groups) = tokio::task::spawn_blocking(move || {
        let stale = match refresh(store.as_ref(), &key) {
            Ok(_) => None,
            Err(RefreshError::KeyMismatch) => Some(RefreshError::KeyMismatch),
            Err(RefreshError::Store(e)) => return Err(e),
        };
        Ok::<_, crate::store::StoreError>((stale, store.nik_duplicates(&scope, LIMIT)?))
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))??;
    let title = t(lang, "NIK ganda", "Duplicate NIKs");
    let body = html! {
        h1 { (title) }
        p { (t(lang,
            "NIK yang sama tercatat di lebih dari satu rumah tangga atau keluarga. Bandingkan datanya, lalu tandai salah satu sebagai ganda saat meninjaunya, atau minta petugas memperbaikinya.",
            "The same NIK is recorded in more than one household or family. Compare them, then mark one as a duplicate when you review it, or have the facilitator correct it.")) }
        @if let Some(e) = &stale {
            p.error role="alert" { (e.to_string()) " [" (e.code()) "]" }
        }
        @if groups.is_empty() {
            p.empty { (t(lang, "Tidak ada NIK ganda di wilayah Anda.", "No duplicate NIKs in your wilayah.")) }
        } @else {
            p { (groups.len()) " " (t(lang, "orang tercatat lebih dari sekali.", "people are recorded more than once.")) }
            @for g in &groups {
                (group(lang, g))
            }
            @if groups.len() >= LIMIT as usize {
                p { (t(lang, "Hanya 500 pertama yang ditampilkan.", "Only the first 500 are shown.")) }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}

fn group(lang: pendata_shared::Lang, g: &DuplicateNik) -> maud::Markup {
    html! {
        section.duplicate aria-label=(format!("{} {}", t(lang, "Kelompok", "Group"), g.group)) {
            table {
                caption { (t(lang, "Kelompok", "Group")) " " code { (g.group) } }
                thead { tr {
                    th scope="col" { (t(lang, "Nama anggota", "Member's name")) }
                    th scope="col" { (t(lang, "Desa", "Desa")) }
                    th scope="col" { (t(lang, "Kuesioner", "Questionnaire")) }
                    th scope="col" { (t(lang, "Catatan", "Record")) }
                } }
                tbody {
                    @for r in &g.records {
                        tr {
                            td { (r.member_name) }
                            td { (r.desa_code) }
                            td { @if r.questionnaire == "regsosek2022k" { "DTSEN" } @else { "DTKS" } }
                            td { a href=(format!("/dashboard/households/{}", r.household_id)) { (t(lang, "Buka", "Open")) } }
                        }
                    }
                }
            }
            @if g.outside_scope > 0 {
                p { "+ " (g.outside_scope) " " (t(lang,
                    "catatan lain di luar wilayah Anda (hubungi Dinsos wilayah itu).",
                    "other record(s) outside your wilayah (contact that area's Dinsos).")) }
            }
        }
    }
}
