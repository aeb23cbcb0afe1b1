//! Driving the real app (real service thread, real encrypted core) without a window: the
//! VirtualDom is rendered with dioxus-ssr and driven with synthetic events. Elements are found
//! by their `data-t` attribute: its `SetAttribute` mutation carries the element id that events
//! are addressed to.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::any::Any;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use dioxus::dioxus_core::{AttributeValue, ElementId, Mutation, Mutations};
use dioxus::prelude::*;
use dioxus_html::{
    PlatformEventData, SerializedFileData, SerializedFormData, SerializedFormObject,
    SerializedHtmlEventConverter, SerializedMouseData,
};
use pendata_app::{App, AppProps, ServiceConfig};
use pendata_core::crypto::KdfParams;
use pendata_core::store::keys;
use pendata_core::Device;
use pendata_shared::Household;

pub const PIN: &str = "246810";

/// How long a step may take before the test gives up (a bound, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(90);

pub fn config(dir: &Path) -> ServiceConfig {
    ServiceConfig {
        data_dir: dir.to_path_buf(),
        kdf: KdfParams::insecure_for_tests(),
        device_name: "uji".into(),
        server_hint: None,
        backup_dir: dir.join("backups"),
    }
}

/// A data directory with a device that has "logged in" (a session saved in the encrypted
/// store, as a login leaves it) and the given households.
pub fn device_with(dir: &Path, households: &[Household]) {
    let mut d = Device::create(dir, PIN, KdfParams::insecure_for_tests()).unwrap();
    let s = d.store_mut();
    s.set_setting(keys::SERVER_URL, Some("http://127.0.0.1:9"))
        .unwrap();
    s.set_setting(keys::SESSION_TOKEN, Some("uji")).unwrap();
    s.set_username(Some("fasilitator1")).unwrap();
    s.set_setting(
        keys::SESSION_USER,
        Some(r#"{"username":"fasilitator1","role":"enumerator","wilayah":"320102"}"#),
    )
    .unwrap();
    for h in households {
        s.create_household(h).unwrap();
    }
}

/// The repository's example household without its photos (their blobs are not on disk).
pub fn example_without_photos() -> Household {
    let mut h: Household = serde_json::from_str(pendata_app::EXAMPLE_HOUSEHOLD).unwrap();
    h.photos.clear();
    h
}

/// A camera-like JPEG, generated (gradients and noise), `w`x`h`.
pub fn jpeg(seed: u32, w: u32, h: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % 32) as u8;
        image::Rgb([
            ((x * 255 / w) as u8).saturating_add(n),
            ((y * 255 / h) as u8).saturating_add(n / 2),
            (seed as u8).wrapping_mul(37),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

pub struct Harness {
    pub dom: VirtualDom,
    ids: HashMap<String, ElementId>,
    rt: tokio::runtime::Runtime,
}

impl Harness {
    pub fn start(dir: &Path) -> Self {
        dioxus_html::set_event_converter(Box::new(SerializedHtmlEventConverter));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut dom = VirtualDom::new_with_props(
            App,
            AppProps {
                config: config(dir),
            },
        );
        let muts = dom.rebuild_to_vec();
        let mut h = Harness {
            dom,
            ids: HashMap::new(),
            rt,
        };
        h.record(muts);
        h
    }

    fn record(&mut self, muts: Mutations) {
        for m in muts.edits {
            if let Mutation::SetAttribute {
                name: "data-t",
                value: AttributeValue::Text(t),
                id,
                ..
            } = m
            {
                self.ids.insert(t, id);
            }
        }
    }

    pub fn html(&self) -> String {
        dioxus_ssr::render(&self.dom)
    }

    /// Lets the service's answers arrive and renders them.
    pub fn pump(&mut self) {
        // Handlers and tasks run inside the tokio runtime, as under dioxus-desktop.
        let _in_runtime = self.rt.enter();
        let dom = &mut self.dom;
        let _ = self.rt.block_on(async {
            tokio::time::timeout(Duration::from_millis(50), dom.wait_for_work()).await
        });
        let muts = self.dom.render_immediate_to_vec();
        self.record(muts);
    }

    /// Pumps until the page satisfies `pred`; panics with the page when it never does.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            self.pump();
            let html = self.html();
            if pred(&html) {
                return html;
            }
            if start.elapsed() > PATIENCE {
                panic!("never saw {what}; page:\n{html}");
            }
        }
    }

    pub fn wait_text(&mut self, text: &str) -> String {
        self.wait_for(text, |h| h.contains(text))
    }

    /// Whether an element with this hook is on the page now.
    pub fn has(&self, hook: &str) -> bool {
        self.html().contains(&format!("data-t=\"{hook}\""))
    }

    fn id(&mut self, hook: &str) -> ElementId {
        self.wait_for(&format!("element {hook}"), |h| {
            h.contains(&format!("data-t=\"{hook}\""))
        });
        *self
            .ids
            .get(hook)
            .unwrap_or_else(|| panic!("no element id recorded for {hook}"))
    }

    fn fire(&mut self, name: &str, hook: &str, data: PlatformEventData) {
        let id = self.id(hook);
        let event = Event::new(Rc::new(data) as Rc<dyn Any>, true);
        {
            let _in_runtime = self.rt.enter();
            self.dom.runtime().handle_event(name, event, id);
        }
        self.pump();
    }

    pub fn click(&mut self, hook: &str) {
        self.fire(
            "click",
            hook,
            PlatformEventData::new(Box::<SerializedMouseData>::default()),
        );
    }

    fn form(value: &str, values: Vec<SerializedFormObject>) -> PlatformEventData {
        PlatformEventData::new(Box::new(SerializedFormData::new(value.to_string(), values)))
    }

    /// Typing into an input (`oninput`).
    pub fn input(&mut self, hook: &str, value: &str) {
        self.fire("input", hook, Self::form(value, Vec::new()));
    }

    /// A committed change (`onchange`: a select, or an input left).
    pub fn change(&mut self, hook: &str, value: &str) {
        self.fire("change", hook, Self::form(value, Vec::new()));
    }

    /// Picking a file in a file input.
    pub fn pick_file(&mut self, hook: &str, path: &Path) {
        let size = std::fs::metadata(path).unwrap().len();
        let file = SerializedFileData {
            path: PathBuf::from(path),
            size,
            last_modified: 0,
            content_type: Some("image/jpeg".into()),
            contents: None,
        };
        let values = vec![SerializedFormObject {
            key: "file".into(),
            text: None,
            file: Some(file),
        }];
        self.fire("change", hook, Self::form("", values));
    }

    /// Unlocks with `pin` and waits for the home screen.
    pub fn unlock(&mut self, pin: &str) {
        self.wait_text("data-t=\"unlock-pin\"");
        self.input("unlock-pin", pin);
        self.click("unlock-submit");
        self.wait_text("data-t=\"home-unsent\"");
    }
}

/// Reads the household back through a second unlock of the same data directory.
pub fn stored(dir: &Path, id: pendata_shared::HouseholdId) -> (Household, String) {
    let d = Device::unlock(dir, PIN).unwrap();
    let h = d.store().household(id).unwrap();
    let st = d.store().state(id).unwrap().as_str().to_string();
    (h, st)
}
