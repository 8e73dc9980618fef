//! Keys are data: the default keymap is a TOML file embedded in the binary; a user
//! file overrides the commands it names and nothing else. Help and status-bar hints
//! are built from the live keymap, so they never go stale.
//!
//! A mistake in the user file (an unknown command, a key that cannot be read) is a
//! diagnostic with file:line:column; the rest of the file still applies.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::de::{DeTable, DeValue};

use super::action::{Command, Context};
use crate::checklist::Diagnostic;

/// The keymap shipped with the program.
pub const DEFAULT_KEYMAP: &str = include_str!("keymap.default.toml");

/// One key with its modifiers, as bound. Shift is part of the character ("A").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeyCombo {
    /// The combo a key event stands for. Terminals differ in whether they report
    /// Shift with a character and how they spell Ctrl+letter; both are evened out.
    pub fn from_event(event: &KeyEvent) -> KeyCombo {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        KeyCombo { code, ctrl, alt }
    }

    /// Reads a key as written in the keymap: `a`, `A`, `ctrl-s`, `Enter`, `F1` …
    pub fn parse(text: &str) -> Result<KeyCombo, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err("键是空的".into());
        }
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 2
                && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+"))
            {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 2
                && (lower.starts_with("alt-") || lower.starts_with("alt+"))
            {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => named_key(rest)
                .ok_or_else(|| format!("无法识别的键 `{}`", crate::text::for_terminal(text)))?,
        };
        Ok(KeyCombo { code, ctrl, alt })
    }

    /// A printable character without modifiers: in a text field this types.
    pub fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }

    /// Backspace or Delete, with any modifiers: keys that delete text in a field.
    pub fn deletes_text(&self) -> bool {
        matches!(self.code, KeyCode::Backspace | KeyCode::Delete)
    }
}

/// Largest keymap file read: a full keymap is about 4 KB.
const KEYMAP_FILE_MAX: u64 = 1024 * 1024;

fn read_keymap(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > KEYMAP_FILE_MAX {
        return Err(std::io::Error::other(format!(
            "文件超过 {} KB，不像是键位文件",
            KEYMAP_FILE_MAX / 1024
        )));
    }
    let mut text = String::new();
    file.take(KEYMAP_FILE_MAX).read_to_string(&mut text)?;
    Ok(text)
}

fn named_key(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" | "shift-tab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        _ => {
            let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
            if (1..=12).contains(&n) {
                KeyCode::F(n)
            } else {
                return None;
            }
        }
    })
}

impl fmt::Display for KeyCombo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("空格"),
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("退格"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Per context, each command with its keys in the order written.
#[derive(Debug, Clone)]
pub struct Keymap {
    tables: BTreeMap<Context, Vec<(Command, Vec<KeyCombo>)>>,
}

impl Keymap {
    /// The built-in keymap alone.
    pub fn builtin() -> Keymap {
        let mut map = Keymap {
            tables: BTreeMap::new(),
        };
        let problems = map.apply(DEFAULT_KEYMAP, "内置键位");
        debug_assert!(problems.is_empty(), "the default keymap has errors");
        map
    }

    /// The built-in keymap with the user's file `text` applied on top; every problem
    /// in the user's file is returned, the valid lines still apply.
    pub fn with_user(text: &str, file: &str) -> (Keymap, Vec<Diagnostic>) {
        let mut map = Keymap::builtin();
        let problems = map.apply(text, file);
        (map, problems)
    }

    /// Loads the user's keymap file when it exists. A missing file is no problem.
    pub fn load(path: Option<&Path>) -> (Keymap, Vec<String>) {
        let Some(path) = path else {
            return (Keymap::builtin(), Vec::new());
        };
        match read_keymap(path) {
            Ok(text) => {
                let (map, diags) = Keymap::with_user(&text, &path.display().to_string());
                (map, diags.iter().map(|d| d.to_string()).collect())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Keymap::builtin(), Vec::new()),
            Err(e) => (
                Keymap::builtin(),
                vec![format!(
                    "无法读取键位文件 {}：{e}。使用默认键位。",
                    path.display()
                )],
            ),
        }
    }

    /// The command `combo` triggers in `context`, if any.
    pub fn command(&self, context: Context, combo: KeyCombo) -> Option<Command> {
        self.tables
            .get(&context)?
            .iter()
            .find(|(_, keys)| keys.contains(&combo))
            .map(|(c, _)| *c)
    }

    /// The keys bound to `command` in `context`, in file order.
    pub fn keys(&self, context: Context, command: Command) -> &[KeyCombo] {
        self.tables
            .get(&context)
            .and_then(|t| t.iter().find(|(c, _)| *c == command))
            .map_or(&[], |(_, k)| k.as_slice())
    }

    /// The keys of a command as shown to people: `j/↓`; empty when unbound.
    pub fn label(&self, context: Context, command: Command) -> String {
        self.keys(context, command)
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The first key of a command, for hints; empty when unbound.
    pub fn first_key(&self, context: Context, command: Command) -> String {
        self.keys(context, command)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_default()
    }

    /// The key of a command to name in a message: `prefer` when it is one of the
    /// command's keys (Esc for 返回), else the first; empty when unbound.
    pub fn key_preferring(&self, context: Context, command: Command, prefer: KeyCode) -> String {
        let keys = self.keys(context, command);
        keys.iter()
            .find(|k| k.code == prefer && !k.ctrl && !k.alt)
            .or(keys.first())
            .map(|k| k.to_string())
            .unwrap_or_default()
    }

    /// Every binding of a context, in the order of `Context::commands`: the command
    /// and its keys as shown.
    pub fn bindings(&self, context: Context) -> Vec<(Command, String)> {
        context
            .commands()
            .iter()
            .map(|c| (*c, self.label(context, *c)))
            .filter(|(_, l)| !l.is_empty())
            .collect()
    }

    fn bind(&mut self, context: Context, command: Command, keys: Vec<KeyCombo>) {
        let table = self.tables.entry(context).or_default();
        // A key the user gives to this command leaves whatever had it before.
        for (_, other) in table.iter_mut() {
            other.retain(|k| !keys.contains(k));
        }
        match table.iter_mut().find(|(c, _)| *c == command) {
            Some((_, k)) => *k = keys,
            None => table.push((command, keys)),
        }
    }

    /// Applies a keymap file; returns its problems.
    fn apply(&mut self, text: &str, file: &str) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let mut error = |span: std::ops::Range<usize>, msg: String, help: String| {
            found.push((span, msg, help));
        };
        let doc = match DeTable::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                error(
                    e.span().unwrap_or(0..0),
                    format!("键位文件的 TOML 语法错误：{}", e.message().trim()),
                    "检查引号、方括号和等号；键要写在英文双引号里，如 grade_a = \"a\"。".into(),
                );
                return Diagnostic::many(text, file, found);
            }
        };
        let contexts = Context::all()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join("、");
        for (name, value) in doc.get_ref().iter() {
            let name_text = name.get_ref().as_ref();
            let Some(context) = Context::parse(name_text) else {
                error(
                    name.span(),
                    format!("键位文件里有未知的表 `[{name_text}]`"),
                    format!("可用的表：{contexts}。"),
                );
                continue;
            };
            let DeValue::Table(table) = value.get_ref() else {
                error(
                    value.span(),
                    format!("`{name_text}` 应为表 [{name_text}]"),
                    format!("写成一行 `[{name_text}]`，下面每行一个 命令 = \"键\"。"),
                );
                continue;
            };
            for (cmd_name, keys_value) in table.iter() {
                let cmd_text = cmd_name.get_ref().as_ref();
                let allowed = context.commands();
                let Some(command) = Command::parse(cmd_text).filter(|c| allowed.contains(c)) else {
                    let names: Vec<&str> = allowed.iter().map(|c| c.name()).collect();
                    let guess = names
                        .iter()
                        .map(|a| (strsim::levenshtein(a, cmd_text), *a))
                        .min()
                        .filter(|(d, _)| *d <= 3)
                        .map(|(_, a)| format!("是否想写 `{a}`？"))
                        .unwrap_or_default();
                    error(
                        cmd_name.span(),
                        format!("[{name_text}] 里没有命令 `{cmd_text}`"),
                        format!("{guess}[{name_text}] 里可用的命令：{}。", names.join("、")),
                    );
                    continue;
                };
                let mut values = Vec::new();
                match keys_value.get_ref() {
                    DeValue::String(s) => values.push((s.to_string(), keys_value.span())),
                    DeValue::Array(arr) => {
                        for el in arr.iter() {
                            match el.get_ref() {
                                DeValue::String(s) => values.push((s.to_string(), el.span())),
                                _ => error(
                                    el.span(),
                                    format!("`{cmd_text}` 的键应写成带引号的文字"),
                                    "例如 \"a\" 或 \"ctrl-s\"。".into(),
                                ),
                            }
                        }
                    }
                    _ => {
                        error(
                            keys_value.span(),
                            format!("`{cmd_text}` 的值应为键或键的列表"),
                            format!("例如 {cmd_text} = \"a\" 或 {cmd_text} = [\"a\", \"Enter\"]。"),
                        );
                        continue;
                    }
                }
                let mut keys = Vec::new();
                let mut all_ok = true;
                let mut refused = false;
                for (key_text, span) in values {
                    match KeyCombo::parse(&key_text) {
                        Ok(k) if command.changes_grade() && k.deletes_text() => {
                            refused = true;
                            error(
                            span,
                            format!(
                                "{} 键不能用来「{}」",
                                k,
                                command.label_in(context)
                            ),
                            "退格键和 Del 键在输入框里用来删字，输入框关上后多按的一下不能改动评分；请换一个键。这个键没有生效，其余的键照常。".into(),
                        );
                        }
                        Ok(k) => keys.push(k),
                        Err(msg) => {
                            all_ok = false;
                            error(
                                span,
                                msg,
                                "键写成单个字符（\"a\"、\"?\"）、ctrl-字母（\"ctrl-s\"）或特殊键名（Enter、Esc、Tab、BackTab、Space、Up、Down、Left、Right、PageUp、PageDown、Home、End、Delete、Backspace、F1…F12）。".into(),
                            );
                        }
                    }
                }
                // A line whose every key was refused leaves the command as it was.
                if all_ok && !(refused && keys.is_empty()) {
                    self.bind(context, command, keys);
                }
            }
        }
        Diagnostic::many(text, file, found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_keymap_parses_cleanly() {
        let mut map = Keymap {
            tables: BTreeMap::new(),
        };
        assert!(map.apply(DEFAULT_KEYMAP, "default").is_empty());
        for context in Context::all() {
            for command in context.hints() {
                assert!(
                    !map.keys(context, *command).is_empty(),
                    "{command:?} in {context:?} has a hint but no key"
                );
            }
        }
    }

    #[test]
    fn key_strings() {
        let k = KeyCombo::parse("ctrl-S").unwrap();
        assert_eq!((k.code, k.ctrl), (KeyCode::Char('s'), true));
        assert_eq!(KeyCombo::parse("A").unwrap().code, KeyCode::Char('A'));
        assert_eq!(KeyCombo::parse("F5").unwrap().code, KeyCode::F(5));
        assert_eq!(KeyCombo::parse("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(KeyCombo::parse("空").unwrap().code, KeyCode::Char('空'));
        assert!(KeyCombo::parse("ctrl-").is_err());
        assert!(KeyCombo::parse("Foo").is_err());
        assert!(KeyCombo::parse("F13").is_err());
        assert!(KeyCombo::parse("").is_err());
    }

    #[test]
    fn user_file_overrides_single_keys_and_reports_bad_ones_with_lines() {
        let user =
            "[walkthrough]\ngrade_na = \"0\"\nclear_grade = \"Hyper-Q\"\n[nowhere]\nx = \"a\"\n";
        let (map, problems) = Keymap::with_user(user, "keymap.toml");
        let zero = KeyCombo::parse("0").unwrap();
        assert_eq!(
            map.command(Context::Walkthrough, zero),
            Some(Command::GradeNa)
        );
        // `n` no longer grades 不适用; other keys are untouched.
        let n = KeyCombo::parse("n").unwrap();
        assert_eq!(map.command(Context::Walkthrough, n), None);
        let a = KeyCombo::parse("a").unwrap();
        assert_eq!(map.command(Context::Walkthrough, a), Some(Command::GradeA));
        // The bad key leaves clear_grade as it was.
        let x = KeyCombo::parse("x").unwrap();
        assert_eq!(
            map.command(Context::Walkthrough, x),
            Some(Command::ClearGrade)
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].line, 3);
        assert!(problems[0].to_string().contains("keymap.toml:3:"));
        assert_eq!(problems[1].line, 4);
    }

    #[test]
    fn backspace_and_delete_never_change_a_grade() {
        let builtin = Keymap::builtin();
        for context in Context::all() {
            for key in ["Backspace", "Delete", "ctrl-Backspace", "alt-Delete"] {
                let combo = KeyCombo::parse(key).unwrap();
                let bound = builtin.command(context, combo);
                assert!(
                    !bound.is_some_and(Command::changes_grade),
                    "{key} in {context:?} is {bound:?}"
                );
            }
        }
        // Nor can a user's file bind them so; the other keys of the line still apply.
        let user = "[walkthrough]\nclear_grade = [\"Backspace\", \"X\"]\ngrade_a = \"Delete\"\n[conflicts]\ntake_1 = \"Backspace\"\n";
        let (map, problems) = Keymap::with_user(user, "keymap.toml");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0]
                .to_string()
                .contains("退格 键不能用来「清除档次」")
        );
        assert_eq!(problems[1].line, 3);
        let backspace = KeyCombo::parse("Backspace").unwrap();
        let delete = KeyCombo::parse("Delete").unwrap();
        assert_eq!(map.command(Context::Walkthrough, backspace), None);
        assert_eq!(map.command(Context::Walkthrough, delete), None);
        assert_eq!(map.command(Context::Conflicts, backspace), None);
        let big_x = KeyCombo::parse("X").unwrap();
        assert_eq!(
            map.command(Context::Walkthrough, big_x),
            Some(Command::ClearGrade)
        );
        // grade_a's only key was refused: `a` still grades A.
        let a = KeyCombo::parse("a").unwrap();
        assert_eq!(map.command(Context::Walkthrough, a), Some(Command::GradeA));
    }

    #[test]
    fn broken_toml_is_a_message_not_a_panic() {
        let (map, problems) = Keymap::with_user("[walkthrough\ngrade_a = ", "k.toml");
        assert_eq!(problems.len(), 1);
        let a = KeyCombo::parse("a").unwrap();
        assert_eq!(map.command(Context::Walkthrough, a), Some(Command::GradeA));
    }
}
