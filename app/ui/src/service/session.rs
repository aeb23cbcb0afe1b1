//! Enrolment, unlock, lock, logout, the PIN, the language and the settings screen.

use std::path::Path;

use pendata_core::store::keys;
use pendata_core::sync::Revoke;
use pendata_core::Device;
use pendata_shared::Lang;

use super::{Res, Worker};
use crate::i18n::tr;
use crate::state::{SettingsView, UnsentView, Update};

impl Worker {
    pub(super) async fn enrol(
        &mut self,
        server_url: &str,
        username: &str,
        password: &str,
        pin: &str,
    ) -> Res {
        let lang = self.lang;
        if server_url.trim().is_empty() || username.trim().is_empty() || password.is_empty() {
            return Err(tr(lang, "enrol.fields_missing").into());
        }
        if self.device.is_none() {
            if pin.chars().count() < 6 {
                return Err(tr(lang, "enrol.pin_short").into());
            }
            let dir = self.config.data_dir.clone();
            // Natively a folder; in the browser the core's OPFS pool holds the files.
            #[cfg(not(target_family = "wasm"))]
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let device = Device::create(&dir, pin, self.config.kdf).map_err(|e| self.err(e))?;
            self.device = Some(device);
        }
        let name = self.config.device_name.clone();
        let Some(device) = self.device.as_mut() else {
            return Err(tr(lang, "unlock.title").into());
        };
        let res = device
            .login(server_url.trim(), None, username.trim(), password, &name)
            .await;
        res.map_err(|e| self.err(e))?;
        self.emit(Update::Unlocked { lang: self.lang });
        self.load_home()
    }

    pub(super) fn unlock(&mut self, pin: &str) -> Res {
        let device = Device::unlock(&self.config.data_dir, pin).map_err(|e| self.err(e))?;
        self.lang = match device.store().setting(keys::LANG) {
            Ok(Some(l)) if l == "en" => Lang::En,
            _ => Lang::Id,
        };
        let logged_in = device.is_logged_in().unwrap_or(false);
        self.device = Some(device);
        if !logged_in {
            // Created but never logged in: finish the enrolment (the PIN is already set).
            self.emit(Update::Lang(self.lang));
            self.emit(Update::NeedsEnrol);
            return Ok(());
        }
        self.emit(Update::Unlocked { lang: self.lang });
        self.load_home()?;
        // Beranda is on its way to the screen (each emit is posted at once).
        self.warm_search();
        Ok(())
    }

    pub(super) fn lock(&mut self) -> Res {
        self.close_session();
        self.device = None;
        self.emit(Update::Locked);
        Ok(())
    }

    /// Counts what waits to be sent, for the question before a logout.
    pub(super) fn ask_logout(&mut self) -> Res {
        let lang = self.lang;
        let u = self
            .device()?
            .unsent()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.emit(Update::LogoutAsk(UnsentView {
            households: u.households(),
            drafts: u.drafts,
            photos: u.photos,
        }));
        Ok(())
    }

    /// Logs out (`Device::logout`): the server revokes the token when it can be reached, the
    /// token is forgotten here in any case, and nothing else changes: every record, draft and
    /// photo stays in the encrypted store for the next login. The store stays open, so the
    /// next screen only asks to log in.
    pub(super) async fn logout(&mut self) -> Res {
        let lang = self.lang;
        self.close_session();
        let out = self
            .device()?
            .logout()
            .await
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.emit(Update::LoggedOut);
        self.emit(Update::Notice(tr(lang, "logout.done").into()));
        if let Revoke::Failed { code, .. } = out.revoked {
            self.emit(Update::Error(format!(
                "{} ({code})",
                tr(lang, "logout.failed_revoke")
            )));
        }
        Ok(())
    }

    pub(super) fn change_pin(&mut self, old: &str, new: &str) -> Res {
        if new.chars().count() < 6 {
            return Err(tr(self.lang, "enrol.pin_short").into());
        }
        Device::change_pin(&self.config.data_dir, old, new).map_err(|e| self.err(e))?;
        self.emit(Update::Notice(tr(self.lang, "settings.pin_changed").into()));
        Ok(())
    }

    pub(super) fn set_lang(&mut self, lang: Lang) -> Res {
        self.lang = lang;
        if let Some(d) = self.device.as_mut() {
            let code = match lang {
                Lang::Id => "id",
                Lang::En => "en",
            };
            d.store_mut()
                .set_setting(keys::LANG, Some(code))
                .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        }
        self.emit(Update::Lang(lang));
        Ok(())
    }

    pub(super) fn load_settings(&mut self) -> Res {
        let dir = self.config.data_dir.clone();
        let session = self
            .device
            .as_ref()
            .and_then(|d| d.session().ok().flatten());
        self.emit(Update::Settings(SettingsView {
            server: session.as_ref().map(|s| s.server_url.clone()),
            username: session.and_then(|s| s.user.map(|u| u.username)),
            data_dir: dir.display().to_string(),
            data_bytes: dir_size(&dir),
        }));
        Ok(())
    }
}

/// Total size of the files under `dir` (the about box).
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut total = 0;
    for entry in entries.flatten() {
        match entry.file_type() {
            Ok(t) if t.is_dir() => total += dir_size(&entry.path()),
            Ok(_) => total += entry.metadata().map(|m| m.len()).unwrap_or(0),
            Err(_) => {}
        }
    }
    total
}
