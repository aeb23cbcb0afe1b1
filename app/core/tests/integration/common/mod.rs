#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use pendata_shared::model::{Family, MusdesRef};
use pendata_shared::{Household, Member, RecordKind};

pub const EXAMPLE: &str = include_str!("../../../../../assets/examples/household.json");

pub fn example() -> Household {
    serde_json::from_str(EXAMPLE).unwrap()
}

pub const PIN: &str = "246810";

/// A fresh data key for `dir` (cheap KDF parameters; tests only).
pub fn key(dir: &std::path::Path) -> pendata_core::crypto::DataKey {
    pendata_core::crypto::KeyStore::create(
        dir,
        PIN,
        pendata_core::crypto::KdfParams::insecure_for_tests(),
    )
    .unwrap()
}

/// The data key of an existing `dir`.
pub fn unlock(dir: &std::path::Path) -> pendata_core::crypto::DataKey {
    pendata_core::crypto::KeyStore::unlock(dir, PIN).unwrap()
}

/// A fresh encrypted store in a temporary directory.
pub fn store() -> (tempfile::TempDir, pendata_core::store::Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = pendata_core::store::Store::open_in_dir(dir.path(), &key(dir.path())).unwrap();
    (dir, store)
}

/// A small new-proposal household with the given names (first is head), address and desa.
pub fn simple(names: &[&str], niks: &[&str], kk: &str, address: &str, desa: &str) -> Household {
    let mut h = Household::new(
        RecordKind::UsulanBaru {
            musdes: MusdesRef::default(),
        },
        desa,
    );
    h.location.address = address.to_string();
    h.families.push(Family {
        family_no: 1,
        kk_number: kk.to_string(),
    });
    for (i, n) in names.iter().enumerate() {
        let mut m = Member::new(*n);
        m.nik = niks.get(i).map(|s| s.to_string());
        m.relation_to_head = Some(if i == 0 {
            pendata_shared::codes::Relation::Head
        } else {
            pendata_shared::codes::Relation::Child
        });
        h.members.push(m);
    }
    h
}
pub mod camera;
pub mod scan;

/// For store-level tests, whose households reference photos that no blob store holds: every
/// photo counts as readable (a `Device` checks the real bytes; see `Device::finalize`).
pub fn photos_on_device(
    _: &pendata_shared::PhotoRef,
) -> Option<pendata_shared::photos::LocalPhotoProblem> {
    None
}

/// A new device in `dir`: the test PIN, cheap key derivation.
pub fn new_device(dir: &std::path::Path) -> pendata_core::Device {
    pendata_core::Device::create(
        dir,
        PIN,
        pendata_core::crypto::KdfParams::insecure_for_tests(),
    )
    .unwrap()
}

/// The real server of `app` on a loopback socket, served by the running tokio runtime.
pub struct LiveServer {
    pub url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), pendata_server::ServerError>>,
}

impl LiveServer {
    pub async fn start(app: pendata_server::AppState) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(pendata_server::serve_state(app, listener, async move {
            let _ = stopped.await;
        }));
        Self { url, stop, task }
    }

    /// Stops it and waits until it has.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}
