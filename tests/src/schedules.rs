//! Seeded fault schedules between real client sync engines and real servers, shared by the
//! fault schedules on one server (tests/e2e/fault_schedules.rs) and by two server processes on
//! one PostgreSQL and one S3 bucket (tests/e2e/two_servers.rs).
//!
//! One schedule is one device (a fresh user with a session on the server, the real sync engine
//! over an in-memory [`MemDevice`]) holding a few verivali households built from
//! `assets/examples/household.json` (fresh ids, NIKs, KK numbers and prelist ids, desa
//! 3201022001, wilayah 320102), every third a usulan baru, each with nine small real JPEGs. The
//! engine runs [`ATTEMPTS`] times through a fault proxy seeded with the schedule's seed (a faulty
//! run may end in an error), the device edits some acknowledged households between runs, then
//! the proxy passes everything and the engine runs once more. [`run_schedule`] then checks:
//!
//! * every revision the device saved is acknowledged (accepted or duplicate), nothing pending;
//! * every household is on the server once, its current revision is the device's latest, every
//!   revision the device saved is stored exactly once, none is a conflict, none is incomplete;
//! * every referenced photo is complete and byte-identical ([`check_photos`]).
//!
//! What holds for a whole server (each photo stored once, no staging left, a sound database)
//! is the caller's to check, as it depends on the storage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;

use pendata_core::sync::{run_sync, Client, ClientConfig, RetryPolicy, SyncStore};
use pendata_server::auth::hash_token;
use pendata_server::store::{ListQuery, NewUser, Role, Scope};
use pendata_server::AppState;
use pendata_shared::codes::HouseholdStatus;
use pendata_shared::ids::{DeviceId, HouseholdId, Sha256Hex};
use pendata_shared::model::{Household, MusdesRef};
use pendata_shared::protocol::{content_hash, Change, PushRecord};
use pendata_shared::RecordKind;

use crate::device::MemDevice;
use crate::procs::SplitMix;
use crate::proxy::{FaultProbabilities, FaultSchedule, Proxy, SEED_ENV};
use crate::workload::{tagged_jpeg, Jpeg};
use crate::NoSleep;

/// Faulty engine runs per schedule before the clean one.
pub const ATTEMPTS: usize = 3;
/// The wilayah (kabupaten Bogor, kecamatan Gunung Putri) of every schedule's households.
pub const WILAYAH: &str = "320102";
const TEMPLATE: &str = include_str!("../../assets/examples/household.json");

/// A hostile link that still lets most requests through; short delays and cuts inside the
/// small photos and push bodies.
pub fn probabilities() -> FaultProbabilities {
    FaultProbabilities {
        cut_request: 0.04,
        cut_response: 0.04,
        drop_response: 0.04,
        delay: 0.02,
        delay_response: 0.02,
        duplicate: 0.04,
        max_delay_ms: 15,
        max_cut_bytes: 6 * 1024,
    }
}

// -------------------------------------------------------------------------------------------
// Photos and households.

const MEMBER_IDS: [&str; 5] = [
    "0193a8f2-6b10-7c41-9a51-3c2d4e5f6071",
    "0193a8f2-6b10-7c41-9a51-3c2d4e5f6072",
    "0193a8f2-6b10-7c41-9a51-3c2d4e5f6073",
    "0193a8f2-6b10-7c41-9a51-3c2d4e5f6074",
    "0193a8f2-6b10-7c41-9a51-3c2d4e5f6075",
];
const NIKS: [&str; 5] = [
    "3201021403780003",
    "3201026207900002",
    "3201020509150001",
    "3201025001220004",
    "3271010211550012",
];
const KK: &str = "3201021501160007";

/// The example household with fresh ids, NIKs, KK number and prelist id (serial `n`, 1..=9999,
/// unique on one server) and the given photos (sha, bytes, width, height) in the example's
/// photo order.
pub fn household(n: u64, photos: &[(Sha256Hex, u64, u32, u32)]) -> Household {
    assert!((1..=9999).contains(&n));
    let mut text = TEMPLATE.replace(
        "0193a8f2-6b10-7c41-9a51-3c2d4e5f6000",
        &HouseholdId::new().to_string(),
    );
    for id in MEMBER_IDS {
        text = text.replace(id, &uuid::Uuid::now_v7().to_string());
    }
    for nik in NIKS.iter().chain([&KK]) {
        text = text.replace(nik, &format!("{}{n:04}", &nik[..12]));
    }
    text = text.replace("3201022001-00123", &format!("3201022001-{n:05}"));
    let mut h: Household = serde_json::from_str(&text).unwrap();
    assert_eq!(h.photos.len(), photos.len());
    for (p, (sha, bytes, w, ht)) in h.photos.iter_mut().zip(photos) {
        p.sha256 = sha.clone();
        p.bytes = *bytes;
        p.width = *w;
        p.height = *ht;
    }
    h
}

/// Turns a household into a usulan baru (musyawarah desa, new proposal).
pub fn make_usulan_baru(h: &mut Household, n: u64) {
    h.kind = RecordKind::UsulanBaru {
        musdes: MusdesRef {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2),
            berita_acara_number: Some(format!("BA/{n}/XI/2026")),
        },
    };
    h.verivali.household_status = Some(HouseholdStatus::NewProposal);
}

/// Adds nine distinct photos to the device; returns their references.
pub fn nine_photos(
    device: &mut MemDevice,
    bases: &[(Vec<u8>, u32, u32)],
    tag: &str,
) -> Vec<(Sha256Hex, u64, u32, u32)> {
    bases
        .iter()
        .enumerate()
        .map(|(k, (base, w, h))| {
            let bytes = tagged_jpeg(base, &format!("{tag}/{k}"));
            let len = bytes.len() as u64;
            (device.add_photo(bytes), len, *w, *h)
        })
        .collect()
}

// -------------------------------------------------------------------------------------------
// Accounts.

/// A fresh enumerator of 320102 with one device; the session is made directly in the server's
/// store (a real token, without paying for a password hash per schedule). `state` is the
/// server's, or any opened on the same storage (several server processes share one database).
pub fn fresh_device_client(state: &AppState, username: &str, base_url: &str) -> Client {
    fresh_device_client_with(state, username, base_url, RetryPolicy::default())
}

/// [`fresh_device_client`] with a given retry policy.
pub fn fresh_device_client_with(
    state: &AppState,
    username: &str,
    base_url: &str,
    retry: RetryPolicy,
) -> Client {
    let user = state
        .accounts
        .create_user(NewUser {
            username: username.into(),
            // Never used to log in: the session below is made directly.
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$dGVzdHRlc3Q$dGVzdHRlc3R0ZXN0dGVzdA"
                .into(),
            role: Role::Enumerator,
            wilayah: WILAYAH.into(),
        })
        .unwrap();
    let device = DeviceId::new();
    let token = format!("uji-{}-{}", uuid::Uuid::now_v7(), uuid::Uuid::new_v4());
    state
        .accounts
        .create_session(user.id, device.0, "HP uji", hash_token(&token))
        .unwrap();
    let mut config = ClientConfig::new(base_url, device);
    config.retry = retry;
    let client = Client::new(config).unwrap().with_sleeper(Arc::new(NoSleep));
    client.set_token(Some(token));
    client
}

// -------------------------------------------------------------------------------------------
// Checks against the server.

/// Every revision the device saved is stored once; the current one is the device's latest.
pub fn check_households(state: &AppState, device: &MemDevice, ctx: &str) {
    let scope = Scope::of(Role::Supervisor, WILAYAH);
    let mut by_household: HashMap<HouseholdId, Vec<&PushRecord>> = HashMap::new();
    for r in &device.revisions {
        by_household.entry(r.household_id).or_default().push(r);
    }
    for latest in device.latest() {
        let id = latest.household_id;
        let detail = state
            .records
            .get(id, &scope)
            .unwrap()
            .unwrap_or_else(|| panic!("{ctx}: household {id} is not on the server"));
        assert_eq!(
            detail.summary.current_revision,
            Some(latest.revision),
            "{ctx}: household {id}: the server's current revision is not the device's latest"
        );
        let missing: Vec<String> = detail
            .revisions
            .iter()
            .filter(|i| i.revision == latest.revision)
            .flat_map(|i| i.missing_photos.iter().map(|m| m.to_string()))
            .collect();
        assert!(
            !detail.summary.incomplete,
            "{ctx}: household {id} is still incomplete on the server; its current revision \
             lists missing photos {missing:?} (the device holds {} revisions of it)",
            by_household[&id].len()
        );
        assert_eq!(
            detail.summary.open_conflicts, 0,
            "{ctx}: household {id} has open conflicts"
        );
        let mut seen: HashMap<_, u32> = HashMap::new();
        for info in &detail.revisions {
            *seen.entry(info.revision).or_default() += 1;
            assert_ne!(
                info.state, "conflict",
                "{ctx}: household {id}: revision {} stored as a conflict ({:?})",
                info.revision, info.conflict_reason
            );
        }
        let mine = &by_household[&id];
        assert_eq!(
            detail.revisions.len(),
            mine.len(),
            "{ctx}: household {id}: the server holds {} revisions, the device saved {}",
            detail.revisions.len(),
            mine.len()
        );
        for r in mine {
            assert_eq!(
                seen.get(&r.revision).copied(),
                Some(1),
                "{ctx}: household {id}: revision {} is not stored exactly once",
                r.revision
            );
        }
        let current = detail
            .revisions
            .iter()
            .find(|i| i.revision == latest.revision)
            .unwrap();
        assert_eq!(
            current.content_sha256, latest.content_sha256,
            "{ctx}: household {id}: the stored content differs from the device's"
        );
        let stored = detail
            .household
            .unwrap_or_else(|| panic!("{ctx}: household {id}: no current content"));
        assert_eq!(
            content_hash(&Change::Upsert {
                household: Box::new(stored)
            }),
            latest.content_sha256,
            "{ctx}: household {id}: the served household differs from the device's"
        );
    }
}

/// Every photo the device's households reference is complete on the server, byte-identical.
/// In the photo folder (no `blob_url`), nothing of a complete photo is left in staging either;
/// the S3 store stages in PostgreSQL, which the caller checks for the whole run
/// (tests/e2e/two_servers.rs).
pub async fn check_photos(state: &AppState, device: &MemDevice, ctx: &str) {
    let photos_dir = state.config.photos_dir();
    let folder = state.config.blob_url.is_none();
    let mut wanted: HashSet<Sha256Hex> = HashSet::new();
    for r in device.latest() {
        if let Change::Upsert { household } = &r.change {
            wanted.extend(household.photos.iter().map(|p| p.sha256.clone()));
        }
    }
    for sha in wanted {
        let hash = pendata_server::store::Sha256Hex::parse(sha.as_str()).unwrap();
        let stored = state.blobs.read(&hash).await.unwrap();
        assert!(
            stored.as_deref() == Some(device.photos[&sha].as_slice()),
            "{ctx}: photo {sha} is not stored byte-identical on the server"
        );
        let staging = photos_dir
            .join(".partial")
            .join(format!("{}.part", sha.as_str()));
        assert!(
            !folder || !staging.exists(),
            "{ctx}: photo {sha} is complete but its staging file is still there"
        );
    }
}

/// Every household on the server in 320102, by id (paged through the store's listing).
pub fn all_households(state: &AppState) -> Vec<HouseholdId> {
    let scope = Scope::of(Role::Supervisor, WILAYAH);
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = state
            .records
            .list(
                &scope,
                &ListQuery {
                    state: None,
                    desa: None,
                    limit: 200,
                    after,
                },
            )
            .unwrap();
        let Some(last) = page.last() else {
            return out;
        };
        after = Some(last.id);
        out.extend(page.iter().map(|s| s.id));
    }
}

// -------------------------------------------------------------------------------------------
// One schedule.

// -------------------------------------------------------------------------------------------
// One schedule.

/// One schedule to run ([`run_schedule`]).
#[derive(Clone)]
pub struct Schedule {
    /// The server's state, or one opened on the same storage: accounts are made and the
    /// outcome is read through it.
    pub state: AppState,
    /// The server processes the device's requests go to, through one proxy (picked at random
    /// per request when there are several).
    pub targets: Vec<SocketAddr>,
    /// The nine base photos ([`crate::workload::tiny_set`]); each household tags its own.
    pub bases: Arc<Vec<Jpeg>>,
    pub seed: u64,
    /// Names the user (`tksk.f<index>`) and the notes of edits.
    pub index: u64,
    pub households: u64,
    /// The households get serials `first_serial + 1 ..= first_serial + households` (NIKs and
    /// prelist ids; unique on one server, at most 9999).
    pub first_serial: u64,
    /// How to replay one schedule, for assertion messages (e.g. `cargo test -p pendata-e2e
    /// --test e2e fault_schedules::`; the seed variable is put in front).
    pub replay: String,
}

/// What one schedule did.
pub struct Outcome {
    /// Faults the proxy injected.
    pub injected: u64,
    /// Faulty engine runs that ended in an error.
    pub faulty_runs_failed: usize,
    pub households: u64,
    /// Every photo the device made (each one distinct).
    pub photos: HashSet<Sha256Hex>,
    /// Requests the proxy sent to each target.
    pub requests_by_target: Vec<u64>,
}

/// Runs one schedule and checks what it left on the server (module docs); panics with the seed
/// and a replay hint when something is wrong.
pub async fn run_schedule(s: Schedule) -> Outcome {
    let seed = s.seed;
    let proxy = Proxy::start_balanced(
        &s.targets,
        FaultSchedule::seeded(seed, probabilities()),
        seed ^ 0xBA1A_4CE5,
    )
    .await
    .unwrap();
    let ctx = format!(
        "seed {seed} (replay: {SEED_ENV}={seed} {}; {})",
        s.replay,
        proxy.replay_hint()
    );
    let client = fresh_device_client(&s.state, &format!("tksk.f{}", s.index), &proxy.url());
    let mut device = MemDevice::default();
    let mut rng = SplitMix(seed ^ 0xD1CE);
    let mut templates: HashMap<HouseholdId, Household> = HashMap::new();
    for h in 0..s.households {
        let serial = s.first_serial + h + 1;
        let photos = nine_photos(&mut device, &s.bases, &format!("{seed}/{h}"));
        let mut hh = household(serial, &photos);
        if h % 3 == 2 {
            // Every third one is a usulan baru (a new proposal) instead of a verivali visit.
            make_usulan_baru(&mut hh, serial);
        }
        templates.insert(hh.id, hh.clone());
        device.save(hh);
    }

    let mut failed = 0;
    for attempt in 0..ATTEMPTS {
        if run_sync(&mut device, &client, &mut |_| {}).await.is_err() {
            failed += 1;
        }
        // Between runs the enumerator edits some households the server has acknowledged.
        let ids: Vec<HouseholdId> = device.latest().iter().map(|r| r.household_id).collect();
        for id in ids {
            if !device.has_pending(id)
                && device.acknowledged_base(id).is_some()
                && rng.next_u64().is_multiple_of(3)
            {
                let mut h = templates[&id].clone();
                h.notes = Some(format!("revisi {attempt} jadwal {}", s.index));
                device.save(h);
            }
        }
    }
    let faults = proxy.stats().faults;
    proxy.set_schedule(FaultSchedule::none());
    let report = run_sync(&mut device, &client, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{ctx}: the clean run failed: {} ({e})", e.code()));
    assert!(
        report.issues.is_empty(),
        "{ctx}: the clean run had issues: {:?}",
        report.issues
    );
    assert!(
        report.conflicts.is_empty() && report.rejected.is_empty(),
        "{ctx}: conflicts {:?}, rejected {:?}",
        report.conflicts,
        report.rejected
    );

    // Nothing on the device was lost: every revision acknowledged.
    assert!(
        device.pending_revisions().unwrap().is_empty(),
        "{ctx}: revisions still pending after the clean run"
    );
    for r in &device.revisions {
        assert!(
            device.is_acknowledged(r.revision),
            "{ctx}: revision {} of household {} got {:?}",
            r.revision,
            r.household_id,
            device.results.get(&r.revision)
        );
    }
    assert!(device.last_sync.is_some(), "{ctx}: last sync not recorded");
    check_households(&s.state, &device, &ctx);
    check_photos(&s.state, &device, &ctx).await;
    let mut requests_by_target = vec![0u64; s.targets.len()];
    for r in proxy.request_log() {
        requests_by_target[r.upstream] += 1;
    }
    Outcome {
        injected: faults.injected(),
        faulty_runs_failed: failed,
        households: s.households,
        photos: device.photos.keys().cloned().collect(),
        requests_by_target,
    }
}
