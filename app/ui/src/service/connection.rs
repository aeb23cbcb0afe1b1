//! Whether the server can be reached: `GET /healthz` in the background (`background.rs`).

use pendata_shared::Lang;

use super::background::spawn_background;
use super::Worker;
use crate::state::{ConnectionView, Reach, Update};

/// How long a reachability check may take, connecting included.
pub const HEALTH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

impl Worker {
    pub(super) fn next_conn_seq(&mut self) -> u64 {
        self.conn_seq += 1;
        self.conn_seq
    }

    /// Starts a `/healthz` check in the background: the worker (and the UI) go on
    /// at once (the worker only reads the saved server address; the client is built on the
    /// thread); the answer arrives as [`Update::Connection`]. Nothing to ask before a login.
    pub(super) fn check_connection(&mut self) {
        let Some(d) = self.device.as_ref() else {
            return;
        };
        if !d.is_logged_in().unwrap_or(false) {
            return;
        }
        let Ok(Some(session)) = d.session() else {
            return;
        };
        let mut config =
            pendata_core::sync::ClientConfig::new(session.server_url, d.store().device_id());
        config.ca_cert_pem = session.ca_cert_pem;
        let seq = self.next_conn_seq();
        self.emit(Update::Connection(ConnectionView {
            seq,
            reach: Reach::Checking,
            checked_at: None,
            detail: None,
        }));
        let out = self.out.clone();
        let lang = self.lang;
        spawn_background("pendata-healthz", move || async move {
            let result = match pendata_core::sync::Client::new(config) {
                Ok(client) => client
                    .healthz(HEALTH_DEADLINE)
                    .await
                    .map_err(|e| connection_detail(&e, lang)),
                Err(e) => Err(connection_detail(&e, lang)),
            };
            let _ = out.send(Update::Connection(connection_view(seq, result)));
        });
    }
}

pub(super) fn connection_detail(e: &pendata_core::sync::ClientError, lang: Lang) -> String {
    let message = match lang {
        Lang::Id => e.message(),
        Lang::En => e.message_en(),
    };
    format!("{message} ({})", e.code())
}

pub(super) fn connection_view(seq: u64, result: Result<(), String>) -> ConnectionView {
    match result {
        Ok(()) => ConnectionView {
            seq,
            reach: Reach::Online,
            checked_at: Some(local_time()),
            detail: None,
        },
        Err(detail) => ConnectionView {
            seq,
            reach: Reach::Offline,
            checked_at: Some(local_time()),
            detail: Some(detail),
        },
    }
}

/// The facilitator's clock, `HH:MM`.
pub(super) fn local_time() -> String {
    chrono::Local::now().format("%H:%M").to_string()
}
