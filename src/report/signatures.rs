//! The signature block: the record seal the report was made from, when there is one,
//! then a line to sign and a line for the date for the 评审组长, each other expert and
//! the head of the institution, and the 盖章 box of the organising unit; kept on one
//! page with its heading.

use super::layout::{Align, Flow, Placed, Rgb, Role, Shape, TextStyle, Weight};
use super::model::Document;
use super::sections::{BODY, CELL};

const SIGN_ROW: f32 = 13.0;
const INTRO: &str = "本报告由评审专家组现场评审形成。评审组长、评审专家及机构负责人核对无误后签字确认，组织单位盖章。";
/// The record seal's line: small, as a reference under the text.
const SEAL: TextStyle = CELL.color(Rgb::GREY);
/// Space below the seal's lines.
const SEAL_GAP: f32 = 2.0;
/// The 盖章 box: a square, with space above it.
const STAMP: f32 = 40.0;
const STAMP_GAP: f32 = 8.0;
const LABEL: TextStyle = TextStyle::new(Weight::Bold, 10.5);

/// Who signs, in order: (role, name). The lead is the domain's
/// ([`crate::store::Inspection::lead`]).
fn people(doc: &Document) -> Vec<(&'static str, &str)> {
    let i = &doc.inspection;
    let mut people = Vec::new();
    if let Some(lead) = i.lead() {
        people.push(("评审组长", lead));
    }
    people.extend(i.experts().iter().map(|n| ("评审专家", n.as_str())));
    people.push(("机构负责人", i.institution.head.as_str()));
    people
}

/// The signature block's height: what the heading keeps with it.
pub fn signature_height(f: &Flow, doc: &Document) -> f32 {
    let lines = |text: &str, style: TextStyle| {
        f.wrap(text, style, f.geo.content_width()).len() as f32 * style.line_height()
    };
    let seal = doc
        .record
        .as_ref()
        .map_or(0.0, |r| lines(&r.summary(), SEAL) + SEAL_GAP);
    // 4 mm: the space above the first row.
    lines(INTRO, BODY)
        + seal
        + 4.0
        + sign_block_height(f, people(doc).len(), &doc.inspection.organiser)
}

/// The organising unit's name as wrapped beside the 盖章 box, and the room for it.
fn organiser_lines(f: &Flow, organiser: &str) -> (Vec<String>, f32) {
    let label_w = f.text_width("组织单位：", LABEL);
    let x = f.geo.width - f.geo.right - STAMP;
    let max = x - 6.0 - f.geo.left - label_w;
    (f.wrap(organiser.trim(), BODY, max), max)
}

/// The height of the 盖章 row: the box, or the organising unit's lines and the date
/// line when they are taller.
fn stamp_height(f: &Flow, organiser: &str) -> f32 {
    let (lines, _) = organiser_lines(f, organiser);
    STAMP.max((lines.len().max(1) + 2) as f32 * BODY.line_height())
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
    sign_rows(f, &people(doc));
    stamp(f, &i.organiser);
}

/// The height of [`sign_rows`] and [`stamp`] for `people` and `organiser`.
pub(super) fn sign_block_height(f: &Flow, people: usize, organiser: &str) -> f32 {
    SIGN_ROW * people as f32 + STAMP_GAP + stamp_height(f, organiser)
}

/// A row for each of `people` (role, name): the role, the name, a line to sign and a
/// line for the date.
pub(super) fn sign_rows(f: &mut Flow, people: &[(&str, &str)]) {
    let left = f.geo.left;
    for (role, name) in people {
        let y = f.y() + SIGN_ROW - BODY.line_height() - 1.0;
        let b = f.text_box(left, y, &format!("{role}："), LABEL, Role::Body);
        f.put(b);
        let b = f.text_box(left + 26.0, y, name, BODY, Role::Body);
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

/// The organising unit's line and the 盖章 box: a square at the right, （盖章） in it.
pub(super) fn stamp(f: &mut Flow, organiser: &str) {
    f.advance(STAMP_GAP);
    let top = f.y();
    let height = stamp_height(f, organiser);
    let (lines, max) = organiser_lines(f, organiser);
    let left = f.geo.left;
    let x = f.geo.width - f.geo.right - STAMP;
    f.put(Placed {
        x,
        y: top,
        w: STAMP,
        h: STAMP,
        shape: Shape::Rect {
            fill: None,
            stroke: Some(Rgb::GREY),
        },
        role: Role::Body,
    });
    let mark = "（盖章）";
    let grey = BODY.color(Rgb::GREY);
    let mw = f.text_width(mark, grey);
    let b = f.text_box(
        x + (STAMP - mw) / 2.0,
        top + (STAMP - grey.line_height()) / 2.0,
        mark,
        grey,
        Role::Body,
    );
    f.put(b);
    // Beside it: who stamps, and the date.
    let label_w = f.text_width("组织单位：", LABEL);
    let text_h = (lines.len().max(1) + 2) as f32 * BODY.line_height();
    let mut y = top + (STAMP.min(height) - text_h).max(0.0) / 2.0;
    let b = f.text_box(left, y, "组织单位：", LABEL, Role::Body);
    f.put(b);
    if lines.is_empty() {
        underline(f, left + label_w, y + BODY.line_height(), max.min(60.0));
        y += BODY.line_height();
    }
    for line in &lines {
        let b = f.text_box(left + label_w, y, line, BODY, Role::Body);
        f.put(b);
        y += BODY.line_height();
    }
    y += BODY.line_height();
    let b = f.text_box(left, y, "盖章日期：", LABEL, Role::Body);
    f.put(b);
    let b = f.text_box(
        left + label_w + 10.0,
        y,
        "年　　　月　　　日",
        BODY,
        Role::Body,
    );
    f.put(b);
    f.advance(height);
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
