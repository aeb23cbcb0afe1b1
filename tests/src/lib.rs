//! Helpers for the end-to-end tests: the real `pendata-server` on a real socket (port 0, a
//! temporary data directory) and real accounts.

pub mod device;
pub mod proxy;

use std::net::SocketAddr;

use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};

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
