//! The file format shared by exports and backups: a small JSON envelope naming the
//! format and its version, with a sha256 over the exact bytes of the payload.
//!
//! ```json
//! {"format": "pingshen-export", "format_version": 1, "checksum": "sha256:…", "payload": {…}}
//! ```

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::checklist::sha256_hex;

#[derive(Serialize)]
struct Out<'a> {
    format: &'a str,
    format_version: u32,
    checksum: String,
    payload: &'a RawValue,
}

#[derive(Deserialize)]
struct In {
    format: String,
    format_version: u32,
    checksum: String,
    payload: Box<RawValue>,
}

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
        "{path} 的校验和不符：文件在导出后被修改过或已损坏，为避免导入错误数据，已拒绝。请使用原始导出文件。"
    )]
    Checksum { path: String },
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

/// The envelope's text around `payload`.
#[expect(
    clippy::expect_used,
    reason = "serde_json fails only on maps with non-string keys, which no payload has"
)]
pub fn seal<T: Serialize>(format: &str, version: u32, payload: &T) -> String {
    let body = serde_json::to_string_pretty(payload).expect("payload serialises");
    let raw = RawValue::from_string(body).expect("serde_json output is valid JSON");
    let out = Out {
        format,
        format_version: version,
        checksum: format!("sha256:{}", sha256_hex(raw.get().as_bytes())),
        payload: &raw,
    };
    serde_json::to_string(&out).expect("envelope serialises")
}

/// Checks format, version and checksum, then decodes the payload. `migrate` turns the
/// payload of an older version into the current one.
pub fn open<T: DeserializeOwned>(
    text: &str,
    path: &str,
    format: &str,
    known: u32,
    migrate: impl Fn(u32, &str) -> Result<T, String>,
) -> Result<T, EnvelopeError> {
    let env: In = serde_json::from_str(text).map_err(|e| EnvelopeError::Malformed {
        path: path.to_string(),
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })?;
    if env.format != format {
        return Err(EnvelopeError::WrongFormat {
            path: path.to_string(),
            want: format.to_string(),
            found: env.format,
        });
    }
    if env.format_version > known || env.format_version == 0 {
        return Err(EnvelopeError::TooNew {
            path: path.to_string(),
            found: env.format_version,
            known,
        });
    }
    let want = format!("sha256:{}", sha256_hex(env.payload.get().as_bytes()));
    if env.checksum != want {
        return Err(EnvelopeError::Checksum {
            path: path.to_string(),
        });
    }
    let decoded = if env.format_version == known {
        serde_json::from_str(env.payload.get()).map_err(|e| e.to_string())
    } else {
        migrate(env.format_version, env.payload.get())
    };
    decoded.map_err(|detail| EnvelopeError::Payload {
        path: path.to_string(),
        detail,
    })
}

/// Reads a file for [`open`], refusing one larger than `max` bytes before reading it.
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

/// Writes `text` to `path` so that `path` is either the old file or the whole new
/// one: a temporary file beside it, flushed to disk, then renamed over it.
pub fn write_atomically(path: &Path, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
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
