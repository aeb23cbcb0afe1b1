//! Photo pipeline: camera JPEG (or PNG) in, small clean baseline JPEG out.
//!
//! [`process`] checks the declared pixel count before decoding anything (so a
//! decompression bomb is refused without allocating), decodes JPEGs with DCT-domain
//! downscaling (1/2, 1/4, 1/8 IDCT, like libjpeg's shrink-on-load) so a large input
//! is never decoded at full size, finishes the resize with a Lanczos3 convolution,
//! applies the EXIF orientation, and re-encodes a baseline JPEG that carries no EXIF
//! or other metadata. The capture time and GPS position are returned to the caller
//! (the record keeps them) but never written into the file.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::jpeg::{self as jpeg_header, JpegError};
use chrono::NaiveDateTime;
use fast_image_resize as fir;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Limits and output settings of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoConfig {
    /// The output's longer side is at most this many pixels (never upscaled).
    pub max_long_edge: u32,
    /// JPEG quality of the output, 1..=100.
    pub quality: u8,
    /// The thumbnail's longer side in pixels.
    pub thumb_long_edge: u32,
    /// Inputs whose header declares more pixels than this are refused before decoding.
    pub max_input_pixels: u64,
    /// Inputs larger than this many bytes are refused.
    pub max_input_bytes: usize,
}

impl PhotoConfig {
    /// House and household photos: 1600 px, quality 80, 256 px thumbnail.
    pub fn standard() -> Self {
        Self {
            max_long_edge: 1600,
            quality: 80,
            thumb_long_edge: 256,
            max_input_pixels: 50_000_000,
            max_input_bytes: 40 * 1024 * 1024,
        }
    }

    /// Identity documents (KTP, KK): 2000 px, quality 85, so the text stays legible.
    pub fn document() -> Self {
        Self {
            max_long_edge: 2000,
            quality: 85,
            ..Self::standard()
        }
    }
}

impl Default for PhotoConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// The result of [`process`].
#[derive(Clone, PartialEq)]
pub struct ProcessedPhoto {
    /// Baseline JPEG, no EXIF or other metadata.
    pub jpeg: Vec<u8>,
    /// Width of `jpeg` in pixels (after orientation).
    pub width: u32,
    /// Height of `jpeg` in pixels (after orientation).
    pub height: u32,
    /// Lower-case hex SHA-256 of `jpeg`.
    pub sha256_hex: String,
    /// Small JPEG thumbnail, no metadata.
    pub thumbnail: Vec<u8>,
    /// EXIF DateTimeOriginal (or DateTime) of the input, camera local time.
    pub exif_taken_at: Option<NaiveDateTime>,
    /// EXIF GPS position of the input as (latitude, longitude) in degrees.
    pub exif_gps: Option<(f64, f64)>,
}

// A photo's position and content are personal data: Debug shows sizes only.
impl fmt::Debug for ProcessedPhoto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessedPhoto")
            .field("jpeg_bytes", &self.jpeg.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("thumbnail_bytes", &self.thumbnail.len())
            .field("has_taken_at", &self.exif_taken_at.is_some())
            .field("has_gps", &self.exif_gps.is_some())
            .finish()
    }
}

/// Why an input was not turned into a photo.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhotoError {
    /// Zero bytes.
    #[error("the file is empty")]
    Empty,
    /// Not any image format we recognise.
    #[error("not an image")]
    NotAnImage,
    /// A recognised image format (or JPEG feature) we do not accept.
    #[error("unsupported image format: {format}")]
    UnsupportedFormat {
        /// Human-readable format name, e.g. "HEIC".
        format: &'static str,
    },
    /// The data ends too early.
    #[error("the image data is truncated")]
    Truncated,
    /// The data is damaged.
    #[error("the image data is corrupt: {detail}")]
    Corrupt {
        /// Decoder detail, for logs (contains no pixel data).
        detail: String,
    },
    /// The header declares more pixels than allowed.
    #[error("the image is {width}x{height}, more than {max_pixels} pixels")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// The file has more bytes than allowed.
    #[error("the file has {bytes} bytes, more than {max_bytes}")]
    TooLarge {
        /// Input size.
        bytes: usize,
        /// The limit.
        max_bytes: usize,
    },
    /// Resizing or encoding failed (a bug or an impossible configuration).
    #[error("processing failed: {detail}")]
    Internal {
        /// Detail, for logs.
        detail: String,
    },
}

impl PhotoError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::Empty => "photo.empty",
            PhotoError::NotAnImage => "photo.not_image",
            PhotoError::UnsupportedFormat { .. } => "photo.unsupported_format",
            PhotoError::Truncated => "photo.truncated",
            PhotoError::Corrupt { .. } => "photo.corrupt",
            PhotoError::TooManyPixels { .. } => "photo.too_many_pixels",
            PhotoError::TooLarge { .. } => "photo.too_large",
            PhotoError::Internal { .. } => "photo.internal",
        }
    }

    /// Message for people, in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            PhotoError::Empty => "Berkas foto kosong.".to_owned(),
            PhotoError::NotAnImage => {
                "Berkas ini bukan foto. Gunakan foto JPEG atau PNG.".to_owned()
            }
            PhotoError::UnsupportedFormat { format } => format!(
                "Format gambar {format} tidak didukung. Gunakan foto JPEG atau PNG \
                 (pada iPhone: Pengaturan > Kamera > Format > Paling Kompatibel)."
            ),
            PhotoError::Truncated => {
                "Berkas foto terpotong atau tidak lengkap. Ambil ulang fotonya.".to_owned()
            }
            PhotoError::Corrupt { .. } => {
                "Berkas foto rusak dan tidak bisa dibaca. Ambil ulang fotonya.".to_owned()
            }
            PhotoError::TooManyPixels {
                width,
                height,
                max_pixels,
            } => format!(
                "Resolusi foto terlalu besar ({width}x{height} piksel); batasnya {} megapiksel.",
                max_pixels / 1_000_000
            ),
            PhotoError::TooLarge { bytes, max_bytes } => format!(
                "Ukuran berkas foto terlalu besar ({} MB); batasnya {} MB.",
                bytes.div_ceil(1024 * 1024),
                max_bytes / (1024 * 1024)
            ),
            PhotoError::Internal { .. } => {
                "Foto gagal diproses. Coba lagi atau ambil ulang fotonya.".to_owned()
            }
        }
    }

    /// Message for people, in English.
    pub fn message_en(&self) -> String {
        match self {
            PhotoError::Empty => "The photo file is empty.".to_owned(),
            PhotoError::NotAnImage => {
                "This file is not a photo. Use a JPEG or PNG photo.".to_owned()
            }
            PhotoError::UnsupportedFormat { format } => format!(
                "The {format} image format is not supported. Use a JPEG or PNG photo \
                 (on iPhone: Settings > Camera > Formats > Most Compatible)."
            ),
            PhotoError::Truncated => {
                "The photo file is cut off or incomplete. Take the photo again.".to_owned()
            }
            PhotoError::Corrupt { .. } => {
                "The photo file is damaged and cannot be read. Take the photo again.".to_owned()
            }
            PhotoError::TooManyPixels {
                width,
                height,
                max_pixels,
            } => format!(
                "The photo resolution is too high ({width}x{height} pixels); the limit is {} megapixels.",
                max_pixels / 1_000_000
            ),
            PhotoError::TooLarge { bytes, max_bytes } => format!(
                "The photo file is too large ({} MB); the limit is {} MB.",
                bytes.div_ceil(1024 * 1024),
                max_bytes / (1024 * 1024)
            ),
            PhotoError::Internal { .. } => {
                "The photo could not be processed. Try again or take the photo again.".to_owned()
            }
        }
    }
}

impl From<JpegError> for PhotoError {
    fn from(e: JpegError) -> Self {
        match e {
            JpegError::NotJpeg => PhotoError::NotAnImage,
            JpegError::Truncated => PhotoError::Truncated,
            JpegError::TooManyPixels {
                width,
                height,
                max_pixels,
            } => PhotoError::TooManyPixels {
                width,
                height,
                max_pixels,
            },
            other => PhotoError::Corrupt {
                detail: other.to_string(),
            },
        }
    }
}

/// The input formats [`sniff`] tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// JPEG (JFIF/EXIF).
    Jpeg,
    /// PNG.
    Png,
    /// A recognised format the pipeline refuses, with its name.
    Unsupported(&'static str),
    /// Nothing recognised.
    Unknown,
}

/// Recognises the input format from its first bytes.
pub fn sniff(bytes: &[u8]) -> InputFormat {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return InputFormat::Jpeg;
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return InputFormat::Png;
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return InputFormat::Unsupported("GIF");
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return InputFormat::Unsupported("WebP");
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        let brand = bytes.get(8..12).unwrap_or_default();
        return InputFormat::Unsupported(match brand {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => "HEIC",
            _ => "ISO media (MP4/MOV)",
        });
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return InputFormat::Unsupported("TIFF");
    }
    if starts(b"BM") && bytes.len() > 26 {
        return InputFormat::Unsupported("BMP");
    }
    if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0cJXL ") {
        return InputFormat::Unsupported("JPEG XL");
    }
    if starts(b"%PDF") {
        return InputFormat::Unsupported("PDF");
    }
    InputFormat::Unknown
}

/// Decoded pixels: 8-bit grey (1 channel) or RGB (3 channels), rows packed.
struct Pixels {
    width: u32,
    height: u32,
    channels: u8,
    data: Vec<u8>,
}

/// What the decoder found besides pixels.
#[derive(Default)]
struct Meta {
    orientation: u8,
    taken_at: Option<NaiveDateTime>,
    gps: Option<(f64, f64)>,
}

/// Turns a camera JPEG (or a PNG) into a clean, downscaled baseline JPEG.
pub fn process(input: &[u8], cfg: &PhotoConfig) -> Result<ProcessedPhoto, PhotoError> {
    let (oriented, meta) = decode_fitted(input, cfg, cfg.max_long_edge)?;
    let quality = cfg.quality.clamp(1, 100);
    let jpeg = encode(&oriented, quality)?;
    let (thw, thh) = fit_long_edge(oriented.width, oriented.height, cfg.thumb_long_edge.max(1));
    let (width, height) = (oriented.width, oriented.height);
    let thumb = resize(oriented, thw, thh)?;
    let thumbnail = encode(&thumb, quality.min(75))?;
    let sha256_hex = hex::encode(Sha256::digest(&jpeg));
    Ok(ProcessedPhoto {
        jpeg,
        width,
        height,
        sha256_hex,
        thumbnail,
        exif_taken_at: meta.taken_at,
        exif_gps: meta.gps,
    })
}

/// Only a small JPEG of `input` (long edge at most `long_edge`, EXIF orientation applied, no
/// metadata), with the same checks as [`process`] and one encode instead of two. The
/// dashboard's photo thumbnails use it on the server.
pub fn thumbnail(
    input: &[u8],
    long_edge: u32,
    quality: u8,
    cfg: &PhotoConfig,
) -> Result<Vec<u8>, PhotoError> {
    let (oriented, _) = decode_fitted(input, cfg, long_edge)?;
    encode(&oriented, quality.clamp(1, 100))
}

/// The input's checks, its decode (JPEGs shrunk on load), the resize to `long_edge` and the
/// EXIF orientation.
fn decode_fitted(
    input: &[u8],
    cfg: &PhotoConfig,
    long_edge: u32,
) -> Result<(Pixels, Meta), PhotoError> {
    if input.is_empty() {
        return Err(PhotoError::Empty);
    }
    if input.len() > cfg.max_input_bytes {
        return Err(PhotoError::TooLarge {
            bytes: input.len(),
            max_bytes: cfg.max_input_bytes,
        });
    }
    let max_long = long_edge.clamp(1, u32::from(u16::MAX));
    let (pixels, meta) = match sniff(input) {
        InputFormat::Jpeg => decode_jpeg(input, cfg, max_long)?,
        InputFormat::Png => decode_png(input, cfg)?,
        InputFormat::Unsupported(format) => return Err(PhotoError::UnsupportedFormat { format }),
        InputFormat::Unknown => return Err(PhotoError::NotAnImage),
    };
    let (tw, th) = fit_long_edge(pixels.width, pixels.height, max_long);
    let resized = resize(pixels, tw, th)?;
    Ok((apply_orientation(resized, meta.orientation), meta))
}

/// Size with the long edge at most `max_long`, aspect kept, never upscaled, never 0.
fn fit_long_edge(w: u32, h: u32, max_long: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= max_long || long == 0 {
        return (w, h);
    }
    let scale = |x: u32| -> u32 {
        let v = (u64::from(x) * u64::from(max_long) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(v).unwrap_or(max_long).clamp(1, max_long)
    };
    (scale(w), scale(h))
}

fn decode_jpeg(
    input: &[u8],
    cfg: &PhotoConfig,
    max_long: u32,
) -> Result<(Pixels, Meta), PhotoError> {
    // Header first: refuse bombs and unsupported processes before the decoder allocates.
    let info = jpeg_header::inspect(input)?;
    jpeg_header::check_limits(&info, cfg.max_input_pixels)?;
    if info.arithmetic {
        return Err(PhotoError::UnsupportedFormat {
            format: "JPEG (arithmetic coding)",
        });
    }
    if info.components != 1 && info.components != 3 && info.components != 4 {
        return Err(PhotoError::UnsupportedFormat {
            format: "JPEG (unusual colour components)",
        });
    }
    let (tw, th) = fit_long_edge(info.width, info.height, max_long);
    // The decoder has a few internal panics on hostile input; contain them.
    let decoded = catch_unwind(AssertUnwindSafe(|| -> Result<_, jpeg_decoder::Error> {
        let mut dec = jpeg_decoder::Decoder::new(input);
        dec.read_info()?;
        if !info.lossless {
            if let Some((rw, rh)) = dct_scale_request(info.width, info.height, tw, th) {
                dec.scale(rw, rh)?;
            }
        }
        let limit = usize::try_from(cfg.max_input_pixels.saturating_mul(4)).unwrap_or(usize::MAX);
        dec.set_max_decoding_buffer_size(limit);
        let data = dec.decode()?;
        let out = dec.info();
        let exif = dec.exif_data().map(<[u8]>::to_vec);
        Ok((data, out, exif))
    }));
    let (data, out, exif) = match decoded {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => return Err(map_jpeg_decoder_error(e)),
        Err(_) => {
            return Err(PhotoError::Corrupt {
                detail: "decoder panicked".to_owned(),
            })
        }
    };
    let out = out.ok_or_else(|| PhotoError::Corrupt {
        detail: "no frame decoded".to_owned(),
    })?;
    let (width, height) = (u32::from(out.width), u32::from(out.height));
    let px = (width as usize) * (height as usize);
    use jpeg_decoder::PixelFormat as Pf;
    let (channels, data) = match out.pixel_format {
        Pf::L8 => (1u8, data),
        Pf::RGB24 => (3, data),
        Pf::L16 => (1, data.chunks_exact(2).map(|c| c[0]).collect()),
        Pf::CMYK32 => (3, cmyk_to_rgb(&data)),
    };
    if data.len() != px * usize::from(channels) {
        return Err(PhotoError::Corrupt {
            detail: "decoded buffer size mismatch".to_owned(),
        });
    }
    let mut meta = Meta {
        orientation: info.orientation.unwrap_or(1),
        ..Meta::default()
    };
    if let Some(tiff) = exif {
        read_exif(tiff, &mut meta);
    }
    Ok((
        Pixels {
            width,
            height,
            channels,
            data,
        },
        meta,
    ))
}

/// DCT-domain shrink-on-load (1/8, 1/4 or 1/2 IDCT, like libjpeg): the smallest scale
/// whose output is at least the target on both axes. Returns the request to pass to
/// `jpeg_decoder::Decoder::scale`, or `None` for a full-size decode.
///
/// The decoder accepts a scale as soon as *either* axis reaches the request, so only
/// the long axis is requested (the other is set out of reach); that keeps very
/// elongated images from being shrunk below the target on their long side.
fn dct_scale_request(w: u32, h: u32, tw: u32, th: u32) -> Option<(u16, u16)> {
    let scaled = |len: u32, s: u32| (len * s).div_ceil(8);
    let s = [1u32, 2, 4]
        .into_iter()
        .find(|&s| scaled(w, s) >= tw && scaled(h, s) >= th)?;
    let long = |len: u32| u16::try_from(scaled(len, s)).unwrap_or(u16::MAX);
    Some(if w >= h {
        (long(w), u16::MAX)
    } else {
        (u16::MAX, long(h))
    })
}

fn map_jpeg_decoder_error(e: jpeg_decoder::Error) -> PhotoError {
    match e {
        jpeg_decoder::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            PhotoError::Truncated
        }
        jpeg_decoder::Error::Unsupported(_) => PhotoError::UnsupportedFormat {
            format: "JPEG (unsupported coding feature)",
        },
        other => PhotoError::Corrupt {
            detail: other.to_string(),
        },
    }
}

/// Adobe CMYK JPEGs store inverted values; this is the usual naive conversion.
fn cmyk_to_rgb(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    for p in data.chunks_exact(4) {
        let k = u16::from(p[3]);
        for &c in &p[..3] {
            out.push(((u16::from(c) * k + 127) / 255) as u8);
        }
    }
    out
}

fn read_exif(tiff: Vec<u8>, meta: &mut Meta) {
    let Ok(exif) = exif::Reader::new().read_raw(tiff) else {
        return;
    };
    let ascii_datetime = |tag: exif::Tag| -> Option<NaiveDateTime> {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Ascii(ref parts) = field.value else {
            return None;
        };
        let dt = exif::DateTime::from_ascii(parts.first()?).ok()?;
        let date = chrono::NaiveDate::from_ymd_opt(
            i32::from(dt.year),
            u32::from(dt.month),
            u32::from(dt.day),
        )?;
        date.and_hms_opt(
            u32::from(dt.hour),
            u32::from(dt.minute),
            u32::from(dt.second),
        )
    };
    meta.taken_at =
        ascii_datetime(exif::Tag::DateTimeOriginal).or_else(|| ascii_datetime(exif::Tag::DateTime));
    let coord = |tag: exif::Tag, ref_tag: exif::Tag, neg: u8, max: f64| -> Option<f64> {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Rational(ref r) = field.value else {
            return None;
        };
        let part = |i: usize| -> Option<f64> {
            let x = r.get(i)?;
            (x.denom != 0).then(|| x.to_f64())
        };
        let deg = part(0)? + part(1).unwrap_or(0.0) / 60.0 + part(2).unwrap_or(0.0) / 3600.0;
        let sign = match exif.get_field(ref_tag, exif::In::PRIMARY).map(|f| &f.value) {
            Some(exif::Value::Ascii(v)) if v.first().and_then(|s| s.first()) == Some(&neg) => -1.0,
            _ => 1.0,
        };
        let v = sign * deg;
        (v.is_finite() && v.abs() <= max).then_some(v)
    };
    let lat = coord(
        exif::Tag::GPSLatitude,
        exif::Tag::GPSLatitudeRef,
        b'S',
        90.0,
    );
    let lon = coord(
        exif::Tag::GPSLongitude,
        exif::Tag::GPSLongitudeRef,
        b'W',
        180.0,
    );
    meta.gps = lat.zip(lon);
}

fn decode_png(input: &[u8], cfg: &PhotoConfig) -> Result<(Pixels, Meta), PhotoError> {
    use image::ImageDecoder;
    // IHDR sits at a fixed place: width and height are bytes 16..24.
    let dims = input.get(16..24).ok_or(PhotoError::Truncated)?;
    let w = u32::from_be_bytes([dims[0], dims[1], dims[2], dims[3]]);
    let h = u32::from_be_bytes([dims[4], dims[5], dims[6], dims[7]]);
    if w == 0 || h == 0 {
        return Err(PhotoError::Corrupt {
            detail: "PNG declares a zero size".to_owned(),
        });
    }
    if u64::from(w) * u64::from(h) > cfg.max_input_pixels {
        return Err(PhotoError::TooManyPixels {
            width: w,
            height: h,
            max_pixels: cfg.max_input_pixels,
        });
    }
    let map = |e: image::ImageError| match e {
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            PhotoError::Truncated
        }
        image::ImageError::Unsupported(_) => PhotoError::UnsupportedFormat {
            format: "PNG (unsupported variant)",
        },
        other => PhotoError::Corrupt {
            detail: other.to_string(),
        },
    };
    let mut dec = image::codecs::png::PngDecoder::new(std::io::Cursor::new(input)).map_err(map)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    limits.max_alloc = Some(cfg.max_input_pixels.saturating_mul(8));
    dec.set_limits(limits).map_err(map)?;
    let orientation = dec.orientation().map(|o| o.to_exif()).unwrap_or(1);
    let img = image::DynamicImage::from_decoder(dec).map_err(map)?;
    let (width, height) = (img.width(), img.height());
    let (channels, data) = if img.color().has_color() {
        (3, flatten_rgb(img))
    } else {
        (1, flatten_grey(img))
    };
    Ok((
        Pixels {
            width,
            height,
            channels,
            data,
        },
        Meta {
            orientation,
            ..Meta::default()
        },
    ))
}

/// RGB8, with any transparency composited over white.
fn flatten_rgb(img: image::DynamicImage) -> Vec<u8> {
    if !img.color().has_alpha() {
        return img.into_rgb8().into_raw();
    }
    let rgba = img.into_rgba8();
    let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
    for p in rgba.as_raw().chunks_exact(4) {
        let a = u16::from(p[3]);
        for &c in &p[..3] {
            out.push(((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    out
}

fn flatten_grey(img: image::DynamicImage) -> Vec<u8> {
    if !img.color().has_alpha() {
        return img.into_luma8().into_raw();
    }
    let la = img.into_luma_alpha8();
    la.as_raw()
        .chunks_exact(2)
        .map(|p| {
            let a = u16::from(p[1]);
            ((u16::from(p[0]) * a + 255 * (255 - a) + 127) / 255) as u8
        })
        .collect()
}

fn resize(src: Pixels, tw: u32, th: u32) -> Result<Pixels, PhotoError> {
    if (tw, th) == (src.width, src.height) {
        return Ok(src);
    }
    let internal = |e: &dyn fmt::Display| PhotoError::Internal {
        detail: e.to_string(),
    };
    let pt = if src.channels == 1 {
        fir::PixelType::U8
    } else {
        fir::PixelType::U8x3
    };
    let channels = src.channels;
    let src_img = fir::images::Image::from_vec_u8(src.width, src.height, src.data, pt)
        .map_err(|e| internal(&e))?;
    let mut dst = fir::images::Image::new(tw, th, pt);
    let opts = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&src_img, &mut dst, &opts)
        .map_err(|e| internal(&e))?;
    Ok(Pixels {
        width: tw,
        height: th,
        channels,
        data: dst.into_vec(),
    })
}

/// Applies an EXIF orientation (1..=8) so the pixels are upright; other values are ignored.
fn apply_orientation(src: Pixels, orientation: u8) -> Pixels {
    if !(2..=8).contains(&orientation) {
        return src;
    }
    let (w, h) = (src.width as usize, src.height as usize);
    let ch = usize::from(src.channels);
    let swap = orientation >= 5;
    let (dw, dh) = if swap { (h, w) } else { (w, h) };
    let mut data = vec![0u8; src.data.len()];
    for dy in 0..dh {
        for dx in 0..dw {
            let (sx, sy) = match orientation {
                2 => (w - 1 - dx, dy),
                3 => (w - 1 - dx, h - 1 - dy),
                4 => (dx, h - 1 - dy),
                5 => (dy, dx),
                6 => (dy, h - 1 - dx),
                7 => (w - 1 - dy, h - 1 - dx),
                _ => (w - 1 - dy, dx),
            };
            let s = (sy * w + sx) * ch;
            let d = (dy * dw + dx) * ch;
            if let (Some(dst), Some(px)) = (data.get_mut(d..d + ch), src.data.get(s..s + ch)) {
                dst.copy_from_slice(px);
            }
        }
    }
    Pixels {
        width: dw as u32,
        height: dh as u32,
        channels: src.channels,
        data,
    }
}

fn encode(px: &Pixels, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let internal = |e: &dyn fmt::Display| PhotoError::Internal {
        detail: e.to_string(),
    };
    let w = u16::try_from(px.width).map_err(|e| internal(&e))?;
    let h = u16::try_from(px.height).map_err(|e| internal(&e))?;
    let color = if px.channels == 1 {
        jpeg_encoder::ColorType::Luma
    } else {
        jpeg_encoder::ColorType::Rgb
    };
    let mut out = Vec::with_capacity(px.data.len() / 8 + 1024);
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    enc.set_progressive(false);
    enc.set_optimized_huffman_tables(true);
    enc.encode(&px.data, w, h, color)
        .map_err(|e| internal(&e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dct_scale_picks_smallest_scale_covering_target() {
        // 4000x3000 to 1600x1200: 1/2 (2000x1500) is the smallest that covers it.
        assert_eq!(
            dct_scale_request(4000, 3000, 1600, 1200),
            Some((2000, u16::MAX))
        );
        // 8000x6000 (48 MP) to 1600x1200: 1/4 gives exactly 2000x1500.
        assert_eq!(
            dct_scale_request(8000, 6000, 1600, 1200),
            Some((2000, u16::MAX))
        );
        // Portrait requests on the long (vertical) axis.
        assert_eq!(
            dct_scale_request(3000, 4000, 1200, 1600),
            Some((u16::MAX, 2000))
        );
        // 13000x200 to 1600x25: 1/8 gives 1625x25.
        assert_eq!(
            dct_scale_request(13000, 200, 1600, 25),
            Some((1625, u16::MAX))
        );
        // Only 1.25x too big: full-size decode.
        assert_eq!(dct_scale_request(2000, 1500, 1600, 1200), None);
        // Elongated strip must not be shrunk below the target on its long side.
        assert_eq!(dct_scale_request(3300, 2, 1600, 1), Some((1650, u16::MAX)));
    }

    #[test]
    fn fit_long_edge_rounds_and_never_upscales() {
        assert_eq!(fit_long_edge(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit_long_edge(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit_long_edge(1000, 700, 1600), (1000, 700));
        assert_eq!(fit_long_edge(65535, 1, 1600), (1600, 1));
        assert_eq!(fit_long_edge(4032, 3024, 2000), (2000, 1500));
    }
}
