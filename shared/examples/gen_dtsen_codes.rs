//! Regenerate `shared/src/dtsen/codes.rs` from `assets/dtsen/dtsen-codes.tsv` (the Regsosek2022K
//! code lists, see assets/dtsen/SOURCE.md).
//!
//! `cargo run -p pendata-shared --example gen_dtsen_codes -- [TSV] [OUT]`
//!
//! The test `dtsen_codes::` runs [`generate`] and compares its output with the committed file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How one code list becomes Rust.
enum Kind {
    /// A new `code_list!` enum.
    Enum,
    /// An existing enum of `crate::codes` whose codes and labels are the same.
    Existing,
    /// A bitmask (`code_mask!`), with a sentinel code that is not a bit.
    Mask { sentinel: Option<u8> },
}

struct Spec {
    name: &'static str,
    kind: Kind,
    /// The questions answered with this list; the first one's rows define it, the others must
    /// have exactly the same codes and labels.
    questions: &'static [&'static str],
}

const fn list(name: &'static str, questions: &'static [&'static str]) -> Spec {
    Spec {
        name,
        kind: Kind::Enum,
        questions,
    }
}

/// Every code list of the form, in questionnaire order.
const SPECS: &[Spec] = &[
    list("KkCode", &["115"]),
    list("EnumerationResult", &["205"]),
    list("WelfareStatus", &["206"]),
    list("WelfareDecile", &["207"]),
    list("Tenure", &["301a"]),
    list("LandTitle", &["301b"]),
    list("Floor", &["303"]),
    list("Wall", &["304"]),
    list("Roof", &["305"]),
    list("DrinkingWater", &["306a"]),
    list("WaterWasteDistance", &["306b"]),
    list("Lighting", &["307a"]),
    list("MeterPower", &["307b1", "307b2", "307b3"]),
    list("CookingFuel", &["308"]),
    list("ToiletUse", &["309a"]),
    list("ToiletType", &["309b"]),
    list("SewageDisposal", &["310"]),
    list("Presence", &["404"]),
    Spec {
        name: "Sex",
        kind: Kind::Existing,
        questions: &["405"],
    },
    list("MaritalStatus", &["408"]),
    list("Relation", &["409"]),
    Spec {
        name: "YesNo",
        kind: Kind::Existing,
        questions: &[
            "410", "416a", "419a", "420a", "501a", "501b", "501c", "501d", "501e", "501f", "501g",
            "502a", "502b", "502c", "502d", "502e", "502f", "502g", "502h", "502i", "502j", "502k",
            "502l", "502m", "502n", "503a", "503b",
        ],
    },
    Spec {
        name: "IdentityDocs",
        kind: Kind::Mask { sentinel: None },
        questions: &["411"],
    },
    list("SchoolParticipation", &["412"]),
    list("EducationLevel", &["413"]),
    list("HighestGrade", &["414"]),
    list("Diploma", &["415"]),
    list("Sector", &["417", "421"]),
    list("EmploymentStatus", &["418"]),
    list("Npwp", &["419"]),
    list("IncomeBracket", &["419b"]),
    list("BusinessPermit", &["424"]),
    list("Turnover", &["425"]),
    Spec {
        name: "BusinessInternetUse",
        kind: Kind::Mask { sentinel: None },
        questions: &["426"],
    },
    list("Nutrition", &["427"]),
    list(
        "Difficulty",
        &[
            "428a", "428b", "428c", "428d", "428e", "428f", "428g", "428h", "428i",
        ],
    ),
    list("DepressionFrequency", &["428j"]),
    list("Caregiver", &["429"]),
    list("ChronicIllness", &["430"]),
    Spec {
        name: "HealthInsurance",
        kind: Kind::Mask { sentinel: Some(99) },
        questions: &["431a"],
    },
    list("YesNoDontKnow", &["431b", "431c", "431d", "431e"]),
    Spec {
        name: "EmploymentInsurance",
        kind: Kind::Mask { sentinel: Some(99) },
        questions: &["431f"],
    },
    list("LandArea", &["503"]),
    list("InternetAccess", &["505"]),
    list("BankAccount", &["506"]),
];

/// Variant names where the English label does not make a good one.
const NAMES: &[(&str, u8, &str)] = &[
    ("KkCode", 0, "AsListed"),
    ("KkCode", 1, "Parent"),
    ("KkCode", 2, "SplitOff"),
    ("EnumerationResult", 1, "Complete"),
    ("EnumerationResult", 2, "Partial"),
    ("EnumerationResult", 3, "NoRespondent"),
    ("EnumerationResult", 4, "Refused"),
    ("EnumerationResult", 5, "MovedOrGone"),
    ("Tenure", 2, "Rented"),
    ("Tenure", 4, "Official"),
    ("Tenure", 6, "LodgingOrJoint"),
    ("LandTitle", 1, "ShmFamily"),
    ("LandTitle", 2, "ShmOtherWithAgreement"),
    ("LandTitle", 3, "ShmOtherWithoutAgreement"),
    ("LandTitle", 4, "OtherCertificate"),
    ("LandTitle", 5, "OtherProof"),
    ("Wall", 1, "Masonry"),
    ("Wall", 3, "WoodBoard"),
    ("Roof", 3, "Zinc"),
    ("Roof", 5, "Bamboo"),
    ("Roof", 6, "WoodShingles"),
    ("Roof", 7, "Thatch"),
    ("DrinkingWater", 9, "SurfaceWater"),
    ("DrinkingWater", 12, "Pdam"),
    ("DrinkingWater", 13, "VillageScheme"),
    ("WaterWasteDistance", 1, "Under10m"),
    ("WaterWasteDistance", 2, "AtLeast10m"),
    ("Lighting", 1, "PlnMetered"),
    ("Lighting", 2, "PlnUnmetered"),
    ("Lighting", 3, "NonPln"),
    ("Lighting", 4, "NotElectric"),
    ("MeterPower", 1, "W450"),
    ("MeterPower", 2, "W900"),
    ("MeterPower", 3, "W1300"),
    ("MeterPower", 4, "W2200"),
    ("MeterPower", 5, "Above2200"),
    ("CookingFuel", 0, "NoCooking"),
    ("CookingFuel", 2, "Lpg5kg"),
    ("CookingFuel", 3, "Lpg12kg"),
    ("CookingFuel", 4, "Lpg3kg"),
    ("CookingFuel", 5, "CityGas"),
    ("ToiletUse", 1, "OwnFamily"),
    ("ToiletUse", 2, "SharedHouseholds"),
    ("ToiletUse", 3, "Communal"),
    ("ToiletUse", 4, "Public"),
    ("ToiletUse", 5, "NotUsed"),
    ("ToiletUse", 6, "None"),
    ("ToiletType", 2, "SlabWithLid"),
    ("ToiletType", 3, "SlabWithoutLid"),
    ("SewageDisposal", 2, "TreatmentPlant"),
    ("SewageDisposal", 3, "OpenWater"),
    ("SewageDisposal", 4, "PitInGround"),
    ("SewageDisposal", 5, "OpenLand"),
    ("Presence", 1, "Living"),
    ("Presence", 3, "MovedInIndonesia"),
    ("Presence", 4, "MovedAbroad"),
    ("Presence", 5, "NewMember"),
    ("Relation", 1, "Head"),
    ("Relation", 2, "Spouse"),
    ("Relation", 6, "ParentOrInLaw"),
    ("Relation", 7, "DomesticWorker"),
    ("SchoolParticipation", 1, "Never"),
    ("SchoolParticipation", 2, "Attending"),
    ("SchoolParticipation", 3, "NoLonger"),
    ("EducationLevel", 5, "PesantrenUla"),
    ("EducationLevel", 10, "PesantrenWustha"),
    ("EducationLevel", 17, "PesantrenUlya"),
    ("EducationLevel", 18, "D1D3"),
    ("EducationLevel", 19, "D4S1"),
    ("EducationLevel", 20, "Profession"),
    ("Diploma", 5, "PesantrenUla"),
    ("Diploma", 10, "PesantrenWustha"),
    ("Diploma", 17, "PesantrenUlya"),
    ("Diploma", 18, "D1D3"),
    ("Diploma", 19, "D4S1"),
    ("Diploma", 20, "Profession"),
    ("Diploma", 23, "NoPrimaryCertificate"),
    ("HighestGrade", 8, "Graduated"),
    ("Sector", 1, "FoodCrops"),
    ("Sector", 3, "Plantation"),
    ("Sector", 6, "ForestryOther"),
    ("Sector", 7, "Mining"),
    ("Sector", 9, "Energy"),
    ("Sector", 10, "WaterWaste"),
    ("Sector", 12, "Trade"),
    ("Sector", 13, "Transport"),
    ("Sector", 14, "Hospitality"),
    ("Sector", 15, "Communication"),
    ("Sector", 18, "Professional"),
    ("Sector", 19, "BusinessSupport"),
    ("Sector", 20, "PublicAdministration"),
    ("Sector", 22, "HealthSocial"),
    ("Sector", 23, "Arts"),
    ("Sector", 24, "OtherServices"),
    ("Sector", 25, "HouseholdEmployers"),
    ("Sector", 26, "Extraterritorial"),
    ("EmploymentStatus", 3, "WithPermanentWorkers"),
    ("EmploymentStatus", 2, "WithTemporaryWorkers"),
    ("EmploymentStatus", 5, "CivilServant"),
    ("Npwp", 1, "Shown"),
    ("Npwp", 2, "NotShown"),
    ("Npwp", 3, "None"),
    ("IncomeBracket", 1, "Under1m"),
    ("IncomeBracket", 2, "From1mToUmk"),
    ("IncomeBracket", 3, "UmkTo10m"),
    ("IncomeBracket", 4, "Over10m"),
    ("BusinessPermit", 1, "Situ"),
    ("BusinessPermit", 2, "Siup"),
    ("BusinessPermit", 3, "Nrp"),
    ("BusinessPermit", 4, "Nib"),
    ("BusinessPermit", 5, "Skdp"),
    ("BusinessPermit", 6, "Amdal"),
    ("BusinessPermit", 7, "Simb"),
    ("BusinessPermit", 8, "Skbh"),
    ("BusinessPermit", 9, "Appt"),
    ("BusinessPermit", 11, "NoPermitYet"),
    ("BusinessPermit", 12, "NuisancePermit"),
    ("Turnover", 1, "Under5m"),
    ("Turnover", 2, "From5mTo15m"),
    ("Turnover", 3, "From15mTo25m"),
    ("Turnover", 4, "From25mTo167m"),
    ("Turnover", 5, "From167mTo1250m"),
    ("Turnover", 6, "From1250mTo4167m"),
    ("Turnover", 7, "From4167m"),
    ("Nutrition", 3, "NoRecord"),
    ("Difficulty", 1, "Cannot"),
    ("Difficulty", 2, "ALot"),
    ("Difficulty", 3, "Some"),
    ("Difficulty", 4, "None"),
    ("Caregiver", 1, "FamilyMember"),
    ("Caregiver", 2, "NotFamilyMember"),
    ("Caregiver", 3, "LivesAlone"),
    ("ChronicIllness", 13, "Cholesterol"),
    ("ChronicIllness", 9, "Cancer"),
    ("ChronicIllness", 17, "Alzheimer"),
    ("ChronicIllness", 12, "HivAids"),
    ("LandArea", 0, "Under1000m2"),
    ("LandArea", 1, "From1000To5000m2"),
    ("LandArea", 2, "From5000To10000m2"),
    ("LandArea", 3, "Over10000m2"),
    ("InternetAccess", 0, "None"),
    ("InternetAccess", 1, "Subscription"),
    ("InternetAccess", 2, "Wifi"),
    ("InternetAccess", 3, "Mobile"),
    ("BankAccount", 1, "Business"),
    ("BankAccount", 2, "Personal"),
    ("BankAccount", 3, "BusinessAndPersonal"),
    ("BankAccount", 4, "No"),
    ("WelfareStatus", 2, "NotPoor"),
    // bitmasks: constant names
    ("IdentityDocs", 1, "BIRTH_CERTIFICATE"),
    ("IdentityDocs", 2, "KIA"),
    ("IdentityDocs", 4, "KTP"),
    ("BusinessInternetUse", 1, "COMMUNICATION"),
    ("BusinessInternetUse", 2, "INFORMATION"),
    ("BusinessInternetUse", 4, "MARKETING"),
    ("BusinessInternetUse", 8, "SELLING"),
    ("BusinessInternetUse", 16, "PURCHASING"),
    ("BusinessInternetUse", 32, "OTHER"),
    ("HealthInsurance", 1, "PBI_JKN"),
    ("HealthInsurance", 2, "JKN_MANDIRI"),
    ("HealthInsurance", 4, "JKN_EMPLOYER"),
    ("HealthInsurance", 8, "OTHER_INSURANCE"),
    ("EmploymentInsurance", 1, "JKK"),
    ("EmploymentInsurance", 2, "JKM"),
    ("EmploymentInsurance", 4, "JHT"),
    ("EmploymentInsurance", 8, "JP"),
    ("EmploymentInsurance", 16, "OTHER_PENSION"),
];

/// One line of the TSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub question: String,
    pub question_label: String,
    pub code: u8,
    pub label_id: String,
    /// As in the file, editorial note included.
    pub label_en_raw: String,
    pub source: String,
}

impl Row {
    /// The English label people read: the raw label without a final editorial note.
    pub fn label_en(&self) -> String {
        clean_en(&self.label_en_raw).0
    }
}

/// Split a final editorial parenthesis ("(OpenSID enum stores this as 6)", "(catatan
/// required)", ...) off an English label: (label, note).
pub fn clean_en(raw: &str) -> (String, Option<String>) {
    const MARKERS: [&str; 5] = [
        "OpenSID",
        "sentinel",
        "catatan required",
        "label as in source",
        "printed 00",
    ];
    if let Some(open) = raw.rfind(" (") {
        let tail = &raw[open + 2..];
        if tail.ends_with(')') && MARKERS.iter().any(|m| tail.contains(m)) {
            return (
                raw[..open].to_string(),
                Some(tail[..tail.len() - 1].to_string()),
            );
        }
    }
    (raw.to_string(), None)
}

/// Parse the TSV (header line first).
pub fn parse(tsv: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (n, line) in tsv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 6 {
            return Err(format!("line {}: {} fields, want 6", n + 1, f.len()));
        }
        rows.push(Row {
            question: f[0].to_string(),
            question_label: f[1].to_string(),
            code: f[2]
                .parse()
                .map_err(|e| format!("line {}: code {:?}: {e}", n + 1, f[2]))?,
            label_id: f[3].to_string(),
            label_en_raw: f[4].to_string(),
            source: f[5].to_string(),
        });
    }
    Ok(rows)
}

/// A variant name from an English label: its words, capitalised, without parentheses.
fn derive_name(label_en: &str) -> String {
    let mut s = String::new();
    let mut depth = 0;
    for c in label_en.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => s.push(c),
            _ => {}
        }
    }
    let words: Vec<String> = s
        .replace('\'', "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(3)
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect();
    let name = words.concat();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{name}")
    } else {
        name
    }
}

fn name_for(list: &str, code: u8, label_en: &str) -> String {
    NAMES
        .iter()
        .find(|(l, c, _)| *l == list && *c == code)
        .map(|(_, _, n)| n.to_string())
        .unwrap_or_else(|| derive_name(label_en))
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// The Rust source of `shared/src/dtsen/codes.rs`.
pub fn generate(tsv: &str) -> Result<String, String> {
    let rows = parse(tsv)?;
    let mut by_q: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        by_q.entry(r.question.as_str()).or_default().push(r);
    }
    let mut covered = 0;
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "//! The Regsosek2022K code lists, GENERATED from assets/dtsen/dtsen-codes.tsv by"
    );
    let _ = writeln!(w, "//! `cargo run -p pendata-shared --example gen_dtsen_codes`. Do not edit by hand: edit the");
    let _ = writeln!(
        w,
        "//! TSV or the generator, rerun it, and the `dtsen_codes::` test checks the result."
    );
    let _ = writeln!(w, "//!");
    let _ = writeln!(
        w,
        "//! Codes follow the paper form where OpenSID's enum differs (305, 306b, 308; see"
    );
    let _ = writeln!(w, "//! [`super::opensid`]). Labels are as in the TSV; English labels lose their final editorial");
    let _ = writeln!(w, "//! note, which stays in the variant's documentation.");
    let _ = writeln!(w);
    let _ = writeln!(w, "use crate::codes::code_list;");
    let _ = writeln!(w, "use crate::dtsen::mask::code_mask;");
    let _ = writeln!(w, "use crate::text::Text;");
    let _ = writeln!(w, "use crate::codes::CodeList;");
    let _ = writeln!(w, "use crate::dtsen::mask::CodeMask;");
    let _ = writeln!(w);
    let _ = writeln!(w, "pub use crate::codes::{{Sex, YesNo}};");
    let mut lookups: Vec<(String, &Spec)> = Vec::new();
    for spec in SPECS {
        let first = spec.questions[0];
        let def = by_q
            .get(first)
            .ok_or_else(|| format!("{}: question {first} not in the TSV", spec.name))?;
        for q in spec.questions {
            let other = by_q
                .get(q)
                .ok_or_else(|| format!("{}: question {q} not in the TSV", spec.name))?;
            let key = |r: &&Row| (r.code, r.label_id.clone(), r.label_en_raw.clone());
            let a: Vec<_> = def.iter().map(key).collect();
            let b: Vec<_> = other.iter().map(key).collect();
            if a != b {
                return Err(format!(
                    "{}: question {q} has other codes than {first}",
                    spec.name
                ));
            }
            covered += 1;
            lookups.push((q.to_string(), spec));
        }
        let mut sorted: Vec<&Row> = def.clone();
        sorted.sort_by_key(|r| r.code);
        let questions = spec.questions.join(", ");
        let _ = writeln!(w);
        match spec.kind {
            Kind::Existing => {
                let _ = writeln!(
                    w,
                    "// {questions}: `crate::codes::{}` (same codes and labels).",
                    spec.name
                );
            }
            Kind::Enum => {
                let _ = writeln!(w, "code_list! {{");
                let _ = writeln!(w, "    /// {questions}: {}.", def[0].question_label);
                let _ = writeln!(
                    w,
                    "    {}, {} {{",
                    spec.name,
                    lit(&format!("regsosek2022k.{first}"))
                );
                let mut seen: Vec<String> = Vec::new();
                for r in &sorted {
                    let (en, note) = clean_en(&r.label_en_raw);
                    let mut name = name_for(spec.name, r.code, &en);
                    if seen.contains(&name) {
                        name = format!("{name}{}", r.code);
                    }
                    seen.push(name.clone());
                    if let Some(note) = note {
                        let _ = writeln!(w, "        /// Note: {note}.");
                    }
                    let _ = writeln!(
                        w,
                        "        {name} = {}, {}, {};",
                        r.code,
                        lit(&r.label_id),
                        lit(&en)
                    );
                }
                let _ = writeln!(w, "    }}");
                let _ = writeln!(w, "}}");
            }
            Kind::Mask { sentinel } => {
                let none = sorted
                    .iter()
                    .find(|r| r.code == 0)
                    .ok_or_else(|| format!("{}: no code 0", spec.name))?;
                let _ = writeln!(w, "code_mask! {{");
                let _ = writeln!(w, "    /// {questions}: {}.", def[0].question_label);
                let _ = writeln!(w, "    {}, {},", spec.name, lit(first));
                let _ = writeln!(
                    w,
                    "    none = {}, {};",
                    lit(&none.label_id),
                    lit(&none.label_en())
                );
                match sentinel {
                    Some(s) => {
                        let r = sorted
                            .iter()
                            .find(|r| r.code == s)
                            .ok_or_else(|| format!("{}: no sentinel {s}", spec.name))?;
                        let _ = writeln!(
                            w,
                            "    sentinel = {s}, {}, {};",
                            lit(&r.label_id),
                            lit(&r.label_en())
                        );
                    }
                    None => {
                        let _ = writeln!(w, "    sentinel = ;");
                    }
                }
                let _ = writeln!(w, "    bits {{");
                for r in &sorted {
                    if r.code == 0 || Some(r.code) == sentinel {
                        continue;
                    }
                    if !r.code.is_power_of_two() {
                        return Err(format!("{}: code {} is not a bit", spec.name, r.code));
                    }
                    let name = NAMES
                        .iter()
                        .find(|(l, c, _)| *l == spec.name && *c == r.code)
                        .map(|(_, _, n)| n.to_string())
                        .ok_or_else(|| format!("{}: no name for bit {}", spec.name, r.code))?;
                    let _ = writeln!(
                        w,
                        "        {name} = {}, {}, {};",
                        r.code,
                        lit(&r.label_id),
                        lit(&r.label_en())
                    );
                }
                let _ = writeln!(w, "    }}");
                let _ = writeln!(w, "}}");
            }
        }
    }
    if covered != by_q.len() {
        let listed: Vec<&str> = SPECS
            .iter()
            .flat_map(|s| s.questions.iter().copied())
            .collect();
        let missing: Vec<&&str> = by_q.keys().filter(|q| !listed.contains(q)).collect();
        return Err(format!("questions in the TSV without a list: {missing:?}"));
    }

    // The question table.
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "/// A coded question of the form: its id, its Indonesian label and its list."
    );
    let _ = writeln!(w, "#[derive(Debug, Clone, Copy, PartialEq, Eq)]");
    let _ = writeln!(w, "pub struct Question {{");
    let _ = writeln!(w, "    pub id: &'static str,");
    let _ = writeln!(w, "    pub label_id: &'static str,");
    let _ = writeln!(w, "    /// The Rust type of its answers.");
    let _ = writeln!(w, "    pub list: &'static str,");
    let _ = writeln!(w, "}}");
    let _ = writeln!(w);
    let _ = writeln!(w, "/// Every coded question, in the TSV's order.");
    let _ = writeln!(w, "pub const QUESTIONS: &[Question] = &[");
    let mut order: Vec<&str> = Vec::new();
    for r in &rows {
        if !order.contains(&r.question.as_str()) {
            order.push(&r.question);
        }
    }
    for q in &order {
        let spec = lookups
            .iter()
            .find(|(id, _)| id == q)
            .map(|(_, s)| s.name)
            .ok_or_else(|| format!("{q}: no list"))?;
        let label = &by_q[q][0].question_label;
        let _ = writeln!(
            w,
            "    Question {{ id: {}, label_id: {}, list: {} }},",
            lit(q),
            lit(label),
            lit(spec)
        );
    }
    let _ = writeln!(w, "];");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "/// The label of `code` as an answer to `question`, through its typed list; `None` for an"
    );
    let _ = writeln!(w, "/// unknown question or code. For a bitmask question, only 0, the sentinel and single bits.");
    let _ = writeln!(
        w,
        "pub fn label(question: &str, code: u8) -> Option<Text> {{"
    );
    let _ = writeln!(w, "    match question {{");
    for spec in SPECS {
        let arms = spec
            .questions
            .iter()
            .map(|q| lit(q))
            .collect::<Vec<_>>()
            .join(" | ");
        match spec.kind {
            Kind::Mask { .. } => {
                let _ = writeln!(w, "        {arms} => mask_label::<{}>(code),", spec.name);
            }
            _ => {
                let _ = writeln!(
                    w,
                    "        {arms} => {}::from_code(code).map(CodeList::text),",
                    spec.name
                );
            }
        }
    }
    let _ = writeln!(w, "        _ => None,");
    let _ = writeln!(w, "    }}");
    let _ = writeln!(w, "}}");
    let _ = writeln!(w);
    let _ = writeln!(w, "fn mask_label<M: CodeMask>(code: u8) -> Option<Text> {{");
    let _ = writeln!(w, "    if code != 0 && !code.is_power_of_two() && M::sentinel().is_none_or(|s| s.0 != code) {{");
    let _ = writeln!(w, "        return None;");
    let _ = writeln!(w, "    }}");
    let _ = writeln!(
        w,
        "    M::from_code(code).and_then(|m| m.texts().into_iter().next())"
    );
    let _ = writeln!(w, "}}");
    Ok(out)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let src = args
        .next()
        .unwrap_or_else(|| "assets/dtsen/dtsen-codes.tsv".into());
    let out = args
        .next()
        .unwrap_or_else(|| "shared/src/dtsen/codes.rs".into());
    let text = generate(&std::fs::read_to_string(&src)?)?;
    std::fs::write(&out, text)?;
    eprintln!("wrote {out} from {src}");
    Ok(())
}
