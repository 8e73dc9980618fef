//! `pingshen checklists`: what can be reviewed against, and what failed to load.

use std::process::ExitCode;

use pingshen::checklist::Catalog;

use super::{Paths, table};

pub fn run(paths: &Paths) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::discover(paths.checklist_dir.as_deref());
    let rows: Vec<Vec<String>> = catalog
        .available
        .iter()
        .map(|a| {
            let c = &a.checklist;
            let mut origin = a.source.origin.to_string();
            if let Some(hidden) = &a.shadows {
                origin.push_str(&format!("（替换了 {hidden}）"));
            }
            vec![
                c.id.clone(),
                c.title.clone(),
                c.version.clone(),
                c.item_count().to_string(),
                a.source.sha256()[..8].to_string(),
                origin,
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(&["编号", "标题", "版本", "条款数", "哈希", "来源"], &rows)
    );
    if let Some(dir) = &paths.checklist_dir {
        println!("\n用户清单目录：{}", dir.display());
    }
    for (origin, diags) in &catalog.broken {
        println!(
            "\n无法使用 {origin}：{} 个错误。运行 `pingshen check {origin}` 查看详情。",
            diags.len()
        );
    }
    for e in &catalog.unreadable {
        println!("\n{e}");
    }
    Ok(ExitCode::SUCCESS)
}
