//! `pendata case …`: the cases a facilitator takes to the field (usul-sanggah verification,
//! PBI-JK reactivation, graduasi PKH) on this device, for a facilitator without the app.

use pendata_core::store::RecordState;
use pendata_shared::cases::photos::case_photo_checklist;
use pendata_shared::cases::usul_sanggah::Verdict;
use pendata_shared::cases::{CaseDetail, CaseFinding, CaseRecord};
use pendata_shared::{Lang, Localized};

use super::t;

fn opt_text<T: Localized>(v: Option<T>, lang: Lang) -> String {
    v.map(|v| v.text().get(lang).to_string())
        .unwrap_or_else(|| "-".into())
}

fn or_dash(s: Option<&str>) -> &str {
    s.unwrap_or("-")
}

/// A case as the facilitator reads it: what was assigned, what was found, the photo checklist.
pub(super) fn show(c: &CaseRecord, state: RecordState, review_note: Option<&str>, lang: Lang) {
    let l = |id: &str, en: &str| t(lang, id, en);
    let today = chrono::Utc::now().date_naive();
    println!("{}: {}", l("ID", "ID"), c.id);
    println!("{}: {}", l("Status", "State"), state.label(lang));
    println!(
        "{}: {} ({})",
        l("Kasus", "Case"),
        c.kind().text().get(lang),
        c.case_id
    );
    let left = c.assignment.days_left(today);
    println!(
        "{}: {} ({})",
        l("Batas waktu", "Due"),
        c.assignment.due_date.format("%d-%m-%Y"),
        if left < 0 {
            l(
                &format!("terlambat {} hari", -left),
                &format!("{} days overdue", -left),
            )
        } else {
            l(&format!("{left} hari lagi"), &format!("{left} days left"))
        }
    );
    if let Some(n) = review_note {
        println!("{}: {n}", l("Catatan pemeriksa", "Reviewer's note"));
    }
    println!(
        "{}: {} — {}",
        l("Lokasi", "Location"),
        c.desa_code,
        c.address
    );
    let s = c.assignment.detail.subject();
    println!(
        "{}: {} | NIK {} | KK {}",
        l("Tentang", "About"),
        s.name,
        or_dash(s.nik.as_deref()),
        or_dash(s.kk_number.as_deref())
    );
    match &c.assignment.detail {
        CaseDetail::UsulSanggah(a) => {
            println!(
                "{}: {} · {} · {}",
                l("Pengajuan", "Submission"),
                a.submission.text().get(lang),
                a.programme.text().get(lang),
                or_dash(a.submitted_by.as_deref())
            );
            println!(
                "{}: {}",
                l("Alasan pengaju", "Submitter's reason"),
                a.reason
            );
            if !a.evidence.is_empty() {
                println!("{}: {}", l("Bukti", "Evidence"), a.evidence.join("; "));
            }
        }
        CaseDetail::ReaktivasiPbiJk(a) => {
            println!(
                "{}: {}",
                l("Darurat", "Emergency"),
                if a.emergency {
                    l("ya", "yes")
                } else {
                    l("tidak", "no")
                }
            );
            if let Some(n) = &a.note {
                println!("{}: {n}", l("Catatan operator", "Operator's note"));
            }
        }
        CaseDetail::GraduasiPkh(a) => {
            println!(
                "{}: {}",
                l("Usulan jenis", "Proposed type"),
                opt_text(a.proposed_type, lang)
            );
            for comp in &a.family.components {
                println!(
                    "  {} {} ({})",
                    l("Komponen PKH:", "PKH component:"),
                    comp.component.text().get(lang),
                    comp.member_name
                );
            }
        }
    }
    match &c.finding {
        CaseFinding::UsulSanggah(f) => {
            println!("{}: {}", l("Hasil", "Verdict"), opt_text(f.verdict, lang));
            if f.verdict == Some(Verdict::TidakLayak) {
                println!("{}: {}", l("Alasan", "Reason"), opt_text(f.reason, lang));
            }
            println!("{}: {}", l("Catatan", "Note"), or_dash(f.note.as_deref()));
        }
        CaseFinding::ReaktivasiPbiJk(f) => {
            if let Some(e) = f.emergency {
                println!(
                    "{}: {}",
                    l("Darurat (temuan)", "Emergency (finding)"),
                    if e { l("ya", "yes") } else { l("tidak", "no") }
                );
            }
            println!("{}: {}", l("Catatan", "Note"), or_dash(f.note.as_deref()));
        }
        CaseFinding::GraduasiPkh(f) => {
            println!(
                "{}: {}",
                l("Jenis graduasi", "Graduation type"),
                opt_text(f.graduation_type, lang)
            );
            println!(
                "{}: {}",
                l("Alasan", "Reason"),
                or_dash(f.reason.as_deref())
            );
            println!(
                "{}: {}",
                l("Catatan penilaian", "Assessment note"),
                or_dash(f.assessment_note.as_deref())
            );
        }
    }
    println!(
        "{}: {}",
        l("Lokasi GPS", "GPS position"),
        c.geotag
            .as_ref()
            .map(|g| format!("{:.6}, {:.6}", g.latitude, g.longitude))
            .unwrap_or_else(|| "-".into())
    );
    println!("{}:", l("Foto", "Photos"));
    for item in case_photo_checklist(c) {
        let label = match lang {
            Lang::Id => item.kind.label_id(),
            Lang::En => item.kind.label_en(),
        };
        println!(
            "  [{}] {} {label}{}",
            if item.present { "x" } else { " " },
            item.kind.stereotype(),
            if item.required {
                String::new()
            } else {
                format!(" ({})", l("tidak wajib", "optional"))
            }
        );
    }
}
