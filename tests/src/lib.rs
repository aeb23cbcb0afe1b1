//! Helpers for the end-to-end tests: the real `pendata-server` on a real socket (port 0, a
//! temporary data directory) and real accounts.

pub mod backend;
pub mod client;
pub mod device;
pub mod exif;
pub mod procs;
pub mod proxy;
pub mod schedules;
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

/// Create accounts (username, role, wilayah) with the test [`PASSWORD`] directly in a server's
/// store, e.g. before its process starts.
pub fn add_users(state: &AppState, users: &[(&str, Role, &str)]) -> anyhow::Result<()> {
    for &(username, role, wilayah) in users {
        state.accounts.create_user(NewUser {
            username: username.into(),
            password_hash: hash_password(PASSWORD)
                .map_err(|e| anyhow::anyhow!("hashing the test password: {e}"))?,
            role,
            wilayah: wilayah.into(),
        })?;
    }
    Ok(())
}

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
        Self::start_with(Ok).await
    }

    /// [`TestServer::start`] with the configuration changed by `tweak` (e.g. PostgreSQL + S3
    /// through `Config::with_storage`).
    pub async fn start_with(
        tweak: impl FnOnce(Config) -> anyhow::Result<Config>,
    ) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let config = tweak(Config::with_data_dir(dir.path().join("server")))?;
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
        add_users(&self.state, &[(username, role, wilayah)])
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
        listing: None,
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
    workload::camera_jpeg_with(seed, 1600, 1200, 92)
}

// ---------------------------------------------------------------------------------------
// supervisor dashboard (tests/tests/dashboard_*.rs)

/// Captures the pulled assignment `id` on `device` as a facilitator would: opens it, fills in
/// the example household's answers, attaches the nine verivali photos (generated from
/// `seed`), finalizes it and queues it for the next sync.
pub fn capture_assignment(
    device: &mut Device,
    id: pendata_shared::HouseholdId,
    seed: u32,
) -> anyhow::Result<()> {
    use pendata_shared::photos::PhotoKind;
    let err = |e: &dyn std::fmt::Display| anyhow::anyhow!("capture: {e}");
    device
        .store_mut()
        .open_assignment(id)
        .map_err(|e| err(&e))?;
    let opened = device.store().household(id).map_err(|e| err(&e))?;
    let mut h = example_household()?;
    h.id = opened.id;
    h.kind = opened.kind.clone();
    h.location = opened.location.clone();
    h.photos.clear();
    h.interview = opened.interview.clone();
    device.store_mut().save_household(&h).map_err(|e| err(&e))?;
    let head = h.members.first().map(|m| m.id);
    for (i, kind) in PhotoKind::VERIVALI_NINE.iter().enumerate() {
        let member_id = if matches!(kind, PhotoKind::Ktp | PhotoKind::Krt) {
            head
        } else {
            None
        };
        device
            .add_photo(
                id,
                *kind,
                &small_jpeg(seed * 100 + i as u32)?,
                pendata_core::PhotoOptions {
                    member_id,
                    ..pendata_core::PhotoOptions::default()
                },
            )
            .map_err(|e| err(&e))?;
    }
    device
        .finalize(id)
        .map_err(|e| anyhow::anyhow!("finalize: {e:?}"))?;
    device.store_mut().queue(id).map_err(|e| err(&e))?;
    Ok(())
}

/// A small photo-like JPEG (640x480): enough for the dashboard tests, cheap to process.
pub fn small_jpeg(seed: u32) -> anyhow::Result<Vec<u8>> {
    let shift = (seed % 251) as u8;
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        let edge = if (x / 40 + y / 30) % 2 == 0 { 50 } else { 0 };
        image::Rgb([
            (x * 255 / 640) as u8,
            ((y * 255 / 480) as u8).saturating_add(edge),
            shift,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img)?;
    Ok(out)
}

/// A browser-like HTTP client for the dashboard: keeps cookies, sends `Origin` with every
/// POST (unless told not to), never follows redirects (tests look at the 303s).
pub struct WebClient {
    http: reqwest::Client,
    base: String,
    cookies: std::collections::BTreeMap<String, String>,
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
}

impl WebClient {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(WebClient {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
            cookies: Default::default(),
        })
    }

    /// The cookie value the client holds, if any.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Replaces (or with `None` removes) a cookie, e.g. to replay an old session.
    pub fn set_cookie(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(v) => {
                self.cookies.insert(name.into(), v.into());
            }
            None => {
                self.cookies.remove(name);
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let first = v.split(';').next().unwrap_or("");
            let Some((k, val)) = first.split_once('=') else {
                continue;
            };
            if val.is_empty() || v.contains("Max-Age=0") {
                self.cookies.remove(k.trim());
            } else {
                self.cookies.insert(k.trim().into(), val.trim().into());
            }
        }
    }

    /// `GET base + path` with the cookies.
    pub async fn get(&mut self, path: &str) -> anyhow::Result<reqwest::Response> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await?;
        self.keep_cookies(&res);
        Ok(res)
    }

    /// `POST` of a url-encoded form with the cookies, `Origin` and any extra headers.
    pub async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .form(form);
        if let Some(o) = origin {
            req = req.header(reqwest::header::ORIGIN, o);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await?;
        self.keep_cookies(&res);
        Ok(res)
    }

    /// `POST` of a form from this server's own pages (`Origin` = the server).
    pub async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        let origin = self.base.clone();
        self.post_with(path, form, Some(&origin), &[]).await
    }

    /// Opens the login page and logs in with the test password; returns the answer (a 303
    /// to `/dashboard` on success).
    pub async fn login(&mut self, username: &str) -> anyhow::Result<reqwest::Response> {
        self.login_with(username, PASSWORD, &[]).await
    }

    /// Opens the login page and posts its form with `password` and any extra headers (e.g.
    /// `X-Forwarded-Proto`); returns the answer as it comes (303, 401, 403, 429).
    pub async fn login_with(
        &mut self,
        username: &str,
        password: &str,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        let page = self.get("/dashboard/login").await?.text().await?;
        let token =
            csrf_in(&page).ok_or_else(|| anyhow::anyhow!("no csrf field on the login page"))?;
        let origin = self.base.clone();
        self.post_with(
            "/dashboard/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf", &token),
            ],
            Some(&origin),
            headers,
        )
        .await
    }

    /// The session's CSRF token, read from a page's form.
    pub async fn csrf(&mut self) -> anyhow::Result<String> {
        let page = self.get("/dashboard/households").await?.text().await?;
        csrf_in(&page).ok_or_else(|| anyhow::anyhow!("no csrf field (not logged in?)"))
    }
}

/// Usernames of [`DashboardWorld`]: a facilitator and a supervisor of kecamatan Gunung Putri
/// (320102), a supervisor of kecamatan Cibinong (320101), an admin.
pub const FACILITATOR: &str = "tksk.a";
pub const SUPERVISOR: &str = "spv.gunungputri";
pub const OTHER_SUPERVISOR: &str = "spv.cibinong";
pub const ADMIN: &str = "admin.dinsos";

/// The real server with one household that a real client device captured and pushed
/// (the example household, prelist `3201022001-07001`, desa Wanaherang, nine photos).
pub struct DashboardWorld {
    pub server: TestServer,
    pub device: Device,
    pub id: pendata_shared::HouseholdId,
    /// SHA-256 of one of the household's photos.
    pub photo: String,
    pub tmp: tempfile::TempDir,
}

/// Syncs a device, turning its error into text.
pub async fn sync_device(device: &mut Device) -> anyhow::Result<pendata_core::sync::SyncOutcome> {
    device
        .sync(&mut |_| {})
        .await
        .map_err(|e| anyhow::anyhow!("sync: {e} ({})", e.code()))
}

impl DashboardWorld {
    pub async fn start() -> anyhow::Result<Self> {
        let server = TestServer::start().await?;
        server.add_user(FACILITATOR, Role::Enumerator, "320102")?;
        server.add_user(SUPERVISOR, Role::Supervisor, "320102")?;
        server.add_user(OTHER_SUPERVISOR, Role::Supervisor, "320101")?;
        server.add_user(ADMIN, Role::Admin, "")?;
        let example = example_household()?;
        server.import_prelist(&[prelist_of(&example, "3201022001-07001", Some(FACILITATOR))])?;
        let tmp = tempfile::tempdir()?;
        let mut device = new_device(&tmp.path().join("a"))?;
        server.login(&mut device, FACILITATOR).await?;
        sync_device(&mut device).await?;
        let id = device
            .store()
            .assignments(None)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .first()
            .map(|a| a.household_id)
            .ok_or_else(|| anyhow::anyhow!("no assignment pulled"))?;
        capture_assignment(&mut device, id, 7)?;
        let sent = sync_device(&mut device).await?;
        anyhow::ensure!(sent.report.sent == 1, "push: {:?}", sent.report);
        let detail = server
            .state
            .records
            .get(id, &pendata_server::store::Scope::all())?
            .ok_or_else(|| anyhow::anyhow!("household not on the server"))?;
        let photo = detail
            .household
            .as_ref()
            .and_then(|h| h.photos.first())
            .map(|p| p.sha256.to_string())
            .ok_or_else(|| anyhow::anyhow!("no photo"))?;
        Ok(DashboardWorld {
            server,
            device,
            id,
            photo,
            tmp,
        })
    }
}

/// A sync `Sleeper` that never waits: retries come at once, so an engine facing a dead server
/// gives up quickly and fault tests spend no time in backoff.
pub struct NoSleep;

impl pendata_core::sync::Sleeper for NoSleep {
    fn sleep(
        &self,
        _d: std::time::Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(std::future::ready(()))
    }
}
