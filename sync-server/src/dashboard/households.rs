//! Review queue, household detail (review), conflicts (resolve) and scoped photos. Every read
//! and write goes through the record store with the user's wilayah scope, as the API does.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use pendata_shared::codes::CodeList;
use pendata_shared::dtsen::validate_family;
use pendata_shared::model::InterviewMeta;
use pendata_shared::photo;
use pendata_shared::photos::PhotoRef;
use pendata_shared::protocol::{
    Change, ConflictReason, ResolveRequest, ReviewDecision, ReviewRequest,
};
use pendata_shared::validate::{validate_household, Context, Severity};
use pendata_shared::{Household, HouseholdId, Lang, Questionnaire, RevisionId};
use serde::Deserialize;

use super::month_access::{may_verify, verifier_only};
use super::{csrf_field, html_response, page, t, wilayah_name, DashError, WebUser};
use crate::handlers::households::MAX_NOTE_CHARS;
use crate::store::{
    HouseholdDetail, HouseholdSummary, ListQuery, RecordError, ReviewState, RevisionInfo,
    StateFilter,
};
use crate::AppState;

const PAGE_SIZE: u32 = 50;

/// A household id from the path; anything else is "not found" (ids are UUIDs).
fn household_id(raw: &str) -> Result<HouseholdId, DashError> {
    crate::handlers::households::parse_household_id(raw).map_err(|_| DashError::NotFound)
}

impl From<RecordError> for DashError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::NotFound => DashError::NotFound,
            RecordError::NotCurrent { .. } => DashError::bad_request(
                "review.not_current",
                "Revisi ini bukan revisi terkini rumah tangga tersebut; muat ulang halaman.",
                "This is not the household's current revision; reload the page.",
            ),
            RecordError::UnknownRevision => DashError::bad_request(
                "resolve.unknown_revision",
                "Revisi yang dipilih bukan revisi rumah tangga ini.",
                "The chosen revision is not a revision of this household.",
            ),
            RecordError::NoOpenConflict => DashError::bad_request(
                "resolve.no_conflict",
                "Rumah tangga ini tidak punya konflik terbuka; tidak ada yang diubah.",
                "This household has no open conflict; nothing was changed.",
            ),
            RecordError::NotACandidate => DashError::bad_request(
                "resolve.not_a_candidate",
                "Revisi yang dipilih bukan revisi terkini maupun revisi yang berkonflik; muat ulang halaman.",
                "The chosen revision is neither the current one nor a conflicting one; reload the page.",
            ),
            RecordError::PeriodLocked { desa_code, period } => super::month_access::refusal(
                crate::store::period::PeriodError::Locked { desa_code, period },
            ),
            RecordError::Store(e) => DashError::Internal(e.to_string()),
        }
    }
}

fn state_label(lang: Lang, s: ReviewState) -> &'static str {
    match s {
        ReviewState::Assigned => t(lang, "ditugaskan", "assigned"),
        ReviewState::Submitted => t(lang, "menunggu tinjauan", "awaiting review"),
        ReviewState::Approved => t(lang, "disetujui", "approved"),
        ReviewState::Rejected => t(lang, "ditolak", "rejected"),
    }
}

fn filter_of(s: &str) -> Option<StateFilter> {
    Some(match s {
        "assigned" => StateFilter::Assigned,
        "submitted" => StateFilter::Submitted,
        "approved" => StateFilter::Approved,
        "rejected" => StateFilter::Rejected,
        "conflict" => StateFilter::Conflict,
        "incomplete" => StateFilter::Incomplete,
        "deleted" => StateFilter::Deleted,
        _ => return None,
    })
}

pub(super) fn time(ts: chrono::DateTime<chrono::Utc>) -> String {
    ts.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[derive(Deserialize)]
pub struct QueueParams {
    state: Option<String>,
    desa: Option<String>,
    after: Option<String>,
}

/// The list of households of a state inside the user's wilayah (one page).
async fn list_page(
    state: &AppState,
    user: &WebUser,
    filter: Option<StateFilter>,
    desa: Option<String>,
    after: Option<String>,
) -> Result<(Vec<HouseholdSummary>, Option<HouseholdId>), DashError> {
    if let Some(d) = &desa {
        if d.is_empty() || d.len() > 10 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DashError::bad_request(
                "household.bad_desa",
                "Kode wilayah harus 1-10 angka tanpa titik",
                "The region code must be 1-10 digits without dots",
            ));
        }
    }
    let after = match after.as_deref() {
        None | Some("") => None,
        Some(a) => Some(household_id(a).map_err(|_| {
            DashError::bad_request("request.bad_cursor", "Halaman tidak sah", "Bad page cursor")
        })?),
    };
    let scope = user.scope();
    let query = ListQuery {
        state: filter,
        desa,
        limit: PAGE_SIZE + 1,
        after,
    };
    let mut items = state.records(move |s| s.list(&scope, &query)).await?;
    let next = if items.len() > PAGE_SIZE as usize {
        items.truncate(PAGE_SIZE as usize);
        items.last().map(|h| h.id)
    } else {
        None
    };
    Ok((items, next))
}

fn summary_table(lang: Lang, items: &[HouseholdSummary]) -> Markup {
    html! {
        @if items.is_empty() {
            p.empty { (t(lang, "Tidak ada rumah tangga.", "No households.")) }
        } @else {
            table.list {
                thead { tr {
                    th { (t(lang, "Kepala rumah tangga / keluarga", "Head of household / family")) }
                    th { (t(lang, "Desa/kelurahan", "Village")) }
                    th { (t(lang, "Status", "State")) }
                    th { (t(lang, "Petugas", "Facilitator")) }
                    th { (t(lang, "Diperbarui", "Updated")) }
                } }
                tbody {
                    @for h in items {
                        tr data-household=(h.id) {
                            td {
                                a href=(format!("/dashboard/households/{}", h.id)) {
                                    @if h.head_name.is_empty() { "—" } @else { (h.head_name) }
                                }
                                @if h.questionnaire == Questionnaire::Regsosek2022k {
                                    " " span.badge.dtsen { (t(lang, "keluarga DTSEN", "DTSEN family")) }
                                }
                            }
                            td { (wilayah_name(&h.desa_code)) }
                            td {
                                (state_label(lang, h.review_state))
                                @if h.open_conflicts > 0 {
                                    " " a.badge.conflict href=(format!("/dashboard/households/{}/conflict", h.id)) {
                                        (t(lang, "konflik", "conflict")) " (" (h.open_conflicts) ")"
                                    }
                                }
                                @if h.incomplete { " " span.badge { (t(lang, "foto belum lengkap", "photos missing")) } }
                                @if h.deleted { " " span.badge { (t(lang, "ditarik", "withdrawn")) } }
                            }
                            td { (h.assigned_to.as_deref().unwrap_or("—")) }
                            td { (time(h.updated_at)) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /dashboard/households?state=submitted&desa=…&after=…` (the review queue).
pub async fn queue(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<QueueParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let state_name = q.state.clone().unwrap_or_else(|| "submitted".into());
    let filter = if state_name == "all" {
        None
    } else {
        Some(filter_of(&state_name).ok_or_else(|| {
            DashError::bad_request("request.bad_query", "Status tidak dikenal", "Unknown state")
        })?)
    };
    let desa = q.desa.clone().filter(|d| !d.is_empty());
    let (items, next) = list_page(&state, &user, filter, desa.clone(), q.after).await?;
    let states = [
        ("submitted", t(lang, "menunggu tinjauan", "awaiting review")),
        ("approved", t(lang, "disetujui", "approved")),
        ("rejected", t(lang, "ditolak", "rejected")),
        ("conflict", t(lang, "konflik", "conflict")),
        (
            "incomplete",
            t(lang, "foto belum lengkap", "photos missing"),
        ),
        ("assigned", t(lang, "ditugaskan", "assigned")),
        ("deleted", t(lang, "ditarik", "withdrawn")),
        ("all", t(lang, "semua", "all")),
    ];
    let title = t(lang, "Antrean tinjauan", "Review queue");
    let body = html! {
        h1 { (title) }
        form.filters method="get" action="/dashboard/households" {
            label { (t(lang, "Status", "State"))
                select name="state" {
                    @for (v, l) in states {
                        option value=(v) selected[v == state_name] { (l) }
                    }
                }
            }
            label { (t(lang, "Kode wilayah (opsional)", "Region code (optional)"))
                input type="text" name="desa" inputmode="numeric" maxlength="10" value=(desa.as_deref().unwrap_or(""));
            }
            button type="submit" { (t(lang, "Tampilkan", "Show")) }
        }
        (summary_table(lang, &items))
        @if let Some(n) = next {
            p { a href=(format!("/dashboard/households?state={state_name}&desa={}&after={n}", desa.as_deref().unwrap_or(""))) {
                (t(lang, "Halaman berikutnya", "Next page")) " →"
            } }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}

/// `GET /dashboard/conflicts`: households with open conflicts.
pub async fn conflicts(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<QueueParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let (items, next) =
        list_page(&state, &user, Some(StateFilter::Conflict), None, q.after).await?;
    let title = t(lang, "Konflik", "Conflicts");
    let body = html! {
        h1 { (title) }
        p { (t(lang,
            "Rumah tangga yang dikirim oleh dua perangkat dengan isi berbeda. Buka untuk membandingkan dan memilih.",
            "Households sent by two devices with different content. Open one to compare and choose.")) }
        (summary_table(lang, &items))
        @if let Some(n) = next {
            p { a href=(format!("/dashboard/conflicts?after={n}")) { (t(lang, "Halaman berikutnya", "Next page")) " →" } }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}

async fn load(
    state: &AppState,
    user: &WebUser,
    id: HouseholdId,
) -> Result<HouseholdDetail, DashError> {
    let scope = user.scope();
    state
        .records(move |s| s.get(id, &scope))
        .await?
        .ok_or(DashError::NotFound)
}

fn label<T: CodeList>(lang: Lang, v: Option<T>) -> String {
    match v {
        Some(c) => format!("{} ({})", c.label(lang), c.code()),
        None => "—".into(),
    }
}

pub(super) fn opt_text(v: Option<&str>) -> &str {
    match v {
        Some(s) if !s.is_empty() => s,
        _ => "—",
    }
}

fn members_table(lang: Lang, h: &Household) -> Markup {
    html! {
        table.list.members {
            thead { tr {
                th { "#" }
                th { (t(lang, "Nama", "Name")) }
                th { "NIK" }
                th { (t(lang, "Hubungan dgn KRT", "Relation to head")) }
                th { (t(lang, "Jenis kelamin", "Sex")) }
                th { (t(lang, "Tanggal lahir", "Birth date")) }
                th { (t(lang, "Status kawin", "Marital status")) }
                th { (t(lang, "Disabilitas", "Disability")) }
                th { (t(lang, "Partisipasi sekolah", "School participation")) }
                th { (t(lang, "Bekerja minggu lalu", "Worked last week")) }
                th { (t(lang, "Keberadaan", "Presence")) }
            } }
            tbody {
                @for (i, m) in h.members.iter().enumerate() {
                    tr {
                        td { (i + 1) }
                        td { (m.name) }
                        td.mono { (opt_text(m.nik.as_deref())) }
                        td { (label(lang, m.relation_to_head)) }
                        td { (label(lang, m.sex)) }
                        td { (m.birth_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                        td { (label(lang, m.marital_status)) }
                        td { (label(lang, m.disability)) }
                        td { (label(lang, m.school_participation)) }
                        td { (label(lang, m.worked_last_week)) }
                        td { (label(lang, m.presence)) }
                    }
                }
            }
        }
    }
}

fn reason_label(lang: Lang, r: ConflictReason) -> &'static str {
    match r {
        ConflictReason::SameRevisionDifferentContent => t(
            lang,
            "revisi sama, isi berbeda",
            "same revision, different content",
        ),
        ConflictReason::StaleBase => t(lang, "berdasarkan revisi lama", "based on an old revision"),
        ConflictReason::ExistsWithoutBase => {
            t(lang, "dibuka di dua perangkat", "opened on two devices")
        }
    }
}

fn revision_state_label(lang: Lang, s: &str) -> &'static str {
    match s {
        "current" => t(lang, "terkini", "current"),
        "superseded" => t(lang, "digantikan", "superseded"),
        "conflict" => t(lang, "konflik", "conflict"),
        "resolved_away" => t(lang, "tidak dipilih", "not kept"),
        _ => "?",
    }
}

/// The record's photos as thumbnails (full size on click), those the server still waits for
/// marked.
pub(super) fn photos_section(lang: Lang, photos: &[PhotoRef], missing: &[&str]) -> Markup {
    html! {
        section {
            h2 { (t(lang, "Foto", "Photos")) " (" (photos.len()) ")" }
            div.photos {
                @for p in photos {
                    figure {
                        @if missing.contains(&p.sha256.as_str()) {
                            div.missing { (t(lang, "belum diterima server", "not yet received")) }
                        } @else {
                            a href=(format!("/dashboard/photos/{}", p.sha256)) target="_blank" {
                                img src=(format!("/dashboard/photos/{}?size=thumb", p.sha256)) loading="lazy"
                                    width="180" alt=(p.kind.label_id()) class="thumb";
                            }
                        }
                        figcaption {
                            (match lang { Lang::Id => p.kind.label_id(), Lang::En => p.kind.label_en() })
                            br; (p.width) "×" (p.height) " · " (time(p.taken_at))
                        }
                    }
                }
            }
        }
    }
}

/// The shared validator's findings, run again on the server.
pub(super) fn findings_section(lang: Lang, findings: &[pendata_shared::Finding]) -> Markup {
    html! {
        section {
            h2 { (t(lang, "Temuan validasi", "Validation findings")) }
            @if findings.is_empty() {
                p #findings-none { (t(lang, "Tidak ada temuan.", "No findings.")) }
            } @else {
                ul.findings {
                    @for f in findings {
                        li class=(if f.severity == Severity::Error { "error" } else { "warning" }) {
                            strong { (if f.severity == Severity::Error { t(lang, "Galat", "Error") } else { t(lang, "Peringatan", "Warning") }) }
                            " " code { (f.path) } ": " (f.message_in(lang))
                        }
                    }
                }
            }
        }
    }
}

/// Who captured the record, when, on which device, and the facilitator's notes.
pub(super) fn interview_section(lang: Lang, i: &InterviewMeta, notes: Option<&str>) -> Markup {
    html! {
        section {
            h2 { (t(lang, "Metadata wawancara", "Interview metadata")) }
            dl {
                dt { (t(lang, "Petugas", "Facilitator")) } dd { (opt_text(i.enumerator.as_deref())) }
                dt { (t(lang, "Dibuka", "Opened")) } dd { (i.first_opened_at.map(time).unwrap_or_else(|| "—".into())) }
                dt { (t(lang, "Terakhir disimpan", "Last saved")) } dd { (i.last_saved_at.map(time).unwrap_or_else(|| "—".into())) }
                dt { (t(lang, "Final", "Finalized")) } dd { (i.finalized_at.map(time).unwrap_or_else(|| "—".into())) }
                dt { (t(lang, "Durasi", "Duration")) } dd { (i.duration_ms / 60_000) " " (t(lang, "menit", "min")) }
                dt { (t(lang, "Perangkat", "Device")) } dd { code { (i.device_id.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) } }
                @if let Some(n) = notes { dt { (t(lang, "Catatan petugas", "Facilitator's notes")) } dd { (n) } }
            }
        }
    }
}

/// `GET /dashboard/households/{id}`
pub async fn detail(
    State(state): State<AppState>,
    user: WebUser,
    Path(raw): Path<String>,
) -> Result<Response, DashError> {
    let id = household_id(&raw)?;
    let d = load(&state, &user, id).await?;
    let lang = user.lang;
    let s = &d.summary;
    let current = d.revisions.iter().find(|r| r.state == "current");
    // Dates are checked on the record's own calendar: its desa's WIB/WITA/WIT day.
    let today_of = |desa: &str| Context::embedded(crate::month::today_in(desa));
    // A DTSEN family's content is its current revision's (the store's `household` is DTKS only).
    let family = current.and_then(|r| match &r.change {
        Change::UpsertFamily { family } if !s.deleted => Some(family.as_ref()),
        _ => None,
    });
    let findings = match (&d.household, family) {
        (Some(h), _) => validate_household(h, &today_of(&h.location.desa_code)),
        (None, Some(f)) => {
            validate_family(f, &today_of(&f.location.desa_code), &state.config.dtsen)
        }
        (None, None) => Vec::new(),
    };
    let desil = super::desil::of_record(&state, d.household.as_ref(), family).await?;
    // A proposal of a ratified desa period takes no more decisions: say so instead of forms.
    let kind = crate::store::period::kind_of(s.questionnaire);
    let locked = crate::month::lock_of(&state, kind, id.to_string(), user.scope())
        .await?
        .map(|e| {
            let (id_text, en) = e.message();
            if lang == Lang::Id {
                id_text
            } else {
                en
            }
        });
    let missing: Vec<&str> = current
        .map(|r| r.missing_photos.iter().map(|p| p.as_str()).collect())
        .unwrap_or_default();
    let title = if s.head_name.is_empty() && family.is_some() {
        t(lang, "Keluarga", "Family").to_owned()
    } else if s.head_name.is_empty() {
        t(lang, "Rumah tangga", "Household").to_owned()
    } else {
        s.head_name.clone()
    };
    let body = html! {
        h1 { (title) }
        p.meta {
            (t(lang, "Status", "State")) ": " strong #review-state { (state_label(lang, s.review_state)) }
            @if s.open_conflicts > 0 {
                " · " a.badge.conflict #conflict-link href=(format!("/dashboard/households/{id}/conflict")) {
                    (t(lang, "konflik terbuka", "open conflicts")) ": " (s.open_conflicts)
                }
            }
            @if s.incomplete { " · " span.badge { (t(lang, "menunggu foto", "waiting for photos")) } }
            @if s.deleted { " · " span.badge { (t(lang, "ditarik oleh petugas", "withdrawn by the facilitator")) } }
            br;
            (t(lang, "Kuesioner", "Questionnaire")) ": " span #questionnaire { (s.questionnaire.text().get(lang)) }
            br;
            (t(lang, "Id rumah tangga", "Household id")) ": " code { (s.id) }
            @if let Some(p) = &s.prelist_id { " · prelist " code { (p) } }
        }

        section {
            h2 { (t(lang, "Alamat dan lokasi", "Address and location")) }
            dl {
                dt { (t(lang, "Wilayah", "Region")) } dd { (wilayah_name(&s.desa_code)) " (" (pendata_shared::wilayah::dotted(&s.desa_code)) ")" }
                @if let Some(h) = &d.household {
                    dt { "RT/RW" } dd { (opt_text(h.location.rt.as_deref())) " / " (opt_text(h.location.rw.as_deref())) }
                    dt { (t(lang, "Alamat", "Address")) } dd { (h.location.address) }
                    dt { (t(lang, "Geotag", "Geotag")) } dd {
                        @if let Some(g) = &h.geotag {
                            span #geotag { (format!("{:.6}, {:.6}", g.latitude, g.longitude)) }
                            @if let Some(a) = g.accuracy_m { " ±" (format!("{a:.0}")) " m" }
                            " (" (time(g.fix_time)) ")"
                        } @else { "—" }
                    }
                } @else if let Some(a) = &d.assignment {
                    dt { "RT/RW" } dd { (opt_text(a.rt.as_deref())) " / " (opt_text(a.rw.as_deref())) }
                    dt { (t(lang, "Alamat", "Address")) } dd { (a.address) }
                }
                dt { (t(lang, "Ditugaskan ke", "Assigned to")) } dd { (opt_text(s.assigned_to.as_deref())) }
                (super::desil::desil_entry(lang, &desil))
            }
        }

        @if let Some(h) = &d.household {
            section {
                h2 { (t(lang, "Anggota rumah tangga", "Household members")) }
                (members_table(lang, h))
            }
            section {
                h2 { (t(lang, "Perumahan", "Housing")) }
                dl {
                    dt { (t(lang, "Status bangunan", "Ownership")) } dd { (label(lang, h.housing.ownership)) }
                    dt { (t(lang, "Lantai", "Floor")) } dd { (label(lang, h.housing.floor)) }
                    dt { (t(lang, "Dinding", "Wall")) } dd { (label(lang, h.housing.wall)) }
                    dt { (t(lang, "Atap", "Roof")) } dd { (label(lang, h.housing.roof)) }
                    dt { (t(lang, "Air minum", "Drinking water")) } dd { (label(lang, h.housing.drinking_water)) }
                    dt { (t(lang, "Penerangan", "Lighting")) } dd { (label(lang, h.housing.lighting)) }
                    dt { (t(lang, "Bahan bakar memasak", "Cooking fuel")) } dd { (label(lang, h.housing.cooking_fuel)) }
                    dt { (t(lang, "Fasilitas BAB", "Toilet")) } dd { (label(lang, h.housing.toilet_facility)) }
                    dt { (t(lang, "Status keberadaan", "Household status")) } dd { (label(lang, h.verivali.household_status)) }
                    dt { (t(lang, "Hasil verivali", "Verivali result")) } dd { (label(lang, h.verivali.result)) }
                }
            }
            (findings_section(lang, &findings))
            (photos_section(lang, &h.photos, &missing))
            (interview_section(lang, &h.interview, h.notes.as_deref()))
        }
        @if let Some(f) = family {
            (super::family::sections(lang, f, &findings, &missing, &state.config.dtsen))
        }

        @if let Some(note) = &locked {
            p.note #period-locked { (note) }
        } @else if let (Some(rev), false) = (current, s.deleted) {
            @if may_verify(&user) {
                section.decide {
                    h2 { (t(lang, "Keputusan", "Decision")) }
                    form method="post" action=(format!("/dashboard/households/{id}/review")) {
                        (csrf_field(&user))
                        input type="hidden" name="revision" value=(rev.revision);
                        input type="hidden" name="decision" value="approved";
                        button type="submit" id="approve" { (t(lang, "Setujui", "Approve")) }
                    }
                    form method="post" action=(format!("/dashboard/households/{id}/review")) {
                        (csrf_field(&user))
                        input type="hidden" name="revision" value=(rev.revision);
                        input type="hidden" name="decision" value="rejected";
                        label { (t(lang, "Catatan penolakan (wajib; dikirim ke petugas)", "Rejection note (required; sent to the facilitator)"))
                            textarea name="note" id="reject-note" required maxlength=(MAX_NOTE_CHARS) rows="3" {}
                        }
                        button type="submit" id="reject" { (t(lang, "Tolak", "Reject")) }
                    }
                }
            } @else {
                (verifier_only(lang))
            }
        }

        section {
            h2 { (t(lang, "Jejak audit", "Audit trail")) }
            table.list #audit {
                thead { tr {
                    th { (t(lang, "Waktu", "Time")) }
                    th { (t(lang, "Kejadian", "Event")) }
                    th { (t(lang, "Oleh", "By")) }
                    th { (t(lang, "Keterangan", "Details")) }
                } }
                tbody {
                    @for e in audit(lang, &d) {
                        tr { td { (time(e.0)) } td { (e.1) } td { (e.2) } td { (e.3) } }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, &title, Some(&user), body),
    ))
}

/// The household's history, oldest first: revisions received and decisions made.
fn audit(
    lang: Lang,
    d: &HouseholdDetail,
) -> Vec<(chrono::DateTime<chrono::Utc>, String, String, String)> {
    let mut rows = Vec::new();
    for r in &d.revisions {
        let what = match r.change {
            Change::Upsert { .. } | Change::UpsertFamily { .. } | Change::UpsertCase { .. } => {
                t(lang, "revisi diterima", "revision received")
            }
            Change::Delete => t(lang, "penarikan diterima", "withdrawal received"),
        };
        let mut details = format!(
            "{} {} · {}",
            t(lang, "revisi", "revision"),
            short(&r.revision),
            revision_state_label(lang, &r.state)
        );
        if let Some(reason) = r.conflict_reason {
            details.push_str(&format!(" ({})", reason_label(lang, reason)));
        }
        if r.incomplete {
            details.push_str(&format!(
                " · {}",
                t(lang, "foto belum lengkap", "photos missing")
            ));
        }
        rows.push((
            r.received_at,
            what.to_owned(),
            format!("{} ({})", r.username, short_uuid(&r.device_id.to_string())),
            details,
        ));
    }
    for v in &d.reviews {
        let what = match v.decision {
            ReviewDecision::Approved => t(lang, "disetujui", "approved"),
            ReviewDecision::Rejected => t(lang, "ditolak", "rejected"),
        };
        rows.push((
            v.decided_at,
            what.to_owned(),
            v.reviewer.clone(),
            format!(
                "{} {}{}",
                t(lang, "revisi", "revision"),
                short(&v.revision),
                v.note
                    .as_deref()
                    .map(|n| format!(" · {n}"))
                    .unwrap_or_default()
            ),
        ));
    }
    rows.sort_by_key(|r| r.0);
    rows
}

fn short(r: &RevisionId) -> String {
    short_uuid(&r.to_string())
}

fn short_uuid(s: &str) -> String {
    s.chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    revision: String,
    decision: String,
    note: Option<String>,
}

/// `POST /dashboard/households/{id}/review`: the store's review, as the API calls it. The
/// note reaches the device with its next pull.
pub async fn review(
    State(state): State<AppState>,
    user: WebUser,
    Path(raw): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, DashError> {
    user.check_csrf(&form.csrf)?;
    super::month_access::require_verifier(&user)?;
    let id = household_id(&raw)?;
    let revision: RevisionId = form.revision.parse().map_err(|_| {
        DashError::bad_request("review.bad_revision", "Revisi tidak sah", "Bad revision id")
    })?;
    let decision = match form.decision.as_str() {
        "approved" => ReviewDecision::Approved,
        "rejected" => ReviewDecision::Rejected,
        _ => {
            return Err(DashError::bad_request(
                "review.bad_decision",
                "Keputusan harus approved atau rejected",
                "The decision must be approved or rejected",
            ))
        }
    };
    let note = form
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if decision == ReviewDecision::Rejected && note.is_none() {
        return Err(DashError::bad_request(
            "review.note_required",
            "Tuliskan catatan alasan penolakan.",
            "A note is required to reject.",
        ));
    }
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(DashError::bad_request(
            "review.note_too_long",
            format!("Catatan paling banyak {MAX_NOTE_CHARS} karakter."),
            format!("The note is longer than {MAX_NOTE_CHARS} characters."),
        ));
    }
    let req = ReviewRequest {
        revision,
        decision,
        note: note.map(str::to_owned),
    };
    let scope = user.scope();
    let reviewer = user.username.clone();
    let outcome = state
        .records(move |s| Ok(s.review(id, &req, &reviewer, &scope)))
        .await??;
    tracing::info!(household = %id, reviewer = %user.username, decision = ?outcome.decision, "dashboard review");
    Ok(Redirect::to(&format!("/dashboard/households/{id}")).into_response())
}

/// Flattens a JSON value into `path → text` (leaves only).
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        serde_json::Value::Array(a) => {
            if a.is_empty() {
                out.insert(prefix.to_owned(), "[]".into());
            }
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        serde_json::Value::Null => {
            out.insert(prefix.to_owned(), "—".into());
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

fn fields_of(r: &RevisionInfo) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match &r.change {
        Change::Upsert { household } => {
            if let Ok(v) = serde_json::to_value(household) {
                flatten("", &v, &mut out);
            }
        }
        Change::UpsertFamily { family } => {
            if let Ok(v) = serde_json::to_value(family) {
                flatten("", &v, &mut out);
            }
        }
        Change::UpsertCase { case } => {
            if let Ok(v) = serde_json::to_value(case) {
                flatten("", &v, &mut out);
            }
        }
        Change::Delete => {
            out.insert("(delete)".into(), "tombstone".into());
        }
    }
    out
}

/// Where a flattened field path sorts on the conflict page: the parts a supervisor compares
/// first (location, status, members, housing, programmes), then the photos, then the
/// interview's bookkeeping.
fn section_rank(path: &str) -> u8 {
    let top = path.split(['.', '[']).next().unwrap_or_default();
    match top {
        "location" | "geotag" => 0,
        "kind" | "verivali" => 1,
        "families" | "members" | "dependents" => 2,
        "housing" => 3,
        "assets" | "programmes" => 4,
        "notes" => 5,
        "photos" => 8,
        "interview" => 9,
        "id" => 10,
        _ => 6,
    }
}

/// The JPEG hash a flattened path holds, if it is a photo's `sha256`.
fn photo_hash_field<'v>(path: &str, value: &'v str) -> Option<&'v str> {
    (path.starts_with("photos[") && path.ends_with(".sha256") && value.len() == 64).then_some(value)
}

/// A value cell: photo hashes as the server-made thumbnail (linked to the photo as sent), the
/// rest as text that may wrap anywhere (long ids and addresses must not widen the table).
fn value_cell(path: &str, value: &str) -> Markup {
    html! {
        @if let Some(sha) = photo_hash_field(path, value) {
            a href=(format!("/dashboard/photos/{sha}")) target="_blank" {
                img.thumb.small src=(format!("/dashboard/photos/{sha}?size=thumb"))
                    width="120" height="90" alt=(path);
            }
        } @else {
            span.value { (value) }
        }
    }
}

/// The field's name on the conflict page: a photo as "Foto: <kind>", anything else as its path.
fn field_label(lang: Lang, path: &str, fields: &BTreeMap<String, String>) -> Markup {
    let kind = path
        .strip_suffix(".sha256")
        .filter(|p| p.starts_with("photos["))
        .and_then(|p| fields.get(&format!("{p}.kind")))
        .and_then(|k| pendata_shared::photos::PhotoKind::parse(k));
    html! {
        @if let Some(kind) = kind {
            (t(lang, "Foto", "Photo")) ": " (if matches!(lang, Lang::En) { kind.label_en() } else { kind.label_id() })
        } @else {
            code { (path) }
        }
    }
}

/// One conflicting revision compared with the current one, field by field.
struct Diff<'a> {
    rev: &'a RevisionInfo,
    /// (field, current, conflicting)
    differing: Vec<(String, String, String)>,
    /// (field, value)
    same: Vec<(String, String)>,
}

fn diff<'a>(current: &BTreeMap<String, String>, rev: &'a RevisionInfo) -> Diff<'a> {
    let theirs = fields_of(rev);
    let mut keys: Vec<&String> = current.keys().chain(theirs.keys()).collect();
    keys.sort_by(|a, b| section_rank(a).cmp(&section_rank(b)).then_with(|| a.cmp(b)));
    keys.dedup();
    let dash = || "—".to_owned();
    let mut out = Diff {
        rev,
        differing: Vec::new(),
        same: Vec::new(),
    };
    // A photo that differs differs in its size and time too: show one row for it (the two
    // thumbnails), not one per sub-field.
    let replaced_photo = |k: &str| -> bool {
        let Some(prefix) = k.strip_prefix("photos[").and_then(|r| r.split_once(']')) else {
            return false;
        };
        let sha = format!("photos[{}].sha256", prefix.0);
        !k.ends_with(".sha256") && current.get(&sha) != theirs.get(&sha)
    };
    for k in keys {
        let (a, b) = (current.get(k), theirs.get(k));
        if a != b && replaced_photo(k) {
            continue;
        }
        if a == b {
            out.same.push((k.clone(), a.cloned().unwrap_or_else(dash)));
        } else {
            out.differing.push((
                k.clone(),
                a.cloned().unwrap_or_else(dash),
                b.cloned().unwrap_or_else(dash),
            ));
        }
    }
    out
}

/// `GET /dashboard/households/{id}/conflict`: the current revision beside each conflicting one.
pub async fn conflict_page(
    State(state): State<AppState>,
    user: WebUser,
    Path(raw): Path<String>,
) -> Result<Response, DashError> {
    let id = household_id(&raw)?;
    let d = load(&state, &user, id).await?;
    let lang = user.lang;
    let current = d.revisions.iter().find(|r| r.state == "current");
    let others: Vec<&RevisionInfo> = d
        .revisions
        .iter()
        .filter(|r| r.state == "conflict")
        .collect();
    let title = t(lang, "Konflik", "Conflict");
    let cur_fields = current.map(fields_of).unwrap_or_default();
    let diffs: Vec<Diff<'_>> = others.iter().map(|o| diff(&cur_fields, o)).collect();
    let body = html! {
        h1 { (title) ": " (if d.summary.head_name.is_empty() { "—" } else { &d.summary.head_name }) }
        p { a href=(format!("/dashboard/households/{id}")) { "← " (t(lang, "Kembali ke rumah tangga", "Back to the household")) } }
        @if others.is_empty() && d.summary.open_conflicts == 0 {
            p #no-conflict { (t(lang, "Tidak ada konflik terbuka.", "No open conflicts.")) }
        }
        @if others.is_empty() && d.summary.open_conflicts > 0 {
            // Only collisions: the same revision id came again with other content, which is
            // kept aside, not as a revision. Keeping the current revision closes them.
            p #collision-only { (t(lang,
                "Revisi yang sama terkirim lagi dengan isi berbeda; isi itu disimpan terpisah, bukan sebagai revisi. Pertahankan revisi terkini untuk menutup konflik.",
                "The same revision came again with different content; that content is kept aside, not as a revision. Keep the current revision to close the conflict.")) }
        }
        @for df in &diffs {
            section.conflict {
                h2 {
                    (t(lang, "Revisi", "Revision")) " " (short(&df.rev.revision)) " — "
                    (df.rev.conflict_reason.map(|r| reason_label(lang, r)).unwrap_or(""))
                }
                p { (df.differing.len()) " " (t(lang, "isian berbeda", "differing fields")) }
                table.list.diff.fixed {
                    thead { tr {
                        th { (t(lang, "Isian", "Field")) }
                        th { (t(lang, "Terkini", "Current")) @if let Some(c) = current { br; small { (c.username) ", " (time(c.received_at)) } } }
                        th { (t(lang, "Konflik", "Conflicting")) br; small { (df.rev.username) ", " (time(df.rev.received_at)) } }
                    } }
                    tbody {
                        @for (k, mine, theirs) in &df.differing {
                            tr.differs {
                                td { span.mark title=(t(lang, "berbeda", "differs")) { "≠ " } (field_label(lang, k, &cur_fields)) }
                                td { (value_cell(k, mine)) }
                                td { (value_cell(k, theirs)) }
                            }
                        }
                    }
                }
                details {
                    summary { (df.same.len()) " " (t(lang, "isian sama", "identical fields")) }
                    table.list {
                        tbody {
                            @for (k, v) in &df.same {
                                tr { td { code { (k) } } td { (value_cell(k, v)) } }
                            }
                        }
                    }
                }
            }
        }
        @if (!others.is_empty() || d.summary.open_conflicts > 0) && !may_verify(&user) {
            (verifier_only(lang))
        } @else if !others.is_empty() || d.summary.open_conflicts > 0 {
            section.decide {
                h2 { (t(lang, "Pilih revisi yang disimpan", "Choose the revision to keep")) }
                form method="post" action=(format!("/dashboard/households/{id}/resolve")) {
                    (csrf_field(&user))
                    @if let Some(c) = current {
                        label.choice { input type="radio" name="keep_revision" value=(c.revision) checked id="keep-current";
                            (t(lang, "Pertahankan yang terkini", "Keep the current one")) " (" (c.username) ", " (short(&c.revision)) ")" }
                    }
                    @for o in &others {
                        label.choice { input type="radio" name="keep_revision" value=(o.revision) id=(format!("keep-{}", o.revision));
                            (t(lang, "Pakai revisi konflik", "Use the conflicting revision")) " (" (o.username) ", " (short(&o.revision)) ")" }
                    }
                    label { (t(lang, "Alasan (wajib)", "Reason (required)"))
                        textarea name="reason" id="resolve-reason" required maxlength=(MAX_NOTE_CHARS) rows="3" {}
                    }
                    button type="submit" id="resolve" { (t(lang, "Selesaikan konflik", "Resolve the conflict")) }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}

#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    keep_revision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /dashboard/households/{id}/resolve`: the store's resolve, as the API calls it.
pub async fn resolve(
    State(state): State<AppState>,
    user: WebUser,
    Path(raw): Path<String>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, DashError> {
    user.check_csrf(&form.csrf)?;
    super::month_access::require_verifier(&user)?;
    let id = household_id(&raw)?;
    let keep: RevisionId = form.keep_revision.parse().map_err(|_| {
        DashError::bad_request(
            "resolve.bad_revision",
            "Pilih satu revisi",
            "Choose one revision",
        )
    })?;
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > MAX_NOTE_CHARS {
        return Err(DashError::bad_request(
            "resolve.reason_required",
            format!("Tuliskan alasan (1-{MAX_NOTE_CHARS} karakter)."),
            format!("A reason of 1-{MAX_NOTE_CHARS} characters is required."),
        ));
    }
    let req = ResolveRequest {
        keep_revision: keep,
        reason,
    };
    let scope = user.scope();
    let by = user.username.clone();
    state
        .records(move |s| Ok(s.resolve(id, &req, &by, &scope)))
        .await??;
    tracing::info!(household = %id, by = %user.username, "dashboard resolve");
    Ok(Redirect::to(&format!("/dashboard/households/{id}")).into_response())
}

/// Long edge and JPEG quality of the thumbnails on the household and queue pages (shown at
/// 180 CSS pixels: 360 keeps them sharp on a high-density screen).
pub const THUMB_LONG_EDGE: u32 = 360;
const THUMB_QUALITY: u8 = 70;
/// The blob store's name for the thumbnails it keeps ([`crate::store::BlobStore::keep_derived`]):
/// change it with the edge, the quality or the pipeline, so that old ones are not served.
pub const THUMB_VARIANT: &str = "thumb-360-q70-v1";

#[derive(Deserialize)]
pub struct PhotoParams {
    /// `thumb` for a small JPEG made on the server; absent or `full` for the photo as sent.
    #[serde(default)]
    size: Option<String>,
}

/// `GET /dashboard/photos/{sha256}[?size=thumb]`: the JPEG, only if a household inside the
/// user's wilayah references it (the API's photo rule). `size=thumb` answers a
/// [`THUMB_LONG_EDGE`] px copy (a few tens of KB instead of a few hundred) so a page of photos
/// stays light on a slow office network.
pub async fn photo(
    State(state): State<AppState>,
    user: WebUser,
    Path(raw): Path<String>,
    Query(params): Query<PhotoParams>,
) -> Result<Response, DashError> {
    let thumb = match params.size.as_deref() {
        None | Some("full") => false,
        Some("thumb") => true,
        Some(_) => {
            return Err(DashError::bad_request(
                "photo.bad_size",
                "Ukuran foto harus thumb atau full",
                "The photo size must be thumb or full",
            ))
        }
    };
    let hash = crate::handlers::photos::parse_hash(&raw).map_err(|_| DashError::NotFound)?;
    let sha = crate::store::ShaHex::parse(hash.as_str()).ok_or(DashError::NotFound)?;
    let scope = user.scope();
    if !state
        .records(move |s| s.photo_visible(&sha, &scope))
        .await?
    {
        return Err(DashError::NotFound);
    }
    // A thumbnail made before is kept beside the photo (photos never change): a page of
    // households does not decode every photo again at each visit.
    if thumb {
        match state.blobs.read_derived(&hash, THUMB_VARIANT).await {
            Ok(Some(kept)) => return Ok(jpeg_answer(kept)),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "reading a kept thumbnail failed"),
        }
    }
    let bytes = state
        .blobs
        .read(&hash)
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?
        .ok_or(DashError::NotFound)?;
    let bytes = if thumb {
        let made = tokio::task::spawn_blocking(move || {
            photo::thumbnail(
                &bytes,
                THUMB_LONG_EDGE,
                THUMB_QUALITY,
                &photo::PhotoConfig::standard(),
            )
        })
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?;
        let made = made.map_err(|e| {
            DashError::bad_request(
                "photo.unreadable",
                format!("Foto tidak dapat diperkecil: {}", e.message_id()),
                format!("The photo cannot be shrunk: {}", e.message_en()),
            )
        })?;
        if let Err(e) = state.blobs.keep_derived(&hash, THUMB_VARIANT, &made).await {
            // Served anyway; made again next time.
            tracing::warn!(error = %e, "keeping a thumbnail failed");
        }
        made
    } else {
        bytes
    };
    Ok(jpeg_answer(bytes))
}

/// A JPEG answer that the browser may keep for a day (only for this user: `private`).
fn jpeg_answer(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=86400"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_thumbnails_name_says_how_they_are_made() {
        // Kept thumbnails are found by this name: a new edge or quality must change it.
        assert!(THUMB_VARIANT.contains(&format!("-{THUMB_LONG_EDGE}-q{THUMB_QUALITY}-")));
    }

    #[test]
    fn conflict_fields_put_what_a_supervisor_compares_first_and_photos_late() {
        let mut keys = vec![
            "photos[0].sha256",
            "interview.started_at",
            "members[0].nik",
            "location.rt",
            "housing.wall",
            "id",
            "verivali.status",
        ];
        keys.sort_by(|a, b| section_rank(a).cmp(&section_rank(b)).then_with(|| a.cmp(b)));
        assert_eq!(
            keys,
            [
                "location.rt",
                "verivali.status",
                "members[0].nik",
                "housing.wall",
                "photos[0].sha256",
                "interview.started_at",
                "id"
            ]
        );
    }

    #[test]
    fn photo_hashes_show_as_thumbnails_and_other_values_as_escaped_text() {
        let sha = "ab".repeat(32);
        let cell = value_cell("photos[3].sha256", &sha).into_string();
        assert!(cell.contains(&format!("/dashboard/photos/{sha}?size=thumb")));
        let cell = value_cell("notes", "<b>x</b>").into_string();
        assert!(!cell.contains("<b>") && cell.contains("&lt;b&gt;"));
        // A 64-character value elsewhere is just text.
        assert!(!value_cell("notes", &sha).into_string().contains("<img"));
    }
}
