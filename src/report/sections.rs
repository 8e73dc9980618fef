//! The report's sections in order, laid out with the [`Flow`] engine: cover, basic
//! facts, verdict, chapter statistics with the chart, the comparison with the previous
//! review when there is one, 不达标 items, 整改清单, the full item table, the evidence
//! index, 综合评价 and the signature block; then the page header and footer (and a
//! draft's watermark).

use crate::scoring::percent;

use super::layout::{
    Align, Flow, Geometry, Layout, Measure, Placed, Rgb, Role, Shape, TextStyle, Weight,
};
use super::model::Document;
use super::signatures::{signature_height, signatures};
use super::table::{Cell, Row, Table};
use super::{chart, page_frame, previous};

pub const BODY: TextStyle = TextStyle::new(Weight::Regular, 10.0);
pub const CELL: TextStyle = TextStyle::new(Weight::Regular, 9.0);
pub const CELL_BOLD: TextStyle = TextStyle::new(Weight::Bold, 9.0);
pub(super) const H1: TextStyle = TextStyle::new(Weight::Bold, 14.0);

pub(super) const RED: Rgb = Rgb(0.75, 0.12, 0.1);
pub(super) const GREEN: Rgb = Rgb(0.1, 0.45, 0.2);
pub(super) const GROUP_FILL: Rgb = Rgb(0.95, 0.96, 0.98);

/// A section number as written in Chinese reports: 一 … 十, 十一 … 九十九.
pub(super) fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", DIGITS[n / 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// The space between the chapter table and its chart.
const CHART_GAP: f32 = 5.0;

/// Lays out the whole report.
pub fn lay_out(doc: &Document, m: &dyn Measure) -> Layout {
    let mut f = Flow::new(m, Geometry::A4);
    cover(&mut f, doc);
    f.new_page();
    let mut n = 0;
    let mut heading = |f: &mut Flow, title: &str| {
        n += 1;
        f.heading(&format!("{}、{title}", chinese_number(n)), H1);
    };
    heading(&mut f, "基本信息");
    basic_facts(&mut f, doc);
    heading(&mut f, "评审结论");
    verdict(&mut f, doc);
    heading(&mut f, "分章统计");
    let stats = chapter_table(doc);
    // The table, the chart and its note stay with their heading, on one page.
    f.ensure(chapter_block_height(&f, doc, &stats));
    f.table(&stats);
    chapter_notes(&mut f, doc);
    if let Some(previous) = &doc.previous {
        heading(&mut f, "上次评审对比");
        previous::compare_previous(&mut f, doc, previous);
    }
    heading(&mut f, "不达标条款及整改意见");
    failing(&mut f, doc);
    heading(&mut f, "整改清单");
    actions(&mut f, doc);
    heading(&mut f, "条款明细");
    item_table(&mut f, doc);
    heading(&mut f, "佐证材料索引");
    evidence(&mut f, doc);
    heading(&mut f, "综合评价");
    opinion(&mut f, doc);
    heading(&mut f, "评审签字");
    // The whole signature block on one page with its heading.
    f.ensure(signature_height(&f, doc));
    signatures(&mut f, doc);
    f.finish(|f, page, total| page_frame::decorate(f, doc, page, total))
}

fn cover(f: &mut Flow, doc: &Document) {
    let i = &doc.inspection;
    f.advance(48.0);
    let name = TextStyle::new(Weight::Bold, 22.0);
    let title = TextStyle::new(Weight::Bold, 26.0);
    f.paragraph(&i.institution.name, name, 0.0, Align::Center);
    f.advance(4.0);
    f.paragraph(&doc.report_title, title, 0.0, Align::Center);
    if i.sample {
        f.paragraph("（示例）", BODY.color(Rgb::GREY), 0.0, Align::Center);
    }
    f.advance(30.0);
    let label = TextStyle::new(Weight::Bold, 12.0);
    let value = TextStyle::new(Weight::Regular, 12.0);
    let mut lines = vec![
        ("所在区县", or_dash(&i.institution.region).to_string()),
        ("评审类型", i.review_kind.label().to_string()),
        ("评审日期", chinese_date(&i.date)),
        ("组织单位", or_dash(&i.organiser).to_string()),
        (
            "评审依据",
            format!("《{}》", doc.checklist_title.trim_matches(['《', '》'])),
        ),
        ("清单版本", doc.checklist_version.clone()),
        ("评审组长", i.lead().unwrap_or("—").to_string()),
    ];
    if !i.experts().is_empty() {
        lines.push(("评审专家", i.experts().join("、")));
    }
    let x_label = f.geo.left + 22.0;
    let x_value = x_label + 28.0;
    let max = f.geo.width - f.geo.right - 22.0 - x_value;
    for (l, v) in lines {
        f.ensure(value.line_height());
        let b = f.text_box(x_label, f.y(), &format!("{l}："), label, Role::Body);
        f.put(b);
        for line in f.wrap(&v, value, max) {
            f.ensure(value.line_height());
            let b = f.text_box(x_value, f.y(), &line, value, Role::Body);
            f.put(b);
            f.advance(value.line_height());
        }
        f.advance(3.0);
    }
}

/// 2026-11-23 as 2026年11月23日.
pub(super) fn chinese_date(date: &crate::time::Date) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

fn kv_table(f: &mut Flow, pairs: &[(&str, String)]) {
    let rows = pairs
        .iter()
        .map(|(k, v)| Row::new(vec![Cell::new(*k, CELL_BOLD), Cell::new(or_dash(v), CELL)]))
        .collect();
    f.table(&Table {
        widths: vec![0.2, 0.8],
        header: None,
        rows,
        keep_together: true,
    });
}

fn basic_facts(f: &mut Flow, doc: &Document) {
    let i = &doc.inspection;
    let sha = &i.checklist.sha256;
    kv_table(
        f,
        &[
            ("机构名称", i.institution.name.clone()),
            ("所在区县", i.institution.region.clone()),
            ("机构类型", i.institution.kind.clone()),
            ("机构负责人", i.institution.head.clone()),
            ("联系电话", i.institution.phone.clone()),
            ("评审类型", i.review_kind.label().to_string()),
            ("评审日期", chinese_date(&i.date)),
            ("组织单位", i.organiser.clone()),
            ("评审组长", i.lead().unwrap_or_default().to_string()),
            ("评审专家", i.experts().join("、")),
            ("评审依据", doc.checklist_title.clone()),
            (
                "清单版本",
                format!(
                    "{} 版本 {}（sha256 {}）",
                    i.checklist.id,
                    doc.checklist_version,
                    &sha[..sha.len().min(16)]
                ),
            ),
            ("清单来源", doc.checklist_source.clone()),
            ("检查编号", i.id.clone()),
            ("报告状态", doc.finality.state()),
        ],
    );
}

/// A provisional verdict's colour: neither the green of a verdict reached nor the red
/// of one missed.
const AMBER: Rgb = Rgb(0.55, 0.38, 0.0);

fn verdict(f: &mut Flow, doc: &Document) {
    let eval = &doc.evaluation;
    let reached = eval.winner.is_some();
    let provisional = doc.finality.provisional();
    let (color, fill) = match (&provisional, reached) {
        (Some(_), _) => (AMBER, Rgb(0.99, 0.96, 0.88)),
        (None, true) => (GREEN, Rgb(0.92, 0.97, 0.93)),
        (None, false) => (RED, Rgb(0.99, 0.93, 0.92)),
    };
    let style = TextStyle::new(Weight::Bold, 16.0).color(color);
    let note = TextStyle::new(Weight::Bold, 11.0).color(color);
    let h = if provisional.is_some() { 21.0 } else { 15.0 };
    f.ensure(h);
    let (x, y, w) = (f.geo.left, f.y(), f.geo.content_width());
    f.put(Placed {
        x,
        y,
        w,
        h,
        shape: Shape::Rect {
            fill: Some(fill),
            stroke: Some(color),
        },
        role: Role::Body,
    });
    let text = format!("评审结论：{}", eval.verdict);
    let tw = f.text_width(&text, style);
    let lines_h = style.line_height() + provisional.as_ref().map_or(0.0, |_| note.line_height());
    let top = y + (h - lines_h) / 2.0;
    let b = f.text_box(x + (w - tw) / 2.0, top, &text, style, Role::Body);
    f.put(b);
    if let Some(p) = &provisional {
        let pw = f.text_width(p, note);
        let b = f.text_box(
            x + (w - pw) / 2.0,
            top + style.line_height(),
            p,
            note,
            Role::Body,
        );
        f.put(b);
    }
    f.advance(h + 3.0);

    let t = &doc.total;
    let mut summary = format!(
        "共 {} 条条款：A {} 条，B {} 条，C {} 条，不达标 {} 条，不适用 {} 条",
        t.total(),
        t.a,
        t.b,
        t.c,
        t.d,
        t.na
    );
    if t.pending > 0 && doc.finality.is_final() {
        summary.push_str(&format!("，待评 {} 条（按未达到计算）", t.pending));
    } else if t.pending > 0 {
        summary.push_str(&format!(
            "，待评 {} 条（待评条款按未达到计算，结论可能随评分变化）",
            t.pending
        ));
    }
    summary.push_str("。结论按清单规定的规则自上而下判定：第一条全部条件满足的规则即为评审结论。");
    f.paragraph(&summary, BODY, 0.0, Align::Left);
    f.space(2.0);

    let mut rows = Vec::new();
    for (i, rule) in eval.rules.iter().enumerate() {
        let state = if eval.winner == Some(i) {
            "条件全部满足（评审结论）"
        } else if rule.held {
            "条件全部满足"
        } else {
            "未满足"
        };
        rows.push(Row::spanning(
            Cell::new(
                match &rule.description {
                    Some(d) => format!("{}：{state}（{d}）", rule.name),
                    None => format!("{}：{state}", rule.name),
                },
                CELL_BOLD,
            ),
            GROUP_FILL,
        ));
        for c in &rule.conditions {
            let measured = match c.share {
                Some(s) => format!(
                    "{}（{}/{}）",
                    percent(s),
                    c.reached,
                    c.selected.applicable()
                ),
                None => "无适用条款".to_string(),
            };
            let (mark, color) = if c.held {
                ("✓ 满足", GREEN)
            } else {
                ("× 未满足", RED)
            };
            rows.push(Row::new(vec![
                Cell::new(&c.description, CELL),
                Cell::new(measured, CELL).align(Align::Right),
                Cell::new(format!("≥ {}", percent(c.min_share)), CELL).align(Align::Right),
                Cell::new(mark, CELL.color(color)).align(Align::Center),
            ]));
        }
    }
    f.table(&Table {
        widths: vec![0.52, 0.2, 0.12, 0.16],
        header: Some(Row::new(vec![
            Cell::new("条件", CELL_BOLD),
            Cell::new("实测", CELL_BOLD).align(Align::Right),
            Cell::new("要求", CELL_BOLD).align(Align::Right),
            Cell::new("结果", CELL_BOLD).align(Align::Center),
        ])),
        rows,
        keep_together: true,
    });
    next_goal(f, doc);
}

/// What the next better verdict still needs: each failing condition with how many
/// more items it wants, then the items that do not reach their grade yet.
fn next_goal(f: &mut Flow, doc: &Document) {
    let Some(goal) = doc.goal.as_ref().filter(|g| !g.is_met()) else {
        return;
    };
    f.space(3.0);
    f.paragraph(
        &format!("距「{}」还差：", goal.name),
        CELL_BOLD,
        0.0,
        Align::Left,
    );
    for s in &goal.shortfalls {
        f.paragraph(
            &format!("{}：还差 {} 条", s.description, s.missing),
            BODY,
            4.0,
            Align::Left,
        );
    }
    let ids: Vec<String> = goal
        .gaps
        .iter()
        .map(|g| format!("{}{}", g.item_id, if g.core { "★" } else { "" }))
        .collect();
    f.paragraph(
        &format!("未达到要求的条款（{} 条）：{}", ids.len(), ids.join("、")),
        BODY,
        4.0,
        Align::Left,
    );
}

fn chapter_table(doc: &Document) -> Table {
    let num = |n: usize| Cell::new(n.to_string(), CELL).align(Align::Center);
    let rate = |r: Option<f64>, style: TextStyle| {
        Cell::new(r.map_or("—".into(), percent), style).align(Align::Center)
    };
    let mut rows: Vec<Row> = doc
        .chapters
        .iter()
        .map(|ch| {
            let c = &ch.counts;
            Row::new(vec![
                Cell::new(format!("第{}章 {}", ch.id, ch.title), CELL),
                num(c.total()),
                num(c.a),
                num(c.b),
                num(c.c),
                num(c.d),
                num(c.na),
                num(c.pending),
                rate(ch.pass_rate(), CELL),
            ])
        })
        .collect();
    let t = &doc.total;
    let bold = |n: usize| Cell::new(n.to_string(), CELL_BOLD).align(Align::Center);
    rows.push(
        Row::new(vec![
            Cell::new("合计", CELL_BOLD),
            bold(t.total()),
            bold(t.a),
            bold(t.b),
            bold(t.c),
            bold(t.d),
            bold(t.na),
            bold(t.pending),
            rate(t.share_at_least(crate::checklist::Level::C), CELL_BOLD),
        ])
        .fill(GROUP_FILL),
    );
    let head = |s: &str| Cell::new(s, CELL_BOLD).align(Align::Center);
    Table {
        widths: vec![0.33, 0.07, 0.07, 0.07, 0.07, 0.08, 0.08, 0.08, 0.15],
        header: Some(Row::new(vec![
            Cell::new("章", CELL_BOLD),
            head("条款"),
            head("A"),
            head("B"),
            head("C"),
            head("不达标"),
            head("不适用"),
            head("待评"),
            head("达标率"),
        ])),
        rows,
        keep_together: true,
    }
}

/// The chart, and what 达标率 and the chart show.
fn chapter_notes(f: &mut Flow, doc: &Document) {
    f.space(CHART_GAP);
    chart::grade_chart(f, &doc.chapters);
    f.space(1.0);
    f.paragraph(CHART_NOTE, CHART_NOTE_STYLE, 0.0, Align::Left);
}

const CHART_NOTE: &str = "注：达标率为达到 C 档及以上的条款占适用条款（不含不适用）的比例，待评条款按未达到计算；\
                          图中每一横条为一章的全部条款，按档次分段并标注条数。";
const CHART_NOTE_STYLE: TextStyle = CELL.color(Rgb::GREY);

/// The chapter table, the chart and the note under it: kept on one page.
fn chapter_block_height(f: &Flow, doc: &Document, stats: &Table) -> f32 {
    let note = f
        .wrap(CHART_NOTE, CHART_NOTE_STYLE, f.geo.content_width())
        .len() as f32
        * CHART_NOTE_STYLE.line_height();
    f.table_height(stats) + CHART_GAP + chart::chart_height(f, &doc.chapters) + 1.0 + note
}

pub(super) fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

fn failing(f: &mut Flow, doc: &Document) {
    if doc.failing.is_empty() {
        f.paragraph("本次评审没有评为不达标的条款。", BODY, 0.0, Align::Left);
        return;
    }
    f.paragraph(
        &format!(
            "共 {} 条条款评为不达标（未达到 C 档要求）{}。",
            doc.failing.len(),
            match doc.failing.iter().filter(|i| i.core).count() {
                0 => String::new(),
                n => format!("，其中核心条款（★）{n} 条"),
            }
        ),
        BODY,
        0.0,
        Align::Left,
    );
    f.space(2.0);
    let rows = doc
        .failing
        .iter()
        .map(|it| {
            let star = if it.core { "★ " } else { "" };
            let mut item = Cell::new(format!("{star}{}", it.title), CELL_BOLD)
                .then(format!("未达到的要求（C档）：{}", it.criterion), CELL);
            if !it.figures.is_empty() {
                item = item.then(figure_refs(&it.figures), CELL);
            }
            Row::new(vec![
                Cell::new(&it.id, CELL_BOLD),
                item,
                Cell::new(or_dash(&it.note), CELL),
                Cell::new(or_dash(&it.corrective_action), CELL),
            ])
        })
        .collect();
    f.table(&Table {
        widths: vec![0.09, 0.37, 0.27, 0.27],
        header: Some(Row::new(vec![
            Cell::new("编号", CELL_BOLD),
            Cell::new("条款及未达到的要求", CELL_BOLD),
            Cell::new("评审发现", CELL_BOLD),
            Cell::new("整改意见", CELL_BOLD),
        ])),
        rows,
        keep_together: false,
    });
}

/// 整改清单: every item with an 整改意见, whatever its grade.
fn actions(f: &mut Flow, doc: &Document) {
    if doc.actions.is_empty() {
        f.paragraph("本次评审没有提出整改意见。", BODY, 0.0, Align::Left);
        return;
    }
    let failing = doc
        .actions
        .iter()
        .filter(|a| a.grade == Some(crate::scoring::Grade::D))
        .count();
    f.paragraph(
        &format!(
            "共 {} 条条款提出整改意见{}。",
            doc.actions.len(),
            match failing {
                0 => String::new(),
                n => format!("，其中评为不达标的 {n} 条"),
            }
        ),
        BODY,
        0.0,
        Align::Left,
    );
    f.space(2.0);
    let rows = doc
        .actions
        .iter()
        .map(|a| {
            let star = if a.core { "★ " } else { "" };
            let title = if a.title.is_empty() {
                "（已不在当前清单中）".to_string()
            } else {
                format!("{star}{}", a.title)
            };
            let grade = a.grade.map_or("待评", |g| g.label());
            let grade_style = if a.grade == Some(crate::scoring::Grade::D) {
                CELL_BOLD.color(RED)
            } else {
                CELL
            };
            Row::new(vec![
                Cell::new(&a.item_id, CELL_BOLD),
                Cell::new(title, CELL),
                Cell::new(grade, grade_style).align(Align::Center),
                Cell::new(&a.text, CELL),
                Cell::new(or_dash(&a.plan.owner), CELL),
                Cell::new(a.plan.due_text(), CELL).align(Align::Center),
                Cell::new(a.plan.status.label(), CELL).align(Align::Center),
            ])
        })
        .collect();
    f.table(&Table {
        widths: vec![0.08, 0.21, 0.08, 0.29, 0.12, 0.13, 0.09],
        header: Some(Row::new(vec![
            Cell::new("编号", CELL_BOLD),
            Cell::new("条款", CELL_BOLD),
            Cell::new("档次", CELL_BOLD).align(Align::Center),
            Cell::new("整改意见", CELL_BOLD),
            Cell::new("责任科室", CELL_BOLD),
            Cell::new("整改期限", CELL_BOLD).align(Align::Center),
            Cell::new("状态", CELL_BOLD).align(Align::Center),
        ])),
        rows,
        keep_together: false,
    });
}

/// The table of every item; its id is the item table's `Role` number.
fn item_table(f: &mut Flow, doc: &Document) -> usize {
    let mut rows = Vec::new();
    let groups = doc.items.iter().map(|g| (g.title.as_str(), &g.rows));
    let orphans = (!doc.orphans.is_empty()).then_some(("已不在当前清单中的条款", &doc.orphans));
    for (title, items) in groups.chain(orphans) {
        rows.push(Row::spanning(Cell::new(title, CELL_BOLD), GROUP_FILL));
        for it in items {
            let grade_style = if it.failed {
                CELL_BOLD.color(RED)
            } else if it.grade == "待评" {
                CELL.color(Rgb::GREY)
            } else {
                CELL
            };
            let kind = if it.core {
                format!("{}★", it.tier)
            } else {
                it.tier.clone()
            };
            rows.push(Row::new(vec![
                Cell::new(&it.id, CELL),
                Cell::new(&it.title, CELL),
                Cell::new(kind, CELL).align(Align::Center),
                Cell::new(&it.grade, grade_style).align(Align::Center),
                Cell::new(&it.note, CELL),
                Cell::new(&it.action, CELL),
            ]));
        }
    }
    f.table(&Table {
        widths: vec![0.08, 0.22, 0.08, 0.08, 0.33, 0.21],
        header: Some(Row::new(vec![
            Cell::new("编号", CELL_BOLD),
            Cell::new("条款", CELL_BOLD),
            Cell::new("类别", CELL_BOLD).align(Align::Center),
            Cell::new("档次", CELL_BOLD).align(Align::Center),
            Cell::new("备注（评审发现）", CELL_BOLD),
            Cell::new("整改意见", CELL_BOLD),
        ])),
        rows,
        keep_together: false,
    })
}

/// 佐证：图 3、图 4.
pub fn figure_refs(figures: &[usize]) -> String {
    let refs: Vec<String> = figures.iter().map(|n| format!("图 {n}")).collect();
    format!("佐证：{}", refs.join("、"))
}

/// The sub-heading over the files that are listed, not shown.
const SUBHEADING: TextStyle = TextStyle::new(Weight::Bold, 11.0);

/// The photos as numbered figures with their captions, then every other file (of
/// another kind, missing on this laptop, or a picture that cannot be shown) listed
/// with its name, size and hash.
fn evidence(f: &mut Flow, doc: &Document) {
    use super::photos::EvidenceView;
    if doc.evidence.is_empty() {
        f.paragraph("本次评审未登记佐证材料。", BODY, 0.0, Align::Left);
        return;
    }
    let (photos, others): (Vec<_>, Vec<_>) = doc.evidence.iter().partition(|e| e.figure.is_some());
    let mut summary = format!("共 {} 份佐证材料", doc.evidence.len());
    match photos.len() {
        0 => {}
        1 => summary.push_str("，照片 1 张（图 1）"),
        n => summary.push_str(&format!("，照片 {n} 张（图 1—图 {n}）")),
    }
    if !others.is_empty() {
        let missing = others
            .iter()
            .filter(|e| e.view == EvidenceView::Missing)
            .count();
        summary.push_str(&format!("，其他文件 {} 份", others.len()));
        if missing > 0 {
            summary.push_str(&format!("（其中本机缺失 {missing} 份）"));
        }
    }
    summary.push('。');
    f.paragraph(&summary, BODY, 0.0, Align::Left);
    f.space(3.0);
    super::figures::figures(f, &photos);
    if others.is_empty() {
        return;
    }
    if !photos.is_empty() {
        f.heading("其他佐证文件", SUBHEADING);
    }
    let small = TextStyle::new(Weight::Regular, 8.0);
    let rows = others
        .iter()
        .map(|e| {
            let mut file = Cell::new(&e.path, CELL);
            match &e.view {
                EvidenceView::Missing => {
                    file = file.then("缺失（本机没有这个文件）", CELL_BOLD.color(RED));
                }
                EvidenceView::Unreadable(why) => {
                    file = file.then(format!("（{why}）"), CELL.color(Rgb::GREY));
                }
                EvidenceView::File | EvidenceView::Photo(_) => {}
            }
            let size = if e.size > 0 {
                crate::store::size_text(e.size)
            } else {
                "—".to_string()
            };
            Row::new(vec![
                Cell::new(&e.item_id, CELL),
                file,
                Cell::new(size, CELL).align(Align::Right),
                Cell::new(&e.sha256, small),
            ])
        })
        .collect();
    f.table(&Table {
        widths: vec![0.09, 0.37, 0.1, 0.44],
        header: Some(Row::new(vec![
            Cell::new("条款", CELL_BOLD),
            Cell::new("文件", CELL_BOLD),
            Cell::new("大小", CELL_BOLD).align(Align::Right),
            Cell::new("SHA-256 校验值", CELL_BOLD),
        ])),
        rows,
        keep_together: false,
    });
}

/// Ruled lines for a 综合评价 written by hand when none was recorded.
const BLANK_LINES: usize = 4;
const BLANK_LINE_GAP: f32 = 9.0;

/// 综合评价: the inspection's own text, or lines to write it by hand.
fn opinion(f: &mut Flow, doc: &Document) {
    let text = doc.inspection.opinion.trim();
    if !text.is_empty() {
        for para in text.split('\n') {
            if para.trim().is_empty() {
                f.space(BODY.line_height() / 2.0);
            } else {
                f.paragraph(para, BODY, 0.0, Align::Left);
            }
        }
        return;
    }
    f.paragraph(
        "（未在 pingshen 中填写，由评审组在下列空白处手写。）",
        CELL.color(Rgb::GREY),
        0.0,
        Align::Left,
    );
    f.ensure(BLANK_LINES as f32 * BLANK_LINE_GAP);
    for _ in 0..BLANK_LINES {
        f.advance(BLANK_LINE_GAP);
        let y = f.y();
        f.put(Placed {
            x: f.geo.left,
            y,
            w: f.geo.content_width(),
            h: 0.0,
            shape: Shape::Line {
                color: Rgb::RULE,
                width_pt: 0.4,
            },
            role: Role::Body,
        });
    }
    f.advance(2.0);
}
