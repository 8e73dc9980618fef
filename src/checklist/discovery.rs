//! Where checklists come from: the shipped ones, embedded in the binary, and the
//! `*.toml` files in the user's checklist directory. A user file with the same id as a
//! shipped checklist takes its place: that is how a province puts its official text in.

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::diagnostic::Diagnostic;
use super::load::parse_checklist;
use super::model::Checklist;

/// The shipped checklists: (file name, text).
const BUILTIN: &[(&str, &str)] = &[
    (
        "community-2022.toml",
        include_str!("../../checklists/community-2022.toml"),
    ),
    (
        "township-2022.toml",
        include_str!("../../checklists/township-2022.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Shipped inside the binary, by file name.
    Builtin(&'static str),
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin(name) => write!(f, "内置:{name}"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A checklist's text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    pub origin: Origin,
    pub text: String,
}

impl Source {
    pub fn sha256(&self) -> String {
        sha256_hex(self.text.as_bytes())
    }

    pub fn parse(&self) -> Result<Checklist, Vec<Diagnostic>> {
        parse_checklist(&self.text, &self.origin.to_string())
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A problem reading a checklist file before its content can be checked.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取清单文件 {path}：{source}。请确认路径正确、文件存在且有读取权限。")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    NotUtf8(Box<Diagnostic>),
}

pub fn builtin_sources() -> Vec<Source> {
    BUILTIN
        .iter()
        .map(|(name, text)| Source {
            origin: Origin::Builtin(name),
            text: text.to_string(),
        })
        .collect()
}

/// Reads a checklist file as text. A UTF-8 byte-order mark (Notepad writes one) is
/// dropped; a file in another encoding gets a diagnostic at its first bad byte.
pub fn read_source(path: &Path) -> Result<Source, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Source {
            origin: Origin::File(path.to_path_buf()),
            text: text.to_string(),
        }),
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            // Offsets in the lossy text match up to the first bad byte.
            let at = e.valid_up_to();
            Err(ReadError::NotUtf8(Box::new(Diagnostic::new(
                &lossy,
                &path.display().to_string(),
                at..at + 1,
                "文件不是 UTF-8 编码（这里有一个无法识别的字节）",
                "用文本编辑器把文件另存为「UTF-8」编码后再试（GBK/GB2312 编码无法读取）。",
            ))))
        }
    }
}

/// The `*.toml` files in `dir`, sorted by name. A missing directory is no checklist,
/// not an error.
pub fn user_sources(dir: &Path) -> Vec<Result<Source, ReadError>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|p| read_source(p)).collect()
}

/// A checklist that loaded, with its source.
#[derive(Debug, Clone)]
pub struct Available {
    pub checklist: Checklist,
    pub source: Source,
    /// Another checklist with the same id that this one hides.
    pub shadows: Option<Origin>,
}

/// Everything found: the checklists usable by id, and the files that failed to load.
#[derive(Debug, Default)]
pub struct Catalog {
    pub available: Vec<Available>,
    pub broken: Vec<(Origin, Vec<Diagnostic>)>,
    pub unreadable: Vec<ReadError>,
}

impl Catalog {
    /// The shipped checklists plus those in `user_dir`; user files win on equal ids.
    pub fn discover(user_dir: Option<&Path>) -> Catalog {
        let mut cat = Catalog::default();
        for src in builtin_sources() {
            cat.add(src);
        }
        if let Some(dir) = user_dir {
            for res in user_sources(dir) {
                match res {
                    Ok(src) => cat.add(src),
                    Err(e) => cat.unreadable.push(e),
                }
            }
        }
        cat
    }

    fn add(&mut self, source: Source) {
        match source.parse() {
            Ok(checklist) => {
                let mut shadows = None;
                if let Some(i) = self
                    .available
                    .iter()
                    .position(|a| a.checklist.id == checklist.id)
                {
                    shadows = Some(self.available.remove(i).source.origin);
                }
                self.available.push(Available {
                    checklist,
                    source,
                    shadows,
                });
            }
            Err(diags) => self.broken.push((source.origin, diags)),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Available> {
        self.available.iter().find(|a| a.checklist.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.available
            .iter()
            .map(|a| a.checklist.id.as_str())
            .collect()
    }
}
