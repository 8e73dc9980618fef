//! The district's roster of reviews, and the 附件1 list of facilities that reached
//! 推荐标准: the rows (shared by the CLI's table, CSV and PDF) and the PDF, laid out
//! with the report's engine (tables with repeated headers, page frame, fonts).

use crate::scoring::percent;
use crate::store::Overview;

use super::fonts::FontSet;
use super::layout::{
    Align, Flow, Geometry, Layout, Measure, Placed, Rgb, Role, Shape, TextStyle, Weight,
};
use super::page_frame::{Frame, frame};
use super::sections::{BODY, CELL, CELL_BOLD};
use super::table::{Cell, Row, Table};
use super::{Report, ReportError, ReportOptions, pdf};

/// 附件1: 序号 / 机构名称（区名+机构名称）/ 机构负责人 / 联系手机.
pub const RECOMMENDED_HEADER: [&str; 4] = [
    "序号",
    "机构名称（区名+机构名称）",
    "机构负责人",
    "联系手机",
];
pub const ROSTER_HEADER: [&str; 10] = [
    "序号",
    "区县",
    "机构名称",
    "机构类型",
    "评审类型",
    "评审日期",
    "进度",
    "评审结论",
    "机构负责人",
    "联系电话",
];

/// The 附件1 title.
pub const RECOMMENDED_TITLE: &str = "达到服务能力推荐标准的机构名单";
pub const ROSTER_TITLE: &str = "服务能力评审名单";

/// 区名+机构名称 as 附件1 wants it, without saying the district twice when the name
/// already begins with it: 北京市东城区 + 东城区和平里社区卫生服务中心 gives
/// 北京市东城区和平里社区卫生服务中心, and a name that begins with the whole region is
/// kept as it is.
pub fn region_and_name(region: &str, name: &str) -> String {
    let region = region.trim();
    let name = name.trim();
    // The longest end of the region (two characters or more) that begins the name.
    let overlap = region
        .char_indices()
        .map(|(i, _)| &region[i..])
        .find(|end| end.chars().count() >= 2 && name.starts_with(end))
        .map_or(0, str::len);
    format!("{}{name}", &region[..region.len() - overlap])
}

/// The rows of the 附件1 list, numbered from 1.
pub fn recommended_rows(rows: &[Overview]) -> Vec<Vec<String>> {
    rows.iter()
        .enumerate()
        .map(|(i, s)| {
            let inst = &s.inspection.institution;
            vec![
                (i + 1).to_string(),
                region_and_name(&inst.region, &inst.name),
                inst.head.clone(),
                inst.phone.clone(),
            ]
        })
        .collect()
}

/// The rows of the roster under [`ROSTER_HEADER`], numbered from 1.
pub fn roster_rows(rows: &[Overview]) -> Vec<Vec<String>> {
    rows.iter()
        .enumerate()
        .map(|(i, s)| {
            let insp = &s.inspection;
            vec![
                (i + 1).to_string(),
                insp.institution.region.clone(),
                insp.institution.name.clone(),
                insp.institution.kind.clone(),
                insp.review_kind.label().to_string(),
                insp.date.to_string(),
                percent(s.progress()),
                s.verdict.clone(),
                insp.institution.head.clone(),
                insp.institution.phone.clone(),
            ]
        })
        .collect()
}

/// Which list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterKind {
    /// Every selected review with its verdict (landscape).
    All,
    /// 附件1, with its foot 填报人 / 联系电话 (portrait).
    Recommended {
        filler: String,
        filler_phone: String,
    },
}

/// A roster ready to lay out: no I/O.
#[derive(Debug, Clone)]
pub struct Roster {
    pub kind: RosterKind,
    /// How the reviews were selected, e.g. 「区县：东城区；年份：2026」; printed in
    /// each page's header. Empty: all.
    pub selection: String,
    pub rows: Vec<Vec<String>>,
}

impl Roster {
    /// The roster of `summaries` (already selected and ordered).
    pub fn new(kind: RosterKind, summaries: &[Overview], selection: impl Into<String>) -> Roster {
        let rows = match kind {
            RosterKind::All => roster_rows(summaries),
            RosterKind::Recommended { .. } => recommended_rows(summaries),
        };
        Roster {
            kind,
            selection: selection.into(),
            rows,
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            RosterKind::All => ROSTER_TITLE,
            RosterKind::Recommended { .. } => RECOMMENDED_TITLE,
        }
    }

    pub fn header(&self) -> &'static [&'static str] {
        match self.kind {
            RosterKind::All => &ROSTER_HEADER,
            RosterKind::Recommended { .. } => &RECOMMENDED_HEADER,
        }
    }
}

const TITLE: TextStyle = TextStyle::new(Weight::Bold, 16.0);
const ANNEX: TextStyle = TextStyle::new(Weight::Bold, 12.0);
const FOOT_LABEL: TextStyle = TextStyle::new(Weight::Bold, 10.5);
const FOOT_VALUE: TextStyle = TextStyle::new(Weight::Regular, 10.5);

/// Lays the roster out: A4 landscape for the full roster, portrait for 附件1.
pub fn lay_out(roster: &Roster, m: &dyn Measure, generated_at: &str) -> Layout {
    let recommended = matches!(roster.kind, RosterKind::Recommended { .. });
    let geo = if recommended {
        Geometry::A4
    } else {
        Geometry::A4_LANDSCAPE
    };
    let mut f = Flow::new(m, geo);
    if recommended {
        f.paragraph("附件1", ANNEX, 0.0, Align::Left);
        f.advance(4.0);
    }
    f.paragraph(roster.title(), TITLE, 0.0, Align::Center);
    if !recommended {
        let count = format!("共 {} 条评审记录", roster.rows.len());
        let line = if roster.selection.is_empty() {
            count
        } else {
            format!("{}　{count}", roster.selection)
        };
        f.paragraph(&line, BODY.color(Rgb::GREY), 0.0, Align::Center);
    }
    f.advance(4.0);

    let (widths, aligns): (Vec<f32>, Vec<Align>) = if recommended {
        use Align::*;
        (vec![0.09, 0.51, 0.17, 0.23], vec![Center, Left, Left, Left])
    } else {
        use Align::*;
        (
            vec![0.05, 0.12, 0.19, 0.12, 0.075, 0.085, 0.05, 0.11, 0.08, 0.11],
            vec![
                Center, Left, Left, Left, Left, Center, Right, Left, Left, Left,
            ],
        )
    };
    let mut rows: Vec<Row> = roster
        .rows
        .iter()
        .map(|r| {
            Row::new(
                r.iter()
                    .zip(&aligns)
                    .map(|(text, a)| Cell::new(text, CELL).align(*a))
                    .collect(),
            )
        })
        .collect();
    if rows.is_empty() {
        rows.push(Row::spanning(
            Cell::new(
                if recommended {
                    "没有符合条件的机构。"
                } else {
                    "没有符合条件的评审记录。"
                },
                CELL.color(Rgb::GREY),
            )
            .align(Align::Center),
            Rgb::WHITE,
        ));
    }
    f.table(&Table {
        widths,
        header: Some(Row::new(
            roster
                .header()
                .iter()
                .zip(&aligns)
                .map(|(h, a)| {
                    Cell::new(*h, CELL_BOLD).align(match a {
                        Align::Left => Align::Left,
                        _ => Align::Center,
                    })
                })
                .collect(),
        )),
        rows,
        keep_together: false,
    });

    match &roster.kind {
        RosterKind::Recommended {
            filler,
            filler_phone,
        } => filler_line(&mut f, filler, filler_phone),
        RosterKind::All => {
            f.space(2.0);
            f.paragraph(
                "注：评审结论按各次评审目前的评分、依所用清单的规则判定；进度为已评条款占全部条款的比例，\
                 未评完的评审其结论可能随评分变化。",
                CELL.color(Rgb::GREY),
                0.0,
                Align::Left,
            );
        }
    }

    let title = roster.title();
    let selection = if roster.selection.is_empty() {
        "未筛选（全部）".to_string()
    } else {
        roster.selection.clone()
    };
    let foot = if recommended {
        format!("共 {} 个机构", roster.rows.len())
    } else {
        format!("共 {} 条评审记录", roster.rows.len())
    };
    f.finish(|f, page, total| {
        frame(
            f,
            &Frame {
                head_left: &selection,
                head_right: title,
                foot_left: &foot,
                generated_at,
            },
            page,
            total,
        )
    })
}

/// 填报人：…  联系电话：… below the table; an empty value leaves a line to write on.
pub(super) fn filler_line(f: &mut Flow, filler: &str, phone: &str) {
    let h = FOOT_VALUE.line_height();
    f.space(8.0);
    f.ensure(h);
    let y = f.y();
    let mut x = f.geo.left;
    for (label, value, blank) in [("填报人：", filler, 40.0), ("联系电话：", phone, 45.0)]
    {
        let b = f.text_box(x, y, label, FOOT_LABEL, Role::Body);
        x += b.w + 1.0;
        f.put(b);
        let value = value.trim();
        let w = if value.is_empty() {
            f.put(Placed {
                x,
                y: y + h,
                w: blank,
                h: 0.0,
                shape: Shape::Line {
                    color: Rgb::BLACK,
                    width_pt: 0.5,
                },
                role: Role::Body,
            });
            blank
        } else {
            let b = f.text_box(x, y, value, FOOT_VALUE, Role::Body);
            let w = b.w;
            f.put(b);
            w
        };
        x += w + 16.0;
    }
    f.advance(h);
}

/// The roster's fonts and layout, before the PDF is written.
pub struct PreparedRoster {
    pub fonts: FontSet,
    pub layout: Layout,
}

pub fn prepare(roster: &Roster, options: &ReportOptions) -> Result<PreparedRoster, ReportError> {
    let generated_at = options.generated_at();
    let (fonts, layout) = super::layout::with_fonts(&options.fonts, |fonts| {
        lay_out(roster, fonts, &generated_at)
    })?;
    Ok(PreparedRoster { fonts, layout })
}

/// The roster as PDF bytes.
pub fn render(roster: &Roster, options: &ReportOptions) -> Result<Report, ReportError> {
    let p = prepare(roster, options)?;
    let info = pdf::DocInfo::now(roster.title(), "", roster.title());
    let pdf = pdf::render(&p.layout, &p.fonts, &info, None);
    Ok(Report::finished(pdf, &p.layout, &p.fonts, None))
}

#[cfg(test)]
mod tests {
    use super::region_and_name;

    #[test]
    fn the_district_is_said_once() {
        let r = "北京市东城区";
        assert_eq!(
            region_and_name(r, "和平里社区卫生服务中心"),
            "北京市东城区和平里社区卫生服务中心"
        );
        assert_eq!(
            region_and_name(r, "东城区和平里社区卫生服务中心"),
            "北京市东城区和平里社区卫生服务中心"
        );
        assert_eq!(
            region_and_name(r, "北京市东城区和平里社区卫生服务中心"),
            "北京市东城区和平里社区卫生服务中心"
        );
        // One shared character is not a district name.
        assert_eq!(region_and_name("某县", "县医院"), "某县县医院");
        assert_eq!(
            region_and_name("", "和平里社区卫生服务中心"),
            "和平里社区卫生服务中心"
        );
    }
}
