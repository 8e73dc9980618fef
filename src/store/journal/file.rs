//! Journal files: `journals/<id>.jsonl` in the data dir, one entry a line, appended
//! and then synced (`fdatasync`) before anything is reported saved. A new file's
//! directory is synced too, so the file itself survives a power cut.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::entry::{Entry, Hash};

/// Longest journal line read, in bytes (a migrated snapshot of a large inspection is
/// the longest line there is).
pub const LINE_MAX: usize = 32 * 1024 * 1024;

pub fn journals_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("journals")
}

/// The journal of inspection `id`, which must already have passed
/// [`crate::store::gate::checked_id`].
pub fn journal_path(data_dir: &Path, checked_id: &str) -> PathBuf {
    journals_dir(data_dir).join(format!("{checked_id}.jsonl"))
}

/// Where a journal file ends: its length, and where its last line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct End {
    pub len: u64,
    pub last_start: u64,
}

/// Appends `entries` as lines and syncs the file's data; on a new file, the directory
/// too. A line a killed process left half-written at the end is cut off first (it was
/// never reported saved). Returns where the file now ends.
pub fn append(path: &Path, entries: &[Entry]) -> io::Result<End> {
    let lines: Vec<String> = entries.iter().map(Entry::line).collect();
    append_lines(path, &lines)
}

/// [`append`] of lines already made with [`Entry::line`].
pub fn append_lines(path: &Path, lines: &[String]) -> io::Result<End> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let created = !path.exists();
    if created {
        crate::store::envelope::create_dir_durably(dir)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let mut len = file.metadata()?.len();
    if len > 0 {
        let whole = whole_lines_end(&mut file, len)?;
        if whole != len {
            file.set_len(whole)?;
            len = whole;
        }
    }
    let mut bytes = Vec::new();
    let mut last_start = len;
    for line in lines {
        last_start = len + bytes.len() as u64;
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
    }
    file.write_all(&bytes)?;
    file.sync_data()?;
    if created {
        File::open(dir)?.sync_all()?;
    }
    Ok(End {
        len: len + bytes.len() as u64,
        last_start,
    })
}

/// The end of the last whole line (one ending in a newline) of a file `len` long.
fn whole_lines_end(file: &mut File, len: u64) -> io::Result<u64> {
    let mut pos = len;
    let mut buf = vec![0u8; 4096];
    // The common case: the file ends in a newline.
    loop {
        let start = pos.saturating_sub(buf.len() as u64);
        let n = (pos - start) as usize;
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf[..n])?;
        if let Some(i) = buf[..n].iter().rposition(|b| *b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        if start == 0 {
            return Ok(0);
        }
        pos = start;
    }
}

/// A journal as read: its entries with their hashes, and whether a half-written last
/// line was left out.
#[derive(Debug, Default)]
pub struct Loaded {
    pub entries: Vec<(Entry, Hash)>,
    pub end: End,
    /// A last line without its newline that does not read as an entry: a write that
    /// was cut off, never reported saved.
    pub torn_tail: bool,
}

/// Why a journal could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取 {path}：{io}")]
    Io { path: String, io: io::Error },
    #[error(
        "{path} 第 {line} 行是更新版本的 pingshen 写的记录（{why}），本程序读不懂，没有改动它。请升级 pingshen 后再打开这次检查。"
    )]
    Newer {
        path: String,
        line: usize,
        why: String,
    },
    #[error("{path} 第 {line} 行已损坏（{why}）")]
    Damaged {
        path: String,
        line: usize,
        why: String,
        /// The entries before the damaged line, which read fine.
        good: Vec<(Entry, Hash)>,
    },
}

/// Reads a whole journal. A damaged line stops the reading: the entries before it are
/// in the error, so a recovery can use them.
pub fn read(path: &Path) -> Result<Loaded, ReadError> {
    let shown = crate::text::for_terminal(&path.display().to_string()).into_owned();
    let bytes = fs::read(path).map_err(|io| ReadError::Io {
        path: shown.clone(),
        io,
    })?;
    parse(&bytes, &shown)
}

/// [`read`], with the bytes each entry's signature covers (its line without `sig`),
/// taken from the line itself: what `verify` checks in batches.
pub fn read_signed(path: &Path) -> Result<(Loaded, Vec<Vec<u8>>), ReadError> {
    let shown = crate::text::for_terminal(&path.display().to_string()).into_owned();
    let bytes = fs::read(path).map_err(|io| ReadError::Io {
        path: shown.clone(),
        io,
    })?;
    let mut signed = Vec::new();
    let loaded = parse_lines(&bytes, &shown, Some(&mut signed))?;
    Ok((loaded, signed))
}

/// The bytes an entry's signature covers, from its line as pingshen writes it: the
/// line without its last field, `"sig"` (whose value holds no quote).
fn signed_part(line: &[u8]) -> Vec<u8> {
    const SIG: &[u8] = b",\"sig\":\"";
    match line.windows(SIG.len()).rposition(|w| w == SIG) {
        Some(at) => {
            let mut out = line[..at].to_vec();
            out.push(b'}');
            out
        }
        None => line.to_vec(),
    }
}

/// Reads journal lines from `bytes` (a file's or a bundle's).
pub fn parse(bytes: &[u8], shown: &str) -> Result<Loaded, ReadError> {
    parse_lines(bytes, shown, None)
}

fn parse_lines(
    bytes: &[u8],
    shown: &str,
    mut signed: Option<&mut Vec<Vec<u8>>>,
) -> Result<Loaded, ReadError> {
    let mut out = Loaded::default();
    let mut start = 0usize;
    let mut line_no = 0usize;
    while start < bytes.len() {
        line_no += 1;
        let (line, next, whole) = match bytes[start..].iter().position(|b| *b == b'\n') {
            Some(i) => (&bytes[start..start + i], start + i + 1, true),
            None => (&bytes[start..], bytes.len(), false),
        };
        let damaged = |why: String, good: Vec<(Entry, Hash)>| ReadError::Damaged {
            path: shown.to_string(),
            line: line_no,
            why,
            good,
        };
        // Every entry is written with its newline before it is synced and reported
        // saved: a last line without one is a write that was cut off, whatever it holds
        // (a cut just before the newline leaves a line that reads as an entry).
        if !whole {
            out.torn_tail = true;
            break;
        }
        if line.len() > LINE_MAX {
            return Err(damaged("行太长".into(), out.entries));
        }
        let parsed = std::str::from_utf8(line)
            .map_err(|e| format!("不是 UTF-8：{e}"))
            .and_then(|l| serde_json::from_str::<Entry>(l).map_err(|e| e.to_string()));
        match parsed {
            Ok(entry) => {
                // Lines are written exactly as `Entry::line` makes them; a line that
                // says the same in other bytes was not written by pingshen.
                let canonical = entry.line();
                if canonical.as_bytes() != line {
                    return Err(damaged("不是 pingshen 写出的格式".into(), out.entries));
                }
                let hash = crate::checklist::sha256_hex(line);
                if let Some(signed) = signed.as_deref_mut() {
                    signed.push(signed_part(line));
                }
                out.entries.push((entry, hash));
                out.end = End {
                    len: next as u64,
                    last_start: start as u64,
                };
            }
            // Whole JSON that is no entry this pingshen knows: a newer one wrote it.
            // Never treated as damage, so never dropped by a repair.
            Err(why)
                if serde_json::from_slice::<serde_json::Value>(line)
                    .is_ok_and(|v| v.get("change").is_some() && v.get("sig").is_some()) =>
            {
                return Err(ReadError::Newer {
                    path: shown.to_string(),
                    line: line_no,
                    why,
                });
            }
            Err(why) => return Err(damaged(why, out.entries)),
        }
        start = next;
    }
    Ok(out)
}

/// Where the whole lines of a journal end and the hash of the line that starts at
/// `last_start` (the last one, if nothing was appended since), read from there on only:
/// what the store compares with what it last wrote, cheaply, before trusting its
/// projection. Bytes after the last newline are a write that was cut off and never
/// reported saved: they are not counted. `None` when there is no journal.
pub fn tail(path: &Path, last_start: u64) -> io::Result<Option<(u64, Hash)>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    if last_start >= len || len - last_start > (LINE_MAX as u64) * 2 {
        return Ok(Some((len, String::new())));
    }
    let mut buf = vec![0u8; (len - last_start) as usize];
    file.seek(SeekFrom::Start(last_start))?;
    file.read_exact(&mut buf)?;
    let Some(first_end) = buf.iter().position(|b| *b == b'\n') else {
        return Ok(Some((last_start, String::new())));
    };
    let whole_end = buf.iter().rposition(|b| *b == b'\n').unwrap_or(first_end);
    Ok(Some((
        last_start + whole_end as u64 + 1,
        crate::checklist::sha256_hex(&buf[..first_end]),
    )))
}

/// The ids of every inspection with a journal (from the file names; anything else in
/// the directory is left alone).
pub fn journal_ids(data_dir: &Path) -> io::Result<Vec<String>> {
    let mut ids = Vec::new();
    let entries = match fs::read_dir(journals_dir(data_dir)) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ids),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if let Some(id) = name.strip_suffix(".jsonl")
            && crate::store::gate::is_inspection_id(id)
        {
            ids.push(id.to_string());
        }
    }
    ids.sort();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_part_of_a_line_is_what_the_signature_covers() {
        let identity = crate::identity::Identity::from_seed("王喆", [9; 32]);
        for note in ["普通备注", r#"引号"sig":"里面,"sig":"也有"#] {
            let e = Entry::signed(
                &identity,
                "王喆",
                "dc0a03a75c",
                vec!["ab".repeat(32)],
                super::super::Change::Note {
                    item: "1.1.1".into(),
                    old: String::new(),
                    new: note.into(),
                },
            );
            assert_eq!(signed_part(e.line().as_bytes()), e.signed_bytes(), "{note}");
        }
    }
}
