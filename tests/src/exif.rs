//! A camera's GPS position in a JPEG: an EXIF APP1 segment (little-endian TIFF, IFD0 pointing at
//! a GPS IFD with latitude and longitude as degree/minute/second rationals and their N/S, E/W
//! references) put right after the SOI marker, where cameras write it.

/// `jpeg` with an EXIF GPS position of (`lat`, `lon`) degrees.
pub fn with_gps(jpeg: &[u8], lat: f64, lon: f64) -> Vec<u8> {
    // header (8) | IFD0 at 8: 1 entry (18) | GPS IFD at 26: 4 entries (54) | 6 rationals at 80
    let mut t: Vec<u8> = Vec::with_capacity(128);
    t.extend_from_slice(b"II");
    t.extend_from_slice(&42u16.to_le_bytes());
    t.extend_from_slice(&8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut t, 0x8825, 4, 1, 26u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    let lat_ref = if lat < 0.0 { b'S' } else { b'N' };
    let lon_ref = if lon < 0.0 { b'W' } else { b'E' };
    entry(&mut t, 0x0001, 2, 2, [lat_ref, 0, 0, 0]);
    entry(&mut t, 0x0002, 5, 3, 80u32.to_le_bytes());
    entry(&mut t, 0x0003, 2, 2, [lon_ref, 0, 0, 0]);
    entry(&mut t, 0x0004, 5, 3, 104u32.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    for v in [lat.abs(), lon.abs()] {
        let deg = v.floor();
        let min = ((v - deg) * 60.0).floor();
        let sec = ((v - deg) * 60.0 - min) * 60.0;
        for (num, den) in [
            (deg as u32, 1u32),
            (min as u32, 1),
            ((sec * 10_000.0).round() as u32, 10_000),
        ] {
            t.extend_from_slice(&num.to_le_bytes());
            t.extend_from_slice(&den.to_le_bytes());
        }
    }
    let mut out = jpeg[..2.min(jpeg.len())].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((t.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&t);
    out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
    out
}
