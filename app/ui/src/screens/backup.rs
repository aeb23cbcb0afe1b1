//! The backup file and logging out, the two things that touch all of a device's data:
//! *Cadangkan data* and *Pulihkan* (Pengaturan, and the enrolment form of a fresh phone), the
//! download that hands the file to the browser, and *Keluar* with what is still unsent said
//! first. The worker does the work (`service/backup.rs`, `service/session.rs`).

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::AppState;
use crate::widgets::tid;

/// Pengaturan: make a backup, restore one.
#[component]
pub fn BackupBox() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    rsx! {
        fieldset { class: "backup", "data-t": tid("backup"),
            legend { {tr(lang, "backup.title")} }
            p { class: "note", {tr(lang, "backup.explain")} }
            button { class: "primary", "data-t": tid("backup-make"),
                onclick: move |_| svc.send(Intent::Backup), {tr(lang, "backup.button")} }
            RestoreInput {}
        }
    }
}

/// "Pulihkan dari cadangan": a file input whose file goes to the worker: its path where the
/// platform gives one (the desktop), else the browser's `File` itself, which the worker reads
/// in slices (never the whole file in the page's memory).
#[component]
pub fn RestoreInput() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    let pick = move |e: FormEvent| {
        let Some(file) = e.files().into_iter().next() else {
            return;
        };
        if let Some(intent) = restore_intent(&file) {
            svc.send(intent);
            return;
        }
        // Natively without a path (an Android WebView may give none): the bytes.
        let svc = svc.clone();
        spawn(async move {
            match read_restore_bytes(&file).await {
                Some(intent) => svc.send(intent),
                None => state.write().push_error(format!(
                    "{} (backup.unreadable)",
                    tr(lang, "backup.unreadable")
                )),
            }
        });
    };
    rsx! {
        div { class: "restore",
            p { class: "note", {tr(lang, "backup.restore_explain")} }
            label { class: "take",
                {tr(lang, "backup.restore")}
                input { r#type: "file", accept: ".pdbackup,application/octet-stream",
                    "data-t": tid("backup-restore-file"), onchange: pick }
            }
        }
    }
}

#[cfg(all(target_family = "wasm", feature = "web"))]
fn restore_intent(file: &dioxus::html::FileData) -> Option<Intent> {
    let file = file.inner().downcast_ref::<web_sys::File>()?;
    Some(Intent::RestoreBlob {
        file: web_sys::Blob::from(file.clone()),
    })
}

#[cfg(not(all(target_family = "wasm", feature = "web")))]
fn restore_intent(file: &dioxus::html::FileData) -> Option<Intent> {
    let path = file.path();
    (!path.as_os_str().is_empty()).then_some(Intent::RestoreFile { path })
}

#[cfg(all(target_family = "wasm", feature = "web"))]
async fn read_restore_bytes(_file: &dioxus::html::FileData) -> Option<Intent> {
    None
}

#[cfg(not(all(target_family = "wasm", feature = "web")))]
async fn read_restore_bytes(file: &dioxus::html::FileData) -> Option<Intent> {
    let bytes = file.read_bytes().await.ok()?;
    Some(Intent::RestoreBytes {
        bytes: bytes.to_vec(),
    })
}

/// Hands a finished backup to the browser's download (the phone's Downloads folder) and says
/// so: the worker wrote it into the origin's private file system, and the browser streams it
/// from there. Natively the worker has already written the file; nothing arrives here.
#[component]
pub fn DownloadOffer() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    use_effect(move || {
        if state.read().download.is_none() {
            return;
        }
        let Some(file) = state.write().download.take() else {
            return;
        };
        let lang = state.peek().lang;
        spawn(async move {
            let kib = file.bytes / 1024;
            match offer(&file.name).await {
                Ok(()) => state.write().push_message(
                    crate::state::MessageKind::Notice,
                    format!("{}: {} ({kib} KiB)", tr(lang, "backup.made"), file.name),
                ),
                Err(e) => state.write().push_error(format!("{e} (backup.download)")),
            }
        });
    });
    rsx! {}
}

#[cfg(all(target_family = "wasm", feature = "web"))]
async fn offer(name: &str) -> Result<(), String> {
    crate::platform::web::download_backup(crate::service::BACKUP_DIR, name).await
}

#[cfg(not(all(target_family = "wasm", feature = "web")))]
async fn offer(_name: &str) -> Result<(), String> {
    Err("no download on this platform".into())
}

/// "3 data belum terkirim (1 di antaranya draf), 9 foto."
fn unsent_line(u: crate::state::UnsentView, lang: pendata_shared::Lang) -> String {
    format!(
        "{} {} ({} {}), {} {}.",
        u.households,
        tr(lang, "logout.unsent"),
        u.drafts,
        tr(lang, "logout.drafts"),
        u.photos,
        tr(lang, "logout.photos")
    )
}

/// Pengaturan: *Keluar dari akun*. The first tap asks the worker what is unsent and shows it
/// ("3 data belum terkirim …") with the promise that nothing is deleted; only the second logs
/// out.
#[component]
pub fn LogoutBox() -> Element {
    let mut state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let ask = s.logout_ask;
    drop(s);
    let (ask_svc, confirm_svc) = (svc.clone(), svc.clone());
    rsx! {
        fieldset { class: "logout", "data-t": tid("logout"),
            legend { {tr(lang, "logout.button")} }
            if let Some(u) = ask {
                p { class: if u.households + u.photos > 0 { "finding warning" } else { "note" },
                    role: "alert", "data-t": tid("logout-unsent"), {unsent_line(u, lang)} }
                p { class: "note", {tr(lang, "logout.kept")} }
                button { class: "primary", "data-t": tid("logout-confirm"),
                    onclick: move |_| confirm_svc.send(Intent::Logout), {tr(lang, "logout.confirm")} }
                button { "data-t": tid("logout-cancel"),
                    onclick: move |_| state.write().logout_ask = None, {tr(lang, "logout.cancel")} }
            } else {
                button { "data-t": tid("logout-ask"),
                    onclick: move |_| ask_svc.send(Intent::AskLogout), {tr(lang, "logout.button")} }
            }
        }
    }
}
