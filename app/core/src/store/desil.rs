//! The desil of the families in the user's wilayah (issue 21 §3; migration 0006): BPS's
//! ranking from the Dinsos's SIKS-NG import, as the server sends it with the pull
//! ([`DesilUpdate`]). The device shows it beside a family's KK number and never computes it.
//!
//! The import the device holds as a whole is named to the server in each pull; it is kept per
//! wilayah, so another user logging in on this device (another desa) receives the whole set of
//! their own wilayah, which replaces the previous one.

use chrono::{DateTime, Utc};
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::protocol::{DesilUpdate, UserInfo};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::{keys, Result, Store, StoreError};

/// Setting key: `{"import_id": N, "wilayah": "..."}`, the complete set the device holds.
pub const DESIL_HELD: &str = "desil_held";

/// One family's desil as the device keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyDesil {
    pub desil: WelfareDecile,
    /// When the Dinsos imported the SIKS-NG file it came with.
    pub imported_at: DateTime<Utc>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Held {
    import_id: i64,
    wilayah: String,
}

impl Store {
    /// Keeps the desil a pull page brought: a complete set replaces every desil the device
    /// holds (and is remembered as held for this user's wilayah); an added one is merged.
    pub fn apply_desil(&mut self, update: &DesilUpdate) -> Result<()> {
        let held = serde_json::to_string(&Held {
            import_id: update.import_id,
            wilayah: self.session_wilayah()?,
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let at = update.imported_at.to_rfc3339();
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        if update.complete {
            tx.execute("DELETE FROM family_desil", [])?;
        }
        {
            let mut put = tx.prepare(
                "INSERT INTO family_desil (kk_number, desil, import_id, imported_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kk_number) DO UPDATE SET desil = excluded.desil,
                   import_id = excluded.import_id, imported_at = excluded.imported_at",
            )?;
            for f in &update.families {
                put.execute(params![f.kk_number, f.desil.code(), update.import_id, at])?;
            }
        }
        if update.complete {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![DESIL_HELD, held],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The desil import this device holds as a whole for the logged-in user's wilayah, to
    /// name in the next pull; `None` before the first one, or after another user logged in.
    pub fn desil_import_held(&self) -> Result<Option<i64>> {
        let Some(json) = self.setting(DESIL_HELD)? else {
            return Ok(None);
        };
        let held: Held = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("desil held: {e}")))?;
        Ok((held.wilayah == self.session_wilayah()?).then_some(held.import_id))
    }

    /// The desil of the family with this KK number, if the Dinsos's import has one.
    pub fn family_desil(&self, kk_number: &str) -> Result<Option<FamilyDesil>> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT desil, imported_at FROM family_desil WHERE kk_number = ?1",
                [kk_number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((code, at)) = row else {
            return Ok(None);
        };
        let desil = u8::try_from(code)
            .ok()
            .and_then(WelfareDecile::from_code)
            .ok_or_else(|| StoreError::Corrupt("desil".into()))?;
        let imported_at = DateTime::parse_from_rfc3339(&at)
            .map_err(|e| StoreError::Corrupt(format!("desil date: {e}")))?
            .with_timezone(&Utc);
        Ok(Some(FamilyDesil { desil, imported_at }))
    }

    /// The wilayah of the logged-in user (empty when nobody is).
    pub(crate) fn session_wilayah(&self) -> Result<String> {
        Ok(self
            .setting(keys::SESSION_USER)?
            .and_then(|j| serde_json::from_str::<UserInfo>(&j).ok())
            .map(|u| u.wilayah)
            .unwrap_or_default())
    }
}
