//! `pingshen export`, `import`, `delete`, `recover` and `repin`: moving whole
//! inspections in and out, and the ways back from damage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use pingshen::checklist::{item_changes, rules_changed};
use pingshen::output_dir;
use pingshen::store::{ImportOutcome, Store, read_bundle, recover};

use super::{Paths, csv_out};

pub fn export(
    paths: &Paths,
    id: &str,
    out: Option<&Path>,
    inspector: Option<&str>,
    csv: bool,
    with_files: bool,
) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    // Without -o: the output folder, under the inspection's own name (numbered when
    // taken), as the review app's export key does.
    let place = |bytes: &[u8]| -> anyhow::Result<PathBuf> {
        match out {
            Some(p) => {
                csv_out::emit(bytes, Some(p))?;
                Ok(p.to_path_buf())
            }
            None => {
                let name = output_dir::export_file_name(&store.get(&id)?, csv);
                let fallback = store.dir().join("exports");
                let placed = output_dir::place(paths.output_dir().as_deref(), &fallback, &name, bytes)
                    .with_context(|| {
                        format!(
                            "无法写入输出文件夹，也无法写入 {}（是否可写、磁盘是否已满？）；没有留下不完整的文件。请用 -o 指定别的位置",
                            fallback.display()
                        )
                    })?;
                if let Some(why) = &placed.moved {
                    errln!("提示：{why}，所以改存在数据目录的 exports 文件夹。");
                }
                Ok(placed.path)
            }
        }
    };
    if csv {
        let bytes = grades_csv(&store, &id)?;
        let written = place(&bytes)?;
        outln!(
            "已导出检查 {id} 的逐条评分表（CSV，UTF-8）到 {}",
            written.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let sealed = match inspector {
        Some(name) => store.export_for(&id, name)?,
        None => store.export_with(&id, with_files)?,
    };
    let written = place(sealed.text.as_bytes())?;
    outln!(
        "已导出检查 {id}（{}，{} 条评分，{} 条记录，{}，由本机密钥 {} 签名）到 {}",
        sealed.institution,
        sealed.assessments,
        sealed.entries,
        if with_files {
            format!("{} 个佐证文件", sealed.files)
        } else {
            "不带佐证文件".to_string()
        },
        store.identity().public_key().fingerprint(),
        written.display()
    );
    if let Some(name) = inspector {
        outln!(
            "「{name}」的电脑导入后，他负责的章节见 pingshen assign 的分工；导出的是完整记录（日志只有完整时才能核对）。"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A field of the item's 整改安排, empty where there is no 整改意见.
fn plan(
    a: Option<&pingshen::store::Assessment>,
    field: impl Fn(&pingshen::store::ActionPlan) -> String,
) -> String {
    a.filter(|a| pingshen::store::has_action(a))
        .map_or(String::new(), |a| field(&a.plan))
}

/// One row per item, for entering results into the national 申报信息系统.
fn grades_csv(store: &Store, id: &str) -> anyhow::Result<Vec<u8>> {
    let inspection = store.get(id)?;
    let checklist = store.pinned(&inspection)?;
    let assessments = store.assessments(id)?;
    let rows: Vec<Vec<String>> = checklist
        .items()
        .map(|(ch, sec, it)| {
            let a = assessments.get(&it.id);
            vec![
                it.id.clone(),
                format!("{} {}", ch.id, ch.title),
                format!("{} {}", sec.id, sec.title),
                it.title.clone(),
                it.tier.label().to_string(),
                if it.core { "★".into() } else { String::new() },
                a.and_then(|a| a.grade)
                    .map_or("待评".into(), |g| g.label().to_string()),
                a.map_or(String::new(), |a| a.note.clone()),
                a.map_or(String::new(), |a| a.corrective_action.clone()),
                plan(a, |p| p.owner.clone()),
                plan(a, |p| p.due.map(|d| d.to_string()).unwrap_or_default()),
                plan(a, |p| p.status.label().to_string()),
                a.and_then(|a| a.follow_up)
                    .map_or(String::new(), |f| f.label().to_string()),
                a.map_or(String::new(), |a| a.by.clone()),
                a.map_or(String::new(), |a| a.at.rfc3339()),
            ]
        })
        .collect();
    csv_out::to_csv(
        &[
            "条款编号",
            "章",
            "节",
            "条款名称",
            "标准类别",
            "核心条款",
            "档次",
            "备注",
            "整改意见",
            "责任科室",
            "整改期限",
            "整改状态",
            "上次整改落实",
            "评分人",
            "评分时间",
        ],
        &rows,
    )
}

pub fn import(paths: &Paths, file: &Path, trust: bool) -> anyhow::Result<ExitCode> {
    let bundle = read_bundle(file)?;
    let store = paths.open_store()?;
    let report = super::team::merge_trusting(
        paths,
        &store,
        &[(file.display().to_string(), bundle.clone())],
        trust,
    )?;
    let outcome = if report.created {
        ImportOutcome::Imported
    } else if report.changed {
        ImportOutcome::Merged
    } else {
        ImportOutcome::AlreadyPresent
    };
    let what = match outcome {
        ImportOutcome::Imported => "已导入",
        ImportOutcome::AlreadyPresent => "已存在且记录相同，未改动",
        ImportOutcome::Merged => "已有这次检查，已并入文件中的新记录",
    };
    outln!(
        "{what}：检查 {}（{}，{} 条评分，新增 {} 条记录）",
        report.inspection_id,
        report.institution,
        store.assessments(&report.inspection_id)?.len(),
        report.new_entries
    );
    if report.files > 0 {
        outln!("存入 {} 个佐证文件（已核对 sha256）", report.files);
    }
    let missing = store.missing_evidence(&report.inspection_id)?;
    if !missing.is_empty() {
        outln!(
            "还缺 {} 个佐证文件（记录中有，本机没有文件）：{}。导入带文件的导出（不加 --without-files 导出的）后会补上",
            missing.len(),
            missing
                .iter()
                .take(5)
                .map(|e| pingshen::text::for_terminal_line(e.name()).into_owned())
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    if !report.conflicts.is_empty() {
        outln!(
            "有 {} 个条款的评分不一致，需要组长裁定：pingshen conflicts {}",
            report.conflicted_items().len(),
            report.inspection_id
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn delete(paths: &Paths, id: &str) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let name = store.get(&id)?.institution.name;
    let kept = store.delete(&id)?;
    outln!(
        "已删除检查 {id}（{name}）。删除前的完整记录保存在 {}，需要时可用 pingshen import 恢复。",
        kept.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_recover(paths: &Paths) -> anyhow::Result<ExitCode> {
    let identity = std::sync::Arc::new(paths.identity()?);
    let report = recover(paths.data_dir()?, identity)?;
    if let Some(aside) = &report.moved_aside {
        outln!("原数据库已移到 {}（保留，未删除）", aside.display());
    }
    for (id, why) in &report.skipped {
        outln!("未能重建检查 {id}：{why}");
    }
    for id in &report.repaired {
        outln!(
            "检查 {id} 的日志有损坏或缺失，已用能读出的记录和备份合并重写（原文件保留在 journals/damaged/）。"
        );
    }
    outln!("已从日志重建数据库：{} 个检查。", report.restored.len());
    for (id, name, entries, n) in &report.restored {
        outln!("  {id}  {name}  {n} 条评分，{entries} 条记录");
    }
    Ok(if report.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub fn repin(paths: &Paths, id: &str, dry_run: bool) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let inspection = store.get(&id)?;
    let catalog = paths.catalog();
    let Some(current) = catalog.get(&inspection.checklist.id) else {
        bail!(
            "找不到清单 `{}` 的当前版本（它可能有错误：运行 pingshen checklists 查看）。",
            inspection.checklist.id
        );
    };
    let old = store.pinned(&inspection)?;
    let report = if dry_run {
        store.repin_preview(&id, &current.checklist, &current.source)?
    } else {
        store.repin(
            &id,
            &current.checklist,
            &current.source,
            &paths.actor(&store, &inspection)?,
        )?
    };
    if !report.changed {
        outln!(
            "检查 {id} 已使用清单 {} 的当前版本，无需更换。",
            inspection.checklist.id
        );
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{}检查 {id}：清单 {} 版本 {} → {}",
        if dry_run {
            "（预览，未改动）"
        } else {
            "已更换"
        },
        inspection.checklist.id,
        report.from_version,
        report.to_version
    );
    outln!(
        "  新增条款 {} 条：{}",
        report.added.len(),
        report.added.join(" ")
    );
    outln!(
        "  删除条款 {} 条：{}",
        report.removed.len(),
        report.removed.join(" ")
    );
    outln!(
        "  文字或要求有改动 {} 条：{}",
        report.reworded.len(),
        report.reworded.join(" ")
    );
    // What changed in each, and what the new rules make of the grades given so far.
    for item in &report.reworded {
        if let (Some(a), Some(b)) = (old.find_item(item), current.checklist.find_item(item)) {
            outln!("    {item}：{}", item_changes(a, b).join("、"));
        }
    }
    if rules_changed(&old, &current.checklist) {
        let assessments = store.assessments(&id)?;
        let grade_of = |item: &str| assessments.get(item).and_then(|a| a.grade);
        outln!(
            "  评审结论规则有改动：按目前的评分，结论由「{}」变为「{}」。",
            pingshen::scoring::evaluate(&old, grade_of).verdict,
            pingshen::scoring::evaluate(&current.checklist, grade_of).verdict
        );
    }
    if !report.orphaned.is_empty() {
        outln!(
            "  已评分但新版中没有的条款 {} 条（评分保留，显示为「已不在清单中」）：{}",
            report.orphaned.len(),
            report.orphaned.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
