//! Helpers for the end-to-end tests: the real `pendata-server` on a real socket (port 0, a
//! temporary data directory) and real accounts.

pub mod device;
pub mod procs;
pub mod proxy;
pub mod workload;

use std::net::SocketAddr;

use std::path::Path;

use pendata_core::crypto::KdfParams;
use pendata_core::Device;
use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, PrelistHousehold, Role};
use pendata_server::{AppState, Config};
use pendata_shared::protocol::PrelistMember;
use pendata_shared::Household;

/// The password every test account gets.
pub const PASSWORD: &str = "kata-sandi-uji-123";

/// A running server. Dropping it stops the server and removes its data.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// Start the real server on 127.0.0.1:0 with a fresh data directory.
    pub async fn start() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let config = Config::with_data_dir(dir.path().join("server"));
        let state = AppState::open(config)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serve_state = state.clone();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = pendata_server::serve_state(serve_state, listener, shutdown).await {
                eprintln!("test server stopped with an error: {e}");
            }
        });
        Ok(Self {
            addr,
            state,
            dir,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Create an account directly in the server's store.
    pub fn add_user(&self, username: &str, role: Role, wilayah: &str) -> anyhow::Result<()> {
        self.state.accounts.create_user(NewUser {
            username: username.into(),
            password_hash: hash_password(PASSWORD)
                .map_err(|e| anyhow::anyhow!("hashing the test password: {e}"))?,
            role,
            wilayah: wilayah.into(),
        })?;
        Ok(())
    }

    /// Import prelist households into the server (as `pendata-server import-assignments`
    /// does), in one transaction.
    pub fn import_prelist(&self, households: &[PrelistHousehold]) -> anyhow::Result<()> {
        self.state.records.import_prelist(households)?;
        Ok(())
    }

    /// Log `device` in as `username` (the test password) and enrol it.
    pub async fn login(&self, device: &mut Device, username: &str) -> anyhow::Result<()> {
        device
            .login(&self.url(), None, username, PASSWORD, "uji e2e")
            .await
            .map_err(|e| anyhow::anyhow!("login {username}: {e} ({})", e.code()))?;
        Ok(())
    }

    /// Stop the server gracefully and wait for it.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// The PIN of every test device.
pub const PIN: &str = "246810";

/// A new client device in `dir` (cheap key derivation: tests only).
pub fn new_device(dir: &Path) -> anyhow::Result<Device> {
    Device::create(dir, PIN, KdfParams::insecure_for_tests())
        .map_err(|e| anyhow::anyhow!("device: {e}"))
}

/// The example household of the repository (assets/examples/household.json).
pub fn example_household() -> anyhow::Result<Household> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/examples/household.json");
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

/// A prelist household made from a household's location, families and members.
pub fn prelist_of(h: &Household, prelist_id: &str, assigned_to: Option<&str>) -> PrelistHousehold {
    PrelistHousehold {
        prelist_id: prelist_id.into(),
        desa_code: h.location.desa_code.clone(),
        rt: h.location.rt.clone(),
        rw: h.location.rw.clone(),
        address: h.location.address.clone(),
        families: h.families.clone(),
        members: h
            .members
            .iter()
            .map(|m| PrelistMember {
                name: m.name.clone(),
                nik: m.nik.clone(),
                relation_to_head: m.relation_to_head,
                sex: m.sex,
                birth_date: m.birth_date,
                family_no: m.family_no,
            })
            .collect(),
        assigned_to: assigned_to.map(str::to_string),
    }
}

/// A camera-like JPEG (gradients, edges, noise; 1600x1200, quality 92). Different seeds give
/// different bytes.
pub fn camera_jpeg(seed: u32) -> anyhow::Result<Vec<u8>> {
    let (w, h) = (1600u32, 1200u32);
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let shift = (seed % 200) as u8;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % 24) as u8;
        let edge = if (x / 80 + y / 60) % 2 == 0 { 40 } else { 0 };
        image::Rgb([
            ((x * 255 / w) as u8).saturating_add(n),
            ((y * 255 / h) as u8).saturating_add(edge),
            shift.saturating_add(n / 2),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92).encode_image(&img)?;
    Ok(out)
}
