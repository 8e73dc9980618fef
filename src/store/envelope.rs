//! Reading and writing the files pingshen exchanges: size-limited reading, the
//! reasons a file is refused, and writing whole-or-nothing.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

/// Why a file was refused. Each says what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("无法读取 {path}：{io}。请确认文件路径正确。")]
    Io { path: String, io: std::io::Error },
    #[error(
        "{path} 不完整或不是有效的 JSON（第 {line} 行第 {column} 列：{detail}）。文件可能在复制或传输时被截断；请重新导出。"
    )]
    Malformed {
        path: String,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("{path} 不是 {want} 文件（文件里写的格式是 `{found}`）。")]
    WrongFormat {
        path: String,
        want: String,
        found: String,
    },
    #[error(
        "{path} 由更新版本的 pingshen 写出（格式版本 {found}，本程序只认识到 {known}）。请升级 pingshen 后再导入。"
    )]
    TooNew {
        path: String,
        found: u32,
        known: u32,
    },
    #[error(
        "{path} 的签名不符：文件在「{signer}」签名导出后被修改过或已损坏，为避免导入错误数据，已拒绝。请使用原始导出文件。"
    )]
    BadSignature { path: String, signer: String },
    #[error("{path} 没有导出人的签名，不能确认它未被改动，已拒绝。请用 pingshen export 重新导出。")]
    Unsigned { path: String },
    #[error(
        "{path} 是旧版 pingshen 的导出文件（只有校验和、没有签名，任何人都能改动后重算），已拒绝。请在导出它的电脑上升级 pingshen 后重新导出。"
    )]
    Legacy { path: String },
    #[error("{path} 的内容无法识别（{detail}）。文件可能已损坏；请重新导出。")]
    Payload { path: String, detail: String },
    #[error(
        "{path} 太大（{size} MB，上限 {max} MB），未读取。真实的评审导出远小于此；请确认选对了文件。"
    )]
    TooLarge { path: String, size: u64, max: u64 },
    #[error(
        "{path} 未被接受，数据没有任何改动：{refusal}。这个文件不是 pingshen 按规则写出的；请向导出它的人索取原始导出文件。"
    )]
    Refused {
        path: String,
        refusal: super::gate::Refusal,
    },
}

/// Reads a file, refusing one larger than `max` bytes before reading it.
pub fn read_text(path: &Path, max: u64) -> Result<String, EnvelopeError> {
    use std::io::Read;
    let io_err = |io| EnvelopeError::Io {
        path: path.display().to_string(),
        io,
    };
    let file = File::open(path).map_err(io_err)?;
    let too_large = |size: u64| EnvelopeError::TooLarge {
        path: path.display().to_string(),
        size: size.div_ceil(1024 * 1024),
        max: max / 1024 / 1024,
    };
    let len = file.metadata().map_err(io_err)?.len();
    if len > max {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read (or a device) is cut off at the limit.
    file.take(max + 1).read_to_end(&mut bytes).map_err(io_err)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| EnvelopeError::Malformed {
        path: path.display().to_string(),
        line: 0,
        column: 0,
        detail: format!("不是 UTF-8 文本：{e}"),
    })
}

/// Creates `dir` (and its missing parents) so that it survives a power cut: each new
/// directory's parent is synced once it holds it. An existing dir costs one `stat`.
pub fn create_dir_durably(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dir_durably(parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e),
    }
    // Not possible on Windows; there the directory entry is durable with the file.
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(d) = File::open(parent)
    {
        d.sync_all()?;
    }
    Ok(())
}

/// Writes `text` to `path` so that `path` is either the old file or the whole new
/// one: a temporary file beside it, flushed to disk, then renamed over it.
pub fn write_atomically(path: &Path, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_dir_durably(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(text.as_ref())?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename itself is durable once the directory is synced (not possible on Windows).
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
