//! A case's offline rules: every finding, both languages, stable codes (the same [`Finding`]
//! and collector as households and families). Errors block "final"; warnings ask to confirm.
//!
//! Codes: `questionnaire.mismatch`, `case.kind_mismatch`, `field.required`,
//! `skip.not_applicable`, `case.geotag_required` and the `geotag.*` range checks,
//! `photo.missing`, `photo.not_for_case`, `case.far_from_submitted`, `pbi_jk.past_window`,
//! `graduasi.components_remain`, `graduasi.target_exempt`; for an assignment
//! ([`validate_case_assignment`]) also `nik.*` and `kk.*`.

use super::assignment::{CaseAssignment, CaseDetail};
use super::graduasi::{GraduasiFinding, GraduasiType};
use super::pbi_jk::PbiJkFinding;
use super::photos::{missing_case_photos, takes_photo};
use super::record::{CaseFinding, CaseRecord};
use super::rules::CaseRules;
use super::usul_sanggah::{UsulSanggahFinding, Verdict};
use crate::month::geo::Position;
use crate::text::Localized;
use crate::validate::{check_geotag, check_kk_number, check_nik, Context, Finding, Out};

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Every finding for one case record.
pub fn validate_case(c: &CaseRecord, ctx: &Context<'_>, rules: &CaseRules) -> Vec<Finding> {
    let mut out = Out::new();
    let kind = c.kind();
    if c.questionnaire != kind.questionnaire() {
        out.error(
            "questionnaire",
            "questionnaire.mismatch",
            format!(
                "Rekaman kasus {} harus berversi {}, bukan {}",
                kind,
                kind.questionnaire(),
                c.questionnaire
            ),
            format!(
                "A {} case record must be {}, not {}",
                kind,
                kind.questionnaire(),
                c.questionnaire
            ),
        );
    }
    if c.finding.kind() != kind {
        out.error(
            "finding",
            "case.kind_mismatch",
            format!(
                "Temuan {} tidak cocok dengan kasus {}",
                c.finding.kind(),
                kind
            ),
            format!(
                "A {} finding does not fit a {} case",
                c.finding.kind(),
                kind
            ),
        );
    }
    match &c.finding {
        CaseFinding::UsulSanggah(f) => usul_sanggah(c, f, ctx, rules, &mut out),
        CaseFinding::ReaktivasiPbiJk(f) => pbi_jk(c, f, ctx, rules, &mut out),
        CaseFinding::GraduasiPkh(f) => graduasi(c, f, &mut out),
    }
    if c.geotag.is_some() {
        check_geotag(c.geotag.as_ref(), false, &mut out);
    }
    for kind in missing_case_photos(c) {
        out.error(
            "photos",
            "photo.missing",
            format!("Foto {} ({}) belum ada", kind.stereotype(), kind.label_id()),
            format!(
                "Photo {} ({}) is missing",
                kind.stereotype(),
                kind.label_en()
            ),
        );
    }
    for (i, p) in c.photos.iter().enumerate() {
        if !takes_photo(kind, p.kind) {
            out.error(
                format!("photos[{i}]"),
                "photo.not_for_case",
                format!(
                    "Foto {} tidak termasuk daftar foto kasus {}",
                    p.kind.stereotype(),
                    kind.text().id
                ),
                format!(
                    "A {} photo is not on the checklist of a {} case",
                    p.kind.stereotype(),
                    kind.text().en
                ),
            );
        }
    }
    out.findings
}

fn usul_sanggah(
    c: &CaseRecord,
    f: &UsulSanggahFinding,
    _ctx: &Context<'_>,
    rules: &CaseRules,
    out: &mut Out,
) {
    match f.verdict {
        None => out.required(
            "finding.verdict",
            "Hasil verifikasi (layak/tidak layak)",
            "Verdict (eligible/not eligible)",
        ),
        Some(Verdict::TidakLayak) if f.reason.is_none() => out.required(
            "finding.reason",
            "Alasan tidak layak",
            "Reason for not eligible",
        ),
        Some(Verdict::Layak) if f.reason.is_some() => out.not_applicable(
            "finding.reason",
            "hasilnya layak",
            "the verdict is eligible",
        ),
        _ => {}
    }
    if f.verdict == Some(Verdict::TidakLayak)
        && f.reason.is_some_and(|r| r.needs_note())
        && blank(&f.note)
    {
        out.required(
            "finding.note",
            "Catatan (alasan lainnya)",
            "Note (the other reason)",
        );
    }
    if c.geotag.is_none() {
        out.error(
            "geotag",
            "case.geotag_required",
            "Lokasi GPS rumah wajib direkam untuk verifikasi usul-sanggah",
            "The house's GPS position is required for a proposal/objection check",
        );
    }
    let submitted = match &c.assignment.detail {
        CaseDetail::UsulSanggah(a) => a.submitted_position,
        _ => None,
    };
    if let (Some(s), Some(g)) = (submitted, &c.geotag) {
        let d = s.distance_m(Position::new(g.latitude, g.longitude));
        if d > f64::from(rules.submitted_position_warn_m) {
            let d = d.round();
            out.warn(
                "geotag",
                "case.far_from_submitted",
                format!("Lokasi rekaman {d} m dari koordinat yang dikirim pengusul/penyanggah; pastikan rumahnya benar"),
                format!("The recorded position is {d} m from the coordinates the submission gave; make sure it is the right house"),
            );
        }
    }
}

fn pbi_jk(c: &CaseRecord, _f: &PbiJkFinding, ctx: &Context<'_>, rules: &CaseRules, out: &mut Out) {
    if let CaseDetail::ReaktivasiPbiJk(a) = &c.assignment.detail {
        if let Some(off) = a.deactivated_on {
            if rules.pbi_jk.past_window(off, ctx.today) {
                let m = rules.pbi_jk.reactivation_window_months;
                out.warn(
                    "assignment.deactivated_on",
                    "pbi_jk.past_window",
                    format!("Dinonaktifkan lebih dari {m} bulan lalu; reaktivasi mungkin tidak lagi bisa"),
                    format!("Deactivated more than {m} months ago; reactivation may no longer be possible"),
                );
            }
        }
    }
}

fn graduasi(c: &CaseRecord, f: &GraduasiFinding, out: &mut Out) {
    if f.graduation_type.is_none() {
        out.required(
            "finding.graduation_type",
            "Jenis graduasi",
            "Graduation type",
        );
    }
    if blank(&f.reason) {
        out.required("finding.reason", "Alasan graduasi", "Reason for graduation");
    }
    if blank(&f.assessment_note) {
        out.required(
            "finding.assessment_note",
            "Catatan penilaian",
            "Assessment note",
        );
    }
    let CaseDetail::GraduasiPkh(a) = &c.assignment.detail else {
        return;
    };
    if f.graduation_type == Some(GraduasiType::Alami) && !a.family.components.is_empty() {
        let list = |lang: crate::Lang| {
            a.family
                .components
                .iter()
                .map(|c| c.component.in_lang(lang))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.warn(
            "finding.graduation_type",
            "graduasi.components_remain",
            format!(
                "Graduasi alami, tetapi keluarga masih punya komponen PKH: {}",
                list(crate::Lang::Id)
            ),
            format!(
                "Natural graduation, but the family still has PKH components: {}",
                list(crate::Lang::En)
            ),
        );
    }
    if a.family.has_target_exempt_member() {
        out.warn(
            "assignment.family.components",
            "graduasi.target_exempt",
            "Keluarga ini punya penyandang disabilitas berat atau lansia: target graduasi tidak berlaku untuk mereka",
            "This family has a member with a severe disability or an elderly member: the graduation target does not apply to them",
        );
    }
}

/// Every finding for a case as it is imported or entered (the server refuses an import row
/// with an error): who it is about, the NIK and KK structure, what each kind needs.
pub fn validate_case_assignment(a: &CaseAssignment, ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Out::new();
    let subject = a.detail.subject();
    let path = match a.detail {
        CaseDetail::UsulSanggah(_) => "subject",
        CaseDetail::ReaktivasiPbiJk(_) => "person",
        CaseDetail::GraduasiPkh(_) => "family.head",
    };
    if subject.name.trim().is_empty() {
        out.required(format!("{path}.name"), "Nama", "Name");
    }
    check_nik(
        &format!("{path}.nik"),
        subject.nik.as_deref(),
        None,
        None,
        ctx,
        &mut out,
    );
    if let Some(kk) = subject.kk_number.as_deref().filter(|k| !k.is_empty()) {
        check_kk_number(&format!("{path}.kk_number"), kk, ctx, &mut out);
    }
    match &a.detail {
        CaseDetail::UsulSanggah(u) => {
            if u.reason.trim().is_empty() {
                out.required(
                    "reason",
                    "Alasan usulan/sanggahan",
                    "Reason of the submission",
                );
            }
            if subject.nik.is_none() && subject.kk_number.is_none() {
                out.required(
                    format!("{path}.nik"),
                    "NIK atau nomor KK",
                    "NIK or KK number",
                );
            }
        }
        CaseDetail::ReaktivasiPbiJk(_) => {
            if subject.nik.is_none() {
                out.required(format!("{path}.nik"), "NIK peserta", "Participant's NIK");
            }
        }
        CaseDetail::GraduasiPkh(_) => {}
    }
    out.findings
}
