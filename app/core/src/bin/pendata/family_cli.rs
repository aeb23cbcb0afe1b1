//! `pendata family validate FILE.json`: the DTSEN (Regsosek2022K) family form checked offline
//! with the shared rules, before a device stores DTSEN families (issue 20). One family or an
//! array; every finding with its path, severity, stable code and message in the chosen
//! language, or `--json` for programs. Exits 1 when a family has an error.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use pendata_shared::dtsen::{validate_family_batch, DtsenRules, FamilyRecord};
use pendata_shared::validate::{Context, Severity};
use pendata_shared::{Lang, Localized};

use super::t;

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
    let ctx = Context::embedded(chrono::Utc::now().date_naive());
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
