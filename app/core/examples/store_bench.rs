//! Store benchmark: 20,000 households with 100,000 members, then search and autosave latency;
//! and 20,000 prelist assignments of 5 members pulled into the same store, then the work list's
//! first page, a page 200 pages in, its search and its counts (what the app does on every list
//! and every search, `worklist_*`).
//! `cargo run --release -p pendata-core --example store_bench [-- DIR] [--keep]`; prints JSON.
//! The anchors are full-table LIKE scans measured in the same run (for the work list: the
//! query it ran before migration 0004, a LIKE over each assignment's JSON sorted by head name).
//!
//! `--keep` (or `PENDATA_BENCH_KEEP=1`) keeps DIR for the desktop app benchmark
//! (`scripts/bench-app`): the key file then uses the real KDF parameters
//! (`KdfParams::default()`, argon2id 64 MiB, t=3) so the app's unlock costs what it costs on a
//! device, and a placeholder session (no real token, no server) is saved so the app opens on
//! its home screen instead of the enrolment form. The PIN is [`BENCH_PIN`]; the JSON says
//! which KDF parameters were used.

use std::time::{Duration, Instant};

use pendata_core::store::SearchQuery;
use pendata_shared::codes::Relation;
use pendata_shared::model::{Family, MusdesRef};
use pendata_shared::{Household, Member, RecordKind};

const HOUSEHOLDS: usize = 20_000;
const MEMBERS_PER_HOUSEHOLD: usize = 5;
const QUERIES: usize = 400;
const AUTOSAVES: usize = 300;
/// The PIN of the benchmark's data directory.
const BENCH_PIN: &str = "bench-pin";

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SYL: &[&str] = &[
    "a", "bu", "di", "sa", "ri", "ti", "na", "wa", "ti", "ma", "ya", "ra", "hi", "ju", "ko", "la",
    "ni", "pu", "su", "to", "we", "yu", "an", "dan", "kar", "sur", "win", "har", "jo", "nur",
];
const STREETS: &[&str] = &[
    "Jl. Mawar",
    "Jl. Melati",
    "Kp. Cikeas",
    "Gg. Kenanga",
    "Dusun Krajan",
    "Jl. Merdeka",
];

fn word(rng: &mut Rng) -> String {
    let n = 2 + rng.below(2);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(SYL[rng.below(SYL.len())]);
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

fn digits(rng: &mut Rng, prefix: &str, n: usize) -> String {
    let mut s = prefix.to_string();
    while s.len() < n {
        s.push(char::from(b'0' + (rng.next() % 10) as u8));
    }
    s
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let keep = args.iter().any(|a| a == "--keep")
        || std::env::var("PENDATA_BENCH_KEEP").is_ok_and(|v| v == "1");
    let dir = match args.iter().find(|a| !a.starts_with("--")) {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join(format!("pendata-bench-{}", std::process::id())),
    };
    let _ = std::fs::remove_dir_all(&dir);
    // The real (always encrypted) store. Cheap KDF parameters when only store work is timed;
    // the real ones when the directory is kept for the app (whose unlock is then measured).
    let kdf = if keep {
        pendata_core::crypto::KdfParams::default()
    } else {
        pendata_core::crypto::KdfParams::insecure_for_tests()
    };
    let mut device = pendata_core::Device::create(&dir, BENCH_PIN, kdf)?;
    let store = device.store_mut();
    if keep {
        // A placeholder login (what `Device::login` saves), so the app skips enrolment.
        // Not a real token; the app never syncs in the benchmark.
        use pendata_core::store::keys;
        let user = pendata_shared::protocol::UserInfo {
            username: "bench".into(),
            role: pendata_shared::protocol::Role::Enumerator,
            wilayah: "320102".into(),
        };
        store.set_setting(keys::SERVER_URL, Some("http://127.0.0.1:9"))?;
        store.set_setting(keys::SESSION_TOKEN, Some("bench-placeholder"))?;
        store.set_setting(keys::SESSION_USER, Some(&serde_json::to_string(&user)?))?;
        store.set_username(Some("bench"))?;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let desas = ["3201022001", "3201022002", "3201022003", "3271011001"];

    let t0 = Instant::now();
    let mut ids = Vec::with_capacity(HOUSEHOLDS);
    let mut names = Vec::new();
    let mut niks = Vec::new();
    for chunk in 0..HOUSEHOLDS / 1000 {
        let mut batch = Vec::with_capacity(1000);
        for _ in 0..1000 {
            let desa = desas[rng.below(desas.len())];
            let mut h = Household::new(
                RecordKind::UsulanBaru {
                    musdes: MusdesRef::default(),
                },
                desa,
            );
            h.location.address = format!(
                "{} No. {}",
                STREETS[rng.below(STREETS.len())],
                rng.below(200)
            );
            h.families.push(Family {
                family_no: 1,
                kk_number: digits(&mut rng, desa, 16),
            });
            let family = word(&mut rng);
            for m in 0..MEMBERS_PER_HOUSEHOLD {
                let mut member = Member::new(format!("{} {}", word(&mut rng), family));
                member.nik = Some(digits(&mut rng, &desa[..6], 16));
                member.relation_to_head = Some(if m == 0 {
                    Relation::Head
                } else {
                    Relation::Child
                });
                if chunk == 0 {
                    names.push(member.name.clone());
                    niks.push(member.nik.clone().unwrap_or_default());
                }
                h.members.push(member);
            }
            ids.push(h.id);
            batch.push(h);
        }
        store.import(&batch)?;
    }
    let build_s = t0.elapsed().as_secs_f64();

    // Prefix queries: 2-5 letters of a first or family name, some two-word, some NIK prefixes.
    let mut queries = Vec::with_capacity(QUERIES);
    for i in 0..QUERIES {
        let q = match i % 4 {
            0 | 1 => {
                let n = &names[rng.below(names.len())];
                let w: Vec<&str> = n.split(' ').collect();
                let w = w[rng.below(w.len())];
                w.chars()
                    .take(2 + rng.below(4))
                    .collect::<String>()
                    .to_lowercase()
            }
            2 => {
                let n = &names[rng.below(names.len())];
                let mut w = n.split(' ');
                let a = w.next().unwrap_or("");
                let b = w.next().unwrap_or("");
                format!("{} {}", a, &b[..b.len().min(3)]).to_uppercase()
            }
            _ => niks[rng.below(niks.len())][..8].to_string(),
        };
        queries.push(q);
    }
    let mut search = Vec::with_capacity(QUERIES);
    let mut hits = 0usize;
    let mut slow = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let desa = (i % 5 == 0).then(|| desas[i % desas.len()].to_string());
        let t = Instant::now();
        let r = store.search(&SearchQuery {
            text: Some(q.clone()),
            desa_code: desa,
            limit: 50,
            ..Default::default()
        })?;
        search.push(t.elapsed());
        hits += r.len();
        slow.push((t.elapsed(), q.clone(), r.len()));
    }
    search.sort();
    slow.sort();
    let slowest: Vec<String> = slow
        .iter()
        .rev()
        .take(5)
        .map(|(d, q, n)| format!("{q:?} {:.2} ms, {n} hits", d.as_secs_f64() * 1000.0))
        .collect();

    // Anchor: a LIKE scan over the head names (what search would cost without the index).
    let mut scan = Vec::new();
    for q in queries.iter().take(50) {
        let t = Instant::now();
        let mut stmt = store.connection().prepare_cached(
            "SELECT id FROM households WHERE head_name LIKE ?1 || '%' OR address LIKE '%' || ?1 || '%' LIMIT 50",
        )?;
        let n = stmt.query_map([q], |r| r.get::<_, String>(0))?.count();
        scan.push(t.elapsed());
        hits += n;
    }
    scan.sort();

    let mut autosave = Vec::with_capacity(AUTOSAVES);
    for i in 0..AUTOSAVES {
        let id = ids[rng.below(ids.len())];
        let t = Instant::now();
        store.set_field(id, "housing.rooms", serde_json::json!(1 + i % 9))?;
        autosave.push(t.elapsed());
    }
    autosave.sort();

    let worklist = worklist(store, &mut rng, &queries)?;

    let out = serde_json::json!({
        "households": HOUSEHOLDS,
        "members": HOUSEHOLDS * MEMBERS_PER_HOUSEHOLD,
        "build_seconds": build_s,
        "search_queries": QUERIES,
        "search_p50_ms": pct(&search, 0.50),
        "search_p99_ms": pct(&search, 0.99),
        "search_max_ms": pct(&search, 1.0),
        "anchor_like_scan_p50_ms": pct(&scan, 0.50),
        "autosave_p50_ms": pct(&autosave, 0.50),
        "autosave_p99_ms": pct(&autosave, 0.99),
        "hits_total": hits,
        "slowest_queries": slowest,
        "db_bytes": std::fs::metadata(dir.join(pendata_core::store::STORE_FILE)).map(|m| m.len()).unwrap_or(0),
        "kdf": { "m_kib": kdf.m_kib, "t": kdf.t, "p": kdf.p,
                 "real": kdf == pendata_core::crypto::KdfParams::default() },
        "worklist": worklist,
        "kept_dir": keep.then(|| dir.display().to_string()),
        "pin": keep.then_some(BENCH_PIN),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    drop(device);
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// The work list over 20,000 prelist assignments: pulled in pages of 1,000 as a sync does, then
/// timed (first page, page 200 through cursors, searches, counts) beside the pre-0004 query.
fn worklist(
    store: &mut pendata_core::store::Store,
    rng: &mut Rng,
    queries: &[String],
) -> anyhow::Result<serde_json::Value> {
    use pendata_core::store::WorkListCursor;
    use pendata_shared::protocol::{Assignment, AssignmentKind, PrelistMember, PullItem};
    let desas = ["3201022001", "3201022002", "3201022003", "3201022004"];
    let t0 = Instant::now();
    let mut heads = Vec::new();
    for chunk in 0..HOUSEHOLDS / 1000 {
        let mut page = Vec::with_capacity(1000);
        for i in 0..1000 {
            let desa = desas[rng.below(desas.len())];
            let family = word(rng);
            let members: Vec<PrelistMember> = (0..MEMBERS_PER_HOUSEHOLD)
                .map(|_| PrelistMember {
                    name: format!("{} {}", word(rng), family),
                    nik: Some(digits(rng, &desa[..6], 16)),
                    relation_to_head: None,
                    sex: None,
                    birth_date: None,
                    family_no: Some(1),
                })
                .collect();
            if chunk == 0 {
                heads.push(members[0].name.clone());
            }
            page.push(PullItem::Assignment(Assignment {
                kind: AssignmentKind::Verivali,
                programme: None,
                desil: None,
                building_no: None,
                case: None,
                household_id: pendata_shared::HouseholdId::new(),
                prelist_id: format!("BENCH-{chunk:02}{i:04}"),
                desa_code: desa.into(),
                rt: Some("001".into()),
                rw: Some("002".into()),
                address: format!(
                    "{} No. {}",
                    STREETS[rng.below(STREETS.len())],
                    rng.below(200)
                ),
                head_name: members[0].name.clone(),
                families: vec![Family {
                    family_no: 1,
                    kk_number: digits(rng, desa, 16),
                }],
                members,
                assigned_to: None,
                active: true,
                updated_at: chrono::Utc::now(),
            }));
        }
        store.apply_pull_page(&page, &format!("bench-{chunk}"))?;
    }
    let pull_s = t0.elapsed().as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;

    let mut first = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let rows = store.unopened_assignments(None, None, None, 50)?;
        first.push(t.elapsed());
        anyhow::ensure!(rows.len() == 50, "a full first page");
    }
    first.sort();
    // Page 200 of 400: walk there by cursor, time the last page.
    let mut after: Option<WorkListCursor> = None;
    let mut deep = Duration::ZERO;
    for _ in 0..200 {
        let t = Instant::now();
        let rows = store.unopened_assignments(None, None, after.as_ref(), 50)?;
        deep = t.elapsed();
        after = rows.last().map(WorkListCursor::after);
    }
    // The same queries as the households' search (prefixes, two words, NIK prefixes), and full
    // head names as the web benchmark types them.
    let mut texts: Vec<String> = queries.to_vec();
    texts.extend(heads.iter().take(100).cloned());
    let mut search = Vec::new();
    let mut count = Vec::new();
    let mut slow = Vec::new();
    let mut hits = 0usize;
    for (i, q) in texts.iter().enumerate() {
        let desa = (i % 5 == 0).then_some(desas[i % desas.len()]);
        let t = Instant::now();
        hits += store.unopened_assignments(Some(q), desa, None, 50)?.len();
        search.push(t.elapsed());
        let t = Instant::now();
        let n = store.count_unopened_assignments(Some(q), desa)?;
        count.push(t.elapsed());
        slow.push((
            search[search.len() - 1],
            count[count.len() - 1],
            q.clone(),
            desa,
            n,
        ));
    }
    search.sort();
    count.sort();
    slow.sort_by_key(|s| std::cmp::Reverse(s.0));
    let slowest: Vec<String> = slow
        .iter()
        .take(5)
        .map(|(s, c, q, d, n)| {
            format!(
                "{q:?} {d:?}: page {:.2} ms, count {:.2} ms, {n} matches",
                ms(*s),
                ms(*c)
            )
        })
        .collect();
    let t = Instant::now();
    let total = store.count_unopened_assignments(None, None)?;
    let count_all = t.elapsed();
    // Anchor: the list's query before migration 0004 (LIKE over the JSON, sorted by head name).
    let mut scan = Vec::new();
    for q in texts.iter().take(20) {
        let t = Instant::now();
        let mut stmt = store.connection().prepare_cached(
            "SELECT a.content FROM assignments a WHERE a.active = 1 AND a.content LIKE ?1
               AND NOT EXISTS (SELECT 1 FROM households h WHERE h.id = a.household_id)
             ORDER BY a.head_name, a.household_id LIMIT 50",
        )?;
        let n = stmt
            .query_map([format!("%{q}%")], |r| r.get::<_, String>(0))?
            .count();
        scan.push(t.elapsed());
        hits += n;
    }
    scan.sort();
    Ok(serde_json::json!({
        "assignments": HOUSEHOLDS,
        "pull_seconds": pull_s,
        "unopened_total": total,
        "first_page_p50_ms": pct(&first, 0.5),
        "page_200_ms": ms(deep),
        "search_queries": texts.len(),
        "search_p50_ms": pct(&search, 0.5),
        "search_p99_ms": pct(&search, 0.99),
        "count_p99_ms": pct(&count, 0.99),
        "count_all_ms": ms(count_all),
        "anchor_like_scan_p50_ms": pct(&scan, 0.5),
        "hits_total": hits,
        "slowest_searches": slowest,
    }))
}
