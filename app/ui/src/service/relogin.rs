//! "Masuk lagi" from the sync screen: the server no longer takes the token (a login on another
//! phone, `user reset-devices`), so the facilitator gives the password again. The server and
//! the username are the saved session's; `Device::login` only replaces the token, so every
//! unsent record and photo stays in the store and goes with the sync that follows at once.

use pendata_core::Device;

use super::{Res, Worker};
use crate::i18n::tr;
use crate::state::{ReloginView, Update};

/// Whether a sync's error code means "log in again": the server refused the token, or there
/// is none.
pub(super) fn needs_login(code: &str) -> bool {
    code.starts_with("auth.") || code == "sync.not_logged_in"
}

/// The server and the user to log in again as, from the saved session.
pub(super) fn relogin_view(d: &Device) -> Option<ReloginView> {
    let session = d.session().ok().flatten()?;
    let username = session.user?.username;
    Some(ReloginView {
        server: session.server_url,
        username,
    })
}

impl Worker {
    /// Logs in again with the saved server and username, then syncs.
    pub(super) async fn relogin(&mut self, password: &str) -> Res {
        let lang = self.lang;
        if password.is_empty() {
            return Err(tr(lang, "enrol.fields_missing").into());
        }
        let name = self.config.device_name.clone();
        let session = self
            .device()?
            .session()
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let Some((server, ca, username)) =
            session.and_then(|s| Some((s.server_url, s.ca_cert_pem, s.user?.username)))
        else {
            // Nothing saved to log in again with: the full login form.
            return self.logout().await;
        };
        let res = self
            .device()?
            .login(&server, ca.as_deref(), &username, password, &name)
            .await;
        res.map_err(|e| self.err(e))?;
        self.emit(Update::Notice(tr(lang, "relogin.done").into()));
        self.request_sync();
        Ok(())
    }
}
