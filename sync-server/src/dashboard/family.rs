//! A DTSEN family (Regsosek2022K) on the review page: its ground check (outcome, every visit,
//! the revisit), place and KK, every answer as its code and Indonesian label, its members, the
//! findings of the DTSEN rules, photos and interview. The answers come from the results
//! export's rows (`pendata_shared::dtsen::export`), so the page and the file Kemensos receives
//! say the same thing: one column per answer, `x` and its label `x_label`.

use maud::{html, Markup};
use pendata_shared::dtsen::codes::QUESTIONS;
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

/// The Regsosek2022K question number of each export column a reader knows by its number.
const QUESTION_OF: &[(&str, &str)] = &[
    // family
    ("rt", "104"),
    ("rw", "104"),
    ("sls_code", "105"),
    ("address", "107"),
    ("head_name", "108"),
    ("building_no", "109"),
    ("family_no", "110"),
    ("member_count", "112"),
    ("kk_number", "114"),
    ("kk_code", "115"),
    ("enumeration_date", "201"),
    ("enumerator_name", "202"),
    ("result", "205"),
    ("notes", "VI"),
    ("tenure", "301a"),
    ("land_title", "301b"),
    ("floor_area_m2", "302"),
    ("floor", "303"),
    ("wall", "304"),
    ("roof", "305"),
    ("drinking_water", "306a"),
    ("water_waste_distance", "306b"),
    ("lighting", "307a"),
    ("meter_1", "307b1"),
    ("meter_2", "307b2"),
    ("meter_3", "307b3"),
    ("cooking_fuel", "308"),
    ("toilet_use", "309a"),
    ("toilet_type", "309b"),
    ("sewage", "310"),
    ("sembako", "501a"),
    ("pkh", "501b"),
    ("blt_dana_desa", "501c"),
    ("electricity_subsidy", "501d"),
    ("pemda", "501e"),
    ("fertiliser_subsidy", "501f"),
    ("lpg_subsidy", "501g"),
    ("gas_cylinders", "502a"),
    ("refrigerators", "502b"),
    ("air_conditioners", "502c"),
    ("water_heaters", "502d"),
    ("landlines", "502e"),
    ("flat_tvs", "502f"),
    ("gold_grams", "502g"),
    ("computers", "502h"),
    ("motorcycles", "502i"),
    ("bicycles", "502j"),
    ("cars", "502k"),
    ("boats", "502l"),
    ("motorboats", "502m"),
    ("smartphones", "502n"),
    ("other_land", "503a"),
    ("other_building", "503b"),
    ("cattle", "504a"),
    ("buffalo", "504b"),
    ("horses", "504c"),
    ("pigs", "504d"),
    ("goats_sheep", "504e"),
    ("internet", "505"),
    ("bank_account", "506"),
    // members
    ("name", "402"),
    ("nik", "403"),
    ("presence", "404"),
    ("sex", "405"),
    ("birth_date", "406"),
    ("age", "407"),
    ("marital_status", "408"),
    ("relation", "409"),
    ("pregnant", "410"),
    ("identity_docs", "411"),
    ("school_participation", "412"),
    ("education_level", "413"),
    ("highest_grade", "414"),
    ("diploma", "415"),
    ("worked_last_week", "416a"),
    ("hours_worked", "416b"),
    ("work_sector", "417"),
    ("employment_status", "418"),
    ("npwp", "419"),
    ("has_business", "420a"),
    ("business_count", "420b"),
    ("business_sector", "421"),
    ("paid_workers", "422"),
    ("unpaid_workers", "423"),
    ("business_permit", "424"),
    ("business_turnover", "425"),
    ("business_internet", "426"),
    ("nutrition", "427"),
    ("seeing", "428a"),
    ("hearing", "428b"),
    ("walking", "428c"),
    ("hands", "428d"),
    ("learning", "428e"),
    ("behaviour", "428f"),
    ("speaking", "428g"),
    ("self_care", "428h"),
    ("remembering", "428i"),
    ("depression", "428j"),
    ("caregiver", "429"),
    ("chronic_illnesses", "430"),
    ("health_insurance", "431a"),
    ("pra_kerja", "431b"),
    ("kur", "431c"),
    ("umi", "431d"),
    ("pip", "431e"),
    ("employment_insurance", "431f"),
];

/// How a column is named on the page: its question number and, for a coded question, the
/// form's Indonesian wording (`pendata_shared::dtsen::codes::QUESTIONS`); else the column name.
fn question_of(column: &str) -> (Option<&'static str>, Option<&'static str>) {
    let id = QUESTION_OF
        .iter()
        .find(|(c, _)| *c == column)
        .map(|(_, q)| *q);
    let wording = id.and_then(|q| QUESTIONS.iter().find(|x| x.id == q).map(|x| x.label_id));
    (id, wording)
}

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
                @let (number, wording) = question_of(name);
                dt title=(name) {
                    @if let Some(n) = number { strong { (n) } " " }
                    (wording.unwrap_or(name))
                }
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
                        " " (rules.revisit.next_visit_on(gc, f.zone()).map(|d| d.to_string()).unwrap_or_else(|| "—".into()))
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
                "Nomor dan bunyi pertanyaan Regsosek2022K; jawaban berkode ditampilkan sebagai label (kode). Arahkan kursor ke pertanyaan untuk nama kolomnya di ekspor hasil DTSEN.",
                "Regsosek2022K question numbers and wording; coded answers shown as label (code). Hover a question for its column name in the DTSEN results export.")) }
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

    #[test]
    fn every_question_number_names_a_column_of_the_export_and_coded_ones_have_wording() {
        let columns: Vec<String> = family_header().into_iter().chain(member_header()).collect();
        for (column, _) in QUESTION_OF {
            assert!(
                columns.iter().any(|c| c == column),
                "{column} is not exported"
            );
        }
        assert_eq!(
            question_of("roof"),
            (Some("305"), Some("Jenis atap terluas"))
        );
        assert_eq!(question_of("seeing").0, Some("428a"));
        assert!(question_of("seeing").1.is_some());
        assert_eq!(question_of("floor_area_m2"), (Some("302"), None));
    }
}
