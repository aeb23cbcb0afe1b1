//! `GET /dashboard/cases/{id}`: one case — what it is about, its due date, the field finding
//! the pendamping sent (verdict, reasons, notes, position, photos as thumbnails, the shared
//! validator's findings run again here) — and for a PBI-JK reactivation the supervisor's
//! decision (`POST /dashboard/cases/{id}/decision`: the reactivation letter's number and date,
//! which set the deadline for the person's DTSEN update, or refused with a reason).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use maud::{html, Markup};
use pendata_shared::cases::{validate_case, CaseDetail, CaseFinding, CaseRecord};
use pendata_shared::text::Localized;
use pendata_shared::validate::Context;
use pendata_shared::{HouseholdId, Lang};
use serde::Deserialize;

use super::{day, finding, kind_label, state_label, today};
use crate::dashboard::households::{findings_section, interview_section, photos_section, time};
use crate::dashboard::{csrf_field, html_response, page as layout, t, DashError, WebUser};
use crate::store::{CaseKind, CaseRow, DecideError, PbiOutcome};
use crate::AppState;

/// Longest refusal reason and letter number.
const MAX_REASON: usize = 500;
const MAX_LETTER: usize = 100;

fn case_id(raw: &str) -> Result<HouseholdId, DashError> {
    raw.parse().map_err(|_| DashError::NotFound)
}

/// `GET /dashboard/cases/{id}`
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(raw): Path<String>,
) -> Result<Response, DashError> {
    let id = case_id(&raw)?;
    let lang = user.lang;
    let scope = user.scope();
    let (cases, records) = (state.backend.cases.clone(), state.records.clone());
    let (case, current) = tokio::task::spawn_blocking(move || {
        let Some(case) = cases.case(id, &scope)? else {
            return Ok(None);
        };
        let current = finding::current(records.as_ref(), &case, &scope)?;
        Ok::<_, crate::store::StoreError>(Some((case, current)))
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))??
    .ok_or(DashError::NotFound)?;
    let today = today(&user);
    let record = current.as_ref();
    let findings = record
        .map(|r| validate_case(r, &Context::embedded(today), &state.config.cases))
        .unwrap_or_default();
    let title = format!("{} · {}", kind_label(lang, case.kind), case.subject.name);
    let body = html! {
        h1 { (kind_label(lang, case.kind)) ": " (case.subject.name) }
        (about(lang, &case, today))
        @match record {
            Some(r) => {
                (finding_section(lang, &case, r))
                (photos_section(lang, &r.photos, &[]))
                (findings_section(lang, &findings))
                (interview_section(lang, &r.interview, None))
            }
            None => {
                section #finding {
                    h2 { (t(lang, "Hasil lapangan", "Field finding")) }
                    p.empty { (t(lang, "Belum ada hasil dari pendamping.", "No finding from the pendamping yet.")) }
                }
            }
        }
        @if case.kind == CaseKind::ReaktivasiPbiJk {
            (decision_section(lang, &user, &case, today))
        }
        p { a href="/dashboard/cases" { (t(lang, "Kembali ke daftar kasus", "Back to the cases")) } }
    };
    Ok(html_response(
        StatusCode::OK,
        layout(lang, &title, Some(&user), body),
    ))
}

fn opt(v: Option<&str>) -> &str {
    v.filter(|s| !s.is_empty()).unwrap_or("—")
}

fn about(lang: Lang, c: &CaseRow, today: NaiveDate) -> Markup {
    let s = &c.subject;
    html! {
        section #case data-case=(c.id) {
            h2 { (t(lang, "Kasus", "Case")) }
            dl {
                dt { (t(lang, "Status", "State")) } dd #case-state { (state_label(lang, c, today)) }
                dt { (t(lang, "Batas waktu", "Due")) } dd #due-date { (day(c.due_date))
                    @if c.is_overdue(today) { " " span.badge.conflict #overdue { (t(lang, "terlambat", "overdue")) } } }
                dt { (t(lang, "Id sumber", "Source id")) } dd { code { (c.source_id) } }
                dt { (t(lang, "Nama", "Name")) } dd { (s.name) }
                dt { "NIK" } dd { (opt(s.nik.as_deref())) }
                dt { (t(lang, "Nomor KK", "KK number")) } dd { (opt(s.kk_number.as_deref())) }
                dt { (t(lang, "Desa", "Desa")) } dd { (crate::dashboard::wilayah_name(&c.desa_code)) }
                dt { (t(lang, "Alamat", "Address")) } dd { (opt(Some(&s.address))) " RT " (opt(s.rt.as_deref())) " RW " (opt(s.rw.as_deref())) }
                dt { (t(lang, "Pendamping", "Pendamping")) } dd { (opt(c.assigned_to.as_deref())) }
                @if let Some(sub) = &s.submission {
                    dt { (t(lang, "Jenis pengajuan", "Submission")) } dd { (sub) }
                    dt { (t(lang, "Pengusul/penyanggah", "Proposed/objected by")) } dd { (opt(s.proposer.as_deref())) }
                }
                @if let Some(p) = &s.programme { dt { (t(lang, "Program", "Programme")) } dd { (p) } }
                @if let Some(r) = &s.reason { dt { (t(lang, "Alasan", "Reason")) } dd { (r) } }
                @if let Some(e) = &s.evidence { dt { (t(lang, "Bukti", "Evidence")) } dd { (e) } }
                @if c.kind == CaseKind::ReaktivasiPbiJk {
                    dt { (t(lang, "Darurat", "Emergency")) } dd { @if s.emergency { (t(lang, "ya", "yes")) } @else { (t(lang, "tidak", "no")) } }
                }
                @if let Some(n) = &s.note { dt { (t(lang, "Catatan", "Note")) } dd { (n) } }
                dt { (t(lang, "Masuk", "Came in")) } dd { (time(c.created_at)) " · " (opt(c.created_by.as_deref())) }
            }
        }
    }
}

fn finding_section(lang: Lang, c: &CaseRow, r: &CaseRecord) -> Markup {
    let label = |t: pendata_shared::text::Text| t.get(lang).to_owned();
    html! {
        section #finding {
            h2 { (t(lang, "Hasil lapangan", "Field finding")) }
            dl {
                dt { (t(lang, "Diterima", "Received")) } dd { (c.finding_at.map(time).unwrap_or_default()) " · " (opt(c.finding_by.as_deref())) }
                @match &r.finding {
                    CaseFinding::UsulSanggah(f) => {
                        dt { (t(lang, "Kesimpulan", "Verdict")) } dd #verdict { (f.verdict.map(|v| label(v.text())).unwrap_or_else(|| "—".into())) }
                        @if let Some(reason) = f.reason {
                            dt { (t(lang, "Alasan tidak layak", "Reason not eligible")) } dd #ineligible-reason { (label(reason.text())) }
                        }
                        @if let Some(n) = &f.note { dt { (t(lang, "Catatan pendamping", "Pendamping's note")) } dd #finding-note { (n) } }
                    }
                    CaseFinding::ReaktivasiPbiJk(f) => {
                        dt { (t(lang, "Darurat (menurut pendamping)", "Emergency (pendamping)")) } dd { (match f.emergency { Some(true) => t(lang, "ya", "yes"), Some(false) => t(lang, "tidak", "no"), None => "—" }) }
                        @if let Some(n) = &f.note { dt { (t(lang, "Catatan pendamping", "Pendamping's note")) } dd #finding-note { (n) } }
                    }
                    CaseFinding::GraduasiPkh(f) => {
                        dt { (t(lang, "Jenis graduasi", "Graduation type")) } dd #graduation-type { (f.graduation_type.map(|g| label(g.text())).unwrap_or_else(|| "—".into())) }
                        @if let Some(n) = &f.reason { dt { (t(lang, "Alasan", "Reason")) } dd { (n) } }
                        @if let Some(n) = &f.assessment_note { dt { (t(lang, "Catatan penilaian", "Assessment note")) } dd #finding-note { (n) } }
                    }
                }
                @if let CaseDetail::GraduasiPkh(a) = &r.assignment.detail {
                    @if !a.family.components.is_empty() {
                        dt { (t(lang, "Komponen PKH", "PKH components")) }
                        dd { ul { @for comp in &a.family.components { li { (label(comp.component.text())) " — " (comp.member_name) } } } }
                    }
                }
                @if let Some(g) = &r.geotag {
                    dt { (t(lang, "Lokasi", "Position")) } dd { (format!("{:.6}, {:.6}", g.latitude, g.longitude)) }
                }
            }
        }
    }
}

fn decision_section(lang: Lang, user: &WebUser, c: &CaseRow, today: NaiveDate) -> Markup {
    html! {
        section.decide #decision {
            h2 { (t(lang, "Keputusan reaktivasi", "Reactivation decision")) }
            @match c.decision.as_ref() {
                Some(d) => {
                    @match &d.outcome {
                        PbiOutcome::Reactivated { letter_no, letter_date, dtsen_update_due } => {
                            p #decided { (t(lang, "Diaktifkan kembali, surat", "Reactivated, letter")) " " strong { (letter_no) } " " (t(lang, "tanggal", "of")) " " (day(*letter_date)) "." }
                            p { (t(lang, "Data DTSEN orang ini wajib dimutakhirkan paling lambat", "This person's DTSEN data must be updated by")) " "
                                strong #update-due { (day(*dtsen_update_due)) }
                                @if *dtsen_update_due < today { " " span.badge.conflict { (t(lang, "lewat", "past")) } } "." }
                        }
                        PbiOutcome::Refused { reason } => {
                            p #decided { (t(lang, "Ditolak:", "Refused:")) " " (reason) }
                        }
                    }
                    p.meta { (d.decided_by) " · " (time(d.decided_at)) }
                }
                None => { p.empty { (t(lang, "Belum diputuskan.", "Not decided yet.")) } }
            }
            @if crate::dashboard::month_access::may_verify(user) {
            form method="post" action=(format!("/dashboard/cases/{}/decision", c.id)) {
                (csrf_field(user))
                fieldset {
                    legend { (t(lang, "Keputusan", "Decision")) }
                    label.choice { input type="radio" name="decision" value="reactivated" required; " " (t(lang, "Aktifkan kembali", "Reactivate")) }
                    label.choice { input type="radio" name="decision" value="refused"; " " (t(lang, "Tolak", "Refuse")) }
                }
                label { (t(lang, "Nomor surat reaktivasi", "Reactivation letter number")) input type="text" name="letter_no" maxlength="100"; }
                label { (t(lang, "Tanggal surat", "Letter date")) input type="date" name="letter_date"; }
                label { (t(lang, "Alasan penolakan", "Reason for refusing")) textarea name="reason" maxlength="500" {} }
                button type="submit" id="decide" { (t(lang, "Simpan keputusan", "Save the decision")) }
            }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    letter_no: String,
    #[serde(default)]
    letter_date: String,
    #[serde(default)]
    reason: String,
}

/// `POST /dashboard/cases/{id}/decision`
pub async fn decide(
    State(state): State<AppState>,
    user: WebUser,
    Path(raw): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, DashError> {
    crate::dashboard::month_access::require_verifier(&user)?;
    user.check_csrf(&f.csrf)?;
    let id = case_id(&raw)?;
    let outcome = match f.decision.as_str() {
        "reactivated" => {
            let letter_no = f.letter_no.trim();
            if letter_no.is_empty() || letter_no.chars().count() > MAX_LETTER {
                return Err(DashError::bad_request(
                    "cases.letter_required",
                    "Isi nomor surat reaktivasi (paling banyak 100 karakter).",
                    "Give the reactivation letter's number (at most 100 characters).",
                ));
            }
            let letter_date = NaiveDate::parse_from_str(f.letter_date.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| *d <= today(&user))
                .ok_or_else(|| {
                    DashError::bad_request(
                        "cases.bad_letter_date",
                        "Tanggal surat harus tanggal yang sudah lewat (YYYY-MM-DD).",
                        "The letter date must be a past date (YYYY-MM-DD).",
                    )
                })?;
            PbiOutcome::Reactivated {
                letter_no: letter_no.to_owned(),
                letter_date,
                dtsen_update_due: state.config.cases.pbi_jk.dtsen_update_due(letter_date),
            }
        }
        "refused" => {
            let reason = f.reason.trim();
            if reason.is_empty() || reason.chars().count() > MAX_REASON {
                return Err(DashError::bad_request(
                    "cases.reason_required",
                    "Tuliskan alasan penolakan (paling banyak 500 karakter).",
                    "Write the reason for refusing (at most 500 characters).",
                ));
            }
            PbiOutcome::Refused {
                reason: reason.to_owned(),
            }
        }
        _ => {
            return Err(DashError::bad_request(
                "cases.bad_decision",
                "Pilih: aktifkan kembali atau tolak.",
                "Choose: reactivate or refuse.",
            ))
        }
    };
    let scope = user.scope();
    let who = user.username.clone();
    let store = state.backend.cases.clone();
    let told = outcome.clone();
    match tokio::task::spawn_blocking(move || store.decide_pbi(id, &scope, &outcome, &who))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?
    {
        Ok(_) => {
            // Back to the facilitator's device as a review of the finding.
            let (scope, who) = (user.scope(), user.username.clone());
            state
                .records(move |r| {
                    crate::cases::decision_back::send_decision_back(r, id, &scope, &told, &who)
                })
                .await?;
        }
        Err(DecideError::NotFound) => return Err(DashError::NotFound),
        Err(DecideError::NotPbi) => {
            return Err(DashError::bad_request(
                "cases.not_pbi_jk",
                "Hanya kasus reaktivasi PBI-JK yang diputuskan di sini.",
                "Only PBI-JK reactivation cases are decided here.",
            ))
        }
        Err(DecideError::Store(e)) => return Err(e.into()),
    }
    tracing::info!(user = %user.username, case = %id, "dashboard: PBI-JK decision");
    Ok(Redirect::to(&format!("/dashboard/cases/{id}")).into_response())
}
