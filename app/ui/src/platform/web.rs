//! The browser (feature `web`): timers, geolocation, storage, the service worker's new version
//! and downloads, all through `web-sys` and `js-sys`.

use std::time::Duration;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{Position, GEO_TIMEOUT_MS};

/// Waits `d` (`setTimeout` on the page).
pub async fn sleep(d: Duration) {
    let ms = i32::try_from(d.as_millis()).unwrap_or(i32::MAX);
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let scheduled = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .is_ok()
        });
        if scheduled != Some(true) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// `navigator.geolocation.getCurrentPosition` with high accuracy; `None` when refused,
/// unavailable or timed out.
pub async fn current_position() -> Option<Position> {
    let geo = web_sys::window()?.navigator().geolocation().ok()?;
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let ok = resolve.clone();
        let success = Closure::once_into_js(move |p: JsValue| {
            let _ = ok.call1(&JsValue::NULL, &p);
        });
        let failed = resolve.clone();
        let failure = Closure::once_into_js(move |_e: JsValue| {
            let _ = failed.call1(&JsValue::NULL, &JsValue::NULL);
        });
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_timeout(GEO_TIMEOUT_MS);
        options.set_maximum_age(0);
        let asked = geo.get_current_position_with_error_callback_and_options(
            success.unchecked_ref(),
            Some(failure.unchecked_ref()),
            &options,
        );
        if asked.is_err() {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    });
    let p = JsFuture::from(promise).await.ok()?;
    if p.is_null() {
        return None;
    }
    // web-sys's GeolocationPosition is behind its unstable APIs: read the fields directly.
    let number = |o: &JsValue, key: &str| Reflect::get(o, &JsValue::from_str(key)).ok()?.as_f64();
    let coords = Reflect::get(&p, &JsValue::from_str("coords")).ok()?;
    Some(Position {
        latitude: number(&coords, "latitude")?,
        longitude: number(&coords, "longitude")?,
        accuracy_m: number(&coords, "accuracy")?,
        fix_time_ms: number(&p, "timestamp")? as i64,
    })
}

/// Bytes the origin uses and may use (`navigator.storage.estimate()`).
pub async fn storage_estimate() -> Option<(u64, u64)> {
    let storage = web_sys::window()?.navigator().storage();
    // A dictionary (a plain object), not a class: no instanceof check is possible.
    let estimate: web_sys::StorageEstimate = JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    Some((
        estimate.get_usage().unwrap_or(0.0) as u64,
        estimate.get_quota().unwrap_or(0.0) as u64,
    ))
}

/// Asks that the origin's storage is never evicted (`navigator.storage.persist()`); whether it
/// is granted. Chrome grants it to an installed app without asking the person.
pub async fn persist_storage() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    JsFuture::from(storage.persist().ok()?)
        .await
        .ok()?
        .as_bool()
}

/// Whether the storage is persistent now (`navigator.storage.persisted()`).
pub async fn storage_persisted() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    JsFuture::from(storage.persisted().ok()?)
        .await
        .ok()?
        .as_bool()
}

/// `window.pendata`, set by index.js.
fn shell() -> Option<JsValue> {
    let w = web_sys::window()?;
    Reflect::get(&w, &JsValue::from_str("pendata"))
        .ok()
        .filter(|v| v.is_object())
}

/// Resolves once a new version of the app is installed and waiting (never without one).
pub async fn new_version_ready() {
    let ready = shell().and_then(|s| Reflect::get(&s, &JsValue::from_str("updateReady")).ok());
    match ready.and_then(|r| r.dyn_into::<Promise>().ok()) {
        Some(p) => {
            let _ = JsFuture::from(p).await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// Activates the waiting version and reloads the page.
pub fn apply_new_version() {
    let apply = shell().and_then(|s| Reflect::get(&s, &JsValue::from_str("applyUpdate")).ok());
    match apply.and_then(|f| f.dyn_into::<Function>().ok()) {
        Some(f) => {
            let _ = f.call0(&JsValue::NULL);
        }
        None => {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    }
}

/// Commits what is typed in the focused field (its `change` fires on blur) before a reload.
pub fn blur_focused() {
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(e) = focused {
        let _ = e.blur();
    }
}

/// Offers the file `name` of the origin's private file system's directory `dir` as a
/// download of that name (the phone saves it to Downloads). The file is disk-backed: the
/// browser streams it from disk, nothing of it is copied into the page's memory.
pub async fn download_backup(dir: &str, name: &str) -> Result<(), String> {
    let err = |e: JsValue| format!("{e:?}");
    let window = web_sys::window().ok_or("no window")?;
    let root: web_sys::FileSystemDirectoryHandle =
        resolved(window.navigator().storage().get_directory()).await?;
    let dir: web_sys::FileSystemDirectoryHandle = resolved(root.get_directory_handle(dir)).await?;
    let handle: web_sys::FileSystemFileHandle = resolved(dir.get_file_handle(name)).await?;
    let file: web_sys::File = resolved(handle.get_file()).await?;
    let url = web_sys::Url::create_object_url_with_blob(&file).map_err(err)?;
    let document = window.document().ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The download reads the file after this returns: let the URL go only a minute later.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}

/// What `promise` resolves to, as `T`.
async fn resolved<T: JsCast>(promise: Promise) -> Result<T, String> {
    JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into::<T>()
        .map_err(|v| format!("unexpected {v:?}"))
}
