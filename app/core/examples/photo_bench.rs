//! Photo pipeline benchmark against `vipsthumbnail` (apt package libvips-tools).
//!
//! Generates a 4000x3000 camera-like JPEG (gradients, noise, edges, quality 92, 4:2:0,
//! EXIF APP1 like a phone), then alternately runs `pendata_core::photo::process` and
//! `vipsthumbnail INPUT --size 1600x1600 -o out.jpg[Q=80,strip]` N times and prints
//! one JSON object with the medians. The vips time includes its process start and file
//! I/O; the pipeline time is in-process from bytes in memory to bytes in memory. The peak
//! memory of one run is reported too (a 12 MP photo must fit in what a 2 GB phone gives a
//! tab): a fresh process of this example reads the input, then runs the pipeline once, and its
//! resident high-water mark above its resident size before the run is the figure (Linux:
//! `/proc/self/clear_refs` resets the mark; a fresh process, so no freed memory of earlier
//! runs is reused unseen).
//!
//! `cargo run --release -p pendata-core --example photo_bench [-- N]` (N defaults to 9).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use pendata_core::photo::{process, PhotoConfig};

/// A `kB` line of `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes.
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb = line[field.len()..].trim().trim_end_matches("kB").trim();
    kb.parse::<u64>().ok().map(|kb| kb * 1024)
}

/// In the fresh process: resident bytes one run of the pipeline on the file `input` added at
/// most, printed; nothing where the kernel does not offer the resettable high-water mark.
fn print_peak_rss_growth(input: &Path) -> Result<()> {
    let input = std::fs::read(input)?;
    if std::fs::write("/proc/self/clear_refs", "5").is_ok() {
        let before = status_kb("VmRSS:");
        let out = process(&input, &PhotoConfig::standard())?;
        if let Some((b, p)) = before.zip(status_kb("VmHWM:")) {
            println!("{}", p.saturating_sub(b));
        }
        drop(out);
    }
    Ok(())
}

/// [`print_peak_rss_growth`] in a fresh process of this example, in MiB.
fn peak_rss_growth_mb(input: &Path) -> Result<Option<f64>> {
    let out = Command::new(std::env::current_exe()?)
        .env(PEAK_OF, input)
        .output()
        .context("running the peak-memory process")?;
    if !out.status.success() {
        bail!(
            "peak-memory process failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .trim()
        .parse::<u64>()
        .ok()
        .map(|b| b as f64 / f64::from(1u32 << 20)))
}

/// Set on the fresh process [`peak_rss_growth_mb`] starts: the input file to measure.
const PEAK_OF: &str = "PENDATA_PHOTO_BENCH_PEAK_OF";

fn camera_like(w: u32, h: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity((w * h * 3) as usize);
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let (cx, cy) = (w as f32 * 0.6, h as f32 * 0.4);
    for y in 0..h {
        for x in 0..w {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            // Sensor-like noise, stronger in the shadows.
            let n = ((s & 0xFF) as i32 - 128) / 10;
            // Smooth sky-to-ground gradient, a bright blob, and hard-edged "buildings".
            let dx = x as f32 - cx;
            let dy = y as f32 - cy;
            let blob = (80.0 * (-(dx * dx + dy * dy) / 400_000.0).exp()) as i32;
            let building = ((x / 173) % 3 == 0 && y > h / 2 + (x % 700) / 3) as i32;
            let brick = ((x / 9 + y / 5) % 2) as i32 * 18 * building;
            let base_r = 60 + (y * 120 / h) as i32 + blob - building * 40 + brick;
            let base_g = 90 + (y * 80 / h) as i32 + blob / 2 - building * 30 + brick;
            let base_b = 200 - (y * 140 / h) as i32 + blob / 3 - building * 60;
            for c in [base_r + n, base_g + n, base_b + n] {
                v.push(c.clamp(0, 255) as u8);
            }
        }
    }
    v
}

/// A small EXIF APP1 (orientation 1 and a DateTime), like a phone writes.
fn exif_app1() -> Vec<u8> {
    let mut t = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    let date_off = 8 + 2 + 24 + 4;
    t.extend_from_slice(&[0x32, 0x01, 2, 0, 20, 0, 0, 0]);
    t.extend_from_slice(&(date_off as u32).to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(b"2026:11:23 08:00:00\0");
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((t.len() + 8) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&t);
    seg
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn vips_version() -> Option<String> {
    let out = Command::new("vipsthumbnail")
        .arg("--vips-version")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn run_vips(input: &Path, out: &Path) -> Result<()> {
    let status = Command::new("vipsthumbnail")
        .arg(input)
        .args(["--size", "1600x1600", "-o"])
        .arg(format!("{}[Q=80,strip]", out.display()))
        .status()
        .context("running vipsthumbnail")?;
    if !status.success() {
        bail!("vipsthumbnail failed: {status}");
    }
    Ok(())
}

fn main() -> Result<()> {
    if let Some(input) = std::env::var_os(PEAK_OF) {
        return print_peak_rss_growth(Path::new(&input));
    }
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()
        .context("N must be a number")?
        .unwrap_or(9)
        .max(1);
    let (w, h) = (4000u32, 3000u32);
    let rgb = camera_like(w, h);
    let mut plain = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut plain, 92);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    enc.encode(&rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)?;
    let mut input = plain[..2].to_vec();
    input.extend_from_slice(&exif_app1());
    input.extend_from_slice(&plain[2..]);

    let dir = tempfile::tempdir()?;
    let in_path = dir.path().join("camera.jpg");
    let vips_out = dir.path().join("vips.jpg");
    std::fs::write(&in_path, &input)?;
    // scripts/bench-web times the browser build on exactly this input.
    if let Some(keep) = std::env::var_os("PENDATA_PHOTO_BENCH_INPUT") {
        std::fs::write(keep, &input)?;
    }
    let cfg = PhotoConfig::standard();
    let vips = vips_version();

    // One warm-up of each.
    let mut ours = process(&input, &cfg)?;
    if vips.is_some() {
        run_vips(&in_path, &vips_out)?;
    }
    let (mut t_ours, mut t_vips) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let t = Instant::now();
        ours = process(&input, &cfg)?;
        t_ours.push(t.elapsed().as_secs_f64() * 1e3);
        if vips.is_some() {
            let t = Instant::now();
            run_vips(&in_path, &vips_out)?;
            t_vips.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let photo_ms = median(t_ours);
    let peak_rss_mb = peak_rss_growth_mb(&in_path)?;
    let mut obj = serde_json::json!({
        "input": {"width": w, "height": h, "bytes": input.len(), "quality": 92},
        "runs": n,
        "photo": {
            "median_ms": photo_ms,
            "width": ours.width,
            "height": ours.height,
            "bytes": ours.jpeg.len(),
            "thumbnail_bytes": ours.thumbnail.len(),
            "peak_rss_growth_mb": peak_rss_mb,
        },
    });
    if let Some(version) = vips {
        let vips_ms = median(t_vips);
        let vips_bytes = std::fs::metadata(&vips_out)?.len();
        obj["vips"] = serde_json::json!({
            "version": version,
            "median_ms": vips_ms,
            "bytes": vips_bytes,
            "includes_process_start": true,
        });
        obj["photo_time_ratio_vs_vips"] = serde_json::json!(photo_ms / vips_ms);
        obj["photo_bytes_ratio_vs_vips"] =
            serde_json::json!(ours.jpeg.len() as f64 / vips_bytes as f64);
    } else {
        obj["vips"] = serde_json::Value::Null;
        obj["note"] = serde_json::json!("vipsthumbnail not found (apt-get install libvips-tools)");
    }
    println!("{obj}");
    Ok(())
}
