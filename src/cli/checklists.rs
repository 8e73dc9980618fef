//! `pingshen checklists`: what can be reviewed against, and what failed to load; with
//! `export`, `import` and `template`, checklists to and from Excel workbooks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use pingshen::checklist::workbook::{self, ImportError};
use pingshen::checklist::{Catalog, escape_for_terminal, read_source};

use super::{Paths, table};

#[derive(Subcommand, Debug)]
pub enum Action {
    /// 把清单导出为 Excel 工作簿（条款、结论规则、清单信息三个工作表）
    Export {
        /// 清单编号（见 pingshen checklists）或 TOML 清单文件
        checklist: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// 把 Excel 工作簿（或每个工作表一个的 CSV 文件）转换为 TOML 清单
    Import {
        /// 一个 .xlsx 文件，或几个 .csv 文件（清单信息、结论规则、条款各一个）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// 生成空白的、带填写说明的清单工作簿
    Template {
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

pub fn run(paths: &Paths, action: Option<Action>) -> anyhow::Result<ExitCode> {
    match action {
        None => list(paths),
        Some(Action::Export { checklist, output }) => export(paths, &checklist, &output),
        Some(Action::Import { files, output }) => import(&files, &output),
        Some(Action::Template { output }) => {
            let bytes = workbook::workbook_bytes(None).map_err(anyhow::Error::msg)?;
            write(&output, &bytes)?;
            outln!(
                "已生成空白清单工作簿 {}。",
                shown(&output.display().to_string())
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn export(paths: &Paths, which: &str, output: &Path) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::discover(paths.checklist_dir.as_deref());
    let checklist = match catalog.get(which) {
        Some(a) => a.checklist.clone(),
        None if Path::new(which).is_file() => {
            let source = read_source(Path::new(which))?;
            match source.parse() {
                Ok(c) => c,
                Err(diags) => {
                    outln!(
                        "{} 有 {} 个错误，没有导出。运行 `pingshen check {}` 查看并修改。",
                        shown(which),
                        diags.len(),
                        shown(which)
                    );
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        None => anyhow::bail!(
            "没有编号为「{}」的清单，也没有这个文件。可用的清单：{}。",
            shown(which),
            catalog.ids().join("、")
        ),
    };
    let bytes = workbook::workbook_bytes(Some(&checklist)).map_err(anyhow::Error::msg)?;
    write(output, &bytes)?;
    outln!(
        "已把《{}》（{} 条）导出为 {}。",
        shown(&checklist.title),
        checklist.item_count(),
        shown(&output.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

fn import(files: &[PathBuf], output: &Path) -> anyhow::Result<ExitCode> {
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    match workbook::import(&refs) {
        Ok(done) => {
            for w in &done.warnings {
                outln!("警告：{w}\n");
            }
            write(output, done.toml.as_bytes())?;
            outln!(
                "已转换为 {}：{}。",
                shown(&output.display().to_string()),
                super::check::summary(&done.checklist)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Unreadable(why)) => {
            outln!("{}", shown(&why));
            Ok(ExitCode::FAILURE)
        }
        Err(ImportError::Invalid(problems)) => {
            for p in &problems {
                outln!("错误：{p}\n");
            }
            outln!(
                "{} 个错误，没有写出 {}。请按上面的提示修改后再导入。",
                problems.len(),
                shown(&output.display().to_string())
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    pingshen::store::write_atomically(path, bytes)
        .with_context(|| format!("无法写入 {}", shown(&path.display().to_string())))
}

fn list(paths: &Paths) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::discover(paths.checklist_dir.as_deref());
    let rows: Vec<Vec<String>> = catalog
        .available
        .iter()
        .map(|a| {
            let c = &a.checklist;
            let mut origin = shown(&a.source.origin.to_string());
            if let Some(hidden) = &a.shadows {
                origin.push_str(&format!("（替换了 {}）", shown(&hidden.to_string())));
            }
            vec![
                shown(&c.id),
                shown(&c.title),
                shown(&c.version),
                c.item_count().to_string(),
                a.source.sha256()[..8].to_string(),
                origin,
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(&["编号", "标题", "版本", "条款数", "哈希", "来源"], &rows)
    );
    if let Some(dir) = &paths.checklist_dir {
        outln!("\n用户清单目录：{}", dir.display());
    }
    for (origin, diags) in &catalog.broken {
        let name = shown(&origin.to_string());
        outln!("\n无法使用 {name}：{} 个错误。", diags.len());
        if let Some(first) = diags.first() {
            outln!(
                "  第一个错误：{}:{}:{} {}",
                shown(&first.file),
                first.line,
                first.column,
                shown(&first.message)
            );
        }
        outln!(
            "  运行 `pingshen check {}` 查看全部错误和修改建议。",
            command_arg(&name)
        );
    }
    for e in &catalog.unreadable {
        outln!("\n{e}");
    }
    Ok(ExitCode::SUCCESS)
}

fn shown(text: &str) -> String {
    escape_for_terminal(text).into_owned()
}

/// A path as it can be pasted after `pingshen check`: quoted when it has spaces.
fn command_arg(path: &str) -> String {
    if path.contains(char::is_whitespace) {
        format!("\"{path}\"")
    } else {
        path.to_string()
    }
}
