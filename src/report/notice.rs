//! 整改通知书: the corrective actions the facility receives after the review, one row
//! an action, grouped by 责任科室 ([`crate::store::by_owner`]), each with its 整改期限
//! and status, then the lines to sign: the 评审组长 who issues it, the head of the
//! institution who receives it, and the organising unit's 盖章 box. Same engine and
//! page frame as the report; a draft carries the same watermark.

use super::layout::{Align, Flow, Geometry, Layout, Measure, TextStyle, Weight};
use super::model::Document;
use super::page_frame::{self, Frame};
use super::sections::{BODY, CELL, CELL_BOLD, chinese_date, chinese_number};
use super::signatures::{sign_block_height, sign_rows, stamp};
use super::table::{Cell, Row, Table};

pub const NOTICE_TITLE: &str = "整改通知书";

const TITLE: TextStyle = TextStyle::new(Weight::Bold, 20.0);
const H2: TextStyle = TextStyle::new(Weight::Bold, 12.0);
const SIGN_INTRO: &str = "评审组长签发；机构负责人签收，并组织各责任科室按期整改。";
/// The record seal's line, as on the report's signature page.
const SEAL: TextStyle = CELL.color(super::layout::Rgb::GREY);

/// The paragraph that opens the notice: who reviewed what, when, and what is asked.
fn opening(doc: &Document) -> String {
    let i = &doc.inspection;
    let by = if i.organiser.trim().is_empty() {
        "评审专家组".to_string()
    } else {
        format!("{}评审专家组", i.organiser.trim())
    };
    let report_to = if i.organiser.trim().is_empty() {
        "评审组织单位".to_string()
    } else {
        i.organiser.trim().to_string()
    };
    format!(
        "{}，{by}依据《{}》对你单位开展了{}。现将评审中提出的整改意见共 {} 条通知如下，\
         请各责任科室逐条落实，在整改期限内完成整改，并将整改情况书面报送{report_to}。\
         整改落实情况将在下次评审（回头看、复核）中逐条核查。",
        chinese_date(&i.date),
        doc.checklist_title.trim_matches(['《', '》']),
        i.review_kind.label(),
        doc.actions.len(),
    )
}

/// Lays out the 整改通知书 of `doc`.
pub fn lay_out_notice(doc: &Document, m: &dyn Measure) -> Layout {
    let i = &doc.inspection;
    let mut f = Flow::new(m, Geometry::A4);
    f.paragraph(NOTICE_TITLE, TITLE, 0.0, Align::Center);
    f.space(6.0);
    f.paragraph(
        &format!("{}：", i.institution.name),
        TextStyle::new(Weight::Bold, 11.0),
        0.0,
        Align::Left,
    );
    f.space(2.0);
    f.paragraph(&opening(doc), BODY, 7.0, Align::Left);
    if !doc.finality.is_final() {
        f.space(2.0);
        f.paragraph(
            &format!("本通知书为{}；评审完成后请重新生成。", doc.finality.state()),
            CELL.color(super::sections::RED),
            0.0,
            Align::Left,
        );
    }
    f.space(5.0);
    if doc.actions.is_empty() {
        f.paragraph("本次评审没有提出整改意见。", BODY, 0.0, Align::Left);
    }
    let mut n = 0;
    for (owner, actions) in crate::store::by_owner(&doc.actions) {
        n += 1;
        f.heading(
            &format!("{}、{owner}（{} 条）", chinese_number(n), actions.len()),
            H2,
        );
        let rows = actions
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let title = if a.title.is_empty() {
                    a.item_id.clone()
                } else {
                    format!("{} {}{}", a.item_id, if a.core { "★" } else { "" }, a.title)
                };
                Row::new(vec![
                    Cell::new((k + 1).to_string(), CELL).align(Align::Center),
                    Cell::new(title, CELL),
                    Cell::new(&a.text, CELL),
                    Cell::new(a.plan.due_text(), CELL).align(Align::Center),
                    Cell::new(a.plan.status.label(), CELL).align(Align::Center),
                ])
            })
            .collect();
        f.table(&Table {
            widths: vec![0.06, 0.28, 0.42, 0.13, 0.11],
            header: Some(Row::new(vec![
                Cell::new("序号", CELL_BOLD).align(Align::Center),
                Cell::new("条款", CELL_BOLD),
                Cell::new("整改意见", CELL_BOLD),
                Cell::new("整改期限", CELL_BOLD).align(Align::Center),
                Cell::new("状态", CELL_BOLD).align(Align::Center),
            ])),
            rows,
            keep_together: false,
        });
        f.space(4.0);
    }
    // Who issues it and who receives it, and the stamp, on one page.
    let people = [
        ("评审组长", i.lead().unwrap_or("")),
        ("机构负责人", i.institution.head.as_str()),
    ];
    let seal = doc.record.as_ref().map(|r| r.summary());
    let lines = |text: &str, style: TextStyle| {
        f.wrap(text, style, f.geo.content_width()).len() as f32 * style.line_height()
    };
    let above = lines(SIGN_INTRO, BODY) + seal.as_deref().map_or(0.0, |s| lines(s, SEAL));
    f.ensure(8.0 + above + sign_block_height(&f, people.len(), &i.organiser));
    f.space(4.0);
    f.paragraph(SIGN_INTRO, BODY, 0.0, Align::Left);
    if let Some(seal) = &seal {
        f.paragraph(seal, SEAL, 0.0, Align::Left);
    }
    sign_rows(&mut f, &people);
    stamp(&mut f, &i.organiser);
    let foot_left = format!("检查编号 {}", i.id);
    let watermark = doc.finality.watermark();
    f.finish(|f, page, total| {
        let mut out = page_frame::frame(
            f,
            &Frame {
                head_left: &i.institution.name,
                head_right: NOTICE_TITLE,
                foot_left: &foot_left,
                generated_at: &doc.generated_at,
            },
            page,
            total,
        );
        if let Some(text) = &watermark {
            out.push(page_frame::watermark(f, text));
        }
        out
    })
}

/// The subject line of the notice's document information.
pub(super) fn subject(doc: &Document) -> String {
    let i = &doc.inspection;
    format!(
        "{}{} · {} · 整改意见 {} 条{}",
        i.institution.name,
        i.review_kind.label(),
        chinese_date(&i.date),
        doc.actions.len(),
        doc.finality
            .watermark()
            .map(|m| format!("（{m}）"))
            .unwrap_or_default()
    )
}
