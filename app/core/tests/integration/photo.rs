//! Photo pipeline tests. Every input is generated here: real JPEG/PNG bytes from real
//! encoders, EXIF APP1 segments built byte by byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use pendata_core::photo::{process, sniff, InputFormat, PhotoConfig, PhotoError};
use sha2::{Digest, Sha256};

use crate::common;
use common::camera::{camera_like, encode_rgb, with_exif, ExifSpec};

// ---------- input builders ----------

const RED: [u8; 3] = [230, 20, 20];
const GREEN: [u8; 3] = [20, 200, 20];
const BLUE: [u8; 3] = [20, 20, 230];
const WHITE: [u8; 3] = [250, 250, 250];

/// w x h image with four flat quadrants: TL red, TR green, BL blue, BR white.
fn quadrants(w: u32, h: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let c = match (x < w / 2, y < h / 2) {
                (true, true) => RED,
                (false, true) => GREEN,
                (true, false) => BLUE,
                (false, false) => WHITE,
            };
            v.extend_from_slice(&c);
        }
    }
    v
}

fn decode(jpeg: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut d = jpeg_decoder::Decoder::new(jpeg);
    let px = d.decode().unwrap();
    let info = d.info().unwrap();
    assert_eq!(info.pixel_format, jpeg_decoder::PixelFormat::RGB24);
    (u32::from(info.width), u32::from(info.height), px)
}

fn pixel(img: &(u32, u32, Vec<u8>), x: u32, y: u32) -> [u8; 3] {
    let i = ((y * img.0 + x) * 3) as usize;
    [img.2[i], img.2[i + 1], img.2[i + 2]]
}

fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) < 40)
}

/// Marker codes of every segment before the first SOS.
fn header_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut pos = 2;
    while pos + 4 <= jpeg.len() {
        assert_eq!(jpeg[pos], 0xFF, "segment must start with FF");
        let m = jpeg[pos + 1];
        out.push(m);
        if m == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
        pos += 2 + len;
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

// ---------- tests ----------

#[test]
fn all_eight_orientations_land_corners_right() {
    // Expected corner colours (TL, TR, BL, BR) of the upright output.
    let expected: [(u16, [[u8; 3]; 4]); 8] = [
        (1, [RED, GREEN, BLUE, WHITE]),
        (2, [GREEN, RED, WHITE, BLUE]),
        (3, [WHITE, BLUE, GREEN, RED]),
        (4, [BLUE, WHITE, RED, GREEN]),
        (5, [RED, BLUE, GREEN, WHITE]),
        (6, [BLUE, RED, WHITE, GREEN]),
        (7, [WHITE, GREEN, BLUE, RED]),
        (8, [GREEN, WHITE, RED, BLUE]),
    ];
    let base = encode_rgb(&quadrants(40, 20), 40, 20, 95, false);
    for (o, corners) in expected {
        for big_endian in [false, true] {
            let input = with_exif(
                &base,
                &ExifSpec {
                    big_endian,
                    orientation: Some(o),
                    ..ExifSpec::default()
                },
            );
            let p = process(&input, &PhotoConfig::standard()).unwrap();
            let (ew, eh) = if o >= 5 { (20, 40) } else { (40, 20) };
            assert_eq!((p.width, p.height), (ew, eh), "orientation {o}");
            let img = decode(&p.jpeg);
            assert_eq!((img.0, img.1), (ew, eh));
            // Sample the middle of each output quadrant.
            let pts = [
                (ew / 4, eh / 4),
                (3 * ew / 4, eh / 4),
                (ew / 4, 3 * eh / 4),
                (3 * ew / 4, 3 * eh / 4),
            ];
            for ((x, y), want) in pts.into_iter().zip(corners) {
                let got = pixel(&img, x, y);
                assert!(
                    close(got, want),
                    "orientation {o} at ({x},{y}): got {got:?}, want {want:?}"
                );
            }
        }
    }
}

#[test]
fn output_is_stripped_but_record_keeps_time_and_gps() {
    let spec = ExifSpec {
        big_endian: true,
        orientation: Some(1),
        taken: Some("2026:03:14 09:26:53"),
        // 6 deg 12' 34.56" S, 106 deg 49' 12.00" E (Jakarta).
        gps: Some(([6, 12, 3456], b'S', [106, 49, 1200], b'E')),
    };
    let input = with_exif(&encode_rgb(&camera_like(64, 48), 64, 48, 92, false), &spec);
    assert!(contains(&input, b"Exif\0\0"));
    let p = process(&input, &PhotoConfig::standard()).unwrap();
    assert_eq!(
        p.exif_taken_at,
        Some(
            NaiveDate::from_ymd_opt(2026, 3, 14)
                .unwrap()
                .and_hms_opt(9, 26, 53)
                .unwrap()
        )
    );
    let (lat, lon) = p.exif_gps.unwrap();
    assert!(
        (lat - -(6.0 + 12.0 / 60.0 + 34.56 / 3600.0)).abs() < 1e-9,
        "{lat}"
    );
    assert!(
        (lon - (106.0 + 49.0 / 60.0 + 12.0 / 3600.0)).abs() < 1e-9,
        "{lon}"
    );
    for file in [&p.jpeg, &p.thumbnail] {
        let markers = header_markers(file);
        assert!(
            markers
                .iter()
                .all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
            "only APP0 allowed, got {markers:x?}"
        );
        assert!(!contains(file, b"Exif"));
        assert!(!contains(file, b"2026:03:14"));
        // Baseline: SOF0 and no progressive frame.
        assert!(markers.contains(&0xC0) && !markers.contains(&0xC2));
    }
    // Debug output must not leak the position.
    let dbg = format!("{p:?}");
    assert!(!dbg.contains("106.") && !dbg.contains("-6."), "{dbg}");
}

#[test]
fn no_exif_means_no_time_or_gps_and_little_endian_works() {
    let plain = encode_rgb(&camera_like(32, 32), 32, 32, 90, false);
    let p = process(&plain, &PhotoConfig::standard()).unwrap();
    assert_eq!((p.exif_taken_at, p.exif_gps), (None, None));
    let spec = ExifSpec {
        taken: Some("2025:12:31 23:59:59"),
        ..ExifSpec::default()
    };
    let p = process(&with_exif(&plain, &spec), &PhotoConfig::standard()).unwrap();
    assert_eq!(
        p.exif_taken_at.map(|t| t.to_string()),
        Some("2025-12-31 23:59:59".to_owned())
    );
    assert_eq!(p.exif_gps, None);
}

#[test]
fn downscales_to_long_edge_and_never_upscales() {
    let (w, h) = (2400u32, 1800u32);
    let src = encode_rgb(&camera_like(w, h), w as u16, h as u16, 92, false);
    let p = process(&src, &PhotoConfig::standard()).unwrap();
    assert_eq!((p.width, p.height), (1600, 1200));
    assert_eq!(decode(&p.jpeg).0, 1600);
    let t = decode(&p.thumbnail);
    assert_eq!((t.0, t.1), (256, 192));
    assert!(p.thumbnail.len() < p.jpeg.len());

    // Portrait via EXIF orientation 6: long edge is vertical after rotation.
    let rotated = with_exif(
        &src,
        &ExifSpec {
            orientation: Some(6),
            ..ExifSpec::default()
        },
    );
    let p = process(&rotated, &PhotoConfig::standard()).unwrap();
    assert_eq!((p.width, p.height), (1200, 1600));

    // Document profile keeps more pixels.
    let d = process(&src, &PhotoConfig::document()).unwrap();
    assert_eq!((d.width, d.height), (2000, 1500));

    // Small input stays as is.
    let small = encode_rgb(&camera_like(300, 200), 300, 200, 92, false);
    let s = process(&small, &PhotoConfig::document()).unwrap();
    assert_eq!((s.width, s.height), (300, 200));

    // Odd sizes and extreme aspect ratios keep at least one pixel.
    let strip = encode_rgb(&camera_like(3300, 2), 3300, 2, 92, false);
    let s = process(&strip, &PhotoConfig::standard()).unwrap();
    assert_eq!((s.width, s.height), (1600, 1));
}

#[test]
fn quality_setting_changes_output() {
    let src = encode_rgb(&camera_like(400, 300), 400, 300, 95, false);
    let mut cfg = PhotoConfig::standard();
    cfg.quality = 40;
    let low = process(&src, &cfg).unwrap();
    cfg.quality = 95;
    let high = process(&src, &cfg).unwrap();
    assert!(low.jpeg.len() < high.jpeg.len());
}

#[test]
fn sha256_matches_output_bytes() {
    let src = encode_rgb(&camera_like(120, 90), 120, 90, 92, false);
    let p = process(&src, &PhotoConfig::standard()).unwrap();
    assert_eq!(p.sha256_hex, hex::encode(Sha256::digest(&p.jpeg)));
    assert_eq!(p.sha256_hex.len(), 64);
    // Deterministic: same input, same output.
    assert_eq!(
        process(&src, &PhotoConfig::standard()).unwrap().jpeg,
        p.jpeg
    );
}

#[test]
fn progressive_and_grey_inputs_are_accepted() {
    let prog = encode_rgb(&camera_like(900, 600), 900, 600, 90, true);
    assert!(pendata_shared::jpeg::inspect(&prog).unwrap().progressive);
    let mut cfg = PhotoConfig::standard();
    cfg.max_long_edge = 450;
    let p = process(&prog, &cfg).unwrap();
    assert_eq!((p.width, p.height), (450, 300));
    assert_eq!(
        header_markers(&p.jpeg)
            .iter()
            .filter(|m| **m == 0xC0)
            .count(),
        1
    );

    let grey: Vec<u8> = (0..200u32 * 100).map(|i| (i % 251) as u8).collect();
    let mut g = Vec::new();
    jpeg_encoder::Encoder::new(&mut g, 90)
        .encode(&grey, 200, 100, jpeg_encoder::ColorType::Luma)
        .unwrap();
    let p = process(&g, &PhotoConfig::standard()).unwrap();
    assert_eq!((p.width, p.height), (200, 100));
    assert_eq!(
        pendata_shared::jpeg::inspect(&p.jpeg).unwrap().components,
        1
    );
}

#[test]
fn huge_header_dimensions_are_refused_before_decoding() {
    let src = encode_rgb(&camera_like(16, 16), 16, 16, 90, false);
    // Patch the SOF0 height and width to 65535.
    let sof = src.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let mut bomb = src.clone();
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let err = process(&bomb, &PhotoConfig::standard()).unwrap_err();
    assert_eq!(err.code(), "photo.too_many_pixels");
    assert_eq!(
        err,
        PhotoError::TooManyPixels {
            width: 65535,
            height: 65535,
            max_pixels: 50_000_000
        }
    );
    assert!(err.message_id().contains("65535x65535"));
    // The limit is the configured one.
    let mut cfg = PhotoConfig::standard();
    cfg.max_input_pixels = 255;
    assert_eq!(
        process(&src, &cfg).unwrap_err().code(),
        "photo.too_many_pixels"
    );
    cfg.max_input_pixels = 256;
    assert!(process(&src, &cfg).is_ok());
}

#[test]
fn huge_png_header_is_refused() {
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &[0u8; 4 * 4 * 3],
        4,
        4,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    png[16..24].copy_from_slice(&[0, 1, 0, 0, 0, 1, 0, 0]); // 65536 x 65536
    let err = process(&png, &PhotoConfig::standard()).unwrap_err();
    assert_eq!(err.code(), "photo.too_many_pixels");
}

#[test]
fn file_size_limit() {
    let src = encode_rgb(&camera_like(64, 64), 64, 64, 92, false);
    let mut cfg = PhotoConfig::standard();
    cfg.max_input_bytes = src.len() - 1;
    let err = process(&src, &cfg).unwrap_err();
    assert_eq!(err.code(), "photo.too_large");
    cfg.max_input_bytes = src.len();
    assert!(process(&src, &cfg).is_ok());
    assert_eq!(PhotoConfig::standard().max_input_bytes, 40 * 1024 * 1024);
}

#[test]
fn truncations_and_garbage_never_panic() {
    let src = with_exif(
        &encode_rgb(&camera_like(96, 64), 96, 64, 92, false),
        &ExifSpec {
            orientation: Some(6),
            taken: Some("2026:01:02 03:04:05"),
            gps: Some(([1, 2, 300], b'N', [100, 2, 300], b'E')),
            ..ExifSpec::default()
        },
    );
    assert!(process(&src, &PhotoConfig::standard()).is_ok());
    let cfg = PhotoConfig::standard();
    for n in 0..src.len() - 2 {
        // Any prefix missing real image data must be an error, never a panic.
        match process(&src[..n], &cfg) {
            Ok(_) => panic!("prefix of {n} bytes accepted"),
            Err(e) => assert!(!e.code().is_empty()),
        }
    }
    // Cut in the middle of the scan data: reported as truncated.
    let err = process(&src[..src.len() * 3 / 4], &cfg).unwrap_err();
    assert_eq!(err.code(), "photo.truncated");
    // Damage bytes one by one: Ok or Err, never a panic.
    let mut buf = src.clone();
    for i in (0..buf.len()).step_by(3) {
        let old = buf[i];
        buf[i] ^= 0xA5;
        let _ = process(&buf, &cfg);
        buf[i] = old;
    }
}

#[test]
fn empty_random_and_other_formats() {
    let cfg = PhotoConfig::standard();
    assert_eq!(process(&[], &cfg).unwrap_err().code(), "photo.empty");
    let mut s = 12345u64;
    let random: Vec<u8> = (0..5000)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as u8
        })
        .collect();
    assert_eq!(
        process(&random, &cfg).unwrap_err().code(),
        "photo.not_image"
    );
    // Random bytes behind a JPEG signature: an error with a code, no panic.
    let mut fake = vec![0xFF, 0xD8, 0xFF];
    fake.extend_from_slice(&random);
    assert!(process(&fake, &cfg).is_err());

    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let err = process(gif, &cfg).unwrap_err();
    assert_eq!(err.code(), "photo.unsupported_format");
    assert_eq!(err, PhotoError::UnsupportedFormat { format: "GIF" });
    assert!(err.message_id().contains("GIF") && err.message_en().contains("GIF"));

    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    assert_eq!(
        process(heic, &cfg).unwrap_err(),
        PhotoError::UnsupportedFormat { format: "HEIC" }
    );
    let webp = b"RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0";
    assert_eq!(sniff(webp), InputFormat::Unsupported("WebP"));
    assert_eq!(
        process(webp, &cfg).unwrap_err().code(),
        "photo.unsupported_format"
    );
}

#[test]
fn png_is_accepted_with_alpha_flattened_on_white() {
    // 8x4 RGBA: left half opaque red, right half fully transparent.
    let mut rgba = Vec::new();
    for _y in 0..4 {
        for x in 0..8 {
            rgba.extend_from_slice(&if x < 4 {
                [230, 20, 20, 255]
            } else {
                [0, 0, 0, 0]
            });
        }
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &rgba,
        8,
        4,
        image::ExtendedColorType::Rgba8,
    )
    .unwrap();
    assert_eq!(sniff(&png), InputFormat::Png);
    let p = process(&png, &PhotoConfig::standard()).unwrap();
    assert_eq!((p.width, p.height), (8, 4));
    let img = decode(&p.jpeg);
    assert!(close(pixel(&img, 1, 1), RED));
    assert!(close(pixel(&img, 6, 2), WHITE));
    // Truncated PNG: an error, not a panic.
    for n in [10, 20, 30, png.len() / 2, png.len() - 5] {
        assert!(process(&png[..n], &PhotoConfig::standard()).is_err(), "{n}");
    }
}

#[test]
fn every_error_has_code_and_two_languages() {
    let errs = [
        PhotoError::Empty,
        PhotoError::NotAnImage,
        PhotoError::UnsupportedFormat { format: "HEIC" },
        PhotoError::Truncated,
        PhotoError::Corrupt { detail: "x".into() },
        PhotoError::TooManyPixels {
            width: 9000,
            height: 9000,
            max_pixels: 50_000_000,
        },
        PhotoError::TooLarge {
            bytes: 41 * 1024 * 1024,
            max_bytes: 40 * 1024 * 1024,
        },
        PhotoError::Internal { detail: "x".into() },
    ];
    let mut codes = std::collections::HashSet::new();
    for e in errs {
        assert!(e.code().starts_with("photo."));
        assert!(codes.insert(e.code()), "duplicate {}", e.code());
        assert!(!e.message_id().is_empty() && !e.message_en().is_empty());
        assert_ne!(e.message_id(), e.message_en());
    }
}

#[test]
fn shared_inspector_agrees_with_real_encoder_output() {
    let src = with_exif(
        &encode_rgb(&camera_like(50, 30), 50, 30, 92, false),
        &ExifSpec {
            orientation: Some(8),
            ..ExifSpec::default()
        },
    );
    let info = pendata_shared::jpeg::inspect(&src).unwrap();
    assert_eq!(
        (info.width, info.height, info.orientation),
        (50, 30, Some(8))
    );
    for n in 0..src.len() {
        let _ = pendata_shared::jpeg::inspect(&src[..n]);
    }
}
