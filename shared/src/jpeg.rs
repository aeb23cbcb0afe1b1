//! JPEG header inspection without decoding pixels.
//!
//! [`inspect`] walks the marker segments of a JPEG byte string up to the first
//! frame header (SOFn) and reports the frame's size and coding process, plus the
//! EXIF orientation when an `APP1` Exif segment before the frame carries one.
//! It never allocates in proportion to the declared image size and never panics,
//! so the app and the server can both use it to refuse decompression bombs
//! (see [`check_limits`]) before any decoder sees the bytes.

use thiserror::Error;

/// What the frame header of a JPEG says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegInfo {
    /// Width in pixels (from the SOFn segment).
    pub width: u32,
    /// Height in pixels (from the SOFn segment).
    pub height: u32,
    /// Number of colour components: 1 (grey), 3 (YCbCr/RGB) or 4 (CMYK/YCCK).
    pub components: u8,
    /// Sample precision in bits (8 for almost every camera JPEG, 12 or 16 otherwise).
    pub precision: u8,
    /// The SOFn marker byte itself (`0xC0`..=`0xCF`, except C4, C8, CC).
    pub sof_marker: u8,
    /// Progressive DCT (SOF2, SOF6, SOF10, SOF14).
    pub progressive: bool,
    /// Arithmetic entropy coding (SOF9..=SOF15 except DAC).
    pub arithmetic: bool,
    /// Lossless process (SOF3, SOF7, SOF11, SOF15).
    pub lossless: bool,
    /// EXIF orientation 1..=8 when an APP1 Exif segment before the frame holds one.
    pub orientation: Option<u8>,
}

impl JpegInfo {
    /// Width times height, without overflow.
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// True for the plain baseline process (SOF0), the one every decoder handles.
    pub fn is_baseline(&self) -> bool {
        self.sof_marker == 0xC0
    }
}

/// Why a byte string was not accepted as a JPEG.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JpegError {
    /// Does not start with the SOI marker `FF D8`.
    #[error("not a JPEG file (no SOI marker)")]
    NotJpeg,
    /// The data ends inside a marker segment or before any frame header.
    #[error("JPEG data is truncated")]
    Truncated,
    /// Scan data or EOI reached before any SOFn frame header.
    #[error("JPEG has no frame header")]
    NoFrame,
    /// A marker segment declares a length below 2 or a frame header is malformed.
    #[error("JPEG segment is malformed")]
    BadSegment,
    /// The frame header declares a width or height of 0.
    #[error("JPEG frame declares a zero width or height")]
    ZeroSize,
    /// More pixels than the caller allows.
    #[error("JPEG is {width}x{height}, more than {max_pixels} pixels")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit that was exceeded.
        max_pixels: u64,
    },
}

impl JpegError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            JpegError::NotJpeg => "jpeg.not_jpeg",
            JpegError::Truncated => "jpeg.truncated",
            JpegError::NoFrame => "jpeg.no_frame",
            JpegError::BadSegment => "jpeg.bad_segment",
            JpegError::ZeroSize => "jpeg.zero_size",
            JpegError::TooManyPixels { .. } => "jpeg.too_many_pixels",
        }
    }

    /// Message for people, in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            JpegError::NotJpeg => "Berkas ini bukan gambar JPEG.".to_owned(),
            JpegError::Truncated => {
                "Berkas JPEG terpotong atau tidak lengkap. Ambil ulang fotonya.".to_owned()
            }
            JpegError::NoFrame => "Berkas JPEG rusak: ukuran gambar tidak ditemukan.".to_owned(),
            JpegError::BadSegment => "Berkas JPEG rusak: struktur berkas tidak sah.".to_owned(),
            JpegError::ZeroSize => "Berkas JPEG rusak: lebar atau tinggi gambar nol.".to_owned(),
            JpegError::TooManyPixels {
                width,
                height,
                max_pixels,
            } => format!(
                "Gambar terlalu besar ({width}x{height} piksel); batasnya {} megapiksel.",
                max_pixels / 1_000_000
            ),
        }
    }

    /// Message for people, in English.
    pub fn message_en(&self) -> String {
        match self {
            JpegError::NotJpeg => "This file is not a JPEG image.".to_owned(),
            JpegError::Truncated => {
                "The JPEG file is cut off or incomplete. Take the photo again.".to_owned()
            }
            JpegError::NoFrame => "The JPEG file is damaged: no image size was found.".to_owned(),
            JpegError::BadSegment => {
                "The JPEG file is damaged: its structure is not valid.".to_owned()
            }
            JpegError::ZeroSize => {
                "The JPEG file is damaged: the image width or height is zero.".to_owned()
            }
            JpegError::TooManyPixels {
                width,
                height,
                max_pixels,
            } => format!(
                "The image is too large ({width}x{height} pixels); the limit is {} megapixels.",
                max_pixels / 1_000_000
            ),
        }
    }
}

/// Walks the markers of `bytes` up to the first frame header. Decodes no pixels.
pub fn inspect(bytes: &[u8]) -> Result<JpegInfo, JpegError> {
    match bytes {
        [0xFF, 0xD8, ..] => {}
        [0xFF] | [] => return Err(JpegError::Truncated),
        _ => return Err(JpegError::NotJpeg),
    }
    let mut pos = 2usize;
    let mut orientation = None;
    loop {
        // Skip to the next 0xFF (tolerating stray bytes, as libjpeg does), then over fill bytes.
        while bytes.get(pos).is_some_and(|&b| b != 0xFF) {
            pos += 1;
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *bytes.get(pos).ok_or(JpegError::Truncated)?;
        pos += 1;
        match marker {
            // Standalone markers without a length: TEM, RST0..=RST7, and a stray SOI.
            0x01 | 0xD0..=0xD8 => continue,
            // End of image or start of scan before any frame header.
            0xD9 | 0xDA => return Err(JpegError::NoFrame),
            // 0x00 after 0xFF is a stuffed byte in entropy data; treat as garbage and go on.
            0x00 => continue,
            _ => {}
        }
        let len = read_u16(bytes, pos).ok_or(JpegError::Truncated)? as usize;
        if len < 2 {
            return Err(JpegError::BadSegment);
        }
        let body_start = pos + 2;
        let body_end = pos.checked_add(len).ok_or(JpegError::Truncated)?;
        let body = bytes
            .get(body_start..body_end)
            .ok_or(JpegError::Truncated)?;
        match marker {
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return frame_info(marker, body, orientation);
            }
            0xE1 if orientation.is_none() => {
                if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                    orientation = exif_orientation(tiff);
                }
            }
            _ => {}
        }
        pos = body_end;
    }
}

/// Refuses images with more than `max_pixels` pixels (decompression-bomb guard).
pub fn check_limits(info: &JpegInfo, max_pixels: u64) -> Result<(), JpegError> {
    if info.pixels() > max_pixels {
        return Err(JpegError::TooManyPixels {
            width: info.width,
            height: info.height,
            max_pixels,
        });
    }
    Ok(())
}

fn frame_info(marker: u8, body: &[u8], orientation: Option<u8>) -> Result<JpegInfo, JpegError> {
    let (&precision, rest) = body.split_first().ok_or(JpegError::BadSegment)?;
    let height = read_u16(rest, 0).ok_or(JpegError::BadSegment)?;
    let width = read_u16(rest, 2).ok_or(JpegError::BadSegment)?;
    let components = *rest.get(4).ok_or(JpegError::BadSegment)?;
    // Each component takes 3 bytes after the 6-byte header.
    if components == 0 || body.len() < 6 + 3 * usize::from(components) {
        return Err(JpegError::BadSegment);
    }
    if width == 0 || height == 0 {
        return Err(JpegError::ZeroSize);
    }
    let low = marker & 0x0F;
    Ok(JpegInfo {
        width: u32::from(width),
        height: u32::from(height),
        components,
        precision,
        sof_marker: marker,
        progressive: matches!(low, 0x2 | 0x6 | 0xA | 0xE),
        arithmetic: marker >= 0xC9,
        lossless: matches!(low, 0x3 | 0x7 | 0xB | 0xF),
        orientation,
    })
}

fn read_u16(bytes: &[u8], pos: usize) -> Option<u16> {
    let b = bytes.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

/// Reads the Orientation tag (0x0112) of IFD0 from a TIFF structure (the part of an
/// APP1 Exif segment after `Exif\0\0`). `None` when absent, malformed or out of 1..=8.
pub fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let big_endian = match tiff.get(0..2)? {
        b"II" => false,
        b"MM" => true,
        _ => return None,
    };
    let u16_at = |p: usize| -> Option<u16> {
        let b = tiff.get(p..p.checked_add(2)?)?;
        Some(if big_endian {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |p: usize| -> Option<u32> {
        let b = tiff.get(p..p.checked_add(4)?)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if big_endian {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        })
    };
    if u16_at(2)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for i in 0..count {
        let entry = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        if u16_at(entry)? != 0x0112 {
            continue;
        }
        // Type SHORT (3), count 1: the value sits in the first two bytes of the value field.
        if u16_at(entry + 2)? != 3 || u32_at(entry + 4)? != 1 {
            return None;
        }
        let value = u16_at(entry + 8)?;
        return u8::try_from(value).ok().filter(|v| (1..=8).contains(v));
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// SOI, optional extra segments, a SOF segment and a bit of scan.
    fn jpeg(extra: &[u8], sof: u8, w: u16, h: u16, comps: u8) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend_from_slice(extra);
        let len = 8 + 3 * u16::from(comps);
        v.extend_from_slice(&[0xFF, sof]);
        v.extend_from_slice(&len.to_be_bytes());
        v.push(8);
        v.extend_from_slice(&h.to_be_bytes());
        v.extend_from_slice(&w.to_be_bytes());
        v.push(comps);
        for c in 0..comps {
            v.extend_from_slice(&[c + 1, 0x11, 0]);
        }
        v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
        v
    }

    fn app1_exif(big_endian: bool, orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        type Writers = (fn(u16) -> [u8; 2], fn(u32) -> [u8; 4]);
        let (w16, w32): Writers = if big_endian {
            tiff.extend_from_slice(b"MM");
            (u16::to_be_bytes, u32::to_be_bytes)
        } else {
            tiff.extend_from_slice(b"II");
            (u16::to_le_bytes, u32::to_le_bytes)
        };
        tiff.extend_from_slice(&w16(42));
        tiff.extend_from_slice(&w32(8));
        tiff.extend_from_slice(&w16(2)); // two entries
                                         // XResolution-ish unrelated entry first (tag 0x011A, RATIONAL, count 1, offset 0).
        tiff.extend_from_slice(&w16(0x011A));
        tiff.extend_from_slice(&w16(5));
        tiff.extend_from_slice(&w32(1));
        tiff.extend_from_slice(&w32(0));
        tiff.extend_from_slice(&w16(0x0112));
        tiff.extend_from_slice(&w16(3));
        tiff.extend_from_slice(&w32(1));
        tiff.extend_from_slice(&w16(orientation));
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&w32(0)); // no next IFD
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&(u16::try_from(tiff.len() + 8).unwrap()).to_be_bytes());
        seg.extend_from_slice(b"Exif\0\0");
        seg.extend_from_slice(&tiff);
        seg
    }

    #[test]
    fn baseline_dimensions() {
        let info = inspect(&jpeg(&[], 0xC0, 640, 480, 3)).unwrap();
        assert_eq!((info.width, info.height, info.components), (640, 480, 3));
        assert!(info.is_baseline() && !info.progressive && !info.arithmetic && !info.lossless);
        assert_eq!(info.orientation, None);
        assert_eq!(info.pixels(), 640 * 480);
    }

    #[test]
    fn frame_kinds() {
        let cases = [
            (0xC1, false, false, false),
            (0xC2, true, false, false),
            (0xC3, false, false, true),
            (0xC6, true, false, false),
            (0xC9, false, true, false),
            (0xCA, true, true, false),
            (0xCB, false, true, true),
            (0xCE, true, true, false),
            (0xCF, false, true, true),
        ];
        for (sof, prog, arith, lossless) in cases {
            let info = inspect(&jpeg(&[], sof, 10, 20, 1)).unwrap();
            assert_eq!(info.sof_marker, sof);
            assert_eq!(
                (info.progressive, info.arithmetic, info.lossless),
                (prog, arith, lossless),
                "SOF {sof:#x}"
            );
            assert_eq!((info.width, info.height, info.components), (10, 20, 1));
        }
    }

    #[test]
    fn dht_dac_jpg_are_not_frames() {
        // DHT (C4), JPG (C8) and DAC (CC) segments before the SOF must be skipped.
        let extra = [
            0xFF, 0xC4, 0x00, 0x03, 0x00, 0xFF, 0xC8, 0x00, 0x02, 0xFF, 0xCC, 0x00, 0x04, 0x01,
            0x02,
        ];
        let info = inspect(&jpeg(&extra, 0xC2, 33, 44, 3)).unwrap();
        assert_eq!((info.width, info.height, info.sof_marker), (33, 44, 0xC2));
    }

    #[test]
    fn exif_orientation_both_byte_orders() {
        for o in 1..=8u16 {
            for be in [false, true] {
                let info = inspect(&jpeg(&app1_exif(be, o), 0xC0, 40, 20, 3)).unwrap();
                assert_eq!(info.orientation, Some(u8::try_from(o).unwrap()));
            }
        }
        // Out of range values are ignored.
        let info = inspect(&jpeg(&app1_exif(false, 9), 0xC0, 40, 20, 3)).unwrap();
        assert_eq!(info.orientation, None);
        let info = inspect(&jpeg(&app1_exif(true, 0), 0xC0, 40, 20, 3)).unwrap();
        assert_eq!(info.orientation, None);
    }

    #[test]
    fn non_exif_app1_and_fill_bytes() {
        // An XMP-like APP1, fill bytes before a marker and an RST marker are all tolerated.
        let mut extra = vec![0xFF, 0xE1, 0x00, 0x07];
        extra.extend_from_slice(b"http\0");
        extra.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xD0]);
        let info = inspect(&jpeg(&extra, 0xC0, 1, 1, 3)).unwrap();
        assert_eq!((info.width, info.height, info.orientation), (1, 1, None));
    }

    #[test]
    fn errors_have_stable_codes() {
        assert_eq!(inspect(b"GIF89a....").unwrap_err().code(), "jpeg.not_jpeg");
        assert_eq!(inspect(&[]).unwrap_err().code(), "jpeg.truncated");
        assert_eq!(inspect(&[0xFF]).unwrap_err().code(), "jpeg.truncated");
        assert_eq!(inspect(&[0xFF, 0xD8]).unwrap_err().code(), "jpeg.truncated");
        assert_eq!(
            inspect(&[0xFF, 0xD8, 0xFF, 0xD9]).unwrap_err(),
            JpegError::NoFrame
        );
        assert_eq!(
            inspect(&[0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]).unwrap_err(),
            JpegError::NoFrame
        );
        assert_eq!(
            inspect(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01]).unwrap_err(),
            JpegError::BadSegment
        );
        assert_eq!(
            inspect(&jpeg(&[], 0xC0, 0, 10, 3)).unwrap_err().code(),
            "jpeg.zero_size"
        );
        assert_eq!(
            inspect(&jpeg(&[], 0xC0, 10, 0, 3)).unwrap_err().code(),
            "jpeg.zero_size"
        );
        assert_eq!(
            inspect(&jpeg(&[], 0xC0, 10, 10, 0)).unwrap_err(),
            JpegError::BadSegment
        );
        // A segment whose length runs past the end.
        assert_eq!(
            inspect(&[0xFF, 0xD8, 0xFF, 0xE0, 0x40, 0x00, 1, 2, 3]).unwrap_err(),
            JpegError::Truncated
        );
    }

    #[test]
    fn messages_in_both_languages() {
        let errs = [
            JpegError::NotJpeg,
            JpegError::Truncated,
            JpegError::NoFrame,
            JpegError::BadSegment,
            JpegError::ZeroSize,
            JpegError::TooManyPixels {
                width: 65535,
                height: 65535,
                max_pixels: 50_000_000,
            },
        ];
        let mut codes = std::collections::HashSet::new();
        for e in &errs {
            assert!(codes.insert(e.code()));
            assert!(e.code().starts_with("jpeg."));
            assert!(!e.message_id().is_empty());
            assert!(!e.message_en().is_empty());
            assert_ne!(e.message_id(), e.message_en());
        }
        assert!(errs[5].message_id().contains("50 megapiksel"));
    }

    #[test]
    fn limits() {
        let info = inspect(&jpeg(&[], 0xC0, 65535, 65535, 3)).unwrap();
        assert_eq!(info.pixels(), 65535 * 65535);
        let err = check_limits(&info, 50_000_000).unwrap_err();
        assert_eq!(err.code(), "jpeg.too_many_pixels");
        let ok = inspect(&jpeg(&[], 0xC0, 4000, 3000, 3)).unwrap();
        assert!(check_limits(&ok, 12_000_000).is_ok());
        assert!(check_limits(&ok, 11_999_999).is_err());
    }

    /// A real 16x8 baseline JPEG written by libjpeg (via libvips), with an EXIF APP1
    /// (orientation 6) spliced in after SOI.
    #[rustfmt::skip]
    const REAL: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x22, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00, 0x49, 0x49, 0x2A, 0x00,
    0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x03, 0x02, 0x02, 0x03, 0x02,
    0x02, 0x03, 0x03, 0x03, 0x03, 0x04, 0x03, 0x03, 0x04, 0x05, 0x08, 0x05, 0x05, 0x04, 0x04, 0x05,
    0x0A, 0x07, 0x07, 0x06, 0x08, 0x0C, 0x0A, 0x0C, 0x0C, 0x0B, 0x0A, 0x0B, 0x0B, 0x0D, 0x0E, 0x12,
    0x10, 0x0D, 0x0E, 0x11, 0x0E, 0x0B, 0x0B, 0x10, 0x16, 0x10, 0x11, 0x13, 0x14, 0x15, 0x15, 0x15,
    0x0C, 0x0F, 0x17, 0x18, 0x16, 0x14, 0x18, 0x12, 0x14, 0x15, 0x14, 0xFF, 0xDB, 0x00, 0x43, 0x01,
    0x03, 0x04, 0x04, 0x05, 0x04, 0x05, 0x09, 0x05, 0x05, 0x09, 0x14, 0x0D, 0x0B, 0x0D, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x10, 0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x01,
    0x03, 0x11, 0x01, 0xFF, 0xC4, 0x00, 0x1F, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
    0x08, 0x09, 0x0A, 0x0B, 0xFF, 0xC4, 0x00, 0xB5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04,
    0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7D, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05,
    0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1,
    0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A,
    0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38,
    0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
    0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
    0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
    0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5,
    0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3,
    0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9,
    0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFF, 0xC4, 0x00, 0x1F, 0x01,
    0x00, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0xFF, 0xC4, 0x00, 0xB5,
    0x11, 0x00, 0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01, 0x02,
    0x77, 0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61,
    0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52,
    0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A,
    0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47,
    0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67,
    0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86,
    0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4,
    0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2,
    0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9,
    0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7,
    0xF8, 0xF9, 0xFA, 0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F,
    0x00, 0xAD, 0xAD, 0x25, 0xA4, 0x0B, 0x69, 0x3D, 0xB1, 0x83, 0x43, 0xD2, 0x2E, 0x59, 0x04, 0x32,
    0x6E, 0x74, 0x5B, 0x88, 0x1C, 0x4D, 0x3A, 0xCE, 0x20, 0x3B, 0x5C, 0xB1, 0xCB, 0x91, 0x91, 0x9C,
    0x2E, 0x0E, 0x72, 0xCC, 0xA0, 0x17, 0x4F, 0x87, 0x85, 0x82, 0xEA, 0x9A, 0x8C, 0xE2, 0x59, 0x2C,
    0xB6, 0x10, 0x11, 0xC8, 0x62, 0xB1, 0x87, 0x62, 0xCE, 0xBB, 0x72, 0x22, 0xFB, 0x84, 0x16, 0xF9,
    0x95, 0x70, 0xC1, 0x88, 0xE0, 0xA8, 0x07, 0xFF, 0xD9,
];

    #[test]
    fn real_jpeg_and_every_truncation() {
        let info = inspect(REAL).unwrap();
        assert_eq!((info.width, info.height, info.components), (16, 8, 3));
        assert_eq!(info.orientation, Some(6));
        assert!(info.is_baseline());
        let mut ok = 0;
        for n in 0..REAL.len() {
            // Every prefix must return, never panic; prefixes cut before the SOF end are errors.
            if inspect(&REAL[..n]).is_ok() {
                ok += 1;
            }
        }
        assert!(ok > 0 && ok < REAL.len());
        // Flip every byte in turn: still never panics.
        let mut buf = REAL.to_vec();
        for i in 0..buf.len() {
            for x in [0x00, 0xFF, 0x5A] {
                let old = buf[i];
                buf[i] = x;
                let _ = inspect(&buf);
                buf[i] = old;
            }
        }
    }

    #[test]
    fn pseudo_random_bytes_never_panic() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for len in 0..2000usize {
            let mut v = vec![0xFF, 0xD8];
            for _ in 0..(len % 97) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                v.push(if state.is_multiple_of(5) {
                    0xFF
                } else {
                    state as u8
                });
            }
            let _ = inspect(&v);
        }
    }
}
