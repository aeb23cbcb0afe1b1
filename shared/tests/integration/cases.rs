//! Cases (issue 21 §1): the assignment on the wire (old assignments unchanged), the record made
//! from it, each kind's validation both ways, the photo checklists, the export's shape, and the
//! push change that carries a finding.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use pendata_shared::cases::export::{case_header, case_row};
use pendata_shared::cases::graduasi::{
    FamilyComponent, GraduasiAssignment, GraduasiFamily, GraduasiType,
};
use pendata_shared::cases::pbi_jk::PbiJkAssignment;
use pendata_shared::cases::photos::{case_photo_checklist, missing_case_photos};
use pendata_shared::cases::usul_sanggah::{Channel, Submission, UsulSanggahAssignment, Verdict};
use pendata_shared::cases::{
    validate_case, validate_case_assignment, CaseAssignment, CaseDetail, CaseFinding, CaseKind,
    CaseRecord, CaseRules, CaseSubject, IneligibleReason, NotACase,
};
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::model::{GeoSource, Geotag};
use pendata_shared::month::geo::Position;
use pendata_shared::month::pkh::PkhComponent;
use pendata_shared::protocol::{content_hash, Assignment, AssignmentKind, Change, PushRecord};
use pendata_shared::validate::{is_finalizable, Context, Severity};
use pendata_shared::{HouseholdId, PhotoKind, PhotoRef, Questionnaire, RevisionId, Sha256Hex};

const NIK: &str = "3201021205900003";
const KK: &str = "3201021503240011";

fn ctx() -> Context<'static> {
    Context::embedded(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap())
}

fn subject() -> CaseSubject {
    CaseSubject {
        name: "Siti Aminah".into(),
        nik: Some(NIK.into()),
        kk_number: Some(KK.into()),
    }
}

fn detail(kind: CaseKind) -> CaseDetail {
    match kind {
        CaseKind::UsulSanggah => CaseDetail::UsulSanggah(UsulSanggahAssignment {
            submission: Submission::Sanggahan,
            channel: Channel::CekBansos,
            submitted_by: Some("Budi".into()),
            subject: subject(),
            programme: ListProgramme::Pkh,
            reason: "Punya mobil dan toko".into(),
            evidence: vec!["foto rumah".into()],
            submitted_position: Some(Position::new(-6.5971, 106.8060)),
        }),
        CaseKind::ReaktivasiPbiJk => CaseDetail::ReaktivasiPbiJk(PbiJkAssignment {
            person: subject(),
            emergency: true,
            deactivated_on: NaiveDate::from_ymd_opt(2026, 10, 1),
            note: Some("Cuci darah".into()),
        }),
        CaseKind::GraduasiPkh => CaseDetail::GraduasiPkh(GraduasiAssignment {
            family: GraduasiFamily {
                head: subject(),
                pkh_since_year: Some(2019),
                components: vec![FamilyComponent {
                    component: PkhComponent::PrimarySchool,
                    member_name: "Anak".into(),
                }],
            },
            proposed_type: Some(GraduasiType::Mandiri),
            note: None,
        }),
    }
}

fn assignment(kind: CaseKind) -> Assignment {
    let json = serde_json::json!({
        "household_id": HouseholdId::new(),
        "kind": kind.id(),
        "prelist_id": "US-3201022001-0007",
        "desa_code": "3201022001",
        "rt": null, "rw": null,
        "address": "Kp. Babakan RT 02",
        "head_name": "Siti Aminah",
        "families": [], "members": [],
        "assigned_to": "pendamping1",
        "active": true,
        "updated_at": "2026-12-07T08:00:00Z",
        "case": CaseAssignment {
            due_date: NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
            detail: detail(kind),
        },
    });
    serde_json::from_value(json).unwrap()
}

fn geotag(lat: f64, lon: f64) -> Geotag {
    Geotag {
        latitude: lat,
        longitude: lon,
        accuracy_m: Some(8.0),
        fix_time: Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap(),
        source: GeoSource::Gps,
    }
}

fn photo(kind: PhotoKind) -> PhotoRef {
    PhotoRef {
        kind,
        sha256: Sha256Hex::digest(kind.stereotype().as_bytes()),
        bytes: 1000,
        width: 800,
        height: 600,
        geotag: None,
        taken_at: Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap(),
        member_id: None,
    }
}

fn record(kind: CaseKind) -> CaseRecord {
    CaseRecord::from_assignment(&assignment(kind)).unwrap()
}

fn codes(c: &CaseRecord) -> Vec<(String, String, Severity)> {
    validate_case(c, &ctx(), &CaseRules::default())
        .into_iter()
        .map(|f| (f.path, f.code, f.severity))
        .collect()
}

fn has(c: &CaseRecord, path: &str, code: &str, severity: Severity) -> bool {
    codes(c).contains(&(path.to_string(), code.to_string(), severity))
}

#[test]
fn old_assignments_are_unchanged_and_a_case_travels_in_its_own_field() {
    // An assignment from before cases: no `case` key in, none out.
    let mut a = assignment(CaseKind::UsulSanggah);
    a.kind = AssignmentKind::Verivali;
    a.case = None;
    let json = serde_json::to_value(&a).unwrap();
    assert!(json.get("case").is_none() && json.get("kind").is_none());
    let back: Assignment = serde_json::from_value(json).unwrap();
    assert_eq!(back, a);
    assert_eq!(
        CaseRecord::from_assignment(&a).unwrap_err(),
        NotACase::NotACase
    );

    for kind in CaseKind::ALL {
        let a = assignment(kind);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["kind"], kind.id());
        assert_eq!(json["case"]["detail"]["kind"], kind.id());
        assert_eq!(serde_json::from_value::<Assignment>(json).unwrap(), a);
        let c = CaseRecord::from_assignment(&a).unwrap();
        assert_eq!(
            (
                c.id,
                c.kind(),
                c.questionnaire,
                c.case_id.as_str(),
                c.name()
            ),
            (
                a.household_id,
                kind,
                kind.questionnaire(),
                "US-3201022001-0007",
                "Siti Aminah"
            )
        );
        assert_eq!(c.finding, CaseFinding::empty(kind));
        assert_eq!(a.kind.questionnaire(), kind.questionnaire());
    }
    // A case kind without its case, or with another kind's case.
    let mut a = assignment(CaseKind::GraduasiPkh);
    a.kind = AssignmentKind::UsulSanggah;
    let e = CaseRecord::from_assignment(&a).unwrap_err();
    assert_eq!(e.code(), "case.kind_mismatch");
    assert!(!e.text().id.is_empty() && e.text().id != e.text().en);
    a.case = None;
    assert_eq!(
        CaseRecord::from_assignment(&a).unwrap_err().code(),
        "case.not_a_case"
    );
}

#[test]
fn usul_sanggah_needs_a_verdict_its_reason_a_position_and_the_house() {
    use Severity::{Error, Warning};
    let mut c = record(CaseKind::UsulSanggah);
    assert!(has(&c, "finding.verdict", "field.required", Error));
    assert!(has(&c, "geotag", "case.geotag_required", Error));
    assert!(has(&c, "photos", "photo.missing", Error));

    let CaseFinding::UsulSanggah(f) = &mut c.finding else {
        unreachable!()
    };
    f.verdict = Some(Verdict::TidakLayak);
    assert!(has(&c, "finding.reason", "field.required", Error));
    let CaseFinding::UsulSanggah(f) = &mut c.finding else {
        unreachable!()
    };
    f.reason = Some(IneligibleReason::Other);
    assert!(has(&c, "finding.note", "field.required", Error));
    let CaseFinding::UsulSanggah(f) = &mut c.finding else {
        unreachable!()
    };
    f.note = Some("Rumah sudah dijual".into());
    c.geotag = Some(geotag(-6.5972, 106.8061));
    c.photos.push(photo(PhotoKind::Rumah));
    assert_eq!(codes(&c), []);

    // Layak with a reason: the reason does not apply.
    let CaseFinding::UsulSanggah(f) = &mut c.finding else {
        unreachable!()
    };
    f.verdict = Some(Verdict::Layak);
    assert_eq!(
        codes(&c),
        [(
            "finding.reason".to_string(),
            "skip.not_applicable".to_string(),
            Error
        )]
    );

    // The address was not found: no house photo can be asked for.
    let CaseFinding::UsulSanggah(f) = &mut c.finding else {
        unreachable!()
    };
    f.verdict = Some(Verdict::TidakLayak);
    f.reason = Some(IneligibleReason::AddressNotFound);
    c.photos.clear();
    assert!(missing_case_photos(&c).is_empty());
    assert_eq!(codes(&c), []);

    // Recorded 1.5 km from the coordinates the objection gave: a warning with the distance.
    c.geotag = Some(geotag(-6.5836, 106.8060));
    let findings = validate_case(&c, &ctx(), &CaseRules::default());
    let far = findings
        .iter()
        .find(|f| f.code == "case.far_from_submitted")
        .unwrap();
    assert_eq!(far.severity, Warning);
    assert!(
        far.message.contains("1501 m") || far.message.contains("1500 m"),
        "{}",
        far.message
    );
    assert!(is_finalizable(&findings));
    let wide = CaseRules {
        submitted_position_warn_m: 2000,
        ..CaseRules::default()
    };
    assert!(validate_case(&c, &ctx(), &wide).is_empty());
}

#[test]
fn pbi_jk_needs_the_faskes_letter_and_takes_no_foreign_photo() {
    use Severity::{Error, Warning};
    let mut c = record(CaseKind::ReaktivasiPbiJk);
    assert_eq!(missing_case_photos(&c), [PhotoKind::SuratFaskes]);
    assert!(has(&c, "photos", "photo.missing", Error));
    c.photos.push(photo(PhotoKind::SuratFaskes));
    assert_eq!(codes(&c), []);
    // The SKTM is optional; a kitchen photo has no place here.
    let list = case_photo_checklist(&c);
    assert_eq!(
        list.iter()
            .map(|i| (i.kind, i.required, i.present))
            .collect::<Vec<_>>(),
        [
            (PhotoKind::SuratFaskes, true, true),
            (PhotoKind::Sktm, false, false),
            (PhotoKind::Ktp, false, false)
        ]
    );
    c.photos.push(photo(PhotoKind::Dapur));
    assert!(has(&c, "photos[1]", "photo.not_for_case", Error));
    c.photos.pop();
    // Deactivated more than the configured months ago: a warning, never a refusal.
    if let CaseDetail::ReaktivasiPbiJk(a) = &mut c.assignment.detail {
        a.deactivated_on = NaiveDate::from_ymd_opt(2026, 5, 1);
    }
    assert!(has(
        &c,
        "assignment.deactivated_on",
        "pbi_jk.past_window",
        Warning
    ));
}

#[test]
fn graduasi_needs_type_reason_assessment_and_the_letter() {
    use Severity::{Error, Warning};
    let mut c = record(CaseKind::GraduasiPkh);
    for path in [
        "finding.graduation_type",
        "finding.reason",
        "finding.assessment_note",
    ] {
        assert!(has(&c, path, "field.required", Error), "{path}");
    }
    assert!(has(&c, "photos", "photo.missing", Error));
    let CaseFinding::GraduasiPkh(f) = &mut c.finding else {
        unreachable!()
    };
    f.graduation_type = Some(GraduasiType::Mandiri);
    f.reason = Some("Usaha warung sudah mapan".into());
    f.assessment_note = Some("  ".into());
    c.photos.push(photo(PhotoKind::SuratGraduasi));
    assert_eq!(
        codes(&c),
        [(
            "finding.assessment_note".to_string(),
            "field.required".to_string(),
            Error
        )]
    );
    let CaseFinding::GraduasiPkh(f) = &mut c.finding else {
        unreachable!()
    };
    f.assessment_note = Some("Penghasilan tetap Rp4 juta/bulan".into());
    assert_eq!(codes(&c), []);
    // Alami while a component remains: the pendamping is told which.
    let CaseFinding::GraduasiPkh(f) = &mut c.finding else {
        unreachable!()
    };
    f.graduation_type = Some(GraduasiType::Alami);
    let findings = validate_case(&c, &ctx(), &CaseRules::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "graduasi.components_remain");
    assert_eq!(findings[0].severity, Warning);
    assert!(findings[0].message.contains("Anak SD"));
    assert!(findings[0].message_en.contains("Primary-school child"));
}

#[test]
fn every_case_finding_speaks_both_languages_and_never_echoes_a_nik() {
    let mut all = Vec::new();
    for kind in CaseKind::ALL {
        let mut c = record(kind);
        c.photos.push(photo(PhotoKind::Jamban));
        c.geotag = Some(geotag(95.0, 106.8));
        all.extend(validate_case(&c, &ctx(), &CaseRules::default()));
    }
    let mut bad = subject();
    bad.nik = Some("3201021205900".into());
    bad.kk_number = Some("32010215032400AB".into());
    let a = CaseAssignment {
        due_date: NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
        detail: CaseDetail::ReaktivasiPbiJk(PbiJkAssignment {
            person: bad,
            ..PbiJkAssignment::default()
        }),
    };
    let import = validate_case_assignment(&a, &ctx());
    assert!(import
        .iter()
        .any(|f| f.path == "person.nik" && f.code.starts_with("nik.")));
    assert!(import
        .iter()
        .any(|f| f.path == "person.kk_number" && f.code.starts_with("kk.")));
    all.extend(import);
    assert!(all.len() >= 12);
    for f in &all {
        assert!(!f.message.is_empty() && !f.message_en.is_empty(), "{f:?}");
        assert_ne!(f.message, f.message_en, "{f:?}");
        assert!(!f.message.contains("3201021205900") && !f.message_en.contains("32010215"));
    }
    // A well-formed case passes the import; a PBI-JK case without a NIK does not.
    for kind in CaseKind::ALL {
        let a = assignment(kind).case.unwrap();
        assert_eq!(validate_case_assignment(&a, &ctx()), [], "{kind}");
    }
    let a = CaseAssignment {
        due_date: NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
        detail: CaseDetail::ReaktivasiPbiJk(PbiJkAssignment {
            person: CaseSubject {
                name: "Tanpa NIK".into(),
                ..CaseSubject::default()
            },
            ..PbiJkAssignment::default()
        }),
    };
    let f = validate_case_assignment(&a, &ctx());
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].path.as_str(), f[0].code.as_str()),
        ("person.nik", "field.required")
    );
}

#[test]
fn the_export_has_one_column_per_header_and_the_finding_in_its_place() {
    for kind in CaseKind::ALL {
        let mut c = record(kind);
        c.photos.push(photo(match kind {
            CaseKind::UsulSanggah => PhotoKind::Rumah,
            CaseKind::ReaktivasiPbiJk => PhotoKind::SuratFaskes,
            CaseKind::GraduasiPkh => PhotoKind::SuratGraduasi,
        }));
        match &mut c.finding {
            CaseFinding::UsulSanggah(f) => {
                f.verdict = Some(Verdict::TidakLayak);
                f.reason = Some(IneligibleReason::AsnTniPolri);
            }
            CaseFinding::ReaktivasiPbiJk(f) => f.note = Some("Surat RSUD".into()),
            CaseFinding::GraduasiPkh(f) => f.graduation_type = Some(GraduasiType::Paksa),
        }
        let header = case_header(kind);
        let row = case_row(&c);
        assert_eq!(header.len(), row.len(), "{kind}");
        let col = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
        assert_eq!(col("questionnaire"), kind.questionnaire().id());
        assert_eq!(col("nik"), NIK);
        assert_eq!(col("due_date"), "2026-12-21");
        match kind {
            CaseKind::UsulSanggah => {
                assert_eq!(col("verdict"), "tidak_layak");
                assert_eq!(col("ineligible_reason"), "asn_tni_polri");
                assert_eq!(col("ineligible_reason_label"), "ASN/TNI/Polri");
                assert_eq!(col("submission"), "sanggahan");
                assert_eq!(*col("photo_F-RUMAH"), format!("{}.jpg", c.photos[0].sha256));
            }
            CaseKind::ReaktivasiPbiJk => {
                assert_eq!(col("emergency"), "ya");
                assert_eq!(col("note"), "Surat RSUD");
                assert_eq!(col("photo_F-SKTM"), "");
                assert_eq!(
                    *col("photo_F-SURAT-FASKES"),
                    format!("{}.jpg", c.photos[0].sha256)
                );
            }
            CaseKind::GraduasiPkh => {
                assert_eq!(col("graduation_type"), "paksa");
                assert_eq!(col("pkh_components"), "Anak SD (Anak)");
                assert_eq!(col("proposed_type"), "mandiri");
            }
        }
    }
    // The DTKS export's photo columns are the form kinds, not the case documents.
    assert!(!PhotoKind::FORM_KINDS.contains(&PhotoKind::SuratFaskes));
    assert_eq!(
        PhotoKind::parse("surat-faskes"),
        Some(PhotoKind::SuratFaskes)
    );
}

#[test]
fn a_finding_is_pushed_as_upsert_case_under_its_questionnaire() {
    for kind in CaseKind::ALL {
        let c = record(kind);
        let change = Change::UpsertCase {
            case: Box::new(c.clone()),
        };
        assert_eq!(change.questionnaire(), Some(kind.questionnaire()));
        assert_eq!(change.record_id(), Some(c.id));
        assert_eq!(change.desa_code(), Some("3201022001"));
        assert_eq!(change.head_name(), "Siti Aminah");
        let rec = PushRecord::new(RevisionId::new(), None, Utc::now(), c.id, change.clone());
        assert_eq!(
            rec.questionnaire.as_deref(),
            Some(kind.questionnaire().id())
        );
        assert_eq!(rec.questionnaire().unwrap(), kind.questionnaire());
        let json = serde_json::to_string(&rec).unwrap();
        assert!(json.contains(r#""op":"upsert_case""#));
        let back: PushRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rec);
        assert_eq!(content_hash(&back.change), rec.content_sha256);
        assert!(Questionnaire::parse(kind.questionnaire().id())
            .unwrap()
            .is_case());
    }
    assert!(!Questionnaire::Regsosek2022k.is_case());
}
