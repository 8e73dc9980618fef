//! `pingshen history`: every change, who made it and when, old → new.

use std::process::ExitCode;

use super::{Paths, table};

pub fn run(paths: &Paths, id: &str, item: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let entries = store.history(&id, item)?;
    if entries.is_empty() {
        outln!("没有历史记录。");
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.at.second(),
                e.by.clone(),
                if e.item_id.is_empty() {
                    "—".into()
                } else {
                    e.item_id.clone()
                },
                e.field.clone(),
                format!("{} → {}", show(&e.old), show(&e.new)),
                if e.key.is_empty() {
                    "迁移".into()
                } else {
                    e.key.clone()
                },
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(&["时间", "人员", "条款", "内容", "变化", "签名密钥"], &rows)
    );
    Ok(ExitCode::SUCCESS)
}

fn show(s: &str) -> String {
    if s.is_empty() {
        "（空）".into()
    } else {
        table::clip(s, 40)
    }
}
