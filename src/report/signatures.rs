//! The signature block: a line to sign and a line for the date per inspector and
//! for the head of the institution, kept on one page.

use super::layout::{Align, Flow, Placed, Rgb, Role, Shape, TextStyle, Weight};
use super::model::Document;
use super::sections::BODY;

const SIGN_ROW: f32 = 13.0;

pub fn signature_height(doc: &Document) -> f32 {
    12.0 + SIGN_ROW * (doc.inspection.inspectors.len() + 1) as f32
}

pub fn signatures(f: &mut Flow, doc: &Document) {
    let i = &doc.inspection;
    // The whole block on one page.
    f.ensure(signature_height(doc));
    f.paragraph(
        "本报告由评审专家组现场评审形成。评审专家及机构负责人核对无误后签字确认。",
        BODY,
        0.0,
        Align::Left,
    );
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
