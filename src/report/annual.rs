//! The district's annual statistics report ([`crate::district::annual`]) as tables —
//! one list shared by the terminal, the CSV, the workbook and the PDF — and as a PDF
//! laid out with the review report's engine and fonts: the statistics, the chapter
//! 达标率 chart, 附件1 and 附件2 each from a new page, 填报人 and phone at their foot.

use crate::district::annual::{Annual, HospitalRow};
use crate::scoring::percent;

use super::fonts::FontSet;
use super::layout::{Align, Flow, Geometry, Layout, Measure, Placed, Rgb, Role, Shape, TextStyle};
use super::page_frame::{Frame, frame};
use super::roster::{RECOMMENDED_HEADER, RECOMMENDED_TITLE, filler_line, region_and_name};
use super::sections::{BODY, CELL, CELL_BOLD, H1, chinese_number};
use super::table::{Cell, Row, Table};
use super::{Report, ReportError, ReportOptions, pdf};

/// 附件2's title after the year.
pub const HOSPITALS_TITLE: &str = "年新建社区医院情况汇总及名单";

/// A column: its header, its share of the width (PDF) and its alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub width: f32,
    pub align: Align,
}

fn cols(spec: &[(&str, f32, Align)]) -> Vec<Column> {
    spec.iter()
        .map(|(n, w, a)| Column {
            name: (*n).to_string(),
            width: *w,
            align: *a,
        })
        .collect()
}

/// Where a table starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// A numbered section of the statistics (一、…).
    Section,
    /// Under the section before it, with a heading of its own (附件2's 已建成名单).
    Under,
    /// An annex, from a new page: its label (附件1) above a centred title.
    Annex(&'static str),
}

/// One table of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualTable {
    /// The workbook's sheet name (at most 31 characters, none of `[]:*?/\`).
    pub sheet: &'static str,
    /// The title, numbered for a section (四、不达标条款排名).
    pub title: String,
    pub start: Start,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// The last row is a 合计 (set in bold).
    pub total: bool,
    /// Said in place of the rows when there are none.
    pub empty: &'static str,
    /// Lines under the table.
    pub notes: Vec<String>,
    /// 填报人 and phone below it (the annexes, which are filed on their own).
    pub filler: bool,
}

/// The district the report is of: the region asked for, or the one 区县 every
/// registered facility counted is in; none when they are in several.
pub fn district(a: &Annual) -> Option<String> {
    if let Some(r) = &a.region {
        return Some(r.trim().to_string());
    }
    let mut regions = a
        .standings
        .iter()
        .map(|s| &s.facility)
        .chain(&a.unreviewed)
        .map(|f| f.region.trim());
    let first = regions.next()?;
    (!first.is_empty() && regions.all(|r| r == first)).then(|| first.to_string())
}

/// The report's title: 北京市某区2026年度“优质服务基层行”活动统计.
pub fn title(a: &Annual) -> String {
    format!(
        "{}{}年度“优质服务基层行”活动统计",
        district(a).unwrap_or_default(),
        a.year
    )
}

/// A count and its share of `of` ("5（41.7%）"), or the count alone when `of` is 0.
fn count_share(n: usize, of: usize) -> String {
    if of == 0 {
        n.to_string()
    } else {
        format!("{n}（{}）", percent(n as f64 / of as f64))
    }
}

fn hospital_row(r: &HospitalRow) -> Vec<String> {
    vec![
        r.region.clone(),
        r.planned.map_or_else(|| "未填报".into(), |p| p.to_string()),
        r.built.to_string(),
        r.from_township.to_string(),
        r.from_centre.to_string(),
        r.ratio().map_or_else(|| "—".into(), percent),
    ]
}

/// Every table of the report, in order.
pub fn tables(a: &Annual) -> Vec<AnnualTable> {
    use Align::{Center as C, Left as L, Right as R};
    let mut out = Vec::new();
    let section = |sheet, title: &str, columns, rows, empty| AnnualTable {
        sheet,
        title: title.to_string(),
        start: Start::Section,
        columns,
        rows,
        total: false,
        empty,
        notes: Vec::new(),
        filler: false,
    };

    // 一 Facilities by type and verdict.
    let mut spec: Vec<(&str, f32, Align)> = vec![
        ("机构类型", 0.2, L),
        ("登记机构数", 0.1, R),
        ("已评审", 0.09, R),
        ("未评审", 0.09, R),
    ];
    let per = 0.52 / a.verdicts.len().max(1) as f32;
    spec.extend(a.verdicts.iter().map(|v| (v.as_str(), per, R)));
    let rows = a
        .kinds
        .iter()
        .map(|k| {
            let mut r = vec![
                k.kind.clone(),
                k.registered.to_string(),
                k.reviewed.to_string(),
                (k.registered - k.reviewed).to_string(),
            ];
            r.extend(k.by_verdict.iter().map(|n| count_share(*n, k.registered)));
            r
        })
        .collect();
    let mut t = section(
        "机构评审情况",
        "机构评审情况（按机构类型）",
        cols(&spec),
        rows,
        "机构名录里没有这个区县的机构。",
    );
    t.notes.push(
        "注：一家机构按本年度最近一次已完成的区级及以上评审（不含自评）计一次结论；括号内为占登记机构数的比例。"
            .into(),
    );
    if a.in_progress > 0 {
        t.notes.push(format!(
            "另有 {} 次本年度的评审尚未标记为已完成，未计入。",
            a.in_progress
        ));
    }
    if a.unlinked > 0 {
        t.notes.push(format!(
            "另有 {} 次本年度的检查尚未归入机构名录，未计入：运行 pingshen facility migrate。",
            a.unlinked
        ));
    }
    out.push(t);

    // 二 Targets.
    let rows = a
        .targets
        .iter()
        .map(|(t, o)| {
            vec![
                t.name.clone(),
                t.said(),
                format!("{}/{}", o.counted, o.covered),
                t.measured_said(o).unwrap_or_default(),
                match o.status {
                    crate::district::Status::Met => "已达到".to_string(),
                    crate::district::Status::Short(n) => format!("未达到，还差 {n} 家"),
                    crate::district::Status::NoFacilities => "没有应统计的机构".to_string(),
                },
            ]
        })
        .collect();
    out.push(section(
        "年度目标",
        "年度目标",
        cols(&[
            ("目标", 0.2, L),
            ("要求", 0.34, L),
            ("达到/应统计", 0.12, C),
            ("实测", 0.14, R),
            ("结果", 0.2, L),
        ]),
        rows,
        "这一年没有目标：在配置目录的 targets.toml 里写上（pingshen targets template）。",
    ));

    // 三 回头看.
    let rows = a
        .look_back
        .rows
        .iter()
        .map(|r| {
            vec![
                r.facility.name.clone(),
                r.facility.region.clone(),
                format!("{}（{}）", r.passed, r.passed_on),
                match &r.re_reviewed {
                    Some((d, v)) => format!("已回头看 {d}：{v}"),
                    None => "未回头看".to_string(),
                },
            ]
        })
        .collect();
    let done = a
        .look_back
        .rows
        .iter()
        .filter(|r| r.re_reviewed.is_some())
        .count();
    let mut t = section(
        "回头看",
        &format!(
            "回头看登记（{}年以前达标的机构）",
            a.look_back.passed_before
        ),
        cols(&[
            ("机构名称", 0.3, L),
            ("所在区县", 0.16, L),
            ("原评审结论", 0.27, L),
            ("回头看", 0.27, L),
        ]),
        rows,
        "没有在这一年以前达标的机构。",
    );
    if !a.look_back.rows.is_empty() {
        t.notes.push(format!(
            "{} 家以前达标的机构中，本年度已回头看 {done} 家（{}）。",
            a.look_back.rows.len(),
            percent(done as f64 / a.look_back.rows.len() as f64)
        ));
    }
    out.push(t);

    // 四 Failing items.
    let rows = a
        .failing
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                (i + 1).to_string(),
                format!("{}{}", f.item, if f.core { "★" } else { "" }),
                f.title.clone(),
                f.chapter.clone(),
                format!("{}/{}", f.facilities, f.of),
                percent(f.facilities as f64 / f.of.max(1) as f64),
            ]
        })
        .collect();
    let mut t = section(
        "不达标条款",
        "不达标条款排名",
        cols(&[
            ("名次", 0.07, C),
            ("条款", 0.1, L),
            ("名称", 0.35, L),
            ("所属章", 0.26, L),
            ("不达标机构", 0.12, C),
            ("占比", 0.1, R),
        ]),
        rows,
        "本年度的评审结论中没有不达标的条款。",
    );
    t.notes
        .push("注：占比为该条款不达标的机构占按同一清单评审的机构的比例；★为核心条款。".into());
    out.push(t);

    // 五 Chapter rates.
    let rows = a
        .chapters
        .iter()
        .map(|c| {
            vec![
                c.checklist.clone(),
                format!("{} {}", c.chapter, c.title),
                c.facilities.to_string(),
                format!("{}/{}", c.passed, c.applicable),
                c.rate().map(percent).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let mut t = section(
        "分章达标率",
        "分章达标率",
        cols(&[
            ("清单", 0.2, L),
            ("章", 0.38, L),
            ("机构数", 0.1, R),
            ("达标条款/适用条款", 0.18, C),
            ("达标率", 0.14, R),
        ]),
        rows,
        "本年度没有评审结论。",
    );
    t.notes.push(
        "注：达标率为各机构达到 C 档及以上的条款之和占适用条款（不含不适用）之和的比例。".into(),
    );
    out.push(t);

    // 六 Agreement.
    for g in &a.agreements {
        let first = g.first_kind.label();
        let second = g.second_kind.label();
        let mut rows: Vec<Vec<String>> = g
            .pairs
            .iter()
            .map(|p| {
                vec![
                    p.pair.facility.name.clone(),
                    format!("{}/{}", p.same, p.compared),
                    percent(p.same as f64 / p.compared.max(1) as f64),
                    p.higher.to_string(),
                ]
            })
            .collect();
        rows.push(vec![
            "合计".into(),
            format!("{}/{}", g.same(), g.compared()),
            percent(g.same() as f64 / g.compared().max(1) as f64),
            g.pairs.iter().map(|p| p.higher).sum::<usize>().to_string(),
        ]);
        let mut t = section(
            if g.first_kind == crate::store::ReviewKind::SelfAssessment {
                "一致性-自评与区级评审"
            } else {
                "一致性-区级评审与市级复核"
            },
            &format!(
                "{first}与{second}的一致性：{} 家机构，比对 {} 条，评分相同 {} 条（{}）",
                g.pairs.len(),
                g.compared(),
                g.same(),
                percent(g.same() as f64 / g.compared().max(1) as f64)
            ),
            cols(&[
                ("机构名称", 0.4, L),
                ("评分相同/比对条款", 0.22, C),
                ("一致率", 0.14, R),
                (&format!("{first}评分更高的条款"), 0.24, R),
            ]),
            rows,
            "",
        );
        t.total = true;
        if !g.items.is_empty() {
            t.notes.push(format!(
                "{first}评分高于{second}最多的条款：{}。",
                g.items
                    .iter()
                    .take(10)
                    .map(|(item, n)| format!("{item}（{n} 家）"))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        out.push(t);
    }

    // 附件1, as seed 004 lays it out.
    let rows = a
        .recommended
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                (i + 1).to_string(),
                region_and_name(&s.facility.region, &s.facility.name),
                s.facility.head.clone(),
                s.facility.phone.clone(),
            ]
        })
        .collect();
    let spec: Vec<(&str, f32, Align)> = RECOMMENDED_HEADER
        .iter()
        .zip([(0.09, C), (0.51, L), (0.17, L), (0.23, L)])
        .map(|(h, (w, al))| (*h, w, al))
        .collect();
    out.push(AnnualTable {
        sheet: "附件1",
        title: RECOMMENDED_TITLE.to_string(),
        start: Start::Annex("附件1"),
        columns: cols(&spec),
        rows,
        total: false,
        empty: "没有达到推荐标准的机构。",
        notes: Vec::new(),
        filler: true,
    });

    // 附件2.
    let h = &a.hospitals;
    let mut rows: Vec<Vec<String>> = h.rows.iter().map(hospital_row).collect();
    let total = !rows.is_empty();
    if total {
        rows.push(hospital_row(&h.total()));
    }
    let mut notes = vec![
        "注：已建成指经社区医院标准评价达标、执业许可证已加注社区医院名称；年度完成比例为已建成个数占拟新建个数的比例。拟新建个数取自配置目录 targets.toml 的 [[community_hospitals]]。"
            .to_string(),
    ];
    if !h.unevaluated.is_empty() {
        notes.push(format!(
            "另有 {} 家机构本年度已加注社区医院名称，但没有达到社区医院标准的评价记录，未计入：{}。",
            h.unevaluated.len(),
            h.unevaluated
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    out.push(AnnualTable {
        sheet: "附件2",
        title: format!("{}{HOSPITALS_TITLE}", a.year),
        start: Start::Annex("附件2"),
        columns: cols(&[
            ("行政区", 0.2, L),
            ("年度拟新建社区医院个数", 0.16, R),
            ("其中已建成个数", 0.16, R),
            ("其中由乡镇卫生院建成个数", 0.17, R),
            ("由社区卫生服务中心建成个数", 0.17, R),
            ("年度完成比例（%）", 0.14, R),
        ]),
        rows,
        total,
        empty: "这一年没有新建社区医院的计划，也没有建成的社区医院。",
        notes,
        filler: false,
    });
    let rows = h
        .built
        .iter()
        .enumerate()
        .map(|(i, b)| {
            vec![
                (i + 1).to_string(),
                b.region.clone(),
                region_and_name(&b.facility.region, &b.facility.name),
                b.facility.kind_text(),
                b.since.to_string(),
                format!("{}（{}）", b.verdict, b.evaluated),
            ]
        })
        .collect();
    out.push(AnnualTable {
        sheet: "附件2-已建成名单",
        title: "已建成名单".to_string(),
        start: Start::Under,
        columns: cols(&[
            ("序号", 0.07, C),
            ("行政区", 0.13, L),
            ("机构名称", 0.33, L),
            ("原机构类型", 0.15, L),
            ("加注社区医院名称", 0.13, C),
            ("社区医院评价", 0.19, L),
        ]),
        rows,
        total: false,
        empty: "本年度还没有建成的社区医院。",
        notes: Vec::new(),
        filler: true,
    });

    // Number the sections.
    let mut n = 0;
    for t in &mut out {
        if t.start == Start::Section {
            n += 1;
            t.title = format!("{}、{}", chinese_number(n), t.title);
        }
    }
    out
}

/// What the report's foot says.
#[derive(Debug, Clone, Default)]
pub struct Filler {
    pub name: String,
    pub phone: String,
}

const TITLE: TextStyle = TextStyle::new(super::layout::Weight::Bold, 16.0);
const ANNEX: TextStyle = TextStyle::new(super::layout::Weight::Bold, 12.0);
const SUB: TextStyle = TextStyle::new(super::layout::Weight::Bold, 11.0);
const NOTE: TextStyle = CELL.color(Rgb::GREY);

/// Lays the report out on A4 portrait.
pub fn lay_out(a: &Annual, filler: &Filler, m: &dyn Measure, generated_at: &str) -> Layout {
    let mut f = Flow::new(m, Geometry::A4);
    let title = title(a);
    f.paragraph(&title, TITLE, 0.0, Align::Center);
    let registered: usize = a.kinds.iter().map(|k| k.registered).sum();
    let reviewed: usize = a.kinds.iter().map(|k| k.reviewed).sum();
    f.paragraph(
        &format!(
            "机构名录 {registered} 家，本年度有评审结论 {reviewed} 家　{}生成于 {generated_at}",
            a.as_of
                .map(|d| format!("统计截至 {d}，"))
                .unwrap_or_default()
        ),
        BODY.color(Rgb::GREY),
        0.0,
        Align::Center,
    );
    f.advance(4.0);
    for t in tables(a) {
        match t.start {
            Start::Section => f.heading(&t.title, H1),
            Start::Under => {
                f.space(4.0);
                f.heading(&t.title, SUB);
            }
            Start::Annex(label) => {
                f.new_page();
                f.paragraph(label, ANNEX, 0.0, Align::Left);
                f.advance(4.0);
                f.paragraph(&t.title, TITLE, 0.0, Align::Center);
                f.advance(4.0);
            }
        }
        table(&mut f, &t);
        if t.sheet == "分章达标率" && !a.chapters.is_empty() {
            f.space(4.0);
            rate_chart(&mut f, a);
        }
        for note in &t.notes {
            f.space(1.5);
            f.paragraph(note, NOTE, 0.0, Align::Left);
        }
        if t.filler {
            filler_line(&mut f, &filler.name, &filler.phone);
        }
    }
    let head_left = match &district(a) {
        Some(r) => format!("{r} · {}年", a.year),
        None => format!("{}年", a.year),
    };
    let foot_left = format!("机构名录 {registered} 家");
    f.finish(|f, page, total| {
        frame(
            f,
            &Frame {
                head_left: &head_left,
                head_right: "年度统计",
                foot_left: &foot_left,
                generated_at,
            },
            page,
            total,
        )
    })
}

fn table(f: &mut Flow, t: &AnnualTable) {
    let last = t.rows.len().saturating_sub(1);
    let mut rows: Vec<Row> = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let style = if t.total && i == last {
                CELL_BOLD
            } else {
                CELL
            };
            Row::new(
                r.iter()
                    .zip(&t.columns)
                    .map(|(text, c)| Cell::new(text, style).align(c.align))
                    .collect(),
            )
        })
        .collect();
    if rows.is_empty() {
        rows.push(Row::spanning(
            Cell::new(t.empty, CELL.color(Rgb::GREY)).align(Align::Center),
            Rgb::WHITE,
        ));
    }
    f.table(&Table {
        widths: t.columns.iter().map(|c| c.width).collect(),
        header: Some(Row::new(
            t.columns
                .iter()
                .map(|c| {
                    Cell::new(&c.name, CELL_BOLD).align(match c.align {
                        Align::Left => Align::Left,
                        _ => Align::Center,
                    })
                })
                .collect(),
        )),
        rows,
        keep_together: false,
    });
}

const BAR: f32 = 5.0;
/// The scale under the bars.
const SCALE: f32 = 6.0;
const GAP: f32 = 2.5;
const LABEL_W: f32 = 62.0;
const CHART_LABEL: TextStyle = TextStyle::new(super::layout::Weight::Regular, 8.5);
const CHART_COUNT: TextStyle = TextStyle::new(super::layout::Weight::Regular, 7.5);
const BAR_FILL: Rgb = Rgb(0.12, 0.36, 0.60);
const BAR_TRACK: Rgb = Rgb(0.93, 0.93, 0.93);

/// One bar per chapter: its 达标率 over a 0–100% track, the figure at the bar's end.
fn rate_chart(f: &mut Flow, a: &Annual) {
    if a.chapters.is_empty() {
        return;
    }
    let several = a
        .chapters
        .iter()
        .any(|c| c.checklist != a.chapters[0].checklist);
    let labels: Vec<Vec<String>> = a
        .chapters
        .iter()
        .map(|c| {
            let text = if several {
                format!("{} 第{}章 {}", c.checklist, c.chapter, c.title)
            } else {
                format!("第{}章 {}", c.chapter, c.title)
            };
            f.wrap(&text, CHART_LABEL, LABEL_W)
        })
        .collect();
    let slots: Vec<f32> = labels
        .iter()
        .map(|l| BAR.max(l.len() as f32 * CHART_LABEL.line_height()))
        .collect();
    let left = f.geo.left;
    let bar_x = left + LABEL_W + 2.0;
    let bar_w = f.geo.content_width() - LABEL_W - 16.0;
    let line = |x, y, w, h| Placed {
        x,
        y,
        w,
        h,
        shape: Shape::Line {
            color: Rgb::GREY,
            width_pt: 0.5,
        },
        role: Role::Chart,
    };
    let rect = |x, y, w, h, fill| Placed {
        x,
        y,
        w,
        h,
        shape: Shape::Rect {
            fill: Some(fill),
            stroke: None,
        },
        role: Role::Chart,
    };
    // The whole chart on one page when it fits on one; a longer one breaks between
    // bars, and the scale always goes with the last bar.
    let whole = slots.iter().map(|s| s + GAP).sum::<f32>() + SCALE;
    if whole <= f.geo.content_height() {
        f.ensure(whole);
    }
    let last = a.chapters.len() - 1;
    for (i, ((c, lines), slot)) in a.chapters.iter().zip(&labels).zip(&slots).enumerate() {
        f.ensure(slot + GAP + if i == last { SCALE } else { 0.0 });
        let y = f.y();
        let label_h = lines.len() as f32 * CHART_LABEL.line_height();
        let mut ly = y + (slot - label_h) / 2.0;
        for l in lines {
            let b = f.text_box(left, ly, l, CHART_LABEL, Role::Chart);
            f.put(b);
            ly += CHART_LABEL.line_height();
        }
        let by = y + (slot - BAR) / 2.0;
        f.put(rect(bar_x, by, bar_w, BAR, BAR_TRACK));
        let rate = c.rate();
        let w = rate.unwrap_or(0.0) as f32 * bar_w;
        if w > 0.0 {
            f.put(rect(bar_x, by, w, BAR, BAR_FILL));
        }
        let text = rate.map(percent).unwrap_or_else(|| "—".into());
        let b = f.text_box(
            bar_x + bar_w + 1.5,
            by + (BAR - CHART_COUNT.line_height()) / 2.0,
            &text,
            CHART_COUNT,
            Role::Chart,
        );
        f.put(b);
        f.advance(slot + GAP);
    }
    // The scale: 0, 25, 50, 75, 100%.
    let y = f.y();
    f.put(line(bar_x, y, bar_w, 0.0));
    for q in 0..=4 {
        let x = bar_x + bar_w * q as f32 / 4.0;
        f.put(line(x, y, 0.0, 1.2));
        let text = format!("{}%", q * 25);
        let tw = f.text_width(&text, CHART_COUNT);
        let b = f.text_box(x - tw / 2.0, y + 1.6, &text, CHART_COUNT, Role::Chart);
        f.put(b);
    }
    f.advance(SCALE);
}

/// The report's fonts and layout, before the PDF is written.
pub struct PreparedAnnual {
    pub fonts: FontSet,
    pub layout: Layout,
}

pub fn prepare(
    a: &Annual,
    filler: &Filler,
    options: &ReportOptions,
) -> Result<PreparedAnnual, ReportError> {
    let generated_at = options.generated_at();
    let (fonts, layout) = super::layout::with_fonts(&options.fonts, |fonts| {
        lay_out(a, filler, fonts, &generated_at)
    })?;
    Ok(PreparedAnnual { fonts, layout })
}

/// The report as PDF bytes.
pub fn render(a: &Annual, filler: &Filler, options: &ReportOptions) -> Result<Report, ReportError> {
    let p = prepare(a, filler, options)?;
    let title = title(a);
    let mut info = pdf::DocInfo::now(&title, &filler.name, &title);
    info.keywords = ["年度统计", "优质服务基层行"]
        .into_iter()
        .map(str::to_string)
        .chain(district(a))
        .collect();
    let pdf = pdf::render(&p.layout, &p.fonts, &info, None);
    Ok(Report::finished(pdf, &p.layout, &p.fonts, None))
}

// ── The workbook ────────────────────────────────────────────────────────────────

/// The report's tables as a workbook (rust_xlsxwriter): one sheet a table, its title
/// in the first row, the header frozen under it; whole numbers and plain percentages
/// written as numbers, so the district can sum and sort them; 填报人 and phone under
/// the annexes.
pub fn workbook(a: &Annual, filler: &Filler) -> Result<Vec<u8>, String> {
    build_workbook(a, filler).map_err(|e| format!("无法生成工作簿（{e}）"))
}

/// A cell's text as a number when it is one: "12" → 12, "69.2%" → 0.692.
fn as_number(text: &str) -> Option<(f64, bool)> {
    let t = text.trim();
    if let Some(p) = t.strip_suffix('%') {
        return p
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|n| (n / 100.0, true));
    }
    (!t.is_empty() && t.len() <= 15 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<f64>().ok())
        .flatten()
        .map(|n| (n, false))
}

fn build_workbook(a: &Annual, filler: &Filler) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::checklist::workbook::{body_format, header_format};
    use rust_xlsxwriter::{Color, Format, Workbook};
    let mut wb = Workbook::new();
    let title_format = Format::new().set_bold().set_font_size(12);
    let header = header_format();
    let body = body_format();
    let bold = body.clone().set_bold();
    let share = body.clone().set_num_format("0.0%");
    let bold_share = share.clone().set_bold();
    let note = Format::new().set_font_color(Color::RGB(0x666666));
    for t in tables(a) {
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet)?;
        let title = match t.start {
            Start::Annex(label) => format!("{label}　{}", t.title),
            _ => t.title.clone(),
        };
        ws.write_string_with_format(0, 0, &title, &title_format)?;
        let mut widths: Vec<usize> = t
            .columns
            .iter()
            .map(|c| crate::text::cells(&c.name))
            .collect();
        for (col, c) in t.columns.iter().enumerate() {
            ws.write_string_with_format(1, col as u16, &c.name, &header)?;
        }
        ws.set_freeze_panes(2, 0)?;
        let last = t.rows.len().saturating_sub(1);
        for (i, r) in t.rows.iter().enumerate() {
            let row = 2 + i as u32;
            let total = t.total && i == last;
            for (col, text) in r.iter().enumerate() {
                if let Some(w) = widths.get_mut(col) {
                    *w = (*w).max(crate::text::cells(text));
                }
                let col = col as u16;
                match as_number(text) {
                    Some((n, true)) => ws.write_number_with_format(
                        row,
                        col,
                        n,
                        if total { &bold_share } else { &share },
                    )?,
                    Some((n, false)) => {
                        ws.write_number_with_format(row, col, n, if total { &bold } else { &body })?
                    }
                    None if text.is_empty() => ws,
                    None => ws.write_string_with_format(
                        row,
                        col,
                        text,
                        if total { &bold } else { &body },
                    )?,
                };
            }
        }
        let mut row = 2 + t.rows.len() as u32;
        if t.rows.is_empty() {
            ws.write_string_with_format(row, 0, t.empty, &note)?;
            row += 1;
        }
        for n in &t.notes {
            ws.write_string_with_format(row, 0, n, &note)?;
            row += 1;
        }
        if t.filler {
            row += 1;
            ws.write_string(row, 0, "填报人")?;
            ws.write_string(row, 1, &filler.name)?;
            ws.write_string(row, 2, "联系电话")?;
            ws.write_string(row, 3, &filler.phone)?;
        }
        for (col, w) in widths.into_iter().enumerate() {
            ws.set_column_width(col as u16, (w as f64 + 2.0).clamp(6.0, 50.0))?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::district::annual::{ChapterRate, FailingItem};
    use crate::report::layout::Fixed;

    fn annual(failing: usize, chapters: usize) -> Annual {
        Annual {
            year: 2026,
            failing: (0..failing)
                .map(|i| FailingItem {
                    checklist: "township-2022".into(),
                    item: format!("1.1.{i}"),
                    title: "条款".into(),
                    chapter: "功能任务与资源配置".into(),
                    core: false,
                    facilities: 1,
                    of: 2,
                })
                .collect(),
            chapters: (0..chapters)
                .map(|i| ChapterRate {
                    checklist: "township-2022".into(),
                    chapter: (i + 1).to_string(),
                    title: "功能任务与资源配置".into(),
                    facilities: 2,
                    passed: i,
                    applicable: 10,
                })
                .collect(),
            ..Annual::default()
        }
    }

    #[test]
    fn the_chart_and_its_scale_stay_on_one_page() {
        // Wherever the failing items leave the chart, it is never split from its
        // scale and, as it fits on a page, never split at all.
        for failing in 0..45 {
            let layout = lay_out(
                &annual(failing, 4),
                &Filler::default(),
                &Fixed,
                "2026-12-02",
            );
            let pages: Vec<usize> = layout
                .pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.boxes.iter().any(|b| b.role == Role::Chart))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(
                pages.len(),
                1,
                "{failing} failing items: chart on pages {pages:?}"
            );
        }
        // A chart longer than a page breaks between bars; the scale is with the last.
        let layout = lay_out(&annual(0, 80), &Filler::default(), &Fixed, "2026-12-02");
        let last_page_with_chart = layout
            .pages
            .iter()
            .rposition(|p| p.boxes.iter().any(|b| b.role == Role::Chart))
            .unwrap();
        let page = &layout.pages[last_page_with_chart];
        let bars = page
            .boxes
            .iter()
            .filter(|b| b.role == Role::Chart && matches!(b.shape, Shape::Rect { .. }))
            .count();
        let scale = page.boxes.iter().any(|b| {
            b.role == Role::Chart && matches!(&b.shape, Shape::Text { text, .. } if text == "100%")
        });
        assert!(bars > 0 && scale, "the scale alone on its page");
    }
}
