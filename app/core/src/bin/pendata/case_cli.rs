//! `pendata case …`: the cases a facilitator takes to the field (usul-sanggah verification,
//! PBI-JK reactivation, graduasi PKH) on this device, for a facilitator without the app:
//! `list`, `open`, `show`, `finding`, `reasons`, `finalize`. Photos are `pendata photo add
//! --household ID --kind F-… FILE`; sending is `pendata sync`.

use std::path::Path;
use std::process::ExitCode;

use pendata_core::store::{CaseRow, RecordState};
use pendata_shared::cases::graduasi::GraduasiType;
use pendata_shared::cases::photos::case_photo_checklist;
use pendata_shared::cases::usul_sanggah::Verdict;
use pendata_shared::cases::{CaseDetail, CaseFinding, CaseRecord, IneligibleReason};
use pendata_shared::{Lang, Localized};

use super::{open_device, parse_id, store_err, t, CaseCmd};

pub fn run(cmd: CaseCmd, dir: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        CaseCmd::List { json } => {
            let device = open_device(dir, lang)?;
            let rows = device.store().case_list().map_err(|e| store_err(e, lang))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print_list(&rows, lang);
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCmd::Open { id } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            let c = device
                .store_mut()
                .open_case(id)
                .map_err(|e| store_err(e, lang))?;
            let state = device.store().state(id).map_err(|e| store_err(e, lang))?;
            show(&c, state, None, lang);
            Ok(ExitCode::SUCCESS)
        }
        CaseCmd::Show { id, json } => {
            let id = parse_id(&id, lang)?;
            let device = open_device(dir, lang)?;
            let c = device.store().case(id).map_err(|e| store_err(e, lang))?;
            let info = device.store().record(id).map_err(|e| store_err(e, lang))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                show(&c, info.state, info.review_note.as_deref(), lang);
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCmd::Finding {
            id,
            verdict,
            reason,
            note,
            emergency,
            graduation_type,
            assessment,
            lat,
            lon,
        } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            let current = device.store().case(id).map_err(|e| store_err(e, lang))?;
            let given = Given {
                verdict,
                reason,
                note,
                emergency,
                graduation_type,
                assessment,
            };
            let finding = given.apply(&current.finding, lang)?;
            let store = device.store_mut();
            if finding != current.finding {
                store
                    .record_case_finding(id, &finding)
                    .map_err(|e| store_err(e, lang))?;
            }
            if let (Some(lat), Some(lon)) = (lat, lon) {
                let geotag = serde_json::json!({
                    "latitude": lat, "longitude": lon, "accuracy_m": null,
                    "fix_time": chrono::Utc::now(), "source": "manual"
                });
                store
                    .set_field(id, "geotag", geotag)
                    .map_err(|e| store_err(e, lang))?;
            }
            let c = store.case(id).map_err(|e| store_err(e, lang))?;
            let state = store.state(id).map_err(|e| store_err(e, lang))?;
            show(&c, state, None, lang);
            Ok(ExitCode::SUCCESS)
        }
        CaseCmd::Reasons => {
            for r in IneligibleReason::ALL {
                println!("  {:<28} {}", r.id(), r.text().get(lang));
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCmd::Finalize { id } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            device.store().case(id).map_err(|e| store_err(e, lang))?;
            super::finalize(&mut device, id, dir, lang)
        }
    }
}

/// The finding options as typed.
struct Given {
    verdict: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    emergency: Option<String>,
    graduation_type: Option<String>,
    assessment: Option<String>,
}

fn not_for(option: &str, kind: &str, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!(t(
        lang,
        &format!("opsi --{option} tidak berlaku untuk kasus {kind}"),
        &format!("option --{option} does not apply to a {kind} case")
    ))
}

impl Given {
    /// The stored finding with the given options applied; an option of another kind, or a value
    /// that is not in its list, is refused with the list.
    fn apply(self, current: &CaseFinding, lang: Lang) -> anyhow::Result<CaseFinding> {
        let kind = current.kind().text().get(lang).to_string();
        let mut f = current.clone();
        match &mut f {
            CaseFinding::UsulSanggah(u) => {
                for (o, v) in [
                    ("emergency", &self.emergency),
                    ("type", &self.graduation_type),
                    ("assessment", &self.assessment),
                ] {
                    if v.is_some() {
                        return Err(not_for(o, &kind, lang));
                    }
                }
                if let Some(v) = &self.verdict {
                    let v = Verdict::parse(v).ok_or_else(|| {
                        anyhow::anyhow!(t(
                            lang,
                            &format!("hasil tidak dikenal: {v} (layak, tidak_layak)"),
                            &format!("unknown verdict: {v} (layak, tidak_layak)")
                        ))
                    })?;
                    if v == Verdict::Layak && self.reason.is_none() {
                        u.reason = None;
                    }
                    u.verdict = Some(v);
                }
                if let Some(r) = &self.reason {
                    u.reason = Some(IneligibleReason::parse(r).ok_or_else(|| {
                        anyhow::anyhow!(t(
                            lang,
                            &format!("alasan tidak dikenal: {r} (lihat `pendata case reasons`)"),
                            &format!("unknown reason: {r} (see `pendata case reasons`)")
                        ))
                    })?);
                }
                if self.note.is_some() {
                    u.note = self.note;
                }
            }
            CaseFinding::ReaktivasiPbiJk(p) => {
                for (o, v) in [
                    ("verdict", &self.verdict),
                    ("reason", &self.reason),
                    ("type", &self.graduation_type),
                    ("assessment", &self.assessment),
                ] {
                    if v.is_some() {
                        return Err(not_for(o, &kind, lang));
                    }
                }
                if let Some(e) = &self.emergency {
                    p.emergency = Some(match e.trim().to_ascii_lowercase().as_str() {
                        "ya" | "yes" | "1" | "true" => true,
                        "tidak" | "no" | "0" | "false" => false,
                        _ => anyhow::bail!(t(
                            lang,
                            &format!("darurat: ya atau tidak, bukan {e}"),
                            &format!("emergency: yes or no, not {e}")
                        )),
                    });
                }
                if self.note.is_some() {
                    p.note = self.note;
                }
            }
            CaseFinding::GraduasiPkh(g) => {
                for (o, v) in [
                    ("verdict", &self.verdict),
                    ("emergency", &self.emergency),
                    ("note", &self.note),
                ] {
                    if v.is_some() {
                        return Err(not_for(o, &kind, lang));
                    }
                }
                if let Some(ty) = &self.graduation_type {
                    g.graduation_type = Some(GraduasiType::parse(ty).ok_or_else(|| {
                        anyhow::anyhow!(t(
                            lang,
                            &format!("jenis graduasi tidak dikenal: {ty} (mandiri, alami, paksa)"),
                            &format!("unknown graduation type: {ty} (mandiri, alami, paksa)")
                        ))
                    })?);
                }
                if self.reason.is_some() {
                    g.reason = self.reason;
                }
                if self.assessment.is_some() {
                    g.assessment_note = self.assessment;
                }
            }
        }
        Ok(f)
    }
}

fn due_text(row: &CaseRow, lang: Lang) -> String {
    let left = row.days_left(chrono::Utc::now().date_naive());
    let date = row.due_date.format("%d-%m-%Y");
    if left < 0 {
        t(
            lang,
            &format!("{date}, terlambat {} hari", -left),
            &format!("{date}, {} days overdue", -left),
        )
    } else {
        t(
            lang,
            &format!("{date}, {left} hari lagi"),
            &format!("{date}, {left} days left"),
        )
    }
}

fn print_list(rows: &[CaseRow], lang: Lang) {
    if rows.is_empty() {
        println!(
            "{}",
            t(
                lang,
                "Belum ada kasus (sinkronkan untuk menerima penugasan)",
                "No cases yet (sync to receive assignments)"
            )
        );
        return;
    }
    let today = chrono::Utc::now().date_naive();
    for r in rows {
        let state = r
            .state
            .map(|s| s.label(lang).to_string())
            .unwrap_or_else(|| t(lang, "belum dibuka", "not opened"));
        println!(
            "{}{} | {} | {} | {} | {} | {}",
            if r.is_overdue(today) { "! " } else { "" },
            r.household_id,
            r.kind.text().get(lang),
            r.name,
            r.case_id,
            due_text(r, lang),
            state
        );
    }
}

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
