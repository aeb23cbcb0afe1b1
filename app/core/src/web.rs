//! What the core needs from the browser (wasm32-unknown-unknown), and nothing else: where the
//! files live and how to wait. Everything above this module (key file, store, migrations,
//! blobs, photo pipeline, sync engine) is the same code as on native.
//!
//! * Storage: the OPFS SyncAccessHandle pool VFS of `sqlite-wasm-vfs` ("sahpool"). It keeps a
//!   fixed set of OPFS files open with synchronous access handles, so SQLite's synchronous I/O
//!   works; such handles exist only in a **dedicated Web Worker**, and one origin's pool can be
//!   open in one worker at a time (a second tab gets [`StorageError`]). [`install_storage`]
//!   must have finished before a `Device` is created or unlocked.
//!   - the store (`<dir>/pendata.db`) opens through [`CIPHER_VFS`], SQLite3 Multiple
//!     Ciphers' wrapper of the pool (encryption needs it: the bare pool VFS refuses
//!     `PRAGMA key`);
//!   - the key file and the photo blobs are rows of one plain SQLite database in the pool
//!     (`crate::files`), opened through [`PLAIN_VFS`]; their content is sealed above.
//! * Time: [`JsSleeper`] waits on `setTimeout` (std's and tokio's clocks do not exist here).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use send_wrapper::SendWrapper;
use sqlite_wasm_rs::WasmOsCallback;
use sqlite_wasm_vfs::sahpool::{install, OpfsSAHError, OpfsSAHPoolCfgBuilder, OpfsSAHPoolUtil};
use wasm_bindgen::prelude::*;

use crate::sync::Sleeper;

/// The pool VFS, for databases that are not encrypted by SQLite (their content is).
pub const PLAIN_VFS: &str = "opfs-sahpool";
/// SQLite3 Multiple Ciphers' encrypting wrapper of [`PLAIN_VFS`] (created on first use).
pub const CIPHER_VFS: &str = "multipleciphers-opfs-sahpool";
/// The pool's directory in the origin's private file system.
pub const POOL_DIR: &str = "pendata";
/// Files the pool keeps open: the store and the files database, each with its rollback
/// journal, plus room for a backup being restored beside them.
pub const POOL_CAPACITY: usize = 8;

/// The pool could not be opened: not in a dedicated worker, not a secure context, the
/// browser has no OPFS, or another tab of the app holds it.
#[derive(Debug, thiserror::Error)]
#[error("Penyimpanan peramban (OPFS) tidak dapat dibuka: {detail}")]
pub struct StorageError {
    /// What the pool reported (no personal data: it names files by their fixed names).
    pub detail: String,
}

impl StorageError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "storage.unavailable"
    }

    /// English message (the `Display` form is Bahasa Indonesia).
    pub fn message_en(&self) -> String {
        format!(
            "The browser storage (OPFS) cannot be opened: {}",
            self.detail
        )
    }
}

impl From<OpfsSAHError> for StorageError {
    fn from(e: OpfsSAHError) -> Self {
        StorageError {
            detail: e.to_string(),
        }
    }
}

thread_local! {
    // The pool's administration handle, kept for the files the core reads and writes whole
    // (a backup exports and imports the store's database file, in pieces): the worker is
    // single-threaded.
    static POOL: RefCell<Option<OpfsSAHPoolUtil>> = const { RefCell::new(None) };
}

/// Opens (creating on first use) the OPFS pool and registers [`PLAIN_VFS`]. Call once in the
/// worker before anything else of the core; calling again reuses the pool.
pub async fn install_storage() -> Result<(), StorageError> {
    let cfg = OpfsSAHPoolCfgBuilder::new()
        .vfs_name(PLAIN_VFS)
        .directory(POOL_DIR)
        .initial_capacity(POOL_CAPACITY)
        .build();
    let util = install::<WasmOsCallback>(&cfg, false).await?;
    util.ensure_capacity(POOL_CAPACITY).await?;
    POOL.with(|p| *p.borrow_mut() = Some(util));
    Ok(())
}

/// Runs `f` with the pool's administration handle ([`install_storage`] must have run), `f`
/// mapping the pool's errors itself (a streamed export or import).
pub(crate) fn with_pool_util<T, E: From<std::io::Error>>(
    f: impl FnOnce(&OpfsSAHPoolUtil) -> Result<T, E>,
) -> Result<T, E> {
    POOL.with(|p| match p.borrow().as_ref() {
        Some(util) => f(util),
        None => Err(std::io::Error::other("the OPFS pool is not installed").into()),
    })
}

/// Runs `f` with the pool's administration handle ([`install_storage`] must have run).
pub(crate) fn with_pool<T>(
    f: impl FnOnce(&OpfsSAHPoolUtil) -> Result<T, OpfsSAHError>,
) -> std::io::Result<T> {
    POOL.with(|p| match p.borrow().as_ref() {
        Some(util) => f(util).map_err(|e| std::io::Error::other(e.to_string())),
        None => Err(std::io::Error::other("the OPFS pool is not installed")),
    })
}

#[wasm_bindgen]
extern "C" {
    // The global `setTimeout`: there is one in a window and in a worker alike.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, millis: i32) -> JsValue;
}

/// Waits on the browser's `setTimeout`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsSleeper;

impl Sleeper for JsSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let millis = i32::try_from(d.as_millis()).unwrap_or(i32::MAX);
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, millis);
        });
        let wait = wasm_bindgen_futures::JsFuture::from(promise);
        // The worker is single-threaded: the future is never moved to another thread, which is
        // what `Send` would allow and what `SendWrapper` checks.
        Box::pin(SendWrapper::new(async move {
            let _ = wait.await;
        }))
    }
}
