//! Camera-like test inputs: real JPEG bytes from a real encoder, EXIF APP1 built byte by byte.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

/// Little- or big-endian TIFF writer for the EXIF payload.
pub struct Tiff {
    pub be: bool,
}

impl Tiff {
    pub fn u16(&self, v: u16) -> [u8; 2] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    pub fn u32(&self, v: u32) -> [u8; 4] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
}

#[derive(Default, Clone)]
pub struct ExifSpec {
    pub big_endian: bool,
    pub orientation: Option<u16>,
    pub taken: Option<&'static str>,
    /// (lat, lat_ref, lon, lon_ref) as (deg, min, sec*100) rationals.
    pub gps: Option<([u32; 3], u8, [u32; 3], u8)>,
}

/// Builds the TIFF structure: IFD0 (Orientation, ExifIFD pointer, GPS pointer),
/// Exif IFD (DateTimeOriginal) and GPS IFD (lat/lon with refs).
pub fn tiff_bytes(spec: &ExifSpec) -> Vec<u8> {
    let t = Tiff {
        be: spec.big_endian,
    };
    // Layout: header(8) | IFD0 | ExifIFD | GPSIFD | data area.
    let n0 = 1 + usize::from(spec.taken.is_some()) + usize::from(spec.gps.is_some());
    let ifd0 = 8usize;
    let ifd0_len = 2 + 12 * n0 + 4;
    let exif_ifd = ifd0 + ifd0_len;
    let exif_len = if spec.taken.is_some() { 2 + 12 + 4 } else { 0 };
    let gps_ifd = exif_ifd + exif_len;
    let gps_len = if spec.gps.is_some() {
        2 + 12 * 4 + 4
    } else {
        0
    };
    let mut data_off = gps_ifd + gps_len;
    let mut data = Vec::new();

    let mut out = Vec::new();
    out.extend_from_slice(if t.be { b"MM" } else { b"II" });
    out.extend_from_slice(&t.u16(42));
    out.extend_from_slice(&t.u32(8));

    let entry = |out: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        out.extend_from_slice(&t.u16(tag));
        out.extend_from_slice(&t.u16(typ));
        out.extend_from_slice(&t.u32(count));
        out.extend_from_slice(&value);
    };
    let short_val = |v: u16| {
        let b = t.u16(v);
        [b[0], b[1], 0, 0]
    };

    // IFD0
    out.extend_from_slice(&t.u16(n0 as u16));
    entry(
        &mut out,
        0x0112,
        3,
        1,
        short_val(spec.orientation.unwrap_or(1)),
    );
    if spec.taken.is_some() {
        entry(&mut out, 0x8769, 4, 1, t.u32(exif_ifd as u32));
    }
    if spec.gps.is_some() {
        entry(&mut out, 0x8825, 4, 1, t.u32(gps_ifd as u32));
    }
    out.extend_from_slice(&t.u32(0));
    // Exif IFD
    if let Some(taken) = spec.taken {
        let mut s = taken.as_bytes().to_vec();
        s.push(0);
        out.extend_from_slice(&t.u16(1));
        entry(&mut out, 0x9003, 2, s.len() as u32, t.u32(data_off as u32));
        out.extend_from_slice(&t.u32(0));
        data_off += s.len();
        data.extend_from_slice(&s);
    }
    // GPS IFD
    if let Some((lat, lat_ref, lon, lon_ref)) = spec.gps {
        out.extend_from_slice(&t.u16(4));
        entry(&mut out, 0x0001, 2, 2, [lat_ref, 0, 0, 0]);
        entry(&mut out, 0x0002, 5, 3, t.u32(data_off as u32));
        entry(&mut out, 0x0003, 2, 2, [lon_ref, 0, 0, 0]);
        entry(&mut out, 0x0004, 5, 3, t.u32((data_off + 24) as u32));
        out.extend_from_slice(&t.u32(0));
        for (i, part) in lat.iter().chain(lon.iter()).enumerate() {
            let denom = if i % 3 == 2 { 100 } else { 1 };
            data.extend_from_slice(&t.u32(*part));
            data.extend_from_slice(&t.u32(denom));
        }
    }
    assert_eq!(out.len(), gps_ifd + gps_len);
    out.extend_from_slice(&data);
    out
}

pub fn app1(spec: &ExifSpec) -> Vec<u8> {
    let tiff = tiff_bytes(spec);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

pub fn encode_rgb(rgb: &[u8], w: u16, h: u16, q: u8, progressive: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, q);
    enc.set_progressive(progressive);
    enc.encode(rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

/// Inserts an APP1 segment right after SOI, where cameras put it.
pub fn with_exif(jpeg: &[u8], spec: &ExifSpec) -> Vec<u8> {
    let mut v = jpeg[..2].to_vec();
    v.extend_from_slice(&app1(spec));
    v.extend_from_slice(&jpeg[2..]);
    v
}
/// Camera-like texture: gradients, noise and hard edges.
pub fn camera_like(w: u32, h: u32) -> Vec<u8> {
    let mut v = Vec::with_capacity((w * h * 3) as usize);
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    for y in 0..h {
        for x in 0..w {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let n = (s & 31) as u32;
            let edge = if ((x / 37) + (y / 23)) % 2 == 0 {
                40
            } else {
                0
            };
            v.push(((x * 200 / w) + n + edge).min(255) as u8);
            v.push(((y * 200 / h) + n / 2 + edge).min(255) as u8);
            v.push((((x + y) * 120 / (w + h)) + n + 60).min(255) as u8);
        }
    }
    v
}
