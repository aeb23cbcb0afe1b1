//! The login rate limiter on PostgreSQL: failures of every server process in one table, so
//! two processes enforce one limit (the in-memory [`crate::auth::LoginLimiter`] counts one
//! process's only).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::{in_transaction, PgStore};
use crate::auth::LoginLimit;
use crate::store::StoreError;

/// Failed logins per username and per client IP in a sliding window, in `login_failures`.
pub struct PgLoginLimiter {
    store: Arc<PgStore>,
    max_failures: i64,
    window: Duration,
}

impl PgLoginLimiter {
    pub fn new(store: Arc<PgStore>, max_failures: u32, window: Duration) -> Self {
        PgLoginLimiter {
            store,
            max_failures: i64::from(max_failures.max(1)),
            window,
        }
    }

    fn keys(username: &str, ip: Option<IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("u:{}", username.to_lowercase())];
        keys.extend(ip.map(|ip| format!("ip:{ip}")));
        keys
    }

    fn window_start(&self) -> chrono::DateTime<Utc> {
        Utc::now() - chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX)
    }
}

impl LoginLimit for PgLoginLimiter {
    fn check(&self, username: &str, ip: Option<IpAddr>) -> Result<Result<(), u64>, StoreError> {
        let keys = Self::keys(username, ip);
        let since = self.window_start();
        let window = self.window;
        let max = self.max_failures;
        self.store.run(async {
            let client = self.store.client().await?;
            // The oldest failure that still counts, per key with `max` or more in the window.
            let rows = client
                .query(
                    "SELECT min(failed_at) FROM (SELECT key, failed_at, \
                       row_number() OVER (PARTITION BY key ORDER BY failed_at DESC) AS n \
                       FROM login_failures WHERE key = ANY($1) AND failed_at > $2) f \
                     WHERE n <= $3 GROUP BY key HAVING count(*) >= $3",
                    &[&keys, &since, &max],
                )
                .await?;
            let now = Utc::now();
            let mut wait: Option<Duration> = None;
            for row in rows {
                let oldest: chrono::DateTime<Utc> = row.try_get(0)?;
                let age = (now - oldest).to_std().unwrap_or(Duration::ZERO);
                let left = window.saturating_sub(age);
                wait = Some(wait.map_or(left, |w| w.max(left)));
            }
            Ok(match wait {
                Some(w) => Err(w.as_secs().max(1)),
                None => Ok(()),
            })
        })
    }

    fn record_failure(&self, username: &str, ip: Option<IpAddr>) -> Result<(), StoreError> {
        let keys = Self::keys(username, ip);
        let since = self.window_start();
        in_transaction!(&self.store, |tx| {
            tx.execute(
                "INSERT INTO login_failures (key, failed_at) SELECT k, $2 FROM unnest($1::text[]) k",
                &[&keys, &Utc::now()],
            )
            .await?;
            // Failures out of the window are swept as new ones arrive (of every key), so the
            // table holds one window's failures only.
            tx.execute(
                "DELETE FROM login_failures WHERE failed_at <= $1",
                &[&since],
            )
            .await?;
            Ok(())
        })
    }

    fn record_success(&self, username: &str) -> Result<(), StoreError> {
        let key = format!("u:{}", username.to_lowercase());
        self.store.run(async {
            let client = self.store.client().await?;
            client
                .execute("DELETE FROM login_failures WHERE key = $1", &[&key])
                .await?;
            Ok(())
        })
    }
}
