#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Search: prefix, case, NIK, KK, address, filters, paging.

use crate::common;

use common::{simple, store};
use pendata_core::store::{RecordCursor, RecordState, SearchQuery, Store};
use pendata_shared::HouseholdId;

fn ids(s: &Store, q: SearchQuery) -> Vec<HouseholdId> {
    s.search(&q).unwrap().into_iter().map(|h| h.id).collect()
}

fn text(t: &str) -> SearchQuery {
    SearchQuery {
        text: Some(t.into()),
        ..Default::default()
    }
}

#[test]
fn search_by_names_numbers_address_with_filters() {
    let (_d, mut s) = store();
    let a = simple(
        &["Siti Aminah", "Rizky Pratama"],
        &["3201026207900002", "3201020509150001"],
        "3201021501160007",
        "Kp. Cikeas RT 003",
        "3201022001",
    );
    let b = simple(
        &["Ahmad Suryana", "Sitompul Budi"],
        &["3271010211550012"],
        "3271011111110009",
        "Jl. Merdeka No. 5",
        "3271011001",
    );
    let c = simple(
        &["Ñoño Müller"],
        &[],
        "3201029999990001",
        "Gg. Mawar",
        "3201022001",
    );
    for h in [&a, &b, &c] {
        s.create_household(h).unwrap();
    }
    // Head's name, prefix, any case.
    assert_eq!(ids(&s, text("sit")), vec![a.id, b.id], "Siti and Sitompul");
    assert_eq!(ids(&s, text("siti")), vec![a.id]);
    assert_eq!(ids(&s, text("SITI AM")), vec![a.id]);
    assert_eq!(ids(&s, text("sItO")), vec![b.id]);
    // Any member's name.
    assert_eq!(ids(&s, text("prat")), vec![a.id]);
    assert_eq!(ids(&s, text("budi")), vec![b.id]);
    // Diacritics folded.
    assert_eq!(ids(&s, text("muller")), vec![c.id]);
    assert_eq!(ids(&s, text("nono")), vec![c.id]);
    // NIK, full and prefix; KK number.
    assert_eq!(ids(&s, text("3201020509150001")), vec![a.id]);
    assert_eq!(ids(&s, text("327101021")), vec![b.id]);
    assert_eq!(ids(&s, text("3271011111110009")), vec![b.id]);
    assert_eq!(ids(&s, text("3201029999")), vec![c.id]);
    // Address.
    assert_eq!(ids(&s, text("cikeas")), vec![a.id]);
    assert_eq!(ids(&s, text("merd")), vec![b.id]);
    // No match; hostile input is just words.
    assert!(ids(&s, text("zzz")).is_empty());
    assert!(ids(&s, text("\" OR * NEAR(")).is_empty());
    // Desa filter.
    assert_eq!(
        ids(
            &s,
            SearchQuery {
                desa_code: Some("3201022001".into()),
                ..Default::default()
            }
        ),
        vec![a.id, c.id]
    );
    assert_eq!(
        ids(
            &s,
            SearchQuery {
                text: Some("sit".into()),
                desa_code: Some("3271011001".into()),
                ..Default::default()
            }
        ),
        vec![b.id]
    );
    // State filter.
    s.set_field(b.id, "notes", serde_json::json!("x")).unwrap();
    assert_eq!(
        ids(
            &s,
            SearchQuery {
                state: Some(RecordState::Draft),
                ..Default::default()
            }
        )
        .len(),
        3
    );
    assert!(ids(
        &s,
        SearchQuery {
            state: Some(RecordState::Final),
            ..Default::default()
        }
    )
    .is_empty());
    // The index follows edits.
    s.set_field(a.id, "members[0].name", serde_json::json!("Wulan Sari"))
        .unwrap();
    assert!(ids(&s, text("siti")).is_empty());
    assert_eq!(ids(&s, text("wulan")), vec![a.id]);
    let hit = &s.search(&text("wulan")).unwrap()[0];
    assert_eq!(hit.head_name, "Wulan Sari");
    assert_eq!(hit.member_count, 2);
}

#[test]
fn paging_is_complete_and_disjoint() {
    let (_d, mut s) = store();
    let mut all = Vec::new();
    let households: Vec<_> = (0..23)
        .map(|i| {
            let name = format!("Warga Nomor{i}");
            simple(
                &[name.as_str()],
                &[],
                "3201021501160007",
                "Jl. Kenanga",
                "3201022001",
            )
        })
        .collect();
    s.import(&households).unwrap();
    all.extend(households.iter().map(|h| h.id));
    let text_of = |q: Option<&str>| q.map(String::from);
    for q in [None, Some("warga")] {
        // Keyset pages (the app's): each starts after the last row of the page before.
        let mut got = Vec::new();
        let mut after = None;
        loop {
            let page = s
                .search(&SearchQuery {
                    text: text_of(q),
                    limit: 5,
                    after,
                    ..Default::default()
                })
                .unwrap();
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= 5);
            after = page.last().map(RecordCursor::after);
            got.extend(page.iter().map(|h| h.id));
        }
        assert_eq!(got, all, "{q:?}");
        // Offset pages (the CLI's --offset) list the same.
        let mut got = Vec::new();
        let mut offset = 0;
        loop {
            let page = ids(
                &s,
                SearchQuery {
                    text: text_of(q),
                    limit: 5,
                    offset,
                    ..Default::default()
                },
            );
            if page.is_empty() {
                break;
            }
            got.extend(page);
            offset += 5;
        }
        assert_eq!(got, all, "{q:?}");
    }
    // A record of a page already shown leaves the list (deleted) before the next page is
    // asked for: the next page still starts right after the last row shown, none skipped
    // (counted by offset, the first row of the next page would be lost).
    let first = s
        .search(&SearchQuery {
            text: text_of(Some("warga")),
            limit: 5,
            ..Default::default()
        })
        .unwrap();
    s.delete(all[1]).unwrap();
    for q in [None, Some("warga")] {
        let next = ids(
            &s,
            SearchQuery {
                text: text_of(q),
                limit: 5,
                after: first.last().map(RecordCursor::after),
                ..Default::default()
            },
        );
        assert_eq!(next, all[5..10], "{q:?}");
    }
}

#[test]
fn counts_match_every_page_of_the_lists() {
    use pendata_shared::protocol::{Assignment, PullItem};
    let (_d, mut s) = store();
    let households: Vec<_> = (0..23)
        .map(|i| {
            let name = format!("Warga Nomor{i}");
            let desa = if i % 3 == 0 {
                "3201022002"
            } else {
                "3201022001"
            };
            simple(
                &[name.as_str()],
                &[],
                "3201021501160007",
                "Jl. Kenanga",
                desa,
            )
        })
        .collect();
    s.import(&households).unwrap();
    let all = |q: SearchQuery| -> usize {
        s.search(&SearchQuery {
            limit: 1000,
            offset: 0,
            ..q
        })
        .unwrap()
        .len()
    };
    for q in [
        SearchQuery::default(),
        text("warga"),
        text("nomor1"),
        text("zzz"),
        SearchQuery {
            desa_code: Some("3201022002".into()),
            ..text("warga")
        },
        SearchQuery {
            desa_code: Some("3201022002".into()),
            ..Default::default()
        },
        SearchQuery {
            state: Some(RecordState::Final),
            ..Default::default()
        },
    ] {
        // The page size does not change the total.
        let small = SearchQuery {
            limit: 2,
            offset: 3,
            ..q.clone()
        };
        assert_eq!(s.count(&small).unwrap(), all(q.clone()) as u64, "{q:?}");
    }
    assert_eq!(s.count(&text("warga")).unwrap(), 23);
    assert_eq!(s.count(&text("nomor1")).unwrap(), 11, "1 and 10-19");
    // A deleted household leaves the count.
    s.delete(households[0].id).unwrap();
    assert_eq!(s.count(&SearchQuery::default()).unwrap(), 22);

    // Unopened assignments: the same text and desa rules as the list, opened ones leave it.
    let items: Vec<PullItem> = (0..30u32)
        .map(|i| {
            PullItem::Assignment(Assignment {
                kind: Default::default(),
                programme: None,
                desil: None,
                building_no: None,
                case: None,
                household_id: HouseholdId::new(),
                prelist_id: format!("3201022001-{i:05}"),
                desa_code: if i % 2 == 0 {
                    "3201022001"
                } else {
                    "3201022002"
                }
                .into(),
                rt: None,
                rw: None,
                address: format!("Kp. Uji no. {i}"),
                head_name: format!("Kepala {i:05}"),
                families: Vec::new(),
                members: Vec::new(),
                assigned_to: None,
                active: true,
                updated_at: chrono::Utc::now(),
            })
        })
        .collect();
    s.apply_pull_page(&items, "c1").unwrap();
    // A pulled page joins the work list when the pull ends (migration 0007), as a sync does.
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 0);
    s.list_pulled_assignments().unwrap();
    let listed = |t: Option<&str>, d: Option<&str>| {
        s.unopened_assignments(t, d, None, 1000).unwrap().len() as u64
    };
    for (t, d) in [
        (None, None),
        (Some("Kepala 0001"), None),
        (Some("kp. uji"), Some("3201022002")),
        (Some("50%_"), None),
    ] {
        assert_eq!(s.count_unopened_assignments(t, d).unwrap(), listed(t, d));
    }
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 30);
    assert_eq!(
        s.count_unopened_assignments(Some("Kepala 0001"), None)
            .unwrap(),
        10
    );
    let PullItem::Assignment(first) = &items[0] else {
        unreachable!()
    };
    s.open_assignment(first.household_id).unwrap();
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 29);
}
