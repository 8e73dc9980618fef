//! Team work from the command line: `assign`, `link`, `merge`, `conflicts`, `settle`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use pingshen::store::{Assessment, read_export};

use super::{Paths, table};

/// Who `assign` and `link` credit: the inspection's first inspector, the 组长.
fn lead(store: &pingshen::store::Store, id: &str) -> anyhow::Result<String> {
    Ok(store
        .get(id)?
        .inspectors
        .first()
        .cloned()
        .unwrap_or_default())
}

pub fn assign(
    paths: &Paths,
    id: &str,
    inspector: &str,
    chapters: &[String],
) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    store.assign(&id, inspector, chapters, &lead(&store, &id)?)?;
    let inspection = store.get(&id)?;
    outln!("检查 {id} 的分工：");
    for (who, chs) in &inspection.assignments {
        outln!("  {who}：第 {} 章", chs.join("、"));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn link(paths: &Paths, id: &str, previous: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let previous = previous.map(|p| store.resolve(p)).transpose()?;
    store.link_previous(&id, previous.as_deref(), &lead(&store, &id)?)?;
    match previous {
        Some(p) => outln!("检查 {id} 的上次评审设为 {p}；评审报告将包含「上次评审对比」。"),
        None => outln!("已取消检查 {id} 与上次评审的关联。"),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn merge(paths: &Paths, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut exports = Vec::new();
    for f in files {
        exports.push((f.display().to_string(), read_export(f)?));
    }
    let store = paths.open_store()?;
    let report = store.merge(&exports)?;
    if !report.changed {
        outln!(
            "检查 {}（{}）：文件中没有新内容，未改动。",
            report.inspection_id,
            report.institution
        );
    } else {
        outln!(
            "已合并到检查 {}（{}）：新增 {} 条评分，更新 {} 条。",
            report.inspection_id,
            report.institution,
            report.added.len(),
            report.updated.len()
        );
    }
    if report.conflicts.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "\n{} 个条款的评分不一致，需要组长裁定（在裁定前显示的是最新的版本）：",
        report.conflicts.len()
    );
    print_conflicts(&report.conflicts)?;
    outln!(
        "\n裁定：pingshen settle {} 条款编号 版本序号",
        report.inspection_id
    );
    Ok(ExitCode::SUCCESS)
}

fn print_conflicts(conflicts: &[pingshen::store::Conflict]) -> anyhow::Result<()> {
    for c in conflicts {
        outln!("条款 {}", c.item_id);
        let rows: Vec<Vec<String>> = c
            .candidates
            .iter()
            .enumerate()
            .map(|(i, a)| version_row(i, a))
            .collect();
        out!(
            "{}",
            table::render(
                &["  版本", "档次", "评分人", "时间", "备注", "整改意见"],
                &rows
            )
        );
    }
    Ok(())
}

fn version_row(i: usize, a: &Assessment) -> Vec<String> {
    vec![
        format!("  {}", i + 1),
        a.grade.map_or("待评".into(), |g| g.label().to_string()),
        a.by.clone(),
        a.at.minute(),
        table::clip(&a.note, 30),
        table::clip(&a.corrective_action, 20),
    ]
}

pub fn conflicts(paths: &Paths, id: &str) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let conflicts = store.conflicts(&id)?;
    if conflicts.is_empty() {
        outln!("检查 {id} 没有待裁定的冲突。");
    } else {
        print_conflicts(&conflicts)?;
        outln!("\n裁定：pingshen settle {id} 条款编号 版本序号");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn settle(
    paths: &Paths,
    id: &str,
    item: &str,
    version: usize,
    by: Option<String>,
) -> anyhow::Result<ExitCode> {
    if version == 0 {
        bail!("版本序号从 1 开始（见 pingshen conflicts 的「版本」列）。");
    }
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let by = by
        .or_else(|| store.get(&id).ok()?.inspectors.first().cloned())
        .unwrap_or_default();
    let a = store.settle(&id, item, version - 1, &by)?;
    outln!(
        "已裁定：检查 {id} 条款 {item} 取版本 {version}（{}）；其他版本记录在历史中。",
        a.grade.map_or("待评", |g| g.label())
    );
    Ok(ExitCode::SUCCESS)
}
