//! `pingshen list`: every inspection with its progress and verdict so far.

use std::process::ExitCode;

use pingshen::scoring::percent;

use super::{Paths, table};

pub fn run(paths: &Paths, json: bool) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let summaries = store.overviews()?;
    if json {
        super::output::json(&summaries)?;
        return Ok(ExitCode::SUCCESS);
    }
    if summaries.is_empty() {
        outln!(
            "还没有任何检查。用 `pingshen new --checklist community-2022 --institution … --region … --inspector …` 新建一个。"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let cells: Vec<Vec<String>> = summaries
        .iter()
        .map(|s| {
            let i = &s.inspection;
            let mut name = table::clip(&i.institution.name, 30);
            if i.sample {
                name.push_str("（示例）");
            }
            vec![
                i.id.clone(),
                name,
                i.institution.kind.clone(),
                i.review_kind.label().to_string(),
                i.date.to_string(),
                format!("{}/{} {}", s.graded, s.items, percent(s.progress())),
                s.verdict.clone(),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(
            &[
                "编号",
                "机构",
                "类型",
                "评审类型",
                "日期",
                "进度",
                "目前结论"
            ],
            &cells
        )
    );
    Ok(ExitCode::SUCCESS)
}
