//! A DTSEN family (Regsosek2022K) on the review page: its ground check (outcome, every visit,
//! the revisit), place and KK, every answer as its code and Indonesian label, its members, the
//! findings of the DTSEN rules, photos and interview. The answers come from the results
//! export's rows (`pendata_shared::dtsen::export`), so the page and the file Kemensos receives
//! say the same thing: one column per answer, `x` and its label `x_label`.

use maud::{html, Markup};
use pendata_shared::dtsen::export::{family_header, family_row, member_header, member_rows};
use pendata_shared::dtsen::family::FamilyProcess;
use pendata_shared::dtsen::{DtsenRules, FamilyRecord};
use pendata_shared::{Finding, Lang};

use super::households::{findings_section, interview_section, opt_text, photos_section, time};
use super::t;

/// Columns shown elsewhere on the page (or meaningless to a reader): not repeated.
const SHOWN_ELSEWHERE: &[&str] = &[
    "questionnaire",
    "record_id",
    "process",
    "assignment_id",
    "programme",
    "ground_check_outcome",
    "visits",
    "visits_nobody_home",
];

/// `(column, shown value)` of an export row: a coded answer as "label (code)", empty answers
/// left out.
fn answers(header: &[String], row: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < header.len() {
        let name = &header[i];
        let value = row.get(i).map(String::as_str).unwrap_or("");
        let label = header
            .get(i + 1)
            .filter(|next| **next == format!("{name}_label"))
            .and_then(|_| row.get(i + 1));
        i += if label.is_some() { 2 } else { 1 };
        if value.is_empty() || SHOWN_ELSEWHERE.contains(&name.as_str()) {
            continue;
        }
        let shown = match label {
            Some(l) if !l.is_empty() => format!("{l} ({value})"),
            _ => value.to_owned(),
        };
        out.push((name.clone(), shown));
    }
    out
}

fn answer_list(pairs: &[(String, String)]) -> Markup {
    html! {
        dl.answers {
            @for (name, value) in pairs {
                dt { code { (name) } }
                dd data-answer=(name) { (value) }
            }
        }
    }
}

/// The ground check: list, outcome, each visit, whether a revisit is due.
fn ground_check_section(lang: Lang, f: &FamilyRecord, rules: &DtsenRules) -> Markup {
    let gc = &f.ground_check;
    html! {
        section #ground-check {
            h2 { (t(lang, "Cek lapangan", "Ground check")) }
            dl {
                @match &f.process {
                    FamilyProcess::GroundCheck { assignment_id, programme, desil } => {
                        dt { (t(lang, "Daftar", "List")) }
                        dd {
                            (programme.map(|p| p.text().get(lang).to_owned()).unwrap_or_else(|| "—".into()))
                            " · " code { (assignment_id) }
                            @if let Some(d) = desil { " · desil " (pendata_shared::codes::CodeList::code(*d)) }
                        }
                    }
                    FamilyProcess::UsulanBaru { .. } => {
                        dt { (t(lang, "Proses", "Process")) } dd { (t(lang, "Usulan baru", "New proposal")) }
                    }
                }
                dt { (t(lang, "Hasil", "Outcome")) }
                dd #gc-outcome {
                    @match gc.outcome {
                        Some(o) => { (o.text().get(lang)) }
                        None => { (t(lang, "belum ada", "none yet")) }
                    }
                }
                dt { (t(lang, "Kunjungan tanpa bertemu", "Visits with nobody home")) }
                dd #gc-attempts { (gc.attempts_nobody_home()) " / " (rules.revisit.max_attempts) }
                @if gc.awaits_revisit() {
                    dt { (t(lang, "Kunjungi lagi", "Visit again")) }
                    dd #gc-revisit {
                        (t(lang, "ya, mulai", "yes, from"))
                        " " (rules.revisit.next_visit_on(gc).map(|d| d.to_string()).unwrap_or_else(|| "—".into()))
                    }
                }
            }
            @if !gc.visits.is_empty() {
                table.list #gc-visits {
                    thead { tr {
                        th { "#" }
                        th { (t(lang, "Waktu", "Time")) }
                        th { (t(lang, "Hasil kunjungan", "Visit result")) }
                        th { (t(lang, "Catatan", "Note")) }
                    } }
                    tbody {
                        @for (i, v) in gc.visits.iter().enumerate() {
                            tr {
                                td { (i + 1) }
                                td { (time(v.at)) }
                                td { (v.result.text().get(lang)) }
                                td { (opt_text(v.note.as_deref())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Every section of a DTSEN family's review page.
pub(super) fn sections(
    lang: Lang,
    f: &FamilyRecord,
    findings: &[Finding],
    missing: &[&str],
    rules: &DtsenRules,
) -> Markup {
    let family = answers(&family_header(), &family_row(f));
    let header = member_header();
    let members = member_rows(f);
    html! {
        (ground_check_section(lang, f, rules))
        section #family-answers {
            h2 { (t(lang, "Jawaban keluarga (Regsosek2022K)", "Family answers (Regsosek2022K)")) }
            p.note { (t(lang,
                "Nama kolom sama dengan ekspor hasil DTSEN; jawaban berkode ditampilkan sebagai label (kode).",
                "Column names as in the DTSEN results export; coded answers shown as label (code).")) }
            (answer_list(&family))
        }
        section #family-members {
            h2 { (t(lang, "Anggota keluarga", "Family members")) " (" (f.members.len()) ")" }
            @for (m, row) in f.members.iter().zip(&members) {
                details.member open {
                    summary { (m.name) }
                    (answer_list(&answers(&header, row)))
                }
            }
        }
        (findings_section(lang, findings))
        (photos_section(lang, &f.photos, missing))
        (interview_section(lang, &f.interview, f.notes.as_deref()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_coded_answer_shows_its_label_and_code_and_empty_ones_are_left_out() {
        let f: FamilyRecord =
            serde_json::from_str(include_str!("../../../assets/examples/family-dtsen.json"))
                .unwrap();
        let header = family_header();
        let row = family_row(&f);
        let shown = answers(&header, &row);
        let roof = header.iter().position(|h| h == "roof").unwrap();
        assert!(!row[roof].is_empty());
        let (_, value) = shown.iter().find(|(n, _)| n == "roof").unwrap();
        assert_eq!(value, &format!("{} ({})", row[roof + 1], row[roof]));
        assert!(shown
            .iter()
            .all(|(n, v)| !v.is_empty() && !n.ends_with("_label")));
        assert!(!shown.iter().any(|(n, _)| n == "record_id"));
    }
}
