//! `pingshen annual`: the district's year. `--year Y [--region R] [--format csv]`:
//! the statistics against the targets (`cli/annual_out.rs`, computed in
//! `district/annual.rs`); `--due`: the dates things are due (`deadlines.toml`, or the
//! shipped default). And `pingshen targets`: the targets file checked and said in
//! words, or its problems.
//!
//! Exit codes: 0 done; 2 a file with problems, an argument that does not read, or
//! what this version cannot do yet.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand};
use pingshen::checklist::UserFile;
use pingshen::district::deadlines::{DEADLINES_FILE, SHIPPED};
use pingshen::district::targets::EXAMPLE;
use pingshen::district::{Deadlines, Known, TARGETS_FILE, Targets, YEARS};

use super::Paths;

/// What `annual` stops with when a file or an argument is wrong.
const PROBLEM: u8 = 2;

#[derive(Args, Debug)]
pub struct AnnualArgs {
    /// 列出这一年的评审工作日程：每个事项的截止日期、还有几天或已过期几天（日期取自配置目录的 deadlines.toml，没有时用内置的默认日程）
    #[arg(long)]
    pub due: bool,
    /// 年份，如 2026（默认为今天所在的年份）
    #[arg(long, value_name = "YYYY")]
    pub year: Option<String>,
    /// 按这一天计算还有几天，写成 YYYY-MM-DD（默认为本机的今天）
    #[arg(long, value_name = "YYYY-MM-DD", requires = "due")]
    pub today: Option<String>,
    /// 打印内置的默认日程文件（存为配置目录的 deadlines.toml 后修改）
    #[arg(long, requires = "due")]
    pub template: bool,
    /// 只统计到这一天（含）为止的评审和社区医院命名，写成 YYYY-MM-DD，须在 --year 那一年之内；如每月报送附件2时写上月的最后一天（默认为全年）
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "due")]
    pub as_of: Option<String>,
    /// 只统计所在区县包含这段文字的机构，如 某县
    #[arg(long)]
    pub region: Option<String>,
    /// 输出格式：text（在终端阅读）、csv（逐表列出）、xlsx（工作簿，每表一页）或 pdf（年度统计报告，需 -o）；不写时按 -o 的扩展名定，没有 -o 时为 text
    #[arg(long, value_parser = ["text", "csv", "xlsx", "pdf"])]
    pub format: Option<String>,
    /// 输出文件，如 年度报告.pdf（不写时打印到屏幕；xlsx 和 pdf 必须写）
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 填报人（附件1、附件2 的页脚）
    #[arg(long, default_value = "")]
    pub filler: String,
    /// 填报人联系电话（附件1、附件2 的页脚）
    #[arg(long, default_value = "")]
    pub filler_phone: String,
    /// PDF 的备用字体文件（.ttf/.otf/.ttc）：内置字体缺少的字符先从这里找，再从系统的中文字体中找
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// PDF 不使用系统中安装的字体作备用字体（只用内置字体和 --font）
    #[arg(long)]
    pub no_system_fonts: bool,
}

/// What `annual` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
    Xlsx,
    Pdf,
}

impl AnnualArgs {
    /// `--format`, or the output's extension, or text; `Err` (the message) when the
    /// format needs a file and none is named.
    pub fn format(&self) -> Result<Format, String> {
        let by_name = |s: &str| match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "pdf" => Some(Format::Pdf),
            "text" | "txt" => Some(Format::Text),
            _ => None,
        };
        let format = match (&self.format, &self.output) {
            (Some(f), _) => by_name(f).unwrap_or(Format::Text),
            (None, Some(o)) => o
                .extension()
                .and_then(|e| e.to_str())
                .and_then(by_name)
                .unwrap_or(Format::Text),
            (None, None) => Format::Text,
        };
        if matches!(format, Format::Xlsx | Format::Pdf) && self.output.is_none() {
            let ext = if format == Format::Pdf { "pdf" } else { "xlsx" };
            return Err(format!(
                "{} 不能输出到屏幕：请用 -o 指定输出文件，如 `pingshen annual --year 2026 -o 年度报告.{ext}`。",
                ext.to_uppercase()
            ));
        }
        Ok(format)
    }
}

#[derive(Subcommand, Debug)]
pub enum TargetsAction {
    /// 检查目标文件（默认为配置目录的 targets.toml），用文字列出每个目标；有错时列出每个错误（文件:行:列），退出码 2
    Check {
        /// 要检查的目标文件（不写时检查配置目录的 targets.toml）
        file: Option<PathBuf>,
    },
    /// 打印带说明的示例目标文件（取自北京、邵阳双清区、天津宝坻区的政策文件），可存为配置目录的 targets.toml 再修改
    Template,
}

pub fn run(paths: &Paths, args: AnnualArgs) -> anyhow::Result<ExitCode> {
    if args.due {
        return due(paths, &args);
    }
    let Some(year) = year_arg(args.year.as_deref(), pingshen::time::today().year()) else {
        return Ok(ExitCode::from(PROBLEM));
    };
    let as_of = match &args.as_of {
        None => None,
        Some(t) => match date_arg("--as-of", t, &format!("{year}-09-30")) {
            Some(d) if d.year() == year => Some(d),
            Some(d) => {
                errln!(
                    "--as-of {d} 不在 {year} 年之内：写这一年里的一天，例如 --as-of {year}-09-30。"
                );
                return Ok(ExitCode::from(PROBLEM));
            }
            None => return Ok(ExitCode::from(PROBLEM)),
        },
    };
    let format = match args.format() {
        Ok(f) => f,
        Err(message) => {
            errln!("{message}");
            return Ok(ExitCode::from(PROBLEM));
        }
    };
    super::annual_out::run(paths, year, as_of, &args, format)
}

/// The targets file of the config dir, checked against the checklists `known`: the
/// targets and 社区医院 plans, none when there is no file; `Err` (already told) when it has problems.
pub(super) fn user_targets(paths: &Paths, known: &Known) -> Result<Targets, ()> {
    match Targets::load(paths.config_dir.as_deref(), known) {
        UserFile::Read(t) => Ok(t),
        UserFile::Absent => Ok(Targets::default()),
        UserFile::Problems(problems) => {
            for p in &problems {
                errln!("{p}\n");
            }
            errln!(
                "目标文件 targets.toml 有错误，没有使用：请按上面的提示改正（pingshen targets check 再检查）后重新运行。"
            );
            Err(())
        }
    }
}

fn due(paths: &Paths, args: &AnnualArgs) -> anyhow::Result<ExitCode> {
    if args.template {
        super::output::data(SHIPPED.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let today = match &args.today {
        None => pingshen::time::today(),
        Some(t) => match date_arg("--today", t, "2026-09-15") {
            Some(d) => d,
            None => return Ok(ExitCode::from(PROBLEM)),
        },
    };
    let Some(year) = year_arg(args.year.as_deref(), today.year()) else {
        return Ok(ExitCode::from(PROBLEM));
    };
    let mine = paths.config_dir.as_ref().map(|d| d.join(DEADLINES_FILE));
    let (deadlines, origin) = match Deadlines::load(paths.config_dir.as_deref()) {
        UserFile::Read(d) => (d, Origin::Mine),
        UserFile::Absent => match Deadlines::shipped() {
            Ok(d) => (d, Origin::Shipped),
            Err(diags) => {
                for d in &diags {
                    errln!("{d}\n");
                }
                errln!("内置的默认日程有错误（这是 pingshen 的缺陷，请报告）。");
                return Ok(ExitCode::from(PROBLEM));
            }
        },
        UserFile::Problems(problems) => {
            for p in &problems {
                errln!("{p}\n");
            }
            errln!(
                "日程文件 {} 有错误，没有使用。请按上面的提示改正后再运行；删去这个文件则用内置的默认日程。",
                shown(mine.as_deref())
            );
            return Ok(ExitCode::from(PROBLEM));
        }
    };

    let due = deadlines.due(year, today);
    if due.is_empty() {
        outln!("{year}年的日程里没有事项。");
    } else {
        outln!("{year}年的评审工作日程（今天是 {today}）：\n");
        let left: Vec<String> = due.iter().map(|d| d.left_said()).collect();
        let width = left
            .iter()
            .map(|l| pingshen::text::cells(l))
            .max()
            .unwrap_or(0);
        let indent = " ".repeat(2 + 10 + 2 + width + 2);
        for (d, left) in due.iter().zip(&left) {
            outln!(
                "  {}  {}  {}",
                d.date,
                pingshen::text::pad(left, width),
                d.name
            );
            let more: Vec<String> = d
                .who
                .iter()
                .map(|w| format!("负责：{w}"))
                .chain(d.note.clone())
                .collect();
            if !more.is_empty() {
                outln!("{indent}{}", more.join("；"));
            }
        }
        outln!();
    }
    match origin {
        Origin::Mine => outln!("日程取自 {}。", shown(mine.as_deref())),
        Origin::Shipped => outln!(
            "日程取自内置的默认日程（北京市2022年方案的日期）。每年、各地的日期会变：\n\
             pingshen annual --due --template > {}\n\
             存下后修改，pingshen 就用你的文件（写法见 docs/targets.md）。",
            shown(mine.as_deref())
        ),
    }
    Ok(ExitCode::SUCCESS)
}

enum Origin {
    Mine,
    Shipped,
}

/// `--year` as given, or `default`; `None` (the problem told) when it is no year.
fn year_arg(given: Option<&str>, default: i32) -> Option<i32> {
    let Some(y) = given else {
        return Some(default);
    };
    let year = parse_year(y);
    if year.is_none() {
        errln!(
            "--year 写的是「{}」，不是年份：写四位数的年份（{} 到 {}），例如 --year 2026。",
            pingshen::text::for_terminal_line(y),
            YEARS.start(),
            YEARS.end()
        );
    }
    year
}

/// `text`, given for `flag`, as a day written YYYY-MM-DD in a year of [`YEARS`];
/// `None` (the problem told, with `example`) when it is none.
fn date_arg(flag: &str, text: &str, example: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| YEARS.contains(&i64::from(d.year())));
    if date.is_none() {
        errln!(
            "{flag} 写的是「{}」，不是日期：写成 YYYY-MM-DD，例如 {flag} {example}。",
            pingshen::text::for_terminal_line(text)
        );
    }
    date
}

/// A four-digit year in [`YEARS`].
fn parse_year(text: &str) -> Option<i32> {
    let t = text.trim();
    let n: i32 = t.parse().ok()?;
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) && YEARS.contains(&i64::from(n)))
        .then_some(n)
}

/// A file in the config dir as named in messages.
fn shown(path: Option<&Path>) -> String {
    path.map(|p| p.display().to_string())
        .unwrap_or_else(|| "配置目录中的文件（无法确定配置目录，请用 --config-dir 指定）".into())
}

pub fn targets(paths: &Paths, action: Option<TargetsAction>) -> anyhow::Result<ExitCode> {
    match action {
        Some(TargetsAction::Template) => {
            super::output::data(EXAMPLE.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(TargetsAction::Check { file: Some(file) }) => check(paths, &file, true),
        Some(TargetsAction::Check { file: None }) | None => {
            let Some(dir) = &paths.config_dir else {
                errln!(
                    "无法确定配置目录：请用 --config-dir 指定，或写出要检查的文件：pingshen targets check 文件。"
                );
                return Ok(ExitCode::from(PROBLEM));
            };
            check(paths, &dir.join(TARGETS_FILE), false)
        }
    }
}

/// Checks the targets file at `path`; `named`: the user named it (then a missing file
/// is a problem, not the absence of targets).
fn check(paths: &Paths, path: &Path, named: bool) -> anyhow::Result<ExitCode> {
    let catalog = paths.catalog();
    let known = Known::from_checklists(catalog.available.iter().map(|a| &a.checklist));
    let name = path.display().to_string();
    match Targets::load_file(path, &known) {
        UserFile::Absent if named => {
            outln!("找不到目标文件 {name}。");
            Ok(ExitCode::from(PROBLEM))
        }
        UserFile::Absent => {
            outln!("还没有目标文件 {name}：年度统计不会对照目标。");
            outln!(
                "从示例开始：pingshen targets template > {name}，只留你所在地区、今年的目标（写法见 docs/targets.md）。"
            );
            Ok(ExitCode::SUCCESS)
        }
        UserFile::Problems(problems) => {
            for p in &problems {
                outln!("{p}\n");
            }
            outln!(
                "{name}：有错误，这个文件没有使用（其中的目标一个都不算）。请按上面的提示改正后再检查。"
            );
            Ok(ExitCode::from(PROBLEM))
        }
        UserFile::Read(targets) => {
            if targets.plans.is_empty() {
                outln!("{name}：通过，{} 个目标。", targets.targets.len());
            } else {
                outln!(
                    "{name}：通过，{} 个目标，{} 个新建社区医院计划。",
                    targets.targets.len(),
                    targets.plans.len()
                );
            }
            let mut years: Vec<i32> = targets
                .targets
                .iter()
                .map(|t| t.year)
                .chain(targets.plans.iter().map(|p| p.year))
                .collect();
            years.sort_unstable();
            years.dedup();
            for year in years {
                outln!("\n{year}年：");
                for t in targets.for_year(year) {
                    outln!("  {}（第 {} 行）", t.name, t.line);
                    outln!("    {}", t.said());
                    if let Some(s) = &t.source {
                        outln!("    出处：{s}");
                    }
                }
                for p in targets.plans_for(year) {
                    outln!(
                        "  新建社区医院（附件2）：{} 计划新建 {} 个（第 {} 行）",
                        p.region,
                        p.planned,
                        p.line
                    );
                    if let Some(s) = &p.source {
                        outln!("    出处：{s}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
