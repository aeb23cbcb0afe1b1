#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Search: prefix, case, NIK, KK, address, filters, paging.

use crate::common;

use common::{simple, store};
use pendata_core::store::{RecordState, SearchQuery, Store};
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
    for q in [None, Some("warga")] {
        let mut got = Vec::new();
        let mut offset = 0;
        loop {
            let page = ids(
                &s,
                SearchQuery {
                    text: q.map(String::from),
                    limit: 5,
                    offset,
                    ..Default::default()
                },
            );
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= 5);
            got.extend(page);
            offset += 5;
        }
        assert_eq!(got, all);
    }
}
