//! Hostile images, all generated here: truncated, empty, 65535×65535 and 0×0 frame headers,
//! progressive and arithmetic-coded JPEGs, PNG/GIF/WebP sent as JPEG, EXIF with bogus
//! orientations, a looping IFD, segments that run past the end and ~20 MB of APP1 segments.
//!
//! * Client: each case goes through the app's photo pipeline (`pendata_core::photo::process`)
//!   in its own child process, which reports the outcome and its peak memory (VmHWM from
//!   /proc/self/status). Every case must be processed or refused with its stable code, never
//!   panic (a panic kills the child: the parent sees no result), and stay under
//!   [`CLIENT_PEAK_MB`].
//! * Server: the same bytes are uploaded to the real server over a real socket (chunked PUT);
//!   each is stored or refused with its code, and the server keeps answering.
//!
//! `harness = false`: `main` is the parent; with `PENDATA_HOSTILE_CASE` set it is the child.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use pendata_core::photo::{process, PhotoConfig};
use pendata_e2e::TestServer;
use pendata_server::store::Role;
use pendata_shared::Sha256Hex;

/// Peak resident memory allowed for one case in the client pipeline, whole process included.
const CLIENT_PEAK_MB: u64 = 128;

/// What a case must come to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Processed by the client / stored by the server.
    Ok,
    /// Refused with one of these codes.
    Refused(&'static [&'static str]),
}

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    client: Expect,
    server: Expect,
}

fn baseline(w: u16, h: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(u32::from(w), u32::from(h), |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x ^ y) * 3) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

fn progressive(w: u16, h: u16) -> Vec<u8> {
    let data: Vec<u8> = (0..u32::from(w) * u32::from(h))
        .flat_map(|i| [(i % 251) as u8, (i / 7 % 253) as u8, 90])
        .collect();
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    enc.set_progressive(true);
    enc.encode(&data, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    assert!(
        pendata_shared::jpeg::inspect(&out).unwrap().progressive,
        "the encoder made a progressive JPEG"
    );
    out
}

/// Offset of the first SOFn marker (FF C0..CF, not C4/C8/CC) of a generated JPEG.
fn sof_offset(jpeg: &[u8]) -> usize {
    let mut pos = 2;
    loop {
        let marker = jpeg[pos + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            return pos;
        }
        pos += 2 + len;
    }
}

/// The JPEG with its frame header saying `w`×`h`.
fn with_size(mut jpeg: Vec<u8>, w: u16, h: u16) -> Vec<u8> {
    let sof = sof_offset(&jpeg);
    jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    jpeg
}

/// The JPEG with another SOFn marker (e.g. 0xC9: extended sequential, arithmetic coding).
fn with_sof_marker(mut jpeg: Vec<u8>, marker: u8) -> Vec<u8> {
    let sof = sof_offset(&jpeg);
    jpeg[sof + 1] = marker;
    jpeg
}

/// `segment` (marker + body, length added) inserted right after SOI.
fn with_segment(jpeg: &[u8], marker: u8, body: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&(u16::try_from(body.len() + 2).unwrap()).to_be_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An APP1 Exif body (big-endian TIFF) whose IFD0 holds one entry, the orientation, and whose
/// next-IFD offset is `next_ifd` (8 = itself: a loop).
fn exif(orientation: u16, next_ifd: u32) -> Vec<u8> {
    let mut b = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    b.extend_from_slice(&1u16.to_be_bytes()); // one entry
    b.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    b.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    b.extend_from_slice(&1u32.to_be_bytes()); // count
    b.extend_from_slice(&orientation.to_be_bytes());
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(&next_ifd.to_be_bytes());
    b
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 7]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn gif() -> Vec<u8> {
    // GIF89a, 1x1, global colour table of 2, one image with a 2-bit LZW stream.
    let mut g = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
    g.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    g.extend_from_slice(b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;");
    g
}

fn webp() -> Vec<u8> {
    // RIFF container with a VP8L (lossless) chunk header of a 1x1 image.
    let chunk = [
        0x2f, 0, 0, 0, 0, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0,
    ];
    let mut w = b"RIFF".to_vec();
    w.extend_from_slice(&(4 + 8 + chunk.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WEBPVP8L");
    w.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
    w.extend_from_slice(&chunk);
    w
}

const NOT_JPEG: Expect = Expect::Refused(&["photo.not_jpeg"]);

fn cases() -> Vec<Case> {
    let base = baseline(640, 480);
    let truncated_codes: &[&str] = &["photo.truncated", "photo.corrupt"];
    let mut huge_exif = base[..2].to_vec();
    let filler = vec![0xA5u8; 65533];
    for _ in 0..300 {
        huge_exif.extend_from_slice(&[0xFF, 0xE1, 0xFF, 0xFF]);
        huge_exif.extend_from_slice(&filler);
    }
    huge_exif.extend_from_slice(&base[2..]);
    let mut past_end = base[..2].to_vec();
    past_end.extend_from_slice(&[0xFF, 0xE1, 0xFF, 0xFF, b'E', b'x', b'i', b'f', 0, 0]);
    vec![
        Case {
            name: "empty",
            bytes: Vec::new(),
            client: Expect::Refused(&["photo.empty"]),
            // total=0 for a photo the server lacks
            server: Expect::Refused(&["photo.bad_total"]),
        },
        Case {
            name: "truncated_half",
            bytes: base[..base.len() / 2].to_vec(),
            client: Expect::Refused(truncated_codes),
            // headers are whole; the server checks headers, not the entropy data
            server: Expect::Ok,
        },
        Case {
            name: "truncated_in_header",
            bytes: base[..sof_offset(&base) + 6].to_vec(),
            client: Expect::Refused(truncated_codes),
            server: NOT_JPEG,
        },
        Case {
            name: "frame_65535x65535",
            bytes: with_size(base.clone(), 65535, 65535),
            client: Expect::Refused(&["photo.too_many_pixels"]),
            server: Expect::Refused(&["photo.too_many_pixels"]),
        },
        Case {
            name: "frame_0x0",
            bytes: with_size(base.clone(), 0, 0),
            client: Expect::Refused(&["photo.corrupt"]),
            server: NOT_JPEG,
        },
        Case {
            name: "progressive",
            bytes: progressive(800, 600),
            client: Expect::Ok,
            server: Expect::Ok,
        },
        Case {
            name: "arithmetic_sof9",
            bytes: with_sof_marker(base.clone(), 0xC9),
            client: Expect::Refused(&["photo.unsupported_format"]),
            server: Expect::Refused(&["photo.unsupported"]),
        },
        Case {
            name: "png_as_jpeg",
            bytes: png(320, 240),
            client: Expect::Ok, // the pipeline takes PNG and makes a JPEG of it
            server: NOT_JPEG,
        },
        Case {
            name: "gif_as_jpeg",
            bytes: gif(),
            client: Expect::Refused(&["photo.unsupported_format"]),
            server: NOT_JPEG,
        },
        Case {
            name: "webp_as_jpeg",
            bytes: webp(),
            client: Expect::Refused(&["photo.unsupported_format"]),
            server: NOT_JPEG,
        },
        Case {
            name: "exif_orientation_9",
            bytes: with_segment(&base, 0xE1, &exif(9, 0)),
            client: Expect::Ok,
            server: Expect::Ok,
        },
        Case {
            name: "exif_orientation_65535",
            bytes: with_segment(&base, 0xE1, &exif(0xFFFF, 0)),
            client: Expect::Ok,
            server: Expect::Ok,
        },
        Case {
            name: "exif_ifd_loop",
            bytes: with_segment(&base, 0xE1, &exif(6, 8)),
            client: Expect::Ok,
            server: Expect::Ok,
        },
        Case {
            name: "app1_20mb_of_segments",
            bytes: huge_exif,
            client: Expect::Ok,
            // 19.7 MB: under the 20 MiB photo limit; headers are fine
            server: Expect::Ok,
        },
        Case {
            name: "segment_past_end",
            bytes: past_end,
            client: Expect::Refused(truncated_codes),
            server: NOT_JPEG,
        },
    ]
}

/// Peak resident set (VmHWM) of this process, in kB.
fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn child(name: &str) {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    // Only the case's bytes stay; then the peak (VmHWM) is reset so that it measures the
    // pipeline on top of what the process already holds, not the making of the cases.
    let bytes = case.bytes;
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let outcome = match process(&bytes, &PhotoConfig::document()) {
        Ok(p) => {
            assert!(pendata_shared::jpeg::inspect(&p.jpeg)
                .unwrap()
                .is_baseline());
            "ok".to_owned()
        }
        Err(e) => {
            assert!(!e.message_id().is_empty() && !e.message_en().is_empty());
            e.code().to_owned()
        }
    };
    println!("RESULT {outcome} {}", peak_kb());
}

fn check(expect: Expect, got: &str) -> bool {
    match expect {
        Expect::Ok => got == "ok",
        Expect::Refused(codes) => codes.contains(&got),
    }
}

async fn upload(http: &reqwest::Client, base: &str, token: &str, bytes: &[u8]) -> String {
    let sha = Sha256Hex::digest(bytes);
    let chunk = 4 * 1024 * 1024;
    let mut offset = 0usize;
    loop {
        let end = (offset + chunk).min(bytes.len());
        let res = http
            .put(format!(
                "{base}/api/v1/photos/{}?offset={offset}&total={}",
                sha.as_str(),
                bytes.len()
            ))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes[offset..end].to_vec())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.unwrap();
        if status != 200 {
            return body["code"].as_str().unwrap_or("?").to_owned();
        }
        if body["complete"] == true {
            return "ok".into();
        }
        offset = end;
        if offset >= bytes.len() {
            return "incomplete".into();
        }
    }
}

fn main() {
    if let Ok(name) = std::env::var("PENDATA_HOSTILE_CASE") {
        child(&name);
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut failures = Vec::new();
    let mut passed = 0u32;
    let mut max_peak = 0u64;
    let cases = cases();

    // Client pipeline, one child process per case.
    for case in &cases {
        let out = Command::new(&exe)
            .env("PENDATA_HOSTILE_CASE", case.name)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
            failures.push(format!(
                "client {}: no result (exit {:?}); stderr: {}",
                case.name,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        };
        let (outcome, peak) = line.split_once(' ').unwrap();
        let peak_mb = peak.parse::<u64>().unwrap() / 1024;
        max_peak = max_peak.max(peak_mb);
        println!(
            "client {:<24} {:>9} bytes -> {outcome:<26} peak {peak_mb} MB",
            case.name,
            case.bytes.len()
        );
        if !check(case.client, outcome) {
            failures.push(format!(
                "client {}: expected {:?}, got {outcome}",
                case.name, case.client
            ));
        } else if peak_mb > CLIENT_PEAK_MB {
            failures.push(format!(
                "client {}: peak {peak_mb} MB > {CLIENT_PEAK_MB} MB",
                case.name
            ));
        } else {
            passed += 1;
        }
    }

    // Server upload, the real server on a real socket.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = TestServer::start().await.unwrap();
        server
            .add_user("enum.foto", Role::Enumerator, "320102")
            .unwrap();
        let http = reqwest::Client::new();
        let login: serde_json::Value = http
            .post(format!("{}/api/v1/auth/login", server.url()))
            .json(&serde_json::json!({
                "username": "enum.foto",
                "password": pendata_e2e::PASSWORD,
                "device_id": uuid::Uuid::now_v7(),
                "device_name": "uji foto",
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["token"].as_str().unwrap().to_owned();
        for case in &cases {
            let got = upload(&http, &server.url(), &token, &case.bytes).await;
            println!("server {:<24} -> {got}", case.name);
            if check(case.server, &got) {
                passed += 1;
            } else {
                failures.push(format!(
                    "server {}: expected {:?}, got {got}",
                    case.name, case.server
                ));
            }
            let health = http
                .get(format!("{}/healthz", server.url()))
                .send()
                .await
                .unwrap();
            assert_eq!(
                health.status().as_u16(),
                200,
                "server down after {}",
                case.name
            );
        }
        server.stop().await;
    });

    println!(
        "hostile images: {} cases, client peak memory at most {max_peak} MB (bound {CLIENT_PEAK_MB} MB)",
        cases.len()
    );
    for f in &failures {
        println!("FAILED: {f}");
    }
    println!("hostile_images: {passed} passed, {} failed", failures.len());
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
