//! The user's settings: `config.toml` in the config dir (Linux
//! `~/.config/pingshen/config.toml`), written by hand, every setting optional.
//!
//! ```toml
//! output_dir = "/home/zhang/评审文件"   # where reports and exports go
//! auto_advance = true                   # after a grade, go to the next pending item
//! ```
//!
//! A file that does not read is a message (the defaults apply), never a stop.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings file's name in the config dir.
pub const CONFIG_FILE: &str = "config.toml";

/// Largest settings file read: a real one is a few lines.
const CONFIG_FILE_MAX: u64 = 64 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Where reports and exports go ([`crate::output_dir`]); `PINGSHEN_OUTPUT_DIR` wins.
    #[serde(default)]
    pub output_dir: Option<PathBuf>,
    /// The review app moves to the next pending item after each grade.
    #[serde(default)]
    pub auto_advance: bool,
}

impl UserConfig {
    /// The settings in `config_dir`, and why they could not be read if they could not
    /// (then the defaults). No file, or no config dir, is no problem.
    pub fn load(config_dir: Option<&Path>) -> (UserConfig, Option<String>) {
        let Some(dir) = config_dir else {
            return (UserConfig::default(), None);
        };
        let path = dir.join(CONFIG_FILE);
        let text = match read(&path) {
            Ok(Some(text)) => text,
            Ok(None) => return (UserConfig::default(), None),
            Err(e) => {
                return (
                    UserConfig::default(),
                    Some(format!(
                        "无法读取配置文件 {}：{e}。按默认设置运行。",
                        path.display()
                    )),
                );
            }
        };
        match UserConfig::parse(&text) {
            Ok(config) => (config, None),
            Err(why) => (
                UserConfig::default(),
                Some(format!(
                    "配置文件 {} 有误：{why}。按默认设置运行；改正后重新启动。",
                    path.display()
                )),
            ),
        }
    }

    /// The settings in `text`, or what is wrong with it in words.
    pub fn parse(text: &str) -> Result<UserConfig, String> {
        toml::from_str::<UserConfig>(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let what = e.message().trim().to_string();
            let what = if what.contains("unknown field") {
                "有不认识的设置（可用的设置见 README「配置文件」）".to_string()
            } else {
                what
            };
            match line {
                Some(n) => format!("第 {n} 行{what}"),
                None => what,
            }
        })
    }
}

fn read(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if file.metadata()?.len() > CONFIG_FILE_MAX {
        return Err(std::io::Error::other(format!(
            "文件超过 {} KB，不像是配置文件",
            CONFIG_FILE_MAX / 1024
        )));
    }
    let mut text = String::new();
    file.take(CONFIG_FILE_MAX).read_to_string(&mut text)?;
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_and_mistakes_say_the_line() {
        let c = UserConfig::parse("output_dir = \"/tmp/评审\"\nauto_advance = true\n").unwrap();
        assert_eq!(c.output_dir.as_deref(), Some(Path::new("/tmp/评审")));
        assert!(c.auto_advance);
        assert_eq!(UserConfig::parse("").unwrap(), UserConfig::default());
        let e = UserConfig::parse("auto_advance = true\nauto_advanse = true\n").unwrap_err();
        assert!(e.starts_with("第 2 行"), "{e}");
        assert!(e.contains("不认识的设置"), "{e}");
    }

    #[test]
    fn a_missing_file_is_the_defaults_and_a_bad_one_a_message() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            UserConfig::load(Some(dir.path())),
            (UserConfig::default(), None)
        );
        std::fs::write(dir.path().join(CONFIG_FILE), "auto_advance = 是\n").unwrap();
        let (c, problem) = UserConfig::load(Some(dir.path()));
        assert_eq!(c, UserConfig::default());
        assert!(problem.unwrap().contains("有误"));
    }
}
