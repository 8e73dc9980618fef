//! Where checklists come from: the shipped ones, embedded in the binary, and the
//! `*.toml` files in the user's checklist directory. A user file with the same id as a
//! shipped checklist takes its place: that is how a province puts its official text in.

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::diagnostic::Diagnostic;
use super::escape::escape_for_terminal;
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
    (
        "community-hospital-2019.toml",
        include_str!("../../checklists/community-hospital-2019.toml"),
    ),
    (
        "village-clinic.toml",
        include_str!("../../checklists/village-clinic.toml"),
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
    crate::text::hex(&Sha256::digest(bytes))
}

/// A problem reading a checklist file before its content can be checked.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(
        "无法读取清单文件 {}：{}。请确认路径正确、文件存在且有读取权限。",
        shown(.path),
        io_reason(.source)
    )]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    NotUtf8(Box<Diagnostic>),
    #[error(
        "{} 太大（{size} MB），没有读取：清单文件最大 {} MB（一份完整的标准约 100 KB）。请确认选对了文件。",
        shown(.path),
        CHECKLIST_FILE_MAX / 1024 / 1024
    )]
    TooLarge { path: PathBuf, size: u64 },
    /// In the user checklist directory, a name that is nearly `*.toml`: Windows hides
    /// known extensions, so `x.toml` saved by Notepad is often `x.toml.txt`.
    #[error(
        "{} 没有被读取：清单文件的名字要以 .toml 结尾，这个文件以 .txt 结尾（Windows 默认隐藏扩展名，记事本保存时常会加上 .txt）。请把它改名为 {}{}。",
        shown(.path),
        shown_name(.rename_to),
        if *.target_exists { "（同名文件已经存在：这个 .txt 文件若是旧的副本，删去即可）" } else { "" }
    )]
    Misnamed {
        path: PathBuf,
        rename_to: PathBuf,
        target_exists: bool,
    },
}

/// Why a file could not be read, in Chinese for the usual reasons.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "文件不存在".into(),
        ErrorKind::PermissionDenied => "没有读取权限".into(),
        ErrorKind::IsADirectory => "这是一个目录，不是文件".into(),
        ErrorKind::InvalidData => "文件内容无法读取".into(),
        _ => format!("系统报告：{}", escape_for_terminal(&e.to_string())),
    }
}

fn shown(path: &Path) -> String {
    escape_for_terminal(&path.display().to_string()).into_owned()
}

fn shown_name(path: &Path) -> String {
    path.file_name()
        .map(|n| escape_for_terminal(&n.to_string_lossy()).into_owned())
        .unwrap_or_else(|| shown(path))
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
    use std::io::Read;
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let mut bytes = Vec::new();
    file.take(CHECKLIST_FILE_MAX as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if len > CHECKLIST_FILE_MAX as u64 || bytes.len() > CHECKLIST_FILE_MAX {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: len.max(bytes.len() as u64).div_ceil(1024 * 1024),
        });
    }
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

/// Largest checklist file read, in bytes; a pinned checklist text is held to the same.
pub const CHECKLIST_FILE_MAX: usize = 4 * 1024 * 1024;

/// The `*.toml` files in `dir` (`.TOML` too: Windows does not tell them apart), sorted
/// by name, each read once. A `*.toml.txt` file is an error saying what to rename it to.
/// A missing directory is no checklist, not an error.
pub fn user_sources(dir: &Path) -> Vec<Result<Source, ReadError>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| name_kind(p).is_some() && p.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| match name_kind(p) {
            Some(NameKind::TomlTxt(rename_to)) => Err(ReadError::Misnamed {
                target_exists: rename_to.exists(),
                path: p.clone(),
                rename_to,
            }),
            _ => read_source(p),
        })
        .collect()
}

enum NameKind {
    Toml,
    /// `x.toml.txt`, with the name it should have.
    TomlTxt(PathBuf),
}

fn name_kind(path: &Path) -> Option<NameKind> {
    let ext = path.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("toml") {
        return Some(NameKind::Toml);
    }
    let stem = Path::new(path.file_stem()?);
    let inner = stem.extension()?.to_str()?;
    (ext.eq_ignore_ascii_case("txt") && inner.eq_ignore_ascii_case("toml"))
        .then(|| NameKind::TomlTxt(path.with_extension("")))
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
