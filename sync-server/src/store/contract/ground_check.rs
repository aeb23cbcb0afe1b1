//! Contract case: the DTSEN ground check's progress, counted by the store in the database, is
//! the same as counting every exported household in Rust ([`GroundCheckRow::of_export`]), for
//! every scope and programme, with known numbers.

use chrono::{Duration, Utc};
use pendata_shared::dtsen::family::{FamilyProcess, ListProgramme};
use pendata_shared::dtsen::{FamilyRecord, GroundCheckOutcome, Visit, VisitResult};
use pendata_shared::protocol::{Change, PullItem, PushOutcome, PushRecord};
use pendata_shared::{HouseholdId, Questionnaire, RevisionId};

use super::{household, incoming, prelist, puller, pusher};
use crate::store::{
    collect_export, group_rows, GroundCheckCounts, GroundCheckListing, GroundCheckRow,
    IncomingRecord, PrelistHousehold, RecordStore, Role, Scope, ShaHex,
};

const EXAMPLE: &str = include_str!("../../../../assets/examples/family-dtsen.json");

/// A ground-check list entry of `programme`.
fn listed(id: &str, desa: &str, who: Option<&str>, programme: ListProgramme) -> PrelistHousehold {
    PrelistHousehold {
        listing: Some(GroundCheckListing {
            programme,
            desil: None,
            building_no: Some(12),
        }),
        ..prelist(id, desa, who)
    }
}

/// The example family as record `id` in `desa`: visits as given, then `outcome`.
pub(crate) fn family(
    id: HouseholdId,
    desa: &str,
    visits: &[VisitResult],
    outcome: Option<GroundCheckOutcome>,
) -> FamilyRecord {
    let mut f: FamilyRecord = serde_json::from_str(EXAMPLE).unwrap();
    f.id = id;
    f.location.desa_code = desa.into();
    f.process = FamilyProcess::GroundCheck {
        assignment_id: id.to_string(),
        programme: None,
        desil: None,
    };
    let start = Utc::now() - Duration::days(10);
    f.ground_check.visits = visits
        .iter()
        .enumerate()
        .map(|(i, r)| Visit {
            at: start + Duration::days(i as i64 * 2),
            result: *r,
            note: None,
        })
        .collect();
    f.ground_check.outcome = outcome;
    f.interview.enumerator = Some("lapangan".into());
    f
}

fn family_record(f: FamilyRecord, base: Option<RevisionId>) -> IncomingRecord {
    let id = f.id;
    let desa = f.location.desa_code.clone();
    let photos: Vec<ShaHex> = f.photos.iter().map(|p| p.sha256.clone()).collect();
    let record = PushRecord::new(
        RevisionId::new(),
        base,
        Utc::now(),
        id,
        Change::UpsertFamily {
            family: Box::new(f),
        },
    );
    IncomingRecord {
        questionnaire: Questionnaire::Regsosek2022k,
        packed_change: None,
        change_json: serde_json::to_string(&record.change).unwrap(),
        record,
        desa_code: Some(desa),
        head_name: String::new(),
        missing_photos: Vec::new(),
        photos,
        warnings: Vec::new(),
        period: None,
    }
}

fn sorted(mut rows: Vec<GroundCheckRow>) -> Vec<GroundCheckRow> {
    rows.sort_by(|a, b| (&a.desa_code, &a.pendamping).cmp(&(&b.desa_code, &b.pendamping)));
    rows
}

pub fn ground_check_progress_is_counted_in_the_database<S: RecordStore>(make: impl Fn() -> S) {
    let s = make();
    let (wanaherang, other_desa, cibinong) = ("3201022001", "3201022002", "3201011001");
    use ListProgramme::*;
    let list = vec![
        listed("G-found", wanaherang, Some("ani"), Pkh),
        listed("G-moved", wanaherang, Some("ani"), Pkh),
        listed("G-died", wanaherang, Some("ani"), Sembako),
        listed("G-revisit", wanaherang, Some("ani"), Pkh),
        listed("G-revisited", wanaherang, Some("ani"), Pkh),
        listed("G-notfound", wanaherang, Some("budi"), PbiJk),
        listed("G-untouched", wanaherang, Some("budi"), Pkh),
        listed("G-deleted", wanaherang, Some("budi"), Pkh),
        listed("G-other", other_desa, None, Pkh),
        listed("G-cibinong", cibinong, Some("citra"), Pkh),
    ];
    s.import_prelist(&list).unwrap();
    // A DTKS prelist household beside them is no ground check.
    s.import_prelist(&[prelist("P-dtks", wanaherang, Some("ani"))])
        .unwrap();
    let ids: std::collections::HashMap<String, HouseholdId> =
        super::all_pulled(&s, &puller("adm", Role::Admin, ""))
            .into_iter()
            .filter_map(|i| match i {
                PullItem::Assignment(a) => Some((a.prelist_id, a.household_id)),
                _ => None,
            })
            .collect();
    let id = |k: &str| ids[k];
    use GroundCheckOutcome::*;
    use VisitResult::*;
    let p = pusher("32");
    let unlisted = family(HouseholdId::new(), wanaherang, &[Met], Some(Moved));
    let first = vec![
        family_record(family(id("G-found"), wanaherang, &[Met], Some(Found)), None),
        family_record(family(id("G-moved"), wanaherang, &[Met], Some(Moved)), None),
        family_record(family(id("G-died"), wanaherang, &[Met], Some(Died)), None),
        family_record(
            family(id("G-revisit"), wanaherang, &[NobodyHome], None),
            None,
        ),
        family_record(
            family(id("G-revisited"), wanaherang, &[NobodyHome], None),
            None,
        ),
        family_record(
            family(
                id("G-notfound"),
                wanaherang,
                &[NobodyHome, NobodyHome, NobodyHome],
                Some(NotFound),
            ),
            None,
        ),
        family_record(
            family(id("G-deleted"), wanaherang, &[Met], Some(Found)),
            None,
        ),
        family_record(family(id("G-other"), other_desa, &[Met], Some(Found)), None),
        family_record(
            family(id("G-cibinong"), cibinong, &[NobodyHome], None),
            None,
        ),
        // A ground-check family nobody listed (no assignment), and a DTKS household.
        family_record(unlisted.clone(), None),
        incoming(household(wanaherang), None),
    ];
    let revs: Vec<RevisionId> = first.iter().map(|r| r.record.revision).collect();
    let out = s.push(&p, first).unwrap();
    assert!(
        out.iter()
            .all(|o| matches!(o, PushOutcome::Accepted { .. })),
        "{out:?}"
    );
    // The revisited family was found at the second visit (only its current revision counts);
    // the deleted one was withdrawn; the unlisted one (a new record on the server) edited: it
    // stays a family.
    let out = s
        .push(
            &p,
            vec![
                family_record(unlisted, Some(revs[9])),
                family_record(
                    family(
                        id("G-revisited"),
                        wanaherang,
                        &[NobodyHome, Met],
                        Some(Found),
                    ),
                    Some(revs[4]),
                ),
                super::ready(
                    PushRecord::new(
                        RevisionId::new(),
                        Some(revs[6]),
                        Utc::now(),
                        id("G-deleted"),
                        Change::Delete,
                    ),
                    None,
                    Vec::new(),
                ),
            ],
        )
        .unwrap();
    assert!(
        out.iter()
            .all(|o| matches!(o, PushOutcome::Accepted { .. })),
        "{out:?}"
    );

    // The store's count is the export's, for every scope and programme.
    for scope in [
        Scope::within("320102"),
        Scope::within(wanaherang),
        Scope::within("320101"),
        Scope::all(),
    ] {
        let all = collect_export(&s, &scope).unwrap();
        for programme in [None, Some(Pkh), Some(Sembako), Some(PbiJk)] {
            let expect = group_rows(
                all.iter()
                    .filter_map(|e| GroundCheckRow::of_export(e, programme)),
            );
            let got = sorted(s.ground_check_progress(&scope, programme).unwrap());
            assert_eq!(got, sorted(expect), "{scope:?} {programme:?}");
        }
    }

    // Known numbers: [assigned, visited, found, moved, died, not found, to revisit].
    let rows = sorted(
        s.ground_check_progress(&Scope::within("320102"), None)
            .unwrap(),
    );
    let cells: Vec<(&str, Option<&str>, [u32; 7])> = rows
        .iter()
        .map(|r| {
            (
                r.desa_code.as_str(),
                r.pendamping.as_deref(),
                r.counts.cells(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            (wanaherang, Some("ani"), [5, 5, 2, 1, 1, 0, 1]),
            (wanaherang, Some("budi"), [3, 1, 0, 0, 0, 1, 0]),
            // The unlisted family: counted by its interview's enumerator, not assigned.
            (wanaherang, Some("lapangan"), [0, 1, 0, 1, 0, 0, 0]),
            (other_desa, Some("lapangan"), [1, 1, 1, 0, 0, 0, 0]),
        ]
    );
    let pkh = sorted(
        s.ground_check_progress(&Scope::within(wanaherang), Some(Pkh))
            .unwrap(),
    );
    let mut total = GroundCheckCounts::default();
    for r in &pkh {
        total.add(&r.counts);
    }
    assert_eq!(total.cells(), [6, 4, 2, 1, 0, 0, 1], "{pkh:?}");
    // Outside the wilayah: nothing of 320102.
    let cib = s
        .ground_check_progress(&Scope::within("320101"), None)
        .unwrap();
    assert_eq!(cib.len(), 1);
    assert_eq!(cib[0].counts.cells(), [1, 1, 0, 0, 0, 0, 1]);
    assert!(s
        .ground_check_progress(&Scope::within("3201022003"), None)
        .unwrap()
        .is_empty());
}
