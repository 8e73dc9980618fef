//! `pingshen show`: an inspection's items, roll-ups and verdict with its reasons.

use std::fmt::Write;
use std::process::ExitCode;

use pingshen::checklist::{Level, Tier};
use pingshen::scoring::{Counts, Evaluation, Goal, Rollup, evaluate, next_goal, percent, rollup};

use super::{Paths, table};

pub fn run(paths: &Paths, id: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = paths.open_store()?;
    let id = store.resolve(id)?;
    let inspection = store.get(&id)?;
    let checklist = store.pinned(&inspection)?;
    let assessments = store.assessments(&id)?;
    let grade_of = |item: &str| assessments.get(item).and_then(|a| a.grade);
    let roll = rollup(&checklist, grade_of);
    let eval = evaluate(&checklist, grade_of);
    let goal = next_goal(&checklist, &eval, grade_of);
    let orphans: Vec<_> = assessments
        .values()
        .filter(|a| checklist.find_item(&a.item_id).is_none())
        .collect();

    if json {
        let value = serde_json::json!({
            "inspection": inspection,
            "assessments": assessments,
            "rollup": roll,
            "evaluation": eval,
            "next_goal": goal,
            "orphaned": orphans,
        });
        super::output::json(&value)?;
        return Ok(ExitCode::SUCCESS);
    }

    let i = &inspection;
    let mut out = String::new();
    writeln!(
        out,
        "检查 {}  {}{}",
        i.id,
        i.institution.name,
        if i.sample { "（示例）" } else { "" }
    )?;
    writeln!(
        out,
        "  {} · {} · {} · {}",
        i.institution.region, i.institution.kind, i.review_kind, i.date
    )?;
    writeln!(
        out,
        "  机构负责人 {} {}  评审专家 {}",
        i.institution.head,
        i.institution.phone,
        i.inspectors.join("、")
    )?;
    let register = store.facilities();
    let facility = match (&i.facility, &register) {
        (None, _) if i.sample => String::new(),
        (None, _) => {
            "  机构名录：尚未归入（pingshen facility migrate 或 facility assign）\n".into()
        }
        (Some(id), Ok(r)) => match r.resolve(id) {
            Some(f) => format!(
                "  机构名录：{} {}（{}，{}）{}\n",
                f.id,
                f.name,
                f.region,
                f.kind_text(),
                if f.community_hospital.is_some() {
                    format!("  社区医院：{}", f.community_hospital_text())
                } else {
                    String::new()
                }
            ),
            None => format!("  机构名录：编号 {id} 在本机的名录中没有\n"),
        },
        (Some(id), Err(e)) => format!("  机构名录：编号 {id}（名录无法读取：{e}）\n"),
    };
    out.push_str(&facility);
    writeln!(
        out,
        "  评审组长 {}  组织单位 {}",
        i.lead().unwrap_or("—"),
        if i.organiser.is_empty() {
            "—"
        } else {
            &i.organiser
        }
    )?;
    writeln!(
        out,
        "  清单 {} 版本 {} sha256 {}  状态 {}",
        i.checklist.id,
        i.checklist.version,
        &i.checklist.sha256[..8],
        i.status.label()
    )?;

    writeln!(out, "  清单来源 {}", checklist.source)?;

    writeln!(out, "\n条款明细")?;
    let rows: Vec<Vec<String>> = checklist
        .items()
        .map(|(_, _, it)| {
            let a = assessments.get(&it.id);
            vec![
                it.id.clone(),
                if it.core { "★".into() } else { String::new() },
                match it.tier {
                    Tier::Basic => "基本",
                    Tier::Recommended => "推荐",
                }
                .into(),
                table::clip(&it.title, 28),
                a.and_then(|a| a.grade)
                    .map_or("待评".into(), |g| g.label().to_string()),
                a.map_or(String::new(), |a| table::clip(&a.note, 36)),
                a.map_or(String::new(), |a| table::clip(&a.corrective_action, 30)),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &["编号", "★", "类别", "条款", "档次", "备注", "整改意见"],
        &rows,
    ));

    let actions = pingshen::store::corrective_actions(&checklist, &assessments);
    if !actions.is_empty() {
        writeln!(out, "\n整改清单（{} 条）", actions.len())?;
        for a in &actions {
            writeln!(
                out,
                "  {}{} {}  {}",
                a.item_id,
                if a.core { "★" } else { "" },
                a.grade.map_or("待评", |g| g.label()),
                if a.title.is_empty() {
                    "（已不在当前清单中）".to_string()
                } else {
                    table::clip(&a.title, 40)
                }
            )?;
            for line in a.text.lines() {
                writeln!(out, "      {line}")?;
            }
            let overdue = if a.plan.overdue(pingshen::time::today()) {
                "（已逾期）"
            } else {
                ""
            };
            writeln!(out, "      {}{overdue}", a.plan.summary())?;
        }
    }

    match store.previous_actions(i, &assessments)? {
        pingshen::store::PreviousActions::None => {}
        pingshen::store::PreviousActions::Missing { id } => writeln!(
            out,
            "\n上次评审 {id} 不在本机，看不到它的整改意见（可导入它的导出文件后再看）。"
        )?,
        pingshen::store::PreviousActions::Found {
            inspection: old,
            actions,
        } => {
            writeln!(
                out,
                "\n上次评审（{} {}）的整改意见落实情况",
                old.id, old.date
            )?;
            for p in &actions {
                let a = &p.action;
                writeln!(
                    out,
                    "  {}  {}  {}{}",
                    a.item_id,
                    pingshen::store::follow_up_text(p.found),
                    table::clip(&a.text.replace('\n', " "), 40),
                    if p.in_checklist {
                        ""
                    } else {
                        "（本次清单中没有这一条）"
                    }
                )?;
            }
            writeln!(
                out,
                "  {}",
                pingshen::store::FollowUpCounts::of(&actions).sentence()
            )?;
        }
    }

    if !orphans.is_empty() {
        writeln!(out, "\n已不在当前清单中的条款（换用新版清单后保留的评分）")?;
        for a in &orphans {
            writeln!(
                out,
                "  {} {} {}",
                a.item_id,
                a.grade.map_or("待评", |g| g.label()),
                table::clip(&a.note, 40)
            )?;
        }
    }

    let evidence: Vec<(&str, &pingshen::store::Evidence)> = checklist
        .items()
        .filter_map(|(_, _, it)| assessments.get(&it.id))
        .flat_map(|a| a.evidence.iter().map(|e| (a.item_id.as_str(), e)))
        .collect();
    if !evidence.is_empty() {
        writeln!(out, "\n佐证材料")?;
        for (item, e) in evidence {
            let present = store.evidence_file(&e.sha256).is_some();
            writeln!(out, "  {item:<8}{}", e.shown(present))?;
        }
    }

    writeln!(out, "\n分章统计")?;
    out.push_str(&chapter_table(&roll));
    writeln!(out)?;
    out.push_str(&explain(&eval));
    if let Some(goal) = &goal {
        out.push_str(&explain_goal(goal));
    }
    if !i.opinion.is_empty() {
        writeln!(out, "\n综合评价")?;
        for line in i.opinion.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    out!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn chapter_table(roll: &Rollup) -> String {
    let row = |label: String, c: &Counts| {
        vec![
            label,
            c.total().to_string(),
            c.a.to_string(),
            c.b.to_string(),
            c.c.to_string(),
            c.d.to_string(),
            c.na.to_string(),
            c.pending.to_string(),
            c.share_at_least(Level::C).map_or("—".into(), percent),
        ]
    };
    let mut rows: Vec<Vec<String>> = roll
        .chapters
        .iter()
        .map(|ch| row(format!("{} {}", ch.id, ch.title), &ch.counts))
        .collect();
    rows.push(row("合计".into(), &roll.total));
    table::render(
        &[
            "章",
            "条款",
            "A",
            "B",
            "C",
            "不达标",
            "不适用",
            "待评",
            "达标率(≥C)",
        ],
        &rows,
    )
}

/// The verdict and, for every rule, each condition measured against its threshold.
pub fn explain(eval: &Evaluation) -> String {
    let mut out = format!("评审结论：{}\n", eval.verdict);
    for rule in &eval.rules {
        let _ = writeln!(
            out,
            "  {}：{}{}",
            rule.name,
            if rule.held {
                "条件全部满足"
            } else {
                "未满足"
            },
            rule.description
                .as_ref()
                .map_or(String::new(), |d| format!("（{d}）"))
        );
        for c in &rule.conditions {
            let measured = match c.share {
                Some(s) => format!(
                    "实测 {}（{}/{}）",
                    percent(s),
                    c.reached,
                    c.selected.applicable()
                ),
                None => "无适用条款".to_string(),
            };
            let _ = writeln!(
                out,
                "    {} {}：{}，要求 ≥ {}",
                if c.held { "✓" } else { "✗" },
                c.description,
                measured,
                percent(c.min_share)
            );
        }
    }
    out
}

/// What keeps the inspection from the next verdict: each failing condition with how
/// many more items it needs, then the items that do not reach their grade yet.
pub fn explain_goal(goal: &Goal) -> String {
    let mut out = format!("\n距「{}」还差\n", goal.name);
    if goal.is_met() {
        out.push_str("  各项条件均已满足。\n");
        return out;
    }
    for s in &goal.shortfalls {
        let _ = writeln!(out, "  {}：还差 {} 条", s.description, s.missing);
    }
    let _ = writeln!(out, "  未达到要求的条款（{} 条）", goal.gaps.len());
    for g in &goal.gaps {
        let _ = writeln!(
            out,
            "    {}{} {}  现为 {}，需 {} 档及以上",
            g.item_id,
            if g.core { "★" } else { "" },
            table::clip(&g.title, 28),
            g.grade.map_or("待评", |g| g.label()),
            g.needs.letter()
        );
    }
    out
}
