#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The prelist part of the work list (migration 0004): its order, keyset pages that are complete
//! and disjoint whatever the boundaries, the search through assignment_search, the counts, and
//! the `opened` flag following records as they are opened and purged.

use crate::common;

use common::store;
use pendata_core::store::{Store, WorkListCursor};
use pendata_shared::model::Family;
use pendata_shared::protocol::{Assignment, AssignmentKind, PrelistMember, PullItem};
use pendata_shared::HouseholdId;

/// A prelist household: head first, then the other members; NIK `nik_base + i` for member i.
pub fn assignment(
    prelist_id: &str,
    desa: &str,
    names: &[&str],
    nik_base: u64,
    kk: &str,
    address: &str,
) -> Assignment {
    Assignment {
        kind: AssignmentKind::Verivali,
        programme: None,
        desil: None,
        building_no: None,
        case: None,
        household_id: HouseholdId::new(),
        prelist_id: prelist_id.into(),
        desa_code: desa.into(),
        rt: Some("003".into()),
        rw: Some("007".into()),
        address: address.into(),
        head_name: names[0].into(),
        families: vec![Family {
            family_no: 1,
            kk_number: kk.into(),
        }],
        members: names
            .iter()
            .enumerate()
            .map(|(i, n)| PrelistMember {
                name: (*n).into(),
                nik: Some((nik_base + i as u64).to_string()),
                relation_to_head: None,
                sex: None,
                birth_date: None,
                family_no: Some(1),
            })
            .collect(),
        assigned_to: None,
        active: true,
        updated_at: chrono::Utc::now(),
    }
}

/// One pull page, listed as a sync lists it when its pull ends.
pub fn pull(s: &mut Store, items: &[Assignment]) {
    pull_page(s, items);
    s.list_pulled_assignments().unwrap();
}

/// One pull page as a sync applies it (its assignments not listed yet).
fn pull_page(s: &mut Store, items: &[Assignment]) {
    let items: Vec<PullItem> = items.iter().cloned().map(PullItem::Assignment).collect();
    s.apply_pull_page(&items, "c1").unwrap();
}

/// Every page of the list, walked with cursors, `size` rows at a time.
pub fn walk(s: &Store, text: Option<&str>, desa: Option<&str>, size: u32) -> Vec<HouseholdId> {
    let mut out = Vec::new();
    let mut after: Option<WorkListCursor> = None;
    loop {
        let page = s
            .unopened_assignments(text, desa, after.as_ref(), size)
            .unwrap();
        assert!(page.len() as u32 <= size);
        out.extend(page.iter().map(|a| a.household_id));
        match page.last() {
            Some(last) if page.len() as u32 == size => after = Some(WorkListCursor::after(last)),
            _ => return out,
        }
    }
}

fn ids(s: &Store, text: &str) -> Vec<String> {
    s.unopened_assignments(Some(text), None, None, 100)
        .unwrap()
        .into_iter()
        .map(|a| a.prelist_id)
        .collect()
}

/// The list's order (head name as stored, then the record id) over every page size, with head
/// names repeated so that page boundaries fall between rows of the same name; inactive and
/// opened assignments are left out; a purged record's assignment comes back.
#[test]
fn pages_follow_the_order_without_gaps_or_repeats() {
    let (_d, mut s) = store();
    // 9 distinct names, each 1-4 times (ids decide among equals), lower case after upper.
    let names = [
        "Siti Aminah",
        "Ahmad",
        "budi",
        "Budi",
        "Ahmad",
        "Zainal",
        "Siti Aminah",
        "Ahmad",
        "Ñoman",
        "Cici",
        "Ahmad",
        "Budi",
        "Eka",
        "Siti Aminah",
        "Dewi",
        "Budi",
    ];
    let mut items: Vec<Assignment> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let desa = if i % 3 == 0 {
                "3201022002"
            } else {
                "3201022001"
            };
            assignment(
                &format!("P-{i:03}"),
                desa,
                &[n],
                3201020000000000 + 10 * i as u64,
                "3201021501160007",
                "Kp. Uji",
            )
        })
        .collect();
    items[5].active = false; // Zainal: withdrawn
    pull(&mut s, &items);
    s.open_assignment(items[2].household_id).unwrap(); // budi: opened

    let expected = |desa: Option<&str>| {
        let mut rows: Vec<&Assignment> = items
            .iter()
            .enumerate()
            .filter(|(i, a)| *i != 5 && *i != 2 && desa.is_none_or(|d| a.desa_code == d))
            .map(|(_, a)| a)
            .collect();
        rows.sort_by(|a, b| {
            (a.head_name.as_bytes(), a.household_id.to_string())
                .cmp(&(b.head_name.as_bytes(), b.household_id.to_string()))
        });
        rows.into_iter().map(|a| a.household_id).collect::<Vec<_>>()
    };
    let all = expected(None);
    assert_eq!(all.len(), 14);
    for size in [1, 2, 3, 4, 5, 13, 14, 15, 50] {
        assert_eq!(walk(&s, None, None, size), all, "page size {size}");
        let d = Some("3201022002");
        assert_eq!(
            walk(&s, None, d, size),
            expected(d),
            "desa, page size {size}"
        );
    }
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 14);
    assert_eq!(
        s.count_unopened_assignments(None, Some("3201022002"))
            .unwrap(),
        expected(Some("3201022002")).len() as u64
    );

    // A row opened while the facilitator is on page 2 never shifts page 3: it starts after
    // the last row shown.
    let page1 = s.unopened_assignments(None, None, None, 5).unwrap();
    let after1 = WorkListCursor::after(page1.last().unwrap());
    let page2 = s
        .unopened_assignments(None, None, Some(&after1), 5)
        .unwrap();
    s.open_assignment(page1[0].household_id).unwrap();
    let after2 = WorkListCursor::after(page2.last().unwrap());
    let page3 = s
        .unopened_assignments(None, None, Some(&after2), 5)
        .unwrap();
    let page3: Vec<_> = page3.iter().map(|a| a.household_id).collect();
    assert_eq!(page3, all[10..14].to_vec());
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 13);

    // Discarding the never-sent record purges it: the assignment is back in the list.
    s.delete(page1[0].household_id).unwrap();
    assert_eq!(walk(&s, None, None, 4), all);
    // Withdrawn by the server later: gone from the list and its count.
    let mut withdrawn = items[0].clone();
    withdrawn.active = false;
    withdrawn.updated_at = chrono::Utc::now();
    pull(&mut s, &[withdrawn]);
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 13);
    assert!(!walk(&s, None, None, 4).contains(&items[0].household_id));
}

/// The search finds what the households' search finds (names, NIK, KK, prelist id, address,
/// each word a prefix, case and diacritics folded), pages by cursor within a search, counts
/// what it lists, and follows an assignment the server changes.
#[test]
fn search_uses_the_index_and_follows_changes() {
    let (_d, mut s) = store();
    let mut a = assignment(
        "3201022001-00017",
        "3201022001",
        &["Siti Aminah", "Rizky Pratama"],
        3201026207900002,
        "3201021501160007",
        "Kp. Cikeas RT 003",
    );
    let b = assignment(
        "3201022002-00018",
        "3201022002",
        &["Ahmad Suryana", "Sitompul Budi"],
        3271010211550012,
        "3271011111110009",
        "Jl. Merdeka No. 5",
    );
    let c = assignment(
        "3201022001-00019",
        "3201022001",
        &["Ñoño Müller"],
        3201029999990001,
        "3201029999990001",
        "Gg. Mawar",
    );
    // 40 more in the same desa, all matching "warga", for paging within a search.
    let many: Vec<Assignment> = (0..40)
        .map(|i| {
            assignment(
                &format!("3201022001-1{i:04}"),
                if i % 2 == 0 {
                    "3201022001"
                } else {
                    "3201022002"
                },
                &[&format!("Warga Nomor{i:02}")],
                3201030000000000 + 10 * i,
                "3201031501160001",
                "Jl. Kenanga",
            )
        })
        .collect();
    let mut all = vec![a.clone(), b.clone(), c.clone()];
    all.extend(many.iter().cloned());
    pull(&mut s, &all);

    assert_eq!(
        ids(&s, "sit"),
        vec![b.prelist_id.clone(), a.prelist_id.clone()],
        "Siti and Sitompul, by head name"
    );
    assert_eq!(ids(&s, "SITI AM"), vec![a.prelist_id.clone()]);
    assert_eq!(
        ids(&s, "prat"),
        vec![a.prelist_id.clone()],
        "another member"
    );
    assert_eq!(ids(&s, "muller"), vec![c.prelist_id.clone()], "diacritics");
    assert_eq!(ids(&s, "nono"), vec![c.prelist_id.clone()]);
    assert_eq!(
        ids(&s, "3271010211550013"),
        vec![b.prelist_id.clone()],
        "a NIK"
    );
    assert_eq!(
        ids(&s, "32710102115"),
        vec![b.prelist_id.clone()],
        "a NIK prefix"
    );
    assert_eq!(
        ids(&s, "3271011111110009"),
        vec![b.prelist_id.clone()],
        "a KK number"
    );
    assert_eq!(
        ids(&s, "3201022002-00018"),
        vec![b.prelist_id.clone()],
        "the prelist id"
    );
    assert_eq!(ids(&s, "cikeas"), vec![a.prelist_id.clone()], "the address");
    assert!(ids(&s, "zzz").is_empty());
    assert!(
        ids(&s, "\" OR * NEAR(").is_empty(),
        "hostile input is just words"
    );
    assert_eq!(
        s.unopened_assignments(Some("sit"), Some("3201022002"), None, 10)
            .unwrap()
            .iter()
            .map(|x| x.household_id)
            .collect::<Vec<_>>(),
        vec![b.household_id]
    );

    // Paging within a search, with and without a desa; counts equal what the pages list.
    for (t, d) in [
        (Some("warga"), None),
        (Some("warga nomor1"), None),
        (Some("warga"), Some("3201022002")),
        (Some("nomor"), Some("3201022001")),
        (Some("kenanga 32010300"), None),
        (None, None),
        (Some("--"), None),
    ] {
        let listed = walk(&s, t, d, 7);
        let mut expected: Vec<&Assignment> = all
            .iter()
            .filter(|x| d.is_none_or(|d| x.desa_code == d))
            .filter(|x| match t {
                Some("warga") | Some("kenanga 32010300") => x.head_name.starts_with("Warga"),
                Some("warga nomor1") => x.head_name.starts_with("Warga Nomor1"),
                Some("nomor") => x.head_name.starts_with("Warga"),
                _ => true,
            })
            .collect();
        expected.sort_by_key(|x| (x.head_name.clone(), x.household_id.to_string()));
        let expected: Vec<_> = expected.iter().map(|x| x.household_id).collect();
        assert_eq!(listed, expected, "{t:?} {d:?}");
        assert_eq!(
            s.count_unopened_assignments(t, d).unwrap(),
            expected.len() as u64,
            "{t:?} {d:?}"
        );
    }
    assert_eq!(
        s.count_unopened_assignments(Some("warga"), None).unwrap(),
        40
    );

    // The server renames the head and moves the address: the index follows.
    a.head_name = "Wulan Sari".into();
    a.members[0].name = "Wulan Sari".into();
    a.address = "Jl. Melati".into();
    a.updated_at = chrono::Utc::now();
    pull(&mut s, std::slice::from_ref(&a));
    assert!(ids(&s, "siti").is_empty());
    assert!(ids(&s, "cikeas").is_empty());
    assert_eq!(ids(&s, "wulan"), vec![a.prelist_id.clone()]);
    assert_eq!(ids(&s, "melati"), vec![a.prelist_id.clone()]);
    assert_eq!(ids(&s, "prat"), vec![a.prelist_id.clone()]);

    // Opened, it leaves the search of the prelist (and is found as a record instead).
    s.open_assignment(b.household_id).unwrap();
    assert!(ids(&s, "sitompul").is_empty());
    assert_eq!(
        s.count_unopened_assignments(Some("sitompul"), None)
            .unwrap(),
        0
    );
    let found = s
        .search(&pendata_core::store::SearchQuery {
            text: Some("sitompul".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, b.household_id);
}

/// A sync's pull pages wait unlisted (no index work per row) and join the list and its search
/// together when the pull ends (migration 0007); what a cut pull left waiting is listed when the
/// store opens again; an assignment that changed while it waited is found by its new words only,
/// and one changed after it was listed is indexed again.
#[test]
fn pulled_pages_join_the_list_when_the_pull_ends() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::key(dir.path());
    let mut s = Store::open_in_dir(dir.path(), &key).unwrap();
    let mut a = assignment(
        "3201022001-00031",
        "3201022001",
        &["Dewi Lestari", "Bayu Lestari"],
        3201026207900031,
        "3201021501160031",
        "Kp. Cikeas",
    );
    let b = assignment(
        "3201022002-00032",
        "3201022002",
        &["Joko Susilo"],
        3201026207900041,
        "3201021501160041",
        "Jl. Merdeka",
    );
    pull_page(&mut s, std::slice::from_ref(&a));
    // The same assignment again in a later page of the same pull, renamed: it still waits.
    a.head_name = "Sri Anggraini".into();
    a.members[0].name = "Sri Anggraini".into();
    a.updated_at = chrono::Utc::now();
    pull_page(&mut s, &[a.clone(), b.clone()]);
    assert!(
        walk(&s, None, None, 10).is_empty(),
        "nothing listed mid-pull"
    );
    assert!(ids(&s, "anggraini").is_empty());
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 0);
    // Beranda counts what the list shows: none yet, though both are stored.
    let st = s.status().unwrap();
    assert_eq!((st.assignments_active, st.assignments_listed), (2, 0));

    assert_eq!(s.list_pulled_assignments().unwrap(), 2);
    assert_eq!(s.list_pulled_assignments().unwrap(), 0, "listed once");
    assert_eq!(s.status().unwrap().assignments_listed, 2);
    let mut both = vec![a.household_id, b.household_id];
    both.sort_by_key(|id| {
        [&a, &b]
            .iter()
            .find(|x| x.household_id == *id)
            .map(|x| x.head_name.clone())
    });
    assert_eq!(walk(&s, None, None, 10), both);
    assert_eq!(ids(&s, "anggraini"), vec![a.prelist_id.clone()]);
    assert!(ids(&s, "dewi").is_empty(), "the old head name");
    assert_eq!(ids(&s, "bayu"), vec![a.prelist_id.clone()]);
    assert_eq!(ids(&s, "joko"), vec![b.prelist_id.clone()]);

    // Listed, then changed by a later pull: indexed again at once.
    a.address = "Gg. Kenanga".into();
    a.updated_at = chrono::Utc::now();
    pull_page(&mut s, std::slice::from_ref(&a));
    assert_eq!(ids(&s, "kenanga"), vec![a.prelist_id.clone()]);
    assert!(ids(&s, "cikeas").is_empty());

    // A pull cut before its end: the next opening of the store lists what it brought.
    let c = assignment(
        "3201022001-00033",
        "3201022001",
        &["Rina Wati"],
        3201026207900051,
        "3201021501160051",
        "Jl. Mawar",
    );
    pull_page(&mut s, std::slice::from_ref(&c));
    assert!(ids(&s, "rina").is_empty());
    drop(s);
    let s = Store::open_in_dir(dir.path(), &key).unwrap();
    assert_eq!(ids(&s, "rina"), vec![c.prelist_id.clone()]);
    assert_eq!(s.count_unopened_assignments(None, None).unwrap(), 3);
}
