//! The results export of cases: one file per kind, one row per case. Common columns first (the
//! case, who it is about, where the facilitator stood), then the kind's own, then one column per
//! photo kind of its checklist holding the file names (`<sha256>.jpg`, space-separated) as the
//! DTKS export does. Coded values give their id and their Indonesian label. Pure: strings in,
//! strings out; the server adds its own columns (state, review, decision) and writes CSV/XLSX.

use super::assignment::CaseDetail;
use super::kind::CaseKind;
use super::photos::case_photo_kinds;
use super::record::{CaseFinding, CaseRecord};
use crate::text::Localized;

const COMMON: &[&str] = &[
    "questionnaire",
    "record_id",
    "case_id",
    "kind",
    "kind_label",
    "desa_code",
    "address",
    "due_date",
    "name",
    "nik",
    "kk_number",
    "latitude",
    "longitude",
    "enumerator",
    "finalized_at",
];

const USUL_SANGGAH: &[&str] = &[
    "submission",
    "channel",
    "submitted_by",
    "programme",
    "submission_reason",
    "evidence",
    "verdict",
    "verdict_label",
    "ineligible_reason",
    "ineligible_reason_label",
    "note",
];

const PBI_JK: &[&str] = &["emergency", "deactivated_on", "operator_note", "note"];

const GRADUASI: &[&str] = &[
    "pkh_components",
    "pkh_since_year",
    "proposed_type",
    "graduation_type",
    "graduation_type_label",
    "reason",
    "assessment_note",
];

/// The columns of a kind's export.
pub fn case_header(kind: CaseKind) -> Vec<String> {
    let own = match kind {
        CaseKind::UsulSanggah => USUL_SANGGAH,
        CaseKind::ReaktivasiPbiJk => PBI_JK,
        CaseKind::GraduasiPkh => GRADUASI,
    };
    COMMON
        .iter()
        .chain(own)
        .map(|s| (*s).to_string())
        .chain(
            case_photo_kinds(kind)
                .iter()
                .map(|(k, _)| format!("photo_{}", k.stereotype())),
        )
        .collect()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn id_label<T: Localized>(v: Option<T>, id: impl Fn(&T) -> &'static str) -> [String; 2] {
    match v {
        Some(v) => [id(&v).to_string(), v.text().id.to_string()],
        None => [String::new(), String::new()],
    }
}

fn yes_no(b: bool) -> String {
    if b { "ya" } else { "tidak" }.to_string()
}

/// One case's row, in the order of [`case_header`] for its kind.
pub fn case_row(c: &CaseRecord) -> Vec<String> {
    let kind = c.kind();
    let subject = c.assignment.detail.subject();
    let mut row = vec![
        c.questionnaire.id().to_string(),
        c.id.to_string(),
        c.case_id.clone(),
        kind.id().to_string(),
        kind.text().id.to_string(),
        c.desa_code.clone(),
        c.address.clone(),
        c.assignment.due_date.to_string(),
        subject.name.clone(),
        opt(&subject.nik),
        opt(&subject.kk_number),
        c.geotag
            .as_ref()
            .map(|g| g.latitude.to_string())
            .unwrap_or_default(),
        c.geotag
            .as_ref()
            .map(|g| g.longitude.to_string())
            .unwrap_or_default(),
        opt(&c.interview.enumerator),
        c.interview
            .finalized_at
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
    ];
    match (&c.assignment.detail, &c.finding) {
        (CaseDetail::UsulSanggah(a), CaseFinding::UsulSanggah(f)) => {
            row.extend([
                a.submission.id().to_string(),
                a.channel.id().to_string(),
                opt(&a.submitted_by),
                a.programme.id().to_string(),
                a.reason.clone(),
                a.evidence.join("; "),
            ]);
            row.extend(id_label(f.verdict, |v| v.id()));
            row.extend(id_label(f.reason, |r| r.id()));
            row.push(opt(&f.note));
        }
        (CaseDetail::ReaktivasiPbiJk(a), CaseFinding::ReaktivasiPbiJk(f)) => {
            row.extend([
                yes_no(f.emergency.unwrap_or(a.emergency)),
                a.deactivated_on.map(|d| d.to_string()).unwrap_or_default(),
                opt(&a.note),
                opt(&f.note),
            ]);
        }
        (CaseDetail::GraduasiPkh(a), CaseFinding::GraduasiPkh(f)) => {
            let components = a
                .family
                .components
                .iter()
                .map(|c| format!("{} ({})", c.component.text().id, c.member_name))
                .collect::<Vec<_>>()
                .join("; ");
            row.extend([
                components,
                a.family
                    .pkh_since_year
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                a.proposed_type
                    .map(|t| t.id().to_string())
                    .unwrap_or_default(),
            ]);
            row.extend(id_label(f.graduation_type, |t| t.id()));
            row.push(opt(&f.reason));
            row.push(opt(&f.assessment_note));
        }
        // A record whose finding does not fit its case (validation refuses it): the kind's
        // columns stay empty so the row keeps its width.
        _ => {
            let own = case_header(kind).len() - COMMON.len() - case_photo_kinds(kind).len();
            row.extend(std::iter::repeat_n(String::new(), own));
        }
    }
    for (k, _) in case_photo_kinds(kind) {
        let names: Vec<String> = c
            .photos
            .iter()
            .filter(|p| p.kind == *k)
            .map(|p| format!("{}.jpg", p.sha256))
            .collect();
        row.push(names.join(" "));
    }
    row
}
