//! Team work from the command line: `assign`, `link`, `merge`, `conflicts`, `settle`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use pingshen::store::{Assessment, Store, StoreError, Version, read_bundle};

use super::{Paths, table};

/// Who is acting on inspection `id` (see [`Paths::actor`]).
fn lead(paths: &Paths, store: &Store, id: &str) -> anyhow::Result<String> {
    paths.actor(store, &store.get(id)?)
}

pub fn assign(
    paths: &Paths,
    id: &str,
    inspector: &str,
    chapters: &[String],
) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    store.assign(&id, inspector, chapters, &lead(paths, &store, &id)?)?;
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
    store.link_previous(&id, previous.as_deref(), &lead(paths, &store, &id)?)?;
    match previous {
        Some(p) => outln!("检查 {id} 的上次评审设为 {p}；评审报告将包含「上次评审对比」。"),
        None => outln!("已取消检查 {id} 与上次评审的关联。"),
    }
    Ok(ExitCode::SUCCESS)
}

/// What `pingshen edit` was given.
#[derive(clap::Args, Debug)]
pub struct EditArgs {
    /// 检查编号（可只写开头几位）
    pub id: String,
    /// 机构名称
    #[arg(long)]
    pub institution: Option<String>,
    /// 所在区县，如 北京市东城区
    #[arg(long)]
    pub region: Option<String>,
    /// 机构类型
    #[arg(long = "type", value_name = "TYPE")]
    pub institution_type: Option<String>,
    /// 机构负责人
    #[arg(long)]
    pub head: Option<String>,
    /// 负责人联系电话
    #[arg(long)]
    pub phone: Option<String>,
    /// 评审类型：自评、区级评审、市级复核、省级抽查、回头看
    #[arg(long)]
    pub kind: Option<String>,
    /// 评审日期，如 2026-12-01、2026/12/1、20261201
    #[arg(long)]
    pub date: Option<String>,
    /// 评审专家（写多次；写了就替换原来的全部名单）。第一位是评审组长
    #[arg(long = "inspector")]
    pub inspectors: Vec<String>,
    /// 组织单位，如 某某区卫生健康委员会（印在报告封面）
    #[arg(long)]
    pub organiser: Option<String>,
    /// 综合评价 / 评审意见（可多行；印在报告签字栏之上）；写空字符串 "" 清除
    #[arg(long, value_name = "TEXT")]
    pub opinion: Option<String>,
}

pub fn edit(paths: &Paths, args: EditArgs) -> anyhow::Result<ExitCode> {
    let review_kind = match &args.kind {
        Some(k) => Some(pingshen::store::ReviewKind::parse(k).ok_or_else(|| {
            anyhow::anyhow!(
                "评审类型「{}」不认识：可选 {}",
                pingshen::text::for_terminal_line(k),
                pingshen::store::ReviewKind::ALL
                    .map(|k| k.label())
                    .join("、")
            )
        })?),
        None => None,
    };
    let store = paths.open_store()?;
    let id = store.resolve(&args.id)?;
    let edit = pingshen::store::InspectionEdit {
        name: args.institution,
        region: args.region,
        kind: args.institution_type,
        head: args.head,
        phone: args.phone,
        review_kind,
        date: args.date,
        inspectors: (!args.inspectors.is_empty()).then_some(args.inspectors),
        organiser: args.organiser,
        opinion: args.opinion,
    };
    let changed = store.edit(&id, edit, &lead(paths, &store, &id)?)?;
    if changed.is_empty() {
        outln!("检查 {id}：给出的内容与现有的相同，未改动。");
    } else {
        outln!("已保存：检查 {id} 的基本信息");
        for (label, old, new) in changed {
            let shown = |t: &str| {
                if t.is_empty() {
                    "（空）".to_string()
                } else {
                    t.to_string()
                }
            };
            if old.contains('\n') || new.contains('\n') {
                outln!(
                    "  {label}：\n    原来：{}\n    现在：{}",
                    shown(&old).replace('\n', "\n          "),
                    shown(&new).replace('\n', "\n          ")
                );
            } else {
                outln!("  {label}：{} → {}", shown(&old), shown(&new));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn merge(paths: &Paths, files: &[PathBuf], trust: bool) -> anyhow::Result<ExitCode> {
    let mut bundles = Vec::new();
    for f in files {
        bundles.push((f.display().to_string(), read_bundle(f)?));
    }
    let store = paths.open_store()?;
    let report = merge_trusting(paths, &store, &bundles, trust)?;
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
    let items = print_conflicts(&store, &report.inspection_id)?;
    outln!("\n以上 {items} 个条款的评分不一致，需要组长裁定（在裁定前显示的是最新的版本）。");
    outln!(
        "\n裁定：pingshen settle {} 条款编号 版本序号",
        report.inspection_id
    );
    Ok(ExitCode::SUCCESS)
}

/// Merges `bundles`; with `trust`, keys seen for the first time are accepted (and
/// remembered) first, each named with its fingerprint.
pub fn merge_trusting(
    paths: &Paths,
    store: &Store,
    bundles: &[(String, pingshen::store::Bundle)],
    trust: bool,
) -> anyhow::Result<pingshen::store::MergeReport> {
    let mut trusted = paths.trust()?;
    match store.merge(bundles, &trusted) {
        Err(StoreError::Untrusted { keys }) if trust && keys.iter().all(|k| !k.revoked) => {
            for k in &keys {
                errln!("接受 {} 的签名密钥 {}", k.name, k.key.fingerprint());
                trusted.trust(&k.name, k.key);
            }
            trusted.save()?;
            Ok(store.merge(bundles, &trusted)?)
        }
        other => Ok(other?),
    }
}

/// Prints each item in conflict with its versions; returns how many items.
fn print_conflicts(store: &Store, id: &str) -> anyhow::Result<usize> {
    let mut items: Vec<String> = store
        .conflicts(id)?
        .into_iter()
        .map(|c| c.item_id)
        .collect();
    items.dedup();
    for item in &items {
        outln!("条款 {item}");
        let rows: Vec<Vec<String>> = store
            .item_versions(id, item)?
            .iter()
            .enumerate()
            .map(|(i, v)| version_row(i, v))
            .collect();
        out!(
            "{}",
            table::render(
                &["  版本", "档次", "评分人", "时间", "备注", "整改意见"],
                &rows
            )
        );
    }
    Ok(items.len())
}

fn version_row(i: usize, v: &Version) -> Vec<String> {
    let a: &Assessment = &v.assessment;
    vec![
        format!("  {}", i + 1),
        a.grade.map_or("待评".into(), |g| g.label().to_string()),
        v.by.clone(),
        v.at.minute(),
        table::clip(&a.note, 30),
        table::clip(&a.corrective_action, 20),
    ]
}

pub fn conflicts(paths: &Paths, id: &str) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    if store.conflicts(&id)?.is_empty() {
        outln!("检查 {id} 没有待裁定的冲突。");
    } else {
        print_conflicts(&store, &id)?;
        outln!("\n裁定：pingshen settle {id} 条款编号 版本序号");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn settle(paths: &Paths, id: &str, item: &str, version: usize) -> anyhow::Result<ExitCode> {
    if version == 0 {
        bail!("版本序号从 1 开始（见 pingshen conflicts 的「版本」列）。");
    }
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let by = lead(paths, &store, &id)?;
    let a = store.settle(&id, item, version - 1, &by)?;
    outln!(
        "已裁定：检查 {id} 条款 {item} 取版本 {version}（{}）；其他版本记录在历史中。",
        a.grade.map_or("待评", |g| g.label())
    );
    Ok(ExitCode::SUCCESS)
}
