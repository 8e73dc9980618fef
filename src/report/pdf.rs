//! Draws a [`Layout`] with printpdf: rectangles, lines and text runs at the positions
//! the layout gave, each character in the face the [`FontSet`] resolves for it. Only
//! the glyphs used are embedded (printpdf subsets the fonts on save). A report's
//! record seal goes into the document information dictionary ([`super::seal`]).

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
};

use super::fonts::FontSet;
use super::layout::{Layout, Placed, Rgb, Shape, TextStyle};
use super::seal::{RecordSeal, stamp};

/// Where the baseline sits below the top of the em box, in ems (Noto CJK: ascender
/// 0.88, descender 0.12).
const ASCENT: f32 = 0.88;

/// A font resource name: six capital letters, which is also the subset tag the PDF
/// shows before the font's name (ABCDEF+NotoSansCJKsc-Regular).
fn font_id(face: usize) -> FontId {
    let letter = (b'A' + (face % 26) as u8) as char;
    FontId(format!("PSFNT{letter}"))
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

fn color(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// Text of a box split into runs of one face each: (face, text, x offset in mm).
fn runs(fonts: &FontSet, text: &str, style: TextStyle) -> Vec<(usize, String, f32)> {
    use super::layout::Measure;
    let size = style.size_mm();
    let mut out: Vec<(usize, String, f32)> = Vec::new();
    let mut x = 0.0;
    for c in text.chars() {
        let (face, drawn) = fonts.resolve(c, style.weight);
        match out.last_mut() {
            Some((f, s, _)) if *f == face => s.push(drawn),
            _ => out.push((face, drawn.to_string(), x)),
        }
        x += fonts.char_width(c, style.weight, size);
    }
    out
}

/// The PDF of `layout`, titled `title`, with `seal` in its document information.
pub fn render(layout: &Layout, fonts: &FontSet, title: &str, seal: Option<&RecordSeal>) -> Vec<u8> {
    let page_h = layout.geometry.height;
    let mut used = BTreeSet::new();
    let mut pages = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let mut ops = Vec::new();
        for b in &page.boxes {
            draw(&mut ops, b, fonts, page_h, &mut used);
        }
        pages.push(PdfPage::new(
            Mm(layout.geometry.width),
            Mm(layout.geometry.height),
            ops,
        ));
    }
    let mut doc = PdfDocument::new(title);
    for face in used {
        doc.resources
            .fonts
            .map
            .insert(font_id(face), PdfFont::new(fonts.faces[face].font.clone()));
    }
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    // What `PdfDocument::save` does, with the seal added to the lopdf document between
    // building and compressing it.
    let mut lo = doc
        .with_pages(pages)
        .to_lopdf_document(&options, &mut Vec::new());
    if let Some(seal) = seal {
        stamp(&mut lo, seal);
    }
    if options.optimize {
        lo.compress();
    }
    let mut bytes = Vec::new();
    // Writing to memory fails only when allocation does, which aborts; printpdf ignores
    // this result too.
    let _ = lo.save_to(&mut bytes);
    bytes
}

fn draw(ops: &mut Vec<Op>, b: &Placed, fonts: &FontSet, page_h: f32, used: &mut BTreeSet<usize>) {
    match &b.shape {
        Shape::Rect { fill, stroke } => {
            if let Some(c) = fill {
                ops.push(Op::SetFillColor { col: color(*c) });
            }
            if let Some(c) = stroke {
                ops.push(Op::SetOutlineColor { col: color(*c) });
                ops.push(Op::SetOutlineThickness { pt: Pt(0.4) });
            }
            let mode = match (fill, stroke) {
                (Some(_), Some(_)) => PaintMode::FillStroke,
                (Some(_), None) => PaintMode::Fill,
                _ => PaintMode::Stroke,
            };
            ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: pt(b.x),
                    y: pt(page_h - b.y - b.h),
                    width: pt(b.w),
                    height: pt(b.h),
                    mode: Some(mode),
                    winding_order: None,
                },
            });
        }
        Shape::Line { color: c, width_pt } => {
            ops.push(Op::SetOutlineColor { col: color(*c) });
            ops.push(Op::SetOutlineThickness { pt: Pt(*width_pt) });
            let p = |x: f32, y: f32| LinePoint {
                p: Point {
                    x: pt(x),
                    y: pt(page_h - y),
                },
                bezier: false,
            };
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![p(b.x, b.y), p(b.x + b.w, b.y + b.h)],
                    is_closed: false,
                },
            });
        }
        Shape::Text { text, style } => {
            if text.trim().is_empty() {
                return;
            }
            let size = style.size_mm();
            let baseline = b.y + (b.h - size) / 2.0 + ASCENT * size;
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFillColor {
                col: color(style.color),
            });
            for (face, run, dx) in runs(fonts, text, *style) {
                used.insert(face);
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font_id(face)),
                    size: Pt(style.size),
                });
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(pt(b.x + dx), pt(page_h - baseline)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(run)],
                });
            }
            ops.push(Op::EndTextSection);
        }
    }
}
