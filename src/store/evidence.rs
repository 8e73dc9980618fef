//! Evidence files kept in the data dir. An inspector attaches a photo or a scanned
//! record to an item; the file is copied into `evidence/<sha256>` (once, however
//! many items or inspections use it), so moving or deleting the original loses
//! nothing. The journal records its name (never a folder), its hash, its size, when
//! a photo was taken and whether it is a picture.
//!
//! The copy is hashed while it is written, synced, and only then renamed to its
//! hash: a file under `evidence/` is always whole and always what its name says.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::error::{Result, StoreError};
use super::model::Evidence;
use super::{Edit, Saved, Store};
use crate::time::Stamp;

/// The largest file kept as evidence: a phone video of a few minutes.
pub const EVIDENCE_FILE_MAX: u64 = 1 << 30;
/// How much of a file is read for its kind and EXIF data (a JPEG's EXIF block comes
/// first and is at most 64 KiB).
const HEAD: usize = 256 << 10;

/// Where a data dir keeps its evidence files.
pub fn evidence_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("evidence")
}

impl Store {
    /// Copies the file at `path` into this data dir's evidence store and returns the
    /// evidence to record (see [`Edit::AddEvidence`]). The same content is kept once.
    pub fn keep_evidence(&self, path: &Path) -> Result<Evidence> {
        if let Some(why) = self.read_only() {
            return Err(StoreError::ReadOnly {
                dir: self.dir.clone(),
                why: why.to_string(),
            });
        }
        keep(&self.dir, path)
    }

    /// Attaches `files` to item `item` of inspection `id`, as `by`'s: each is copied
    /// into the evidence store, then all are recorded in one save. A file that cannot
    /// be read or kept refuses the whole attach, and nothing is recorded.
    pub fn attach(&self, id: &str, item: &str, files: &[PathBuf], by: &str) -> Result<Saved> {
        let inspection = self.get(id)?;
        self.ensure_open(&inspection)?;
        let mut edits = Vec::with_capacity(files.len());
        for f in files {
            edits.push(Edit::AddEvidence(self.keep_evidence(f)?));
        }
        self.update(&inspection.id, item, &edits, by)
    }

    /// The kept copy of the evidence with `sha256`, when this data dir has it (an
    /// imported record may name a file that has not arrived).
    pub fn evidence_file(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let p = evidence_dir(&self.dir).join(sha256.to_ascii_lowercase());
        p.is_file().then_some(p)
    }
}

/// `12.3 MB`, `640 KB`, `12 B`.
pub fn size_text(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{} KB", n.div_ceil(1 << 10)),
        n => format!("{n} B"),
    }
}

impl Evidence {
    /// As the TUI and `show` list it: 图 for a picture, the name, the size, when it
    /// was taken; 缺失 with the hash's start when this laptop lacks the file.
    pub fn shown(&self, present: bool) -> String {
        let mut s = format!(
            "{} {}",
            if self.image { "图" } else { "  " },
            crate::text::for_terminal_line(self.name())
        );
        if self.size > 0 {
            s.push_str(&format!("  {}", size_text(self.size)));
        }
        if let Some(t) = &self.taken {
            s.push_str(&format!("  拍摄 {}", t.minute()));
        }
        if !present {
            s.push_str(&format!(
                "  缺失（本机没有这个文件，sha256 {}）",
                &self.sha256[..8.min(self.sha256.len())]
            ));
        }
        s
    }
}

fn keep(data_dir: &Path, path: &Path) -> Result<Evidence> {
    let shown = path.display().to_string();
    let cannot = |what: &str, e: std::io::Error| {
        StoreError::Invalid(format!(
            "佐证材料「{}」{what}（{e}），未附上。请检查文件是否存在、能否打开。",
            crate::text::clean_line(&shown)
        ))
    };
    let meta = fs::metadata(path).map_err(|e| cannot("无法读取", e))?;
    if !meta.is_file() {
        return Err(StoreError::Invalid(format!(
            "「{}」不是文件，未附上。请选择一个照片或文件。",
            crate::text::clean_line(&shown)
        )));
    }
    if meta.len() > EVIDENCE_FILE_MAX {
        return Err(StoreError::Invalid(format!(
            "佐证材料「{}」有 {} MB，超过上限 {} MB，未附上。",
            crate::text::clean_line(&shown),
            meta.len() >> 20,
            EVIDENCE_FILE_MAX >> 20
        )));
    }
    let name = crate::text::clean_line(
        &path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    if name.is_empty() {
        return Err(StoreError::Invalid(format!(
            "「{}」没有文件名，未附上。",
            crate::text::clean_line(&shown)
        )));
    }
    let dir = evidence_dir(data_dir);
    super::envelope::create_dir_durably(&dir).map_err(|e| super::error::io_write_err(&e, None))?;
    let temp = dir.join(format!(
        ".incoming-{}.{}.tmp",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default(),
        std::process::id()
    ));
    let copied = copy_hashing(path, &temp);
    let (sha256, size, head) = match copied {
        Ok(c) => c,
        Err(e) => {
            let _ = fs::remove_file(&temp);
            return Err(cannot("无法复制到数据目录", e));
        }
    };
    let kept = dir.join(&sha256);
    let placed = if kept.is_file() {
        // Already kept (the same photo on another item): the copy is not needed.
        fs::remove_file(&temp)
    } else {
        fs::rename(&temp, &kept).and_then(|()| File::open(&dir)?.sync_all())
    };
    if let Err(e) = placed {
        let _ = fs::remove_file(&temp);
        return Err(super::error::io_write_err(
            &e,
            Some("佐证材料无法存入数据目录"),
        ));
    }
    Ok(Evidence {
        path: name,
        sha256,
        size,
        taken: taken(&head),
        image: is_picture(&head),
    })
}

/// Copies `from` to the new file `to`, hashing as it goes, and syncs it. Returns the
/// sha256, the size and the first [`HEAD`] bytes.
fn copy_hashing(from: &Path, to: &Path) -> std::io::Result<(String, u64, Vec<u8>)> {
    let mut src = BufReader::new(File::open(from)?);
    let mut dst = OpenOptions::new().write(true).create_new(true).open(to)?;
    let mut hash = Sha256::new();
    let mut head = Vec::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        dst.write_all(&buf[..n])?;
        if head.len() < HEAD {
            let take = n.min(HEAD - head.len());
            head.extend_from_slice(&buf[..take]);
        }
        size += n as u64;
        if size > EVIDENCE_FILE_MAX {
            return Err(std::io::Error::other("文件在复制时变大，超过上限"));
        }
    }
    dst.sync_all()?;
    Ok((crate::text::hex(&hash.finalize()), size, head))
}

/// A picture by its first bytes: JPEG, PNG, GIF, WebP, HEIC/HEIF.
pub fn is_picture(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(b"GIF8")
        || (head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP")
        || (head.len() >= 12
            && &head[4..8] == b"ftyp"
            && matches!(
                &head[8..12],
                b"heic" | b"heix" | b"hevc" | b"heif" | b"mif1"
            ))
}

/// When the photo was taken, from EXIF DateTimeOriginal (or DateTime) and its
/// offset; without an offset in the photo, the laptop's own for that time.
fn taken(head: &[u8]) -> Option<Stamp> {
    use exif::{In, Tag, Value};
    let data = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(head))
        .ok()?;
    let text = |tag| match data.get_field(tag, In::PRIMARY).map(|f| &f.value) {
        Some(Value::Ascii(v)) => v
            .first()
            .map(|b| String::from_utf8_lossy(b).trim().to_string()),
        _ => None,
    };
    let when = text(Tag::DateTimeOriginal).or_else(|| text(Tag::DateTime))?;
    let naive = chrono::NaiveDateTime::parse_from_str(&when, "%Y:%m:%d %H:%M:%S").ok()?;
    let offset = text(Tag::OffsetTimeOriginal)
        .or_else(|| text(Tag::OffsetTime))
        .and_then(|o| chrono::DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{o}")).ok())
        .map(|d| *d.offset());
    let at = match offset {
        Some(o) => naive.and_local_timezone(o).single()?,
        None => naive
            .and_local_timezone(chrono::Local)
            .single()?
            .fixed_offset(),
    };
    Some(Stamp::from_datetime(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_known_by_their_bytes_not_their_names() {
        assert!(is_picture(&[0xFF, 0xD8, 0xFF, 0xE1, 0, 0]));
        assert!(is_picture(b"\x89PNG\r\n\x1a\n...."));
        assert!(is_picture(b"\0\0\0\x18ftypheic\0\0\0\0"));
        assert!(!is_picture(b"%PDF-1.7"));
        assert!(!is_picture(b""));
    }

    /// A JPEG holding only an EXIF block, as a phone writes it.
    pub(crate) fn jpeg_with_exif(when: &str, offset: Option<&str>) -> Vec<u8> {
        use exif::experimental::Writer;
        use exif::{Field, In, Tag, Value};
        let ascii = |tag, text: &str| Field {
            tag,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![text.as_bytes().to_vec()]),
        };
        let fields: Vec<Field> = std::iter::once(ascii(Tag::DateTimeOriginal, when))
            .chain(offset.map(|o| ascii(Tag::OffsetTimeOriginal, o)))
            .collect();
        let mut w = Writer::new();
        for f in &fields {
            w.push_field(f);
        }
        let mut tiff = std::io::Cursor::new(Vec::new());
        w.write(&mut tiff, false).unwrap();
        let tiff = tiff.into_inner();
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        jpeg.extend_from_slice(&u16::try_from(tiff.len() + 8).unwrap().to_be_bytes());
        jpeg.extend_from_slice(b"Exif\0\0");
        jpeg.extend_from_slice(&tiff);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn a_photo_says_when_it_was_taken_with_its_offset() {
        let jpeg = jpeg_with_exif("2026:11:23 10:15:02", Some("+08:00"));
        assert!(is_picture(&jpeg));
        let t = taken(&jpeg).unwrap();
        assert_eq!(t.rfc3339(), "2026-11-23T10:15:02.000+08:00");
        // Without an offset in the photo, the laptop's own for that time.
        let t = taken(&jpeg_with_exif("2026:11:23 10:15:02", None)).unwrap();
        assert_eq!(
            t.datetime().naive_local().to_string(),
            "2026-11-23 10:15:02"
        );
    }

    #[test]
    fn a_file_without_exif_has_no_time_taken() {
        assert_eq!(taken(b"%PDF-1.7 hello"), None);
        assert_eq!(taken(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
    }
}
