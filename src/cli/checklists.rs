//! `pingshen checklists`: what can be reviewed against, and what failed to load.

use std::process::ExitCode;

use pingshen::checklist::{Catalog, escape_for_terminal};

use super::{Paths, table};

pub fn run(paths: &Paths) -> anyhow::Result<ExitCode> {
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
