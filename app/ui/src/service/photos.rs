//! Photos (from a file or from bytes, through the core's pipeline), the full-size view, and
//! the house position (GPS, typed, or a photo's EXIF).

use std::path::Path;

use base64::Engine as _;
use chrono::Utc;
use pendata_core::PhotoOptions;
use pendata_shared::model::{GeoSource, Geotag};
use pendata_shared::{HouseholdId, Lang, PhotoKind};
use serde_json::Value;

use super::{Res, Worker};
use crate::i18n::tr;
use crate::state::Update;

/// Largest photo file read from disk (bytes); the core's pipeline has its own limits too.
pub const MAX_PHOTO_FILE: u64 = 40 * 1024 * 1024;

impl Worker {
    pub(super) fn add_photo_file(&mut self, id: HouseholdId, kind: PhotoKind, path: &Path) -> Res {
        let bytes = read_photo_file(path, self.lang)?;
        self.add_photo(id, kind, &bytes)
    }

    pub(super) fn add_photo(&mut self, id: HouseholdId, kind: PhotoKind, bytes: &[u8]) -> Res {
        let lang = self.lang;
        let d = self.device()?;
        // F-KRT and F-KTP show the head: attach the head's member id when there is one.
        let member_id = match kind {
            PhotoKind::Krt | PhotoKind::Ktp => d
                .store()
                .household(id)
                .ok()
                .and_then(|h| h.head().map(|m| m.id)),
            _ => None,
        };
        d.add_photo(
            id,
            kind,
            bytes,
            PhotoOptions {
                member_id,
                ..PhotoOptions::default()
            },
        )
        .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.refresh_form(id)
    }

    pub(super) fn view_photo(&mut self, sha: &str) -> Res {
        let lang = self.lang;
        let d = self.device()?;
        let sha = pendata_shared::Sha256Hex::parse(sha)
            .ok_or_else(|| tr(lang, "photo.missing").to_string())?;
        let bytes = d
            .photo_bytes(&sha)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        self.emit(Update::FullPhoto(Some(jpeg_data_url(&bytes))));
        Ok(())
    }

    pub(super) fn set_geotag(
        &mut self,
        id: HouseholdId,
        latitude: f64,
        longitude: f64,
        accuracy_m: Option<f64>,
        fix_time_ms: Option<i64>,
        source: GeoSource,
    ) -> Res {
        let fix_time = fix_time_ms
            .and_then(chrono::DateTime::from_timestamp_millis)
            .unwrap_or_else(Utc::now);
        let tag = Geotag {
            latitude,
            longitude,
            accuracy_m,
            fix_time,
            source,
        };
        self.set_value(id, "geotag", geotag_json(&tag)?)?;
        self.refresh_form(id)
    }

    pub(super) fn geotag_from_photo(&mut self, id: HouseholdId) -> Res {
        let lang = self.lang;
        let record = self
            .device()?
            .store()
            .content(id)
            .map_err(|e| format!("{} ({})", e.message(lang), e.code()))?;
        let Some(mut tag) = record.photos().iter().find_map(|p| p.geotag.clone()) else {
            return Err(tr(lang, "gps.unavailable").into());
        };
        tag.source = GeoSource::PhotoExif;
        self.set_value(id, "geotag", geotag_json(&tag)?)?;
        self.refresh_form(id)
    }
}

fn geotag_json(tag: &Geotag) -> Res<Value> {
    serde_json::to_value(tag).map_err(|e| e.to_string())
}

pub(super) fn jpeg_data_url(bytes: &[u8]) -> String {
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn read_photo_file(path: &Path, lang: Lang) -> Res<Vec<u8>> {
    let too_big = match std::fs::metadata(path) {
        Ok(m) => m.len() > MAX_PHOTO_FILE,
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    if too_big {
        return Err(format!("{} (photo.too_large)", tr(lang, "photo.too_large")));
    }
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}
