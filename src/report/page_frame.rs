//! What every page carries: a header with the institution and the report title, and
//! a footer with 第 X 页 共 Y 页, the inspection id and the generation time; a draft's
//! watermark across the page; and the same frame with other texts for other documents
//! (the roster).

use super::layout::{Flow, Placed, Rgb, Role, Shape, TextStyle, Weight};
use super::model::Document;

const MARGIN_TEXT: TextStyle = TextStyle::new(Weight::Regular, 8.0).color(Rgb::GREY);

/// `text` cut to `max` mm with an ellipsis.
fn clip(f: &Flow, text: &str, style: TextStyle, max: f32) -> String {
    super::wrap::clip(f.measure(), text, style.weight, style.size_mm(), max)
}

/// What a page's margins say: header left and right, footer left; the footer's
/// middle is always 第 X 页 共 Y 页 and its right the generation time.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    pub head_left: &'a str,
    pub head_right: &'a str,
    pub foot_left: &'a str,
    pub generated_at: &'a str,
}

/// The page header (institution, report title) and footer (第 X 页 共 Y 页, time), and
/// on a report that is not final the watermark the domain gives
/// ([`crate::store::Finality::watermark`]).
pub fn decorate(f: &Flow, doc: &Document, page: usize, total: usize) -> Vec<Placed> {
    let foot_left = format!("检查编号 {}", doc.inspection.id);
    let mut out = frame(
        f,
        &Frame {
            head_left: &doc.inspection.institution.name,
            head_right: &doc.report_title,
            foot_left: &foot_left,
            generated_at: &doc.generated_at,
        },
        page,
        total,
    );
    if let Some(text) = doc.finality.watermark() {
        out.push(watermark(f, &text));
    }
    out
}

const WATERMARK_ANGLE: f32 = 45.0;
const WATERMARK_OPACITY: f32 = 0.16;
const WATERMARK_COLOR: Rgb = Rgb(0.7, 0.1, 0.1);
/// Largest watermark size, in points.
const WATERMARK_MAX_PT: f32 = 60.0;

/// `text` across the page's diagonal, centred, as large as fits (turned, inside the
/// page less 25 mm each side).
pub fn watermark(f: &Flow, text: &str) -> Placed {
    let g = f.geo;
    let one = TextStyle::new(Weight::Bold, 1.0);
    // Width and em of the text at 1 pt, in mm; turned by 45° it spans
    // (width + em) × cos 45° both ways.
    let w1 = f.text_width(text, one);
    let em1 = one.size_mm();
    let room = g.width.min(g.height) - 50.0;
    let (sin, cos) = WATERMARK_ANGLE.to_radians().sin_cos();
    let span = w1 * cos + em1 * sin;
    let size = if span > 0.0 {
        (room / span).min(WATERMARK_MAX_PT)
    } else {
        WATERMARK_MAX_PT
    };
    let style = TextStyle::new(Weight::Bold, size).color(WATERMARK_COLOR);
    let w = w1 * size;
    let h = style.size_mm();
    Placed {
        x: (g.width - w) / 2.0,
        y: (g.height - h) / 2.0,
        w,
        h,
        shape: Shape::Watermark {
            text: text.to_string(),
            style,
            angle: WATERMARK_ANGLE,
            opacity: WATERMARK_OPACITY,
        },
        role: Role::Watermark,
    }
}

/// The header and footer of page `page` of `total`.
pub fn frame(f: &Flow, fr: &Frame, page: usize, total: usize) -> Vec<Placed> {
    let g = f.geo;
    let s = MARGIN_TEXT;
    let half = g.content_width() / 2.0 - 2.0;
    let mut out = Vec::new();
    let head_y = g.top - 10.0;
    let name = clip(f, fr.head_left, s, half);
    out.push(f.text_box(g.left, head_y, &name, s, Role::PageHeader));
    let title = clip(f, fr.head_right, s, half);
    let tw = f.text_width(&title, s);
    out.push(f.text_box(g.width - g.right - tw, head_y, &title, s, Role::PageHeader));
    let rule = |y: f32, role| Placed {
        x: g.left,
        y,
        w: g.content_width(),
        h: 0.0,
        shape: Shape::Line {
            color: Rgb::RULE,
            width_pt: 0.4,
        },
        role,
    };
    out.push(rule(head_y + s.line_height() + 0.5, Role::PageHeader));

    let foot_y = g.content_bottom() + 6.0;
    out.push(rule(foot_y - 1.0, Role::PageFooter));
    let number = format!("第 {page} 页 共 {total} 页");
    let nw = f.text_width(&number, s);
    out.push(f.text_box(
        g.left + (g.content_width() - nw) / 2.0,
        foot_y,
        &number,
        s,
        Role::PageFooter,
    ));
    // The left text stops short of the page number.
    let left = clip(f, fr.foot_left, s, (g.content_width() - nw) / 2.0 - 3.0);
    out.push(f.text_box(g.left, foot_y, &left, s, Role::PageFooter));
    let time = format!("生成时间 {}", fr.generated_at);
    let tw = f.text_width(&time, s);
    out.push(f.text_box(g.width - g.right - tw, foot_y, &time, s, Role::PageFooter));
    out
}
