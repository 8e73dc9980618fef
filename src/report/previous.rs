//! The report's 上次评审对比 section: this review against the facility's earlier one.

use crate::scoring::{Grade, Trend, percent};

use super::layout::{Align, Flow, Rgb, TextStyle, Weight};
use super::model::{Document, PreviousComparison, PreviousReview};
use super::sections::{BODY, CELL, CELL_BOLD, GREEN, GROUP_FILL, RED, chinese_date, or_dash};
use super::table::{Cell, Row, Table};

/// A heading inside the section.
const H2: TextStyle = TextStyle::new(Weight::Bold, 11.0);

/// 上次评审对比: the two reviews side by side, 达标率 per chapter then and now, how
/// many items rose or fell, and the items that changed.
pub(super) fn compare_previous(f: &mut Flow, doc: &Document, previous: &PreviousReview) {
    let p = match previous {
        PreviousReview::Missing { id } => {
            f.paragraph(
                &format!(
                    "关联的上次评审（检查编号 {id}）不在本机数据中，无法对比；\
                     导入其导出文件后可重新生成报告。"
                ),
                BODY,
                0.0,
                Align::Left,
            );
            return;
        }
        PreviousReview::Compared(p) => p,
    };
    let i = &doc.inspection;
    let c = &p.comparison;
    let head = |s: &str| Cell::new(s, CELL_BOLD).align(Align::Center);
    let pair = |k: &str, old: String, new: String| {
        Row::new(vec![
            Cell::new(k, CELL_BOLD),
            Cell::new(or_dash(&old), CELL),
            Cell::new(or_dash(&new), CELL),
        ])
    };
    let verdict_style = |v: &str| {
        let best = doc.evaluation.rules.first().is_some_and(|r| r.name == v);
        let reached = doc.evaluation.rules.iter().any(|r| r.name == v);
        CELL_BOLD.color(if best {
            GREEN
        } else if reached {
            Rgb::BLACK
        } else {
            RED
        })
    };
    f.table(&Table {
        widths: vec![0.2, 0.4, 0.4],
        header: Some(Row::new(vec![
            Cell::new("", CELL_BOLD),
            Cell::new("上次评审", CELL_BOLD),
            Cell::new("本次评审", CELL_BOLD),
        ])),
        rows: vec![
            pair("检查编号", p.id.clone(), i.id.clone()),
            pair("评审日期", chinese_date(&p.date), chinese_date(&i.date)),
            pair(
                "评审类型",
                p.kind.clone(),
                i.review_kind.label().to_string(),
            ),
            pair(
                "清单版本",
                p.checklist_version.clone(),
                doc.checklist_version.clone(),
            ),
            Row::new(vec![
                Cell::new("评审结论", CELL_BOLD),
                Cell::new(&c.old_verdict, verdict_style(&c.old_verdict)),
                Cell::new(&c.new_verdict, verdict_style(&c.new_verdict)),
            ]),
        ],
        keep_together: true,
    });
    f.space(4.0);

    // 达标率 per chapter.
    let rate = |r: Option<f64>, style: TextStyle| {
        Cell::new(r.map_or("—".into(), percent), style).align(Align::Center)
    };
    let delta = |o: Option<f64>, n: Option<f64>, bold: bool| {
        let style = if bold { CELL_BOLD } else { CELL };
        match (o, n) {
            (Some(o), Some(n)) => {
                let d = ((n - o) * 1000.0).round() / 10.0;
                let (text, color) = if d > 0.0 {
                    (format!("+{d:.1} 个百分点"), GREEN)
                } else if d < 0.0 {
                    (format!("{d:.1} 个百分点"), RED)
                } else {
                    ("持平".to_string(), Rgb::BLACK)
                };
                Cell::new(text, style.color(color)).align(Align::Center)
            }
            _ => Cell::new("—", style).align(Align::Center),
        }
    };
    let mut rows: Vec<Row> = c
        .chapters
        .iter()
        .map(|ch| {
            Row::new(vec![
                Cell::new(format!("第{}章 {}", ch.id, ch.title), CELL),
                rate(ch.old_share, CELL),
                rate(ch.new_share, CELL),
                delta(ch.old_share, ch.new_share, false),
            ])
        })
        .collect();
    rows.push(
        Row::new(vec![
            Cell::new("合计", CELL_BOLD),
            rate(p.old_share, CELL_BOLD),
            rate(p.new_share, CELL_BOLD),
            delta(p.old_share, p.new_share, true),
        ])
        .fill(GROUP_FILL),
    );
    f.table(&Table {
        widths: vec![0.46, 0.18, 0.18, 0.18],
        header: Some(Row::new(vec![
            Cell::new("章", CELL_BOLD),
            head("上次达标率"),
            head("本次达标率"),
            head("变化"),
        ])),
        rows,
        keep_together: true,
    });
    f.space(4.0);

    // How many items moved which way.
    let kinds = [
        (Trend::Improved, "提升"),
        (Trend::Worse, "下降"),
        (Trend::Same, "不变"),
        (Trend::New, "新增条款"),
        (Trend::Removed, "删除条款"),
        (Trend::Incomparable, "不可比"),
    ];
    f.table(&Table {
        widths: vec![1.0; kinds.len()],
        header: Some(Row::new(kinds.iter().map(|(_, l)| head(l)).collect())),
        rows: vec![Row::new(
            kinds
                .iter()
                .map(|(k, _)| Cell::new(c.count(*k).to_string(), CELL).align(Align::Center))
                .collect(),
        )],
        keep_together: true,
    });
    f.space(1.0);
    f.paragraph(
        "注：按条款编号对照两次评审。档次按 A＞B＞C＞不达标 比较；一方为不适用或待评、另一方不是时为不可比；\
         新增、删除条款指只在本次或只在上次清单中的条款。",
        CELL.color(Rgb::GREY),
        0.0,
        Align::Left,
    );
    f.space(3.0);
    changed_items(f, p);
    f.space(4.0);
    followed_up(f, p);
}

/// 上次整改意见落实情况: the earlier review's open 整改意见, each with what this review
/// found, and the counts.
fn followed_up(f: &mut Flow, p: &PreviousComparison) {
    f.heading("上次整改意见落实情况", H2);
    let counts = crate::store::FollowUpCounts::of(&p.actions);
    let sentence = counts.sentence();
    if p.actions.is_empty() {
        f.paragraph(&sentence, BODY, 0.0, Align::Left);
        return;
    }
    f.paragraph(&sentence, BODY, 0.0, Align::Left);
    f.space(2.0);
    let rows = p
        .actions
        .iter()
        .map(|x| {
            let a = &x.action;
            let found = crate::store::follow_up_text(x.found);
            let style = match x.found {
                Some(crate::store::FollowUp::Done) => CELL_BOLD.color(GREEN),
                Some(crate::store::FollowUp::Partly) => CELL_BOLD,
                Some(crate::store::FollowUp::NotDone) => CELL_BOLD.color(RED),
                None => CELL.color(Rgb::GREY),
            };
            let mut title = a.title.clone();
            if !x.in_checklist {
                title.push_str("（本次清单中无此条）");
            }
            Row::new(vec![
                Cell::new(&a.item_id, CELL),
                Cell::new(title, CELL),
                Cell::new(&a.text, CELL),
                Cell::new(
                    format!("{}\n{}", or_dash(&a.plan.owner), a.plan.due_text()),
                    CELL,
                ),
                Cell::new(found, style).align(Align::Center),
            ])
        })
        .collect();
    f.table(&Table {
        widths: vec![0.08, 0.24, 0.40, 0.14, 0.14],
        header: Some(Row::new(vec![
            Cell::new("编号", CELL_BOLD),
            Cell::new("条款", CELL_BOLD),
            Cell::new("上次整改意见", CELL_BOLD),
            Cell::new("责任科室 / 期限", CELL_BOLD),
            Cell::new("本次核查", CELL_BOLD).align(Align::Center),
        ])),
        rows,
        keep_together: false,
    });
}

/// The items whose grade changed, with both grades.
fn changed_items(f: &mut Flow, p: &PreviousComparison) {
    let changed: Vec<_> = p.changed().collect();
    if changed.is_empty() {
        f.paragraph("两次评审各条款的档次没有变化。", BODY, 0.0, Align::Left);
        return;
    }
    // "—": the item is not in that review's checklist; 待评: it is, but was not graded.
    let grade = |g: Option<Grade>, absent: bool| match (g, absent) {
        (_, true) => "—".to_string(),
        (None, false) => "待评".to_string(),
        (Some(g), false) => g.label().to_string(),
    };
    let rows = changed
        .iter()
        .map(|it| {
            let color = match it.change {
                Trend::Improved => GREEN,
                Trend::Worse => RED,
                _ => Rgb::GREY,
            };
            Row::new(vec![
                Cell::new(&it.id, CELL),
                Cell::new(&it.title, CELL),
                Cell::new(grade(it.old, it.change == Trend::New), CELL).align(Align::Center),
                Cell::new(grade(it.new, it.change == Trend::Removed), CELL).align(Align::Center),
                Cell::new(it.change.label(), CELL_BOLD.color(color)).align(Align::Center),
            ])
        })
        .collect();
    f.paragraph(
        &format!("档次有变化的条款共 {} 条：", changed.len()),
        BODY,
        0.0,
        Align::Left,
    );
    f.space(2.0);
    f.table(&Table {
        widths: vec![0.09, 0.49, 0.13, 0.13, 0.16],
        header: Some(Row::new(vec![
            Cell::new("编号", CELL_BOLD),
            Cell::new("条款", CELL_BOLD),
            Cell::new("上次档次", CELL_BOLD).align(Align::Center),
            Cell::new("本次档次", CELL_BOLD).align(Align::Center),
            Cell::new("变化", CELL_BOLD).align(Align::Center),
        ])),
        rows,
        keep_together: false,
    });
}
