//! `pendata family …`: DTSEN (Regsosek2022K) families — the offline check of a file
//! (`validate`, no data directory needed) and the ground check of a listed family on this
//! device, for a facilitator without the app: `list`, `open`, `show`, `revisit` (nobody home),
//! `revisits`, `outcome`, `set`, `save`, `finalize`, `rules`. Photos are `pendata photo add
//! --household ID --kind F-RUMAH|F-RUMAH-DALAM|F-KK FILE`; sending is `pendata sync`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use pendata_core::store::{
    GroundCheckVisit, RecordCursor, RecordState, RevisitRow, SearchQuery, StoreError,
};
use pendata_shared::codes::CodeList;
use pendata_shared::dtsen::codes::{EnumerationResult, Presence};
use pendata_shared::dtsen::validate::required_photos;
use pendata_shared::dtsen::{
    validate_family_batch, DtsenRules, FamilyProcess, FamilyRecord, GroundCheckOutcome,
};
use pendata_shared::protocol::AssignmentKind;
use pendata_shared::validate::{Context, Severity};
use pendata_shared::{Lang, Localized, MemberId, Questionnaire};

use super::{device_err, open_device, parse_id, print_findings, store_err, t, FamilyCmd};

pub fn run(cmd: FamilyCmd, dir: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    match cmd {
        FamilyCmd::Validate { file, json } => validate(&file, json, lang),
        FamilyCmd::List { search, json } => list(dir, lang, search, json),
        FamilyCmd::Revisits { json } => revisits(dir, lang, json),
        FamilyCmd::Open { id } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            let f = device
                .store_mut()
                .open_ground_check(id)
                .map_err(|e| store_err(e, lang))?;
            let state = device.store().state(id).map_err(|e| store_err(e, lang))?;
            show(&f, state, None, lang);
            Ok(ExitCode::SUCCESS)
        }
        FamilyCmd::Show { id, json } => {
            let id = parse_id(&id, lang)?;
            let device = open_device(dir, lang)?;
            let f = device.store().family(id).map_err(|e| store_err(e, lang))?;
            let info = device.store().record(id).map_err(|e| store_err(e, lang))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&f)?);
            } else {
                show(&f, info.state, info.review_note.as_deref(), lang);
            }
            Ok(ExitCode::SUCCESS)
        }
        FamilyCmd::Revisit { id, note } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            let done = device
                .store_mut()
                .record_nobody_home(id, note.as_deref())
                .map_err(|e| store_err(e, lang))?;
            println!(
                "{}",
                t(
                    lang,
                    "Tidak ada orang di rumah: keluarga masuk daftar kunjungi lagi",
                    "Nobody home: the family is on the revisit list",
                )
            );
            print_revisit(&done.revisit, lang);
            if done.report_queued {
                println!(
                    "{}",
                    t(
                        lang,
                        "Laporan kunjungan dikirim pada sinkronisasi berikutnya",
                        "The visit report is sent at the next sync",
                    )
                );
            } else {
                print_findings(&done.blocking, lang);
                println!(
                    "{}",
                    t(
                        lang,
                        "Laporan kunjungan belum dapat dikirim: perbaiki kesalahan di atas",
                        "The visit report cannot be sent yet: fix the errors above",
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        FamilyCmd::Outcome {
            id,
            outcome,
            presence,
            result,
            note,
        } => {
            let id = parse_id(&id, lang)?;
            let outcome = parse_outcome(&outcome, lang)?;
            let result = match result {
                Some(code) => Some(EnumerationResult::from_code(code).ok_or_else(|| {
                    anyhow::anyhow!(t(
                        lang,
                        &format!("hasil pendataan (205) tidak dikenal: {code} (1-5)"),
                        &format!("unknown enumeration result (205): {code} (1-5)")
                    ))
                })?),
                None => None,
            };
            let mut device = open_device(dir, lang)?;
            let current = device.store().family(id).map_err(|e| store_err(e, lang))?;
            let presence = presence
                .iter()
                .map(|p| parse_presence(p, &current, lang))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let f = device
                .store_mut()
                .record_outcome(
                    id,
                    &GroundCheckVisit {
                        outcome: Some(outcome),
                        presence,
                        result,
                        note,
                    },
                )
                .map_err(|e| store_err(e, lang))?;
            let state = device.store().state(id).map_err(|e| store_err(e, lang))?;
            show(&f, state, None, lang);
            Ok(ExitCode::SUCCESS)
        }
        FamilyCmd::Set { id, path, value } => {
            let id = parse_id(&id, lang)?;
            // A JSON value (number, object, null, "text"), else the word itself as text.
            let value = serde_json::from_str(&value).unwrap_or(serde_json::Value::String(value));
            let mut device = open_device(dir, lang)?;
            device
                .store_mut()
                .set_field(id, &path, value)
                .map_err(|e| store_err(e, lang))?;
            println!("{}", t(lang, "tersimpan", "saved"));
            Ok(ExitCode::SUCCESS)
        }
        FamilyCmd::Save { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| t(lang, "membaca berkas", "reading the file"))?;
            let f: FamilyRecord = serde_json::from_str(&text).with_context(|| {
                t(
                    lang,
                    "berkas tidak sesuai format keluarga Regsosek2022K",
                    "the file does not match the Regsosek2022K family format",
                )
            })?;
            let mut device = open_device(dir, lang)?;
            if let Ok(q) = device.store().record(f.id).map(|r| r.questionnaire) {
                if q != Questionnaire::Regsosek2022k {
                    return Err(store_err(
                        StoreError::WrongQuestionnaire {
                            expected: Questionnaire::Regsosek2022k,
                            found: q,
                        },
                        lang,
                    ));
                }
            }
            device
                .store_mut()
                .save_family(&f)
                .map_err(|e| store_err(e, lang))?;
            let findings = device
                .validate(f.id)
                .map_err(|e| device_err(e, dir, lang))?;
            print_findings(&findings, lang);
            println!("{}", t(lang, "tersimpan (draf)", "saved (draft)"));
            Ok(ExitCode::SUCCESS)
        }
        FamilyCmd::Finalize { id } => {
            let id = parse_id(&id, lang)?;
            let mut device = open_device(dir, lang)?;
            device.store().family(id).map_err(|e| store_err(e, lang))?;
            super::finalize(&mut device, id, dir, lang)
        }
        FamilyCmd::Rules {
            max_attempts,
            min_days_between,
        } => {
            let mut device = open_device(dir, lang)?;
            let mut rules = device
                .store()
                .dtsen_rules()
                .map_err(|e| store_err(e, lang))?;
            if max_attempts.is_some() || min_days_between.is_some() {
                if let Some(n) = max_attempts {
                    if n == 0 {
                        anyhow::bail!(t(
                            lang,
                            "--max-attempts paling sedikit 1",
                            "--max-attempts must be at least 1"
                        ));
                    }
                    rules.revisit.max_attempts = n;
                }
                if let Some(d) = min_days_between {
                    rules.revisit.min_days_between = d;
                }
                device
                    .store_mut()
                    .set_dtsen_rules(&rules)
                    .map_err(|e| store_err(e, lang))?;
            }
            print_rules(&rules, lang);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_outcome(s: &str, lang: Lang) -> anyhow::Result<GroundCheckOutcome> {
    GroundCheckOutcome::parse(s.trim()).ok_or_else(|| {
        let all: Vec<&str> = GroundCheckOutcome::ALL.iter().map(|o| o.id()).collect();
        anyhow::anyhow!(t(
            lang,
            &format!(
                "hasil ground check tidak dikenal: {s} (pilih {})",
                all.join(", ")
            ),
            &format!(
                "unknown ground-check outcome: {s} (one of {})",
                all.join(", ")
            )
        ))
    })
}

/// `N=CODE` (member number as `show` lists it, from 1) or `MEMBER_ID=CODE`, CODE a 404 code.
fn parse_presence(s: &str, f: &FamilyRecord, lang: Lang) -> anyhow::Result<(MemberId, Presence)> {
    let bad = || {
        anyhow::anyhow!(t(
            lang,
            &format!(
                "--presence tidak sah: {s} (NOMOR=KODE, mis. 2=3; nomor anggota dari `pendata family show`, kode keberadaan 404: 1-6)"
            ),
            &format!(
                "invalid --presence: {s} (NUMBER=CODE, e.g. 2=3; member number from `pendata family show`, presence code 404: 1-6)"
            )
        ))
    };
    let (who, code) = s.split_once('=').ok_or_else(bad)?;
    let presence = code
        .trim()
        .parse::<u8>()
        .ok()
        .and_then(Presence::from_code)
        .ok_or_else(bad)?;
    let who = who.trim();
    let member = match who.parse::<usize>() {
        Ok(n) if n >= 1 => f.members.get(n - 1).map(|m| m.id),
        Ok(_) => None,
        Err(_) => who
            .parse::<MemberId>()
            .ok()
            .filter(|id| f.member(*id).is_some()),
    };
    Ok((member.ok_or_else(bad)?, presence))
}

fn list(dir: &Path, lang: Lang, search: Option<String>, json: bool) -> anyhow::Result<ExitCode> {
    let device = open_device(dir, lang)?;
    let store = device.store();
    let mut families = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .search(&SearchQuery {
                text: search.clone(),
                limit: 500,
                after,
                ..SearchQuery::default()
            })
            .map_err(|e| store_err(e, lang))?;
        let n = page.len();
        after = page.last().map(RecordCursor::after);
        families.extend(
            page.into_iter()
                .filter(|r| r.questionnaire == Questionnaire::Regsosek2022k),
        );
        if n < 500 {
            break;
        }
    }
    let mut unopened = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .unopened_assignments(search.as_deref(), None, after.as_ref(), 500)
            .map_err(|e| store_err(e, lang))?;
        let n = page.len();
        after = page.last().map(pendata_core::store::WorkListCursor::after);
        unopened.extend(
            page.into_iter()
                .filter(|a| a.kind == AssignmentKind::GroundCheck),
        );
        if n < 500 {
            break;
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "families": families,
                "unopened": unopened,
            }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for a in &unopened {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            a.household_id,
            t(lang, "belum dibuka", "not opened"),
            a.prelist_id,
            a.programme
                .map(|p| p.text().get(lang).to_string())
                .unwrap_or_default(),
            a.head_name,
            a.address
        );
    }
    for r in &families {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.id,
            r.state.label(lang),
            r.prelist_id.as_deref().unwrap_or("-"),
            r.desa_code,
            r.head_name,
            r.address
        );
    }
    println!(
        "{}",
        t(
            lang,
            &format!(
                "{} keluarga belum dibuka, {} keluarga di perangkat",
                unopened.len(),
                families.len()
            ),
            &format!(
                "{} families not opened, {} families on this device",
                unopened.len(),
                families.len()
            )
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn revisits(dir: &Path, lang: Lang, json: bool) -> anyhow::Result<ExitCode> {
    let device = open_device(dir, lang)?;
    let rows = device
        .store()
        .revisit_list()
        .map_err(|e| store_err(e, lang))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    for r in &rows {
        print_revisit(r, lang);
    }
    println!(
        "{}",
        t(
            lang,
            &format!("{} keluarga perlu dikunjungi lagi", rows.len()),
            &format!("{} families to visit again", rows.len())
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn print_revisit(r: &RevisitRow, lang: Lang) {
    let next = r
        .next_visit_on
        .map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|| "-".into());
    let used_up = if r.attempts_used_up {
        t(
            lang,
            " — batas kunjungan tercapai: boleh ditutup sebagai tidak ditemukan",
            " — visits used up: may be closed as not found",
        )
    } else {
        String::new()
    };
    println!(
        "{}\t{}\t{}\t{}{used_up}",
        r.household_id,
        r.head_name,
        t(
            lang,
            &format!(
                "kunjungan tanpa penghuni {} dari {}, terakhir {}",
                r.attempts,
                r.max_attempts,
                r.last_visit_at.format("%d-%m-%Y %H:%M UTC")
            ),
            &format!(
                "nobody home {} of {} times, last {}",
                r.attempts,
                r.max_attempts,
                r.last_visit_at.format("%d-%m-%Y %H:%M UTC")
            )
        ),
        t(
            lang,
            &format!("kunjungi lagi mulai {next}"),
            &format!("visit again from {next}")
        ),
    );
}

fn print_rules(rules: &DtsenRules, lang: Lang) {
    println!(
        "{}",
        t(
            lang,
            &format!(
                "Kunjungi lagi: paling banyak {} kunjungan tanpa penghuni, berselang paling sedikit {} hari",
                rules.revisit.max_attempts, rules.revisit.min_days_between
            ),
            &format!(
                "Revisit: at most {} visits with nobody home, at least {} days apart",
                rules.revisit.max_attempts, rules.revisit.min_days_between
            )
        )
    );
}

fn code_text<T: CodeList>(v: Option<T>, lang: Lang) -> String {
    v.map(|c| format!("{} ({})", c.text().get(lang), c.code()))
        .unwrap_or_else(|| "-".into())
}

pub(super) fn show(f: &FamilyRecord, state: RecordState, review_note: Option<&str>, lang: Lang) {
    let l = |id: &str, en: &str| t(lang, id, en);
    println!("{}: {}", l("ID", "ID"), f.id);
    println!("{}: {}", l("Status", "State"), state.label(lang));
    println!(
        "{}: {}",
        l("Formulir", "Form"),
        f.questionnaire.text().get(lang)
    );
    match &f.process {
        FamilyProcess::GroundCheck {
            assignment_id,
            programme,
            desil,
        } => println!(
            "{}: {assignment_id} {} {}",
            l("Ground check", "Ground check"),
            programme
                .map(|p| p.text().get(lang).to_string())
                .unwrap_or_default(),
            desil
                .map(|d| format!("desil {}", d.code()))
                .unwrap_or_default()
        ),
        FamilyProcess::UsulanBaru { .. } => println!("{}", l("Usulan baru", "New proposal")),
    }
    if let Some(n) = review_note {
        println!("{}: {n}", l("Catatan pemeriksa", "Reviewer's note"));
    }
    let loc = &f.location;
    println!(
        "{}: {} RT {} RW {} — {} ({} {})",
        l("Lokasi", "Location"),
        loc.desa_code,
        loc.rt.as_deref().unwrap_or("-"),
        loc.rw.as_deref().unwrap_or("-"),
        loc.address,
        l("bangunan", "building"),
        loc.building_no
            .map(|b| b.to_string())
            .unwrap_or_else(|| "-".into())
    );
    println!("KK: {}", f.kk_number.as_deref().unwrap_or("-"));
    let gc = &f.ground_check;
    println!(
        "{}: {}",
        l("Hasil ground check", "Ground-check outcome"),
        gc.outcome
            .map(|o| format!("{} ({})", o.text().get(lang), o.id()))
            .unwrap_or_else(|| "-".into())
    );
    for v in &gc.visits {
        println!(
            "  {} {}{}",
            v.at.format("%d-%m-%Y %H:%M UTC"),
            v.result.text().get(lang),
            v.note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default()
        );
    }
    println!(
        "{}: {}",
        l("Hasil pendataan (205)", "Enumeration result (205)"),
        code_text(f.enumeration.result, lang)
    );
    println!("{} ({}):", l("Anggota", "Members"), f.members.len());
    for (i, m) in f.members.iter().enumerate() {
        println!(
            "  {}. {} | NIK {} | 404 {} | 409 {} | {}",
            i + 1,
            m.name,
            m.nik.as_deref().unwrap_or("-"),
            code_text(m.presence, lang),
            code_text(m.relation, lang),
            m.id
        );
    }
    println!("{}:", l("Foto", "Photos"));
    for kind in required_photos(f) {
        let present = f.photos.iter().any(|p| p.kind == *kind);
        let label = match lang {
            Lang::Id => kind.label_id(),
            Lang::En => kind.label_en(),
        };
        println!(
            "  [{}] {} {label}",
            if present { "x" } else { " " },
            kind.stereotype()
        );
    }
    if let Some(n) = &f.notes {
        println!("{}: {n}", l("Catatan", "Notes"));
    }
}

/// `pendata family validate FILE.json`: the DTSEN family form checked offline with the shared
/// rules; one family or an array; every finding with its path, severity, stable code and
/// message in the chosen language, or `--json` for programs. Exits 1 when a family has an error.
pub fn validate(file: &Path, json: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| t(lang, "membaca berkas", "reading the file"))?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        t(
            lang,
            "berkas bukan JSON yang sah",
            "the file is not valid JSON",
        )
    })?;
    let items = match value {
        serde_json::Value::Array(a) => a,
        other => vec![other],
    };
    let mut families = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        let f: FamilyRecord = serde_json::from_value(v).with_context(|| {
            t(
                lang,
                &format!("keluarga ke-{} tidak sesuai format Regsosek2022K", i + 1),
                &format!("family #{} does not match the Regsosek2022K format", i + 1),
            )
        })?;
        families.push(f);
    }
    let ctx = Context::embedded(pendata_shared::month::zone::latest_today(chrono::Utc::now()));
    let all = validate_family_batch(&families, &ctx, &DtsenRules::default());
    let errors = all
        .iter()
        .filter(|f| f.iter().any(|x| x.severity == Severity::Error))
        .count();
    if json {
        let out: Vec<serde_json::Value> = families
            .iter()
            .zip(&all)
            .map(|(f, findings)| serde_json::json!({ "id": f.id, "findings": findings }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for (i, (f, findings)) in families.iter().zip(&all).enumerate() {
            println!(
                "{} {} ({}): {}",
                t(lang, "keluarga", "family"),
                i + 1,
                f.id,
                if findings.is_empty() {
                    t(lang, "tidak ada temuan", "no findings")
                } else {
                    t(
                        lang,
                        &format!("{} temuan", findings.len()),
                        &format!("{} finding(s)", findings.len()),
                    )
                }
            );
            for x in findings {
                let sev = match x.severity {
                    Severity::Error => t(lang, "galat", "error"),
                    Severity::Warning => t(lang, "peringatan", "warning"),
                };
                println!("  {sev} {} [{}] {}", x.path, x.code, x.in_lang(lang));
            }
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
