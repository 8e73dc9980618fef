//! Where the files pingshen makes for people go — review reports and exports, from the
//! review app and from the CLI when no file is named: one folder the user can see.
//!
//! The folder, first that applies: `PINGSHEN_OUTPUT_DIR`; `output_dir` in the user's
//! settings ([`crate::config`]); the user's documents folder + `pingshen/`; the home
//! folder + `pingshen/`. A file put there never replaces another: a name already
//! taken gets a number, `青山镇卫生院-评审报告-2026-11-23(2).pdf`.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use crate::config::UserConfig;

/// The environment variable that names the folder (tests set it to a temporary dir).
pub const ENV: &str = "PINGSHEN_OUTPUT_DIR";

/// The folder files go to, and what chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDir {
    pub path: PathBuf,
    pub chosen_by: ChosenBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    Env,
    Config,
    Documents,
    Home,
}

impl ChosenBy {
    /// In words, for messages: 「输出文件夹（文档文件夹下的 pingshen）」.
    pub fn label(self) -> &'static str {
        match self {
            ChosenBy::Env => "环境变量 PINGSHEN_OUTPUT_DIR 指定的文件夹",
            ChosenBy::Config => "配置文件中指定的文件夹",
            ChosenBy::Documents => "文档文件夹下的 pingshen",
            ChosenBy::Home => "主目录下的 pingshen",
        }
    }
}

/// The output folder for this user: the one rule for the TUI and the CLI. `None`
/// when nothing names one (no home folder: a broken environment).
pub fn output_dir(config: &UserConfig) -> Option<OutputDir> {
    choose(
        std::env::var_os(ENV),
        config,
        dirs::document_dir(),
        etcetera::home_dir().ok(),
    )
}

/// [`output_dir`] from its inputs.
pub fn choose(
    env: Option<OsString>,
    config: &UserConfig,
    documents: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<OutputDir> {
    let found = |path: PathBuf, chosen_by| Some(OutputDir { path, chosen_by });
    if let Some(dir) = env.filter(|d| !d.is_empty()) {
        return found(PathBuf::from(dir), ChosenBy::Env);
    }
    if let Some(dir) = config
        .output_dir
        .clone()
        .filter(|d| !d.as_os_str().is_empty())
    {
        return found(expand_home(dir, home.as_deref()), ChosenBy::Config);
    }
    if let Some(docs) = documents {
        return found(docs.join("pingshen"), ChosenBy::Documents);
    }
    home.and_then(|h| found(h.join("pingshen"), ChosenBy::Home))
}

/// `~/x` as the home folder's `x`, as people write it in a settings file.
fn expand_home(dir: PathBuf, home: Option<&Path>) -> PathBuf {
    match (dir.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => dir,
    }
}

/// The name an export of `inspection` gets when no file is named:
/// 「机构名称-日期.pingshen」, or `.csv` for the grade sheet.
pub fn export_file_name(inspection: &crate::store::Inspection, csv: bool) -> String {
    let suffix = format!(
        "-{}.{}",
        inspection.date,
        if csv { "csv" } else { "pingshen" }
    );
    crate::text::file_name_from(&inspection.institution.name, &suffix)
        .unwrap_or_else(|_| format!("{}{suffix}", inspection.id))
}

/// Opens `dir` in the system's file manager (`xdg-open`, macOS `open`, Windows
/// `explorer`) and waits for the opener to answer, so a failure can be told: run
/// it off the UI thread. Written by hand: the `opener` crate does not wait on
/// Linux, so it cannot say when opening failed.
pub fn open_folder(dir: &Path) -> Result<(), String> {
    use std::process::{Command, Stdio};
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let output = Command::new(program)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("找不到打开文件夹的程序 {program}"),
            _ => format!("{program} 无法启动：{e}"),
        })?;
    // explorer answers 1 even when it opened the folder.
    if output.status.success() || cfg!(windows) {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let said = crate::text::for_terminal_line(said.trim());
    Err(match said.is_empty() {
        true => format!("{program} 没有打开它（{}）", output.status),
        false => format!("{program} 没有打开它：{said}"),
    })
}

/// `name` in `dir`, or with a number before its extension when that is taken:
/// `报告.pdf`, `报告(2).pdf`, `报告(3).pdf` …
pub fn numbered(dir: &Path, name: &str, n: usize) -> PathBuf {
    if n <= 1 {
        return dir.join(name);
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    dir.join(format!("{stem}({n}){ext}"))
}

/// Where [`place`] put a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub path: PathBuf,
    /// Why it is in the fallback folder and not the output folder, when it is.
    pub moved: Option<String>,
}

/// Writes `bytes` as `name` (numbered when taken) into the output folder `dir`, or,
/// when there is none or it cannot be written, into `fallback` (a folder in the
/// data dir), saying why.
pub fn place(
    dir: Option<&Path>,
    fallback: &Path,
    name: &str,
    bytes: &[u8],
) -> std::io::Result<Placed> {
    let why = match dir {
        Some(dir) => match write_new(dir, name, bytes) {
            Ok(path) => return Ok(Placed { path, moved: None }),
            Err(e) => format!("输出文件夹 {} 无法写入（{e}）", dir.display()),
        },
        None => "无法确定输出文件夹（系统没有提供主目录）".to_string(),
    };
    let path = write_new(fallback, name, bytes)?;
    Ok(Placed {
        path,
        moved: Some(why),
    })
}

/// Writes `bytes` into `dir` (made if missing) as `name`, or a numbered name when
/// that is taken; never replaces a file, never leaves a half-written one. Returns
/// the path written.
pub fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for n in 1..=9999 {
        let path = numbered(dir, name, n);
        // The name is taken by creating the file, so two writers cannot both have it;
        // the content then replaces this empty file in one step.
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => {
                return match crate::store::write_atomically(&path, bytes) {
                    Ok(()) => Ok(path),
                    Err(e) => {
                        let _ = std::fs::remove_file(&path);
                        Err(e)
                    }
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{} 中名为 {name} 的文件已有 9999 个",
        dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_is_the_first_that_applies() {
        let config = UserConfig {
            output_dir: Some("~/评审文件".into()),
            ..UserConfig::default()
        };
        let none = UserConfig::default();
        let docs = Some(PathBuf::from("/home/z/文档"));
        let home = Some(PathBuf::from("/home/z"));
        let at = |env: Option<&str>, c: &UserConfig, d: Option<PathBuf>| {
            choose(env.map(OsString::from), c, d, home.clone()).map(|o| (o.path, o.chosen_by))
        };
        assert_eq!(
            at(Some("/tmp/out"), &config, docs.clone()),
            Some(("/tmp/out".into(), ChosenBy::Env))
        );
        assert_eq!(
            at(None, &config, docs.clone()),
            Some(("/home/z/评审文件".into(), ChosenBy::Config))
        );
        assert_eq!(
            at(Some(""), &none, docs.clone()),
            Some(("/home/z/文档/pingshen".into(), ChosenBy::Documents))
        );
        assert_eq!(
            at(None, &none, None),
            Some(("/home/z/pingshen".into(), ChosenBy::Home))
        );
        assert_eq!(choose(None, &none, None, None), None);
    }

    #[test]
    fn a_folder_that_cannot_be_opened_is_a_sentence() {
        // Whatever opener the machine has (or none): a folder that does not exist
        // never opens, and the failure says which program answered.
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("不存在的文件夹");
        if cfg!(not(windows)) {
            let why = open_folder(&gone).unwrap_err();
            assert!(why.contains("open"), "{why}");
        }
    }

    #[test]
    fn a_taken_name_gets_a_number_and_nothing_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("输出");
        let first = write_new(&out, "报告.pdf", b"one").unwrap();
        let second = write_new(&out, "报告.pdf", b"two").unwrap();
        let third = write_new(&out, "报告.pdf", b"three").unwrap();
        assert_eq!(first, out.join("报告.pdf"));
        assert_eq!(second, out.join("报告(2).pdf"));
        assert_eq!(third, out.join("报告(3).pdf"));
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
        assert_eq!(std::fs::read(&second).unwrap(), b"two");
        assert_eq!(numbered(&out, "无扩展名", 2), out.join("无扩展名(2)"));
        // Only the three files: no temporary file left.
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 3);
    }
}
