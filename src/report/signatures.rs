//! The signature block: the record seal the report was made from, when there is one,
//! then a line to sign and a line for the date per inspector and for the head of the
//! institution, kept on one page.

use super::layout::{Align, Flow, Placed, Rgb, Role, Shape, TextStyle, Weight};
use super::model::Document;
use super::sections::{BODY, CELL};

const SIGN_ROW: f32 = 13.0;
const INTRO: &str = "本报告由评审专家组现场评审形成。评审专家及机构负责人核对无误后签字确认。";
/// The record seal's line: small, as a reference under the text.
const SEAL: TextStyle = CELL.color(Rgb::GREY);
/// Space below the seal's lines.
const SEAL_GAP: f32 = 2.0;

/// The signature block's height: what the heading keeps with it.
pub fn signature_height(f: &Flow, doc: &Document) -> f32 {
    let lines = |text: &str, style: TextStyle| {
        f.wrap(text, style, f.geo.content_width()).len() as f32 * style.line_height()
    };
    let seal = doc
        .record
        .as_ref()
        .map_or(0.0, |r| lines(&r.summary(), SEAL) + SEAL_GAP);
    // 12 mm: the introduction's line, the space below it and room above the first row.
    12.0 - BODY.line_height()
        + lines(INTRO, BODY)
        + seal
        + SIGN_ROW * (doc.inspection.inspectors.len() + 1) as f32
}

pub fn signatures(f: &mut Flow, doc: &Document) {
    let i = &doc.inspection;
    // The whole block on one page.
    f.ensure(signature_height(f, doc));
    f.paragraph(INTRO, BODY, 0.0, Align::Left);
    if let Some(record) = &doc.record {
        f.paragraph(&record.summary(), SEAL, 0.0, Align::Left);
        f.advance(SEAL_GAP);
    }
    f.advance(4.0);
    let label = TextStyle::new(Weight::Bold, 10.5);
    let mut people: Vec<(&str, &str)> = i
        .inspectors
        .iter()
        .map(|n| ("评审专家", n.as_str()))
        .collect();
    people.push(("机构负责人", i.institution.head.as_str()));
    let left = f.geo.left;
    for (role, name) in people {
        let y = f.y() + SIGN_ROW - BODY.line_height() - 1.0;
        let b = f.text_box(left, y, &format!("{role}："), label, Role::Body);
        f.put(b);
        let b = f.text_box(left + 24.0, y, name, BODY, Role::Body);
        f.put(b);
        let sign_x = left + 68.0;
        let b = f.text_box(sign_x, y, "签字：", BODY, Role::Body);
        f.put(b);
        underline(f, sign_x + 11.0, y + BODY.line_height(), 44.0);
        let date_x = left + 128.0;
        let b = f.text_box(date_x, y, "日期：", BODY, Role::Body);
        f.put(b);
        underline(f, date_x + 11.0, y + BODY.line_height(), 31.0);
        f.advance(SIGN_ROW);
    }
}

fn underline(f: &mut Flow, x: f32, y: f32, w: f32) {
    f.put(Placed {
        x,
        y,
        w,
        h: 0.0,
        shape: Shape::Line {
            color: Rgb::BLACK,
            width_pt: 0.5,
        },
        role: Role::Body,
    });
}
