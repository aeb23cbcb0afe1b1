//! Step Foto: the photo checklist, thumbnails, taking a photo from a file (or a typed path)
//! and the full-size view.

use dioxus::prelude::*;
use pendata_shared::photos::photo_checklist;
use pendata_shared::{Household, PhotoKind};

use crate::i18n::{pick, tr};
use crate::service::{Intent, Service};
use crate::state::{AppState, PhotoThumb};
use crate::widgets::{findings_at, tid};

/// The photo checklist of a household (kinds and whether each is present): pure, no I/O.
#[component]
pub fn PhotoChecklist(household: Household) -> Element {
    let items = photo_checklist(&household);
    let done = items.iter().filter(|(_, present)| *present).count();
    let total = items.len();
    rsx! {
        div { class: "photo-checklist",
            p { class: "count", "data-t": tid("photo-count"), "Foto {done}/{total}" }
            ul {
                for (kind, present) in items {
                    li {
                        key: "{kind}",
                        class: if present { "done" } else { "missing" },
                        span { class: "mark", if present { "✓" } else { "✗" } }
                        " {kind.stereotype()} — {kind.label_id()}"
                    }
                }
            }
        }
    }
}

#[component]
pub fn PhotosStep() -> Element {
    let state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.form.clone() else {
        return rsx! {};
    };
    drop(s);
    let items = photo_checklist(&view.household);
    let photo_findings = findings_at(&view.findings, "photos");
    rsx! {
        div { class: "photos",
            PhotoChecklist { household: view.household.clone() }
            PhotoSlots { slots: items.into_iter().map(|(kind, present)| PhotoSlot { kind, present, required: true }).collect(), photos: view.photos.clone() }
            for f in photo_findings {
                p { class: "finding error", {f.message_in(lang).to_string()} }
            }
            CameraNote {}
        }
    }
}

/// The record whose photos are on screen: the household form's, the ground-check visit's or
/// the case's.
fn open_record(s: &AppState) -> Option<pendata_shared::HouseholdId> {
    s.form
        .as_ref()
        .map(|f| f.household.id)
        .or_else(|| s.visit.as_ref().map(|v| v.family.id))
        .or_else(|| s.case.as_ref().map(|c| c.record.id))
}

/// The photos of a ground-check visit: the checklist of its process and outcome
/// (`pendata_shared::dtsen::validate::required_photos`: house front, inside, KK for a family
/// found living here), each with its thumbnail and how to take it.
#[component]
pub fn VisitPhotos() -> Element {
    let state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let Some(view) = s.visit.clone() else {
        return rsx! {};
    };
    drop(s);
    let kinds = pendata_shared::dtsen::validate::required_photos(&view.family);
    let items: Vec<(PhotoKind, bool)> = kinds
        .iter()
        .map(|k| (*k, view.family.photos.iter().any(|p| p.kind == *k)))
        .collect();
    let done = items.iter().filter(|(_, present)| *present).count();
    let total = items.len();
    let photo_findings = findings_at(&view.findings, "photos");
    rsx! {
        div { class: "photos",
            div { class: "photo-checklist",
                p { class: "count", "data-t": tid("photo-count"), "Foto {done}/{total}" }
            }
            PhotoSlots { slots: items.into_iter().map(|(kind, present)| PhotoSlot { kind, present, required: true }).collect(), photos: view.photos.clone(), marks: true }
            for f in photo_findings {
                p { class: "finding error", {f.message_in(lang).to_string()} }
            }
            CameraNote {}
        }
    }
}

/// One place for a photo in a checklist.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhotoSlot {
    pub kind: PhotoKind,
    pub present: bool,
    /// Whether the record cannot be final without it (else it says *opsional*).
    pub required: bool,
}

/// The photos of the record on screen, one slot per kind: its thumbnail (*Lihat* opens it full
/// size) or *belum ada*, and how to take it. `marks`: a ✓/✗ before each kind (when the slots
/// are the whole checklist, without [`PhotoChecklist`] above them).
#[component]
pub fn PhotoSlots(
    slots: Vec<PhotoSlot>,
    photos: Vec<PhotoThumb>,
    #[props(default)] marks: bool,
) -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    rsx! {
        div { class: "thumbs",
            for PhotoSlot { kind, present, required } in slots {
                div { key: "{kind}", class: "thumb",
                    p { class: if !marks { "" } else if present { "done" } else { "missing" },
                        if marks { span { class: "mark", if present { "✓ " } else { "✗ " } } }
                        strong { "{kind.stereotype()}" } " " {pick(lang, (kind.label_id(), kind.label_en()))}
                        if !required { " " span { class: "optional", {tr(lang, "photo.optional")} } }
                    }
                    {
                        let thumb = photos.iter().find(|p| p.kind == kind.stereotype()).cloned();
                        match thumb {
                            Some(t) => rsx! {
                                img { src: "{t.data_url}", alt: "{kind.stereotype()}", "data-t": tid(&format!("thumb-{}", kind.stereotype())) }
                                button { "data-t": tid(&format!("photo-view-{}", kind.stereotype())),
                                    onclick: {
                                        let svc = svc.clone();
                                        move |_| svc.send(Intent::ViewPhoto(t.sha256.clone()))
                                    },
                                    {tr(lang, "photo.view")}
                                }
                            },
                            None => rsx! { p { class: "missing", {tr(lang, "photo.missing")} } },
                        }
                    }
                    PhotoInputs { kind, present }
                }
            }
        }
    }
}

/// How a photo is taken. On the desktop: a file input and a typed path. In the browser (the
/// phone): *Ambil foto* opens the camera (`capture="environment"`), *Pilih dari galeri* the
/// phone's pictures; the bytes go to the worker's photo pipeline either way.
#[component]
fn PhotoInputs(kind: PhotoKind, present: bool) -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    let Some(id) = open_record(&state.read()) else {
        return rsx! {};
    };
    let k = kind.stereotype();
    let take = move |svc: Service| move |e: FormEvent| take_photo(&svc, state, id, kind, e);
    if cfg!(target_family = "wasm") {
        return rsx! {
            label { class: "take camera",
                if present { {tr(lang, "photo.retake_camera")} } else { {tr(lang, "photo.take_camera")} }
                input { r#type: "file", accept: "image/*", capture: "environment",
                    "data-t": tid(&format!("photo-camera-{k}")), onchange: take(svc.clone()) }
            }
            label { class: "take gallery",
                {tr(lang, "photo.from_gallery")}
                input { r#type: "file", accept: "image/*", "data-t": tid(&format!("photo-file-{k}")),
                    onchange: take(svc.clone()) }
            }
        };
    }
    rsx! {
        label { class: "take",
            if present { {tr(lang, "photo.retake")} } else { {tr(lang, "photo.take")} }
            input { r#type: "file", accept: "image/jpeg,image/png", "data-t": tid(&format!("photo-file-{k}")),
                onchange: take(svc.clone()) }
        }
        PhotoPathInput { kind }
    }
}

/// A typed path, for the desktop data-entry desk (and keyboard-only use).
#[component]
fn PhotoPathInput(kind: PhotoKind) -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let Some(id) = open_record(&state.read()) else {
        return rsx! {};
    };
    rsx! {
        input { class: "path", placeholder: "/path/foto.jpg", "data-t": tid(&format!("photo-path-{}", kind.stereotype())),
            onchange: move |e: FormEvent| {
                let v = e.value();
                if !v.trim().is_empty() {
                    svc.send(Intent::AddPhotoFile { id, kind, path: v.trim().into() });
                }
            }
        }
    }
}

/// A picked file goes to the service by path where the platform gives one (the desktop);
/// otherwise (the browser, where a file has only a name) its bytes are read here from the
/// platform's file object and handed over. A file larger than the pipeline would ever take is
/// refused before it is read.
fn take_photo(
    svc: &Service,
    mut state: Signal<AppState>,
    id: pendata_shared::HouseholdId,
    kind: PhotoKind,
    e: FormEvent,
) {
    let Some(file) = e.files().into_iter().next() else {
        return;
    };
    let lang = state.peek().lang;
    if file.size() > crate::service::MAX_PHOTO_FILE {
        state
            .write()
            .push_error(format!("{} (photo.too_large)", tr(lang, "photo.too_large")));
        return;
    }
    let path = file.path();
    if !cfg!(target_family = "wasm") && !path.as_os_str().is_empty() {
        svc.send(Intent::AddPhotoFile { id, kind, path });
        return;
    }
    let svc = svc.clone();
    spawn(async move {
        match file.read_bytes().await {
            Ok(bytes) => svc.send(Intent::AddPhotoBytes {
                id,
                kind,
                bytes: bytes.to_vec(),
            }),
            Err(_) => state.write().push_error(format!(
                "{} (photo.unreadable)",
                tr(lang, "photo.unreadable")
            )),
        }
    });
}

/// On Android the file input does not open the camera (Dioxus 0.7.10); see docs/app.md.
#[component]
pub(crate) fn CameraNote() -> Element {
    #[cfg(target_os = "android")]
    {
        let lang = use_context::<Signal<AppState>>().read().lang;
        rsx! { p { class: "note", {crate::camera::unavailable_note(lang)} } }
    }
    #[cfg(not(target_os = "android"))]
    {
        rsx! {}
    }
}
