//! `pingshen compare OLD NEW`: what changed between two reviews of a facility.

use std::process::ExitCode;

use pingshen::scoring::{Trend, percent};

use super::{Paths, table};

pub fn run(paths: &Paths, old: &str, new: &str, all: bool, json: bool) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let (old, new) = (store.resolve(old)?, store.resolve(new)?);
    let cmp = store.comparison(&old, &new)?;
    if json {
        super::output::json(&cmp)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (o, n) = (store.get(&old)?, store.get(&new)?);
    outln!(
        "上次：{} {} {}（{}）",
        o.id,
        o.date,
        o.review_kind,
        o.institution.name
    );
    outln!(
        "本次：{} {} {}（{}）",
        n.id,
        n.date,
        n.review_kind,
        n.institution.name
    );
    outln!("评审结论：{} → {}\n", cmp.old_verdict, cmp.new_verdict);
    let share = |s: Option<f64>| s.map_or("—".to_string(), percent);
    let rows: Vec<Vec<String>> = cmp
        .chapters
        .iter()
        .map(|c| {
            vec![
                format!("{} {}", c.id, c.title),
                share(c.old_share),
                share(c.new_share),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(&["章", "上次达标率", "本次达标率"], &rows)
    );
    outln!(
        "\n条款：提升 {}，下降 {}，不变 {}，新增 {}，删除 {}，不可比 {}",
        cmp.count(Trend::Improved),
        cmp.count(Trend::Worse),
        cmp.count(Trend::Same),
        cmp.count(Trend::New),
        cmp.count(Trend::Removed),
        cmp.count(Trend::Incomparable)
    );
    let grade = |g: Option<pingshen::scoring::Grade>| {
        g.map_or("待评".to_string(), |g| g.label().to_string())
    };
    let rows: Vec<Vec<String>> = cmp
        .items
        .iter()
        .filter(|i| all || i.change != Trend::Same)
        .map(|i| {
            vec![
                i.id.clone(),
                table::clip(&i.title, 28),
                grade(i.old),
                grade(i.new),
                i.change.label().to_string(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        outln!();
        out!(
            "{}",
            table::render(&["条款", "名称", "上次", "本次", "变化"], &rows)
        );
    }
    Ok(ExitCode::SUCCESS)
}
