//! `pingshen phrases ID ITEM`: the 常用评语 an item offers, numbered in the order the
//! review app's menu shows them (one rule: [`pingshen::checklist::phrases::offered`]),
//! so `pingshen grade … --note-phrase N` adds the phrase numbered N here.

use std::process::ExitCode;

use pingshen::checklist::phrases::offered;
use pingshen::checklist::{Phrase, UserPhrases};
use pingshen::store::{Inspection, Store, StoreError};

use super::{Paths, table};

pub fn run(paths: &Paths, id: &str, item: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let inspection = store.get(&id)?;
    let item = item.trim();
    let phrases = offered_for(paths, &store, &inspection, item)?;
    if json {
        let value = serde_json::json!({
            "inspection": id,
            "item": item,
            "phrases": phrases.iter().enumerate().map(|(i, p)| serde_json::json!({
                "number": i + 1,
                "text": p.text,
                "source": p.source.label(),
                "uses": p.uses,
            })).collect::<Vec<_>>(),
        });
        super::output::json(&value)?;
        return Ok(ExitCode::SUCCESS);
    }
    if phrases.is_empty() {
        outln!("条款 {item} 没有常用评语。");
        outln!(
            "清单可以为每个条款列出常用评语；你自己的常用评语写在配置目录的 {}（写法见 README「常用评语」）。",
            mine_file(paths)
        );
        return Ok(ExitCode::SUCCESS);
    }
    outln!("条款 {item} 的常用评语（本次已用的在前，再是清单中的，最后是我的）：");
    let rows: Vec<Vec<String>> = phrases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                (i + 1).to_string(),
                p.source.label().to_string(),
                p.text.clone(),
            ]
        })
        .collect();
    out!("{}", table::render(&["序号", "来源", "评语"], &rows));
    outln!(
        "加到备注：pingshen grade {id} {item} --note-phrase 序号（加到整改意见用 --action-phrase 序号）。"
    );
    Ok(ExitCode::SUCCESS)
}

/// The phrases item `item` of `inspection` offers now, in order; the user's phrases
/// file read through its gate (its problems said on standard error, and then
/// only the checklist's phrases offered).
pub fn offered_for(
    paths: &Paths,
    store: &Store,
    inspection: &Inspection,
    item: &str,
) -> anyhow::Result<Vec<Phrase>> {
    let checklist = store.pinned(inspection)?;
    if checklist.find_item(item).is_none() {
        return Err(StoreError::UnknownItem {
            inspection: inspection.id.clone(),
            checklist: checklist.title.clone(),
            item: item.to_string(),
        }
        .into());
    }
    let (mine, problems) = UserPhrases::load(paths.config_dir.as_deref());
    if !problems.is_empty() {
        errln!("注意：常用评语文件有错误，其中的评语没有列出（清单中的常用评语照常列出）：\n");
        for p in &problems {
            errln!("{p}\n");
        }
    }
    let assessments = store.assessments(&inspection.id)?;
    Ok(offered(
        &checklist,
        item,
        &mine,
        assessments.values().flat_map(|a| a.written()),
    ))
}

/// The user's phrases file as named in messages.
fn mine_file(paths: &Paths) -> String {
    match &paths.config_dir {
        Some(dir) => dir
            .join(pingshen::checklist::phrases::PHRASES_FILE)
            .display()
            .to_string(),
        None => pingshen::checklist::phrases::PHRASES_FILE.to_string(),
    }
}
