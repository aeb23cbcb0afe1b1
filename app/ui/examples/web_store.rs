//! The storage proof of the browser build (docs/app.md, "The web build"): the real [`Device`]
//! (PIN-wrapped key, SQLite3MC-encrypted store with the app's migrations, encrypted photo
//! blobs) in the Origin Private File System, driven from a dedicated Web Worker. Built for
//! wasm32 only, as a library: `scripts/build-web` runs
//! `cargo rustc -p pendata-app --example web_store --features web --target wasm32-unknown-unknown
//! --crate-type cdylib`; tests/browser/web_store*.mjs drive it in Chromium (and kill it).
//! It uses only pendata-core; it is an example of pendata-app (declared in its Cargo.toml, with
//! the `web` feature) so that it is built with the web app's dependency features: the two wasm
//! builds then share every dependency instead of compiling ~70 crates twice. Natively it is empty.

#[cfg(all(target_family = "wasm", target_os = "unknown"))]
mod worker {
    use std::cell::RefCell;
    use std::path::Path;

    use pendata_core::crypto::KdfParams;
    use pendata_core::photo::{self, PhotoConfig};
    use pendata_core::store::SearchQuery;
    use pendata_core::{Device, DeviceError, PhotoOptions};
    use pendata_shared::photos::PhotoKind;
    use pendata_shared::{Household, HouseholdId};
    use serde_json::{json, Value};
    use wasm_bindgen::prelude::*;

    /// The data directory inside the OPFS pool.
    const DIR: &str = "/pendata";

    thread_local! {
        static DEVICE: RefCell<Option<Device>> = const { RefCell::new(None) };
    }

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    fn fail(e: impl std::fmt::Display) -> JsValue {
        JsValue::from_str(&e.to_string())
    }

    fn device_err(e: DeviceError) -> JsValue {
        JsValue::from_str(&format!(
            "{}: {}",
            e.code(),
            e.message(pendata_shared::Lang::En)
        ))
    }

    fn with_device<T>(f: impl FnOnce(&mut Device) -> Result<T, DeviceError>) -> Result<T, JsValue> {
        DEVICE.with(|d| match d.borrow_mut().as_mut() {
            Some(device) => f(device).map_err(device_err),
            None => Err(JsValue::from_str("locked: call open first")),
        })
    }

    fn out(v: Value) -> JsValue {
        JsValue::from_str(&v.to_string())
    }

    fn household_id(s: &str) -> Result<HouseholdId, JsValue> {
        s.parse().map_err(|_| JsValue::from_str("bad household id"))
    }

    /// Opens the pool, then creates the device (argon2id with the real parameters) or unlocks
    /// it. Answers how long the key derivation and the open took.
    #[wasm_bindgen]
    pub async fn open(pin: String) -> Result<JsValue, JsValue> {
        let t0 = now_ms();
        pendata_core::web::install_storage().await.map_err(fail)?;
        let t1 = now_ms();
        let dir = Path::new(DIR);
        let created = !Device::exists(dir);
        let params = KdfParams::default();
        let device = if created {
            Device::create(dir, &pin, params)
        } else {
            Device::unlock(dir, &pin)
        }
        .map_err(device_err)?;
        let t2 = now_ms();
        DEVICE.with(|d| *d.borrow_mut() = Some(device));
        Ok(out(json!({
            "created": created,
            "pool_ms": t1 - t0,
            "unlock_ms": t2 - t1,
            "kdf": { "m_kib": params.m_kib, "t": params.t, "p": params.p },
        })))
    }

    /// Closes the store (as a locked app does).
    #[wasm_bindgen]
    pub fn close() {
        DEVICE.with(|d| *d.borrow_mut() = None);
    }

    /// Stores a new household (JSON of `Household`); answers once it is committed.
    #[wasm_bindgen]
    pub fn create(household_json: String) -> Result<JsValue, JsValue> {
        let h: Household = serde_json::from_str(&household_json).map_err(fail)?;
        with_device(|d| Ok(d.store_mut().create_household(&h)?))?;
        Ok(out(json!({ "id": h.id.to_string() })))
    }

    /// One autosave: sets `path` of a household to a JSON value.
    #[wasm_bindgen]
    pub fn set_field(id: String, path: String, value_json: String) -> Result<JsValue, JsValue> {
        let id = household_id(&id)?;
        let value: Value = serde_json::from_str(&value_json).map_err(fail)?;
        let t0 = now_ms();
        with_device(|d| Ok(d.store_mut().set_field(id, &path, value)?))?;
        Ok(out(json!({ "ms": now_ms() - t0 })))
    }

    /// Takes a camera JPEG into a household through the photo pipeline.
    #[wasm_bindgen]
    pub fn add_photo(id: String, kind: String, jpeg: Vec<u8>) -> Result<JsValue, JsValue> {
        let id = household_id(&id)?;
        let kind: PhotoKind = serde_json::from_value(Value::String(kind)).map_err(fail)?;
        let t0 = now_ms();
        let photo = with_device(|d| d.add_photo(id, kind, &jpeg, PhotoOptions::default()))?;
        Ok(out(json!({
            "sha256": photo.sha256.as_str(),
            "bytes": photo.bytes,
            "ms": now_ms() - t0,
        })))
    }

    /// Everything stored: each household's content and state, and each photo read back
    /// (decrypted and hash-checked) with its thumbnail.
    #[wasm_bindgen]
    pub fn state() -> Result<JsValue, JsValue> {
        with_device(|d| {
            let list = d.store().search(&SearchQuery {
                limit: 100_000,
                ..SearchQuery::default()
            })?;
            let mut households = Vec::new();
            for summary in list {
                let h = d.store().household(summary.id)?;
                let mut photos = Vec::new();
                for p in d.photos(summary.id)? {
                    let sha = pendata_shared::Sha256Hex::parse(&p.sha256)
                        .ok_or(pendata_core::blobs::BlobError::InvalidId)?;
                    let bytes = d.photo_bytes(&sha)?;
                    let thumb = d.thumbnail(&sha)?;
                    photos.push(json!({
                        "kind": p.kind,
                        "sha256": p.sha256,
                        "bytes": bytes.len(),
                        "thumbnail_bytes": thumb.len(),
                    }));
                }
                households.push(json!({
                    "id": h.id.to_string(),
                    "state": d.store().state(summary.id)?.as_str(),
                    "address": h.location.address,
                    "photos": photos,
                }));
            }
            let integrity: String = d
                .store()
                .connection()
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .map_err(pendata_core::store::StoreError::from)?;
            Ok(out(
                json!({ "households": households, "integrity": integrity }),
            ))
        })
    }

    /// The photo pipeline alone on `jpeg` (standard settings), for the native ratio; the
    /// wasm memory after it is the high-water mark (linear memory never shrinks).
    #[wasm_bindgen]
    pub fn process_photo(jpeg: Vec<u8>) -> Result<JsValue, JsValue> {
        let t0 = now_ms();
        let p =
            photo::process(&jpeg, &PhotoConfig::standard()).map_err(|e| fail(e.message_en()))?;
        let ms = now_ms() - t0;
        let memory = wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .map(|m| {
                m.buffer()
                    .dyn_into::<js_sys::ArrayBuffer>()
                    .map(|b| b.byte_length())
            })
            .ok()
            .and_then(Result::ok)
            .unwrap_or(0);
        Ok(out(json!({
            "ms": ms,
            "width": p.width,
            "height": p.height,
            "jpeg_bytes": p.jpeg.len(),
            "wasm_memory_bytes": memory,
        })))
    }
}
