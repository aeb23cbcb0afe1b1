//! Realistic workloads for crash and fault tests and the slow-link benchmark: usulan baru households
//! (the repository's example household with fresh ids and NIK/KK serials) with nine real
//! camera-like JPEGs each, attached to a real encrypted [`Device`].
//!
//! Photos are encoded once ([`camera_set`]); each household gets its own distinct bytes by a
//! JPEG comment segment (COM) after the SOI marker, so every photo is a different, valid JPEG
//! of the same size class as a phone's, without paying the photo pipeline per photo.

use chrono::Utc;
use pendata_core::Device;
use pendata_shared::codes::HouseholdStatus;
use pendata_shared::ids::{RevisionId, Sha256Hex};
use pendata_shared::model::MusdesRef;
use pendata_shared::photos::{PhotoKind, PhotoRef};
use pendata_shared::{Household, HouseholdId, RecordKind};

/// One encoded photo: bytes, width, height.
pub type Jpeg = (Vec<u8>, u32, u32);

/// Nine camera-like JPEGs (`w`x`h`, quality 85; one per verivali photo kind). 1024x768 gives
/// about 0.3-0.5 MB each, two chunks or so.
pub fn camera_set(w: u32, h: u32) -> anyhow::Result<Vec<Jpeg>> {
    (0..9u32)
        .map(|k| Ok((camera_jpeg_sized(9000 + k, w, h)?, w, h)))
        .collect()
}

/// A camera-like JPEG of `w`x`h` (gradients, edges, noise; quality 85), different bytes per
/// seed.
pub fn camera_jpeg_sized(seed: u32, w: u32, h: u32) -> anyhow::Result<Vec<u8>> {
    camera_jpeg_with(seed, w, h, 85)
}

/// A camera-like JPEG of `w`x`h` at `quality` (gradients, edges, noise), different bytes per
/// seed.
pub fn camera_jpeg_with(seed: u32, w: u32, h: u32, quality: u8) -> anyhow::Result<Vec<u8>> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let shift = (seed % 200) as u8;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % 24) as u8;
        let edge = if (x / 80 + y / 60) % 2 == 0 { 40 } else { 0 };
        image::Rgb([
            ((x * 255 / w) as u8).saturating_add(n),
            ((y * 255 / h) as u8).saturating_add(edge),
            shift.saturating_add(n / 2),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(&img)?;
    Ok(out)
}

/// A tiny real JPEG (`40+4k` x `30+2k`, quality 80, gradients): bytes, width, height. Cheap
/// enough for hundreds of households; make copies distinct with [`tagged_jpeg`].
pub fn tiny_jpeg(k: u32) -> anyhow::Result<Jpeg> {
    let (w, h) = (40 + 4 * k, 30 + 2 * k);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x + y + k * 29) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img)?;
    Ok((out, w, h))
}

/// Nine tiny JPEGs ([`tiny_jpeg`] 0..9), one per verivali photo kind.
pub fn tiny_set() -> anyhow::Result<Vec<Jpeg>> {
    (0..9u32).map(tiny_jpeg).collect()
}

/// A noisy real JPEG of several photo chunks (1000x800, quality 95, about 1.9 MB).
pub fn noisy_jpeg() -> anyhow::Result<Vec<u8>> {
    let (w, h) = (1000u32, 800u32);
    let mut s = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        image::Rgb([s as u8, (s >> 8) as u8, (s >> 16) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95).encode_image(&img)?;
    Ok(out)
}

/// `base` with a comment segment carrying `tag` after the SOI: a distinct valid JPEG.
pub fn tagged_jpeg(base: &[u8], tag: &str) -> Vec<u8> {
    let tag = &tag.as_bytes()[..tag.len().min(60_000)];
    let len = (tag.len() + 2) as u16;
    let mut out = base[..2.min(base.len())].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(tag);
    out.extend_from_slice(base.get(2..).unwrap_or_default());
    out
}

/// A usulan baru made from the example household: fresh household id, NIK and KK serials
/// `k` (1..=800 keeps them unique on one server).
pub fn usulan_baru(example: &Household, k: u32) -> Household {
    let mut h = example.clone();
    h.id = HouseholdId::new();
    h.kind = RecordKind::UsulanBaru {
        musdes: MusdesRef {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2),
            berita_acara_number: Some(format!("BA/{k}/XI/2026")),
        },
    };
    h.photos.clear();
    h.verivali.household_status = Some(HouseholdStatus::NewProposal);
    for (i, m) in h.members.iter_mut().enumerate() {
        if let Some(nik) = &mut m.nik {
            nik.replace_range(12.., &format!("{:04}", (k * 10 + i as u32) % 10_000));
        }
    }
    for f in &mut h.families {
        f.kk_number.replace_range(
            12..,
            &format!("{:04}", (k * 10 + u32::from(f.family_no)) % 10_000),
        );
    }
    h
}

/// Creates a usulan baru on the device with nine photos (the set, tagged `tag`), finalises
/// and queues it. Returns the household and the revision queued for sending.
pub fn capture_usulan(
    device: &mut Device,
    example: &Household,
    k: u32,
    set: &[Jpeg],
    tag: &str,
) -> anyhow::Result<(HouseholdId, RevisionId)> {
    let h = usulan_baru(example, k);
    device.store_mut().create_household(&h)?;
    let head = device
        .store()
        .household(h.id)?
        .members
        .first()
        .map(|m| m.id);
    for (i, (kind, (base, w, ht))) in PhotoKind::VERIVALI_NINE.iter().zip(set).enumerate() {
        let bytes = tagged_jpeg(base, &format!("{tag}/{k}/{i}"));
        let id = device.blobs().put(&bytes)?;
        let sha = Sha256Hex::parse(id.as_str())
            .ok_or_else(|| anyhow::anyhow!("blob id is not a SHA-256"))?;
        let photo = PhotoRef {
            kind: *kind,
            sha256: sha,
            bytes: bytes.len() as u64,
            width: *w,
            height: *ht,
            geotag: None,
            taken_at: Utc::now(),
            member_id: matches!(kind, PhotoKind::Ktp | PhotoKind::Krt)
                .then_some(head)
                .flatten(),
        };
        device.store_mut().attach_photo(h.id, &photo, id.as_str())?;
    }
    device
        .finalize(h.id)
        .map_err(|e| anyhow::anyhow!("finalize: {e}"))?;
    let rev = device.store_mut().queue(h.id)?;
    Ok((h.id, rev))
}

/// How a photo's bytes are lost on a device (the "photo bytes lost" fault).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoLoss {
    /// The file is removed (a storage cleaner, evicted site data).
    Removed,
    /// Bytes in the middle of the file are changed (a damaged file).
    Damaged,
}

/// Takes the bytes of photo `sha` away from the device's data directory, as `loss` says: the
/// real encrypted blob file is removed or damaged on disk.
pub fn lose_photo(device: &Device, sha: &Sha256Hex, loss: PhotoLoss) -> anyhow::Result<()> {
    let id = pendata_core::blobs::BlobId::parse(sha.as_str())
        .map_err(|e| anyhow::anyhow!("blob id: {e}"))?;
    let file = device
        .blobs()
        .file_of(&id)
        .map_err(|e| anyhow::anyhow!("blob file: {e}"))?;
    anyhow::ensure!(
        file.starts_with(device.dir()),
        "the blob is outside the data dir"
    );
    match loss {
        PhotoLoss::Removed => std::fs::remove_file(&file)?,
        PhotoLoss::Damaged => {
            let mut bytes = std::fs::read(&file)?;
            let mid = bytes.len() / 2;
            if let Some(b) = bytes.get_mut(mid) {
                *b ^= 0x5A;
            }
            std::fs::write(&file, bytes)?;
        }
    }
    Ok(())
}

/// Retakes every photo the device lists as lost (`Store::photo_problems`): a new tagged JPEG of
/// the same kind and member, then finalize and queue, as a facilitator does. Returns the
/// households retaken with the revision queued for each.
pub fn retake_lost_photos(
    device: &mut Device,
    set: &[Jpeg],
    tag: &str,
) -> anyhow::Result<Vec<(HouseholdId, RevisionId)>> {
    let problems = device.store().photo_problems()?;
    let mut out: Vec<(HouseholdId, RevisionId)> = Vec::new();
    for (n, p) in problems.iter().enumerate() {
        let h = device.store().household(p.household_id)?;
        let Some(photo) = h.photos.iter().find(|x| x.sha256 == p.sha256) else {
            continue;
        };
        let (base, _, _) = &set[n % set.len()];
        let bytes = tagged_jpeg(base, &format!("{tag}/retake/{}/{n}", p.household_id));
        device
            .add_photo(
                h.id,
                photo.kind,
                &bytes,
                pendata_core::PhotoOptions {
                    member_id: photo.member_id,
                    ..pendata_core::PhotoOptions::default()
                },
            )
            .map_err(|e| anyhow::anyhow!("retake: {e}"))?;
    }
    let mut ids: Vec<HouseholdId> = problems.iter().map(|p| p.household_id).collect();
    ids.dedup();
    for id in ids {
        if device
            .store()
            .photo_problems()?
            .iter()
            .any(|p| p.household_id == id)
        {
            continue;
        }
        device
            .finalize(id)
            .map_err(|e| anyhow::anyhow!("finalize after retake: {e}"))?;
        out.push((id, device.store_mut().queue(id)?));
    }
    Ok(out)
}
