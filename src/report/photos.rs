//! Photos for the 佐证材料 appendix: each evidence file the record names is looked up
//! in the data dir's evidence store; a JPEG or PNG is decoded (within limits: its
//! bytes are a file from elsewhere), turned the right way up by its EXIF Orientation,
//! down-scaled to [`LONG_SIDE`] pixels on its long side and re-encoded as a JPEG of
//! [`QUALITY`], which the PDF embeds as it is (a DCTDecode image). Anything else is
//! listed, not shown: a file of another kind, one this laptop lacks (缺失), one that
//! cannot be decoded or is not what its hash says (无法显示). Nothing here fails the
//! report, and nothing panics it: a decoder that panics on hostile bytes is caught.
//!
//! Decoding is the cost (a 4000×3000 phone photo is 12 megapixels): a JPEG is decoded
//! at a quarter of its size where it can be ([`scaled_jpeg`]), and the photos are
//! decoded where the report input is loaded, on up to [`WORKERS`] threads.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::store::{Evidence, Store};

/// The long side of a thumbnail, in pixels. A thumbnail is printed at most 81 mm wide
/// (two to a row across the 170 mm text width) and 60 mm high: 1000 pixels over 81 mm
/// is 314 dpi, print quality; more would only make the PDF bigger.
pub const LONG_SIDE: u32 = 1000;
/// The JPEG quality of a thumbnail (0–100): at 80 a 1000×750 photo is ~100–200 KB,
/// so 20 photos stay well under the report's 5 MB.
pub const QUALITY: u8 = 80;
/// A photo with more pixels is not decoded (a 200-megapixel phone's full-size shot,
/// or a decompression bomb: a few bytes that claim a huge picture).
pub const MAX_PIXELS: u64 = 100_000_000;
/// Nor is one whose side is longer than this.
const MAX_SIDE: u32 = 16_384;
/// Nor a file larger than this.
pub const MAX_FILE: u64 = 64 << 20;
/// At most this many photos are decoded at once (each takes ~40 MB while decoded).
pub const WORKERS: usize = 4;

/// A photo ready to print: upright, down-scaled, a baseline JPEG.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub jpeg: Arc<[u8]>,
    pub width: u32,
    pub height: u32,
}

impl std::fmt::Debug for Thumbnail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbnail")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("jpeg_bytes", &self.jpeg.len())
            .finish()
    }
}

/// What the report can show of one evidence file.
#[derive(Debug, Clone, PartialEq)]
pub enum EvidenceView {
    /// A photo, shown as a numbered figure.
    Photo(Thumbnail),
    /// A file of another kind (a PDF, a spreadsheet…): listed.
    File,
    /// A picture that is not shown: listed with why (printed in brackets).
    Unreadable(String),
    /// This laptop does not have the file (an export without files): listed as 缺失.
    Missing,
}

/// Why a picture is not shown.
pub const UNREADABLE: &str = "无法显示";

/// What the report shows of each evidence file of `evidence`, by sha256. Reads the
/// files from `store`'s evidence dir, several at once.
pub fn load<'a>(
    store: &Store,
    evidence: impl IntoIterator<Item = &'a Evidence>,
) -> BTreeMap<String, EvidenceView> {
    let mut jobs: BTreeMap<String, Option<PathBuf>> = BTreeMap::new();
    for e in evidence {
        if !jobs.contains_key(&e.sha256) {
            jobs.insert(e.sha256.clone(), store.evidence_file(&e.sha256));
        }
    }
    let jobs: Vec<(String, Option<PathBuf>)> = jobs.into_iter().collect();
    let views = in_parallel(&jobs, |(sha, path)| match path {
        None => EvidenceView::Missing,
        Some(path) => view_file(sha, path),
    });
    jobs.into_iter()
        .zip(views)
        .map(|((sha, _), view)| (sha, view.unwrap_or_else(|| unreadable(UNREADABLE))))
        .collect()
}

fn unreadable(why: &str) -> EvidenceView {
    EvidenceView::Unreadable(why.to_string())
}

/// `f` of each job, in order, on up to [`WORKERS`] threads (as many as there are
/// cores). A thread that cannot be started leaves its share to the others; the
/// result of a job whose thread panicked is `None`.
fn in_parallel<J: Sync, R: Send>(jobs: &[J], f: impl Fn(&J) -> R + Sync) -> Vec<Option<R>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores.min(WORKERS).min(jobs.len());
    if workers <= 1 {
        return jobs.iter().map(|j| Some(f(j))).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return done;
            };
            done.push((i, f(job)));
        }
    };
    let done: Vec<(usize, R)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..workers)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mut all = work();
        for h in helpers {
            if let Ok(done) = h.join() {
                all.extend(done);
            }
        }
        all
    });
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(jobs.len()).collect();
    for (i, r) in done {
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(r);
        }
    }
    results
}

/// The kind of picture `head` starts with, of those the report can show.
fn shown_format(head: &[u8]) -> Option<ImageFormat> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else {
        None
    }
}

fn view_file(sha256: &str, path: &std::path::Path) -> EvidenceView {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return unreadable("文件无法读取");
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let mut head = Vec::with_capacity(16);
    if file.take(16).read_to_end(&mut head).is_err() {
        return unreadable("文件无法读取");
    }
    if shown_format(&head).is_none() {
        return if crate::store::is_picture(&head) {
            unreadable("该格式无法在报告中显示，请另存为 JPEG")
        } else {
            EvidenceView::File
        };
    }
    if len > MAX_FILE {
        return unreadable("文件过大，无法显示");
    }
    let Ok(bytes) = std::fs::read(path) else {
        return unreadable("文件无法读取");
    };
    if crate::checklist::sha256_hex(&bytes) != sha256 {
        return unreadable("文件与校验值不符，未显示");
    }
    match thumbnail(&bytes) {
        Some(t) => EvidenceView::Photo(t),
        None => unreadable(UNREADABLE),
    }
}

/// The thumbnail of a JPEG or PNG, or `None` when `bytes` are none that can be
/// decoded within the limits. Never panics: a decoder's panic is caught.
pub fn thumbnail(bytes: &[u8]) -> Option<Thumbnail> {
    std::panic::catch_unwind(|| make_thumbnail(bytes))
        .ok()
        .flatten()
}

fn make_thumbnail(bytes: &[u8]) -> Option<Thumbnail> {
    let format = shown_format(bytes)?;
    let mut img = match format {
        ImageFormat::Jpeg => scaled_jpeg(bytes).or_else(|| decoded(bytes, format))?,
        _ => decoded(bytes, format)?,
    };
    if img.width().max(img.height()) > LONG_SIDE {
        img = img.thumbnail(LONG_SIDE, LONG_SIDE);
    }
    if let Some(o) = orientation(bytes) {
        img.apply_orientation(o);
    }
    let rgb = flatten(img);
    let mut jpeg = Vec::with_capacity(rgb.as_raw().len() / 8);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(&rgb)
        .ok()?;
    Some(Thumbnail {
        jpeg: jpeg.into(),
        width: rgb.width(),
        height: rgb.height(),
    })
}

/// A JPEG decoded straight to about [`LONG_SIDE`] pixels on its long side: the
/// decoder's IDCT scaled by 1/2, 1/4 or 1/8 (the smallest that is still at least
/// that size), so a 4000×3000 photo is never 12 megapixels in memory. `None` for a
/// JPEG this decoder cannot read or whose pixels are not RGB or grey (CMYK), which
/// [`decoded`] then tries.
fn scaled_jpeg(bytes: &[u8]) -> Option<DynamicImage> {
    use jpeg_decoder::PixelFormat;
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    d.set_max_decoding_buffer_size(usize::try_from(MAX_PIXELS * 4).ok()?);
    d.read_info().ok()?;
    let info = d.info()?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let long = w.max(h);
    if w == 0 || h == 0 || long > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    if long > LONG_SIDE {
        let want = |side: u32| u16::try_from((side * LONG_SIDE).div_ceil(long)).ok();
        d.scale(want(w)?, want(h)?).ok()?;
    }
    let pixels = d.decode().ok()?;
    let info = d.info()?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    match info.pixel_format {
        PixelFormat::RGB24 => image::RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8),
        PixelFormat::L8 => image::GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8),
        PixelFormat::L16 | PixelFormat::CMYK32 => None,
    }
}

/// A JPEG or PNG decoded whole by the image crate, within the limits.
fn decoded(bytes: &[u8], format: ImageFormat) -> Option<DynamicImage> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let decoder = reader.into_decoder().ok()?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    DynamicImage::from_decoder(decoder).ok()
}

/// 8-bit RGB; a transparent picture (a PNG screenshot) on white, as on paper.
fn flatten(img: DynamicImage) -> image::RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = image::RgbImage::new(w, h);
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(src[3]);
        for c in 0..3 {
            let v = (u16::from(src[c]) * a + 255 * (255 - a) + 127) / 255;
            dst[c] = u8::try_from(v).unwrap_or(u8::MAX);
        }
    }
    out
}

/// The EXIF Orientation (1–8) of a JPEG or PNG, when it has one.
pub fn orientation(bytes: &[u8]) -> Option<image::metadata::Orientation> {
    let data = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let field = data.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    let n = field.value.get_uint(0)?;
    image::metadata::Orientation::from_exif(u8::try_from(n).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn a_big_photo_is_scaled_to_the_long_side_and_a_small_one_kept() {
        let t = thumbnail(&jpeg(2400, 1800)).unwrap();
        assert_eq!((t.width, t.height), (LONG_SIDE, 750));
        assert!(t.jpeg.starts_with(&[0xFF, 0xD8]));
        let t = thumbnail(&jpeg(64, 48)).unwrap();
        assert_eq!((t.width, t.height), (64, 48));
    }

    #[test]
    fn a_grey_photo_and_one_scaled_by_half_come_out_right() {
        let grey = image::GrayImage::from_fn(1600, 1200, |x, _| image::Luma([(x % 256) as u8]));
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
            .encode_image(&grey)
            .unwrap();
        let t = thumbnail(&bytes).unwrap();
        assert_eq!((t.width, t.height), (1000, 750));
        // 2000 × 1500 decodes at 1/2: 1000 × 750 straight away.
        let img = scaled_jpeg(&jpeg(2000, 1500)).unwrap();
        assert_eq!((img.width(), img.height()), (1000, 750));
    }

    #[test]
    fn bytes_that_are_no_picture_or_claim_a_huge_one_give_none() {
        assert!(thumbnail(b"").is_none());
        assert!(thumbnail(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).is_none());
        assert!(thumbnail(b"\x89PNG\r\n\x1a\nrest").is_none());
        // A PNG header that claims 60000 × 60000 pixels: refused before decoding.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc(&bomb[12..]);
        bomb.extend_from_slice(&crc.to_be_bytes());
        assert!(thumbnail(&bomb).is_none());
        // A truncated photo: a thumbnail of what is there, or none; no panic.
        let whole = jpeg(300, 200);
        let _ = thumbnail(&whole[..whole.len() / 3]);
    }

    fn crc(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn results_come_back_in_order_from_the_workers() {
        let jobs: Vec<usize> = (0..37).collect();
        assert_eq!(
            in_parallel(&jobs, |j| j * 2),
            (0..37).map(|j| Some(j * 2)).collect::<Vec<_>>()
        );
        assert!(in_parallel(&Vec::<usize>::new(), |j| *j).is_empty());
    }
}
