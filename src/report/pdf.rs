//! Draws a [`Layout`] with printpdf: rectangles, lines and text runs at the positions
//! the layout gave, each character in the face the [`FontSet`] resolves for it (bold
//! text a bundled bold lacks drawn faux bold: filled and stroked, text render mode 2).
//! Only the glyphs used are embedded (printpdf subsets the fonts on save). A draft's
//! watermark is drawn last, translucent, over everything else. The document
//! information carries the title, author, subject, producer and the real time of
//! making, with its UTC offset ([`DocInfo`]), and a report's record seal
//! ([`super::seal`]).

use std::collections::BTreeSet;

use lopdf::{Dictionary, Object};
use printpdf::{
    Color, ExtendedGraphicsState, ExtendedGraphicsStateId, FontId, Line, LinePoint, Mm, Op,
    PaintMode, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect,
    TextItem, TextMatrix, TextRenderingMode,
};

use super::fonts::FontSet;
use super::layout::{Layout, Placed, Rgb, Role, Shape, TextStyle};
use super::seal::{RecordSeal, stamp};

/// What the PDF's document information says.
#[derive(Debug, Clone)]
pub struct DocInfo {
    pub title: String,
    /// The inspectors (or whoever made the document).
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// When the PDF was made: its CreationDate and ModDate, with the offset.
    pub made: chrono::DateTime<chrono::FixedOffset>,
}

impl DocInfo {
    /// `title` by `author`, made now (local time, with its offset).
    pub fn now(title: &str, author: &str, subject: &str) -> DocInfo {
        DocInfo {
            title: title.to_string(),
            author: author.to_string(),
            subject: subject.to_string(),
            keywords: Vec::new(),
            made: chrono::Local::now().fixed_offset(),
        }
    }
}

/// What the PDF says made it.
pub fn producer() -> String {
    format!("pingshen {} (printpdf 0.12.8)", env!("CARGO_PKG_VERSION"))
}

/// A PDF date: `D:20261123093000+08'00'`.
pub fn pdf_date(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let offset = t.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    format!(
        "D:{}{sign}{:02}'{:02}'",
        t.format("%Y%m%d%H%M%S"),
        minutes / 60,
        minutes % 60
    )
}

/// The stroke that makes a regular glyph look bold, as a share of the font size.
const FAUX_BOLD_STROKE: f32 = 0.035;

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

/// One run of text in one face: its text, x offset in mm, and whether it is drawn
/// faux bold.
struct Run {
    face: usize,
    text: String,
    dx: f32,
    faux_bold: bool,
}

/// Text of a box split into runs of one face (and one way of drawing it) each.
fn runs(fonts: &FontSet, text: &str, style: TextStyle) -> Vec<Run> {
    use super::layout::Measure;
    let size = style.size_mm();
    let mut out: Vec<Run> = Vec::new();
    let mut x = 0.0;
    for c in text.chars() {
        let g = fonts.resolve(c, style.weight);
        match out.last_mut() {
            Some(r) if r.face == g.face && r.faux_bold == g.faux_bold => r.text.push(g.ch),
            _ => out.push(Run {
                face: g.face,
                text: g.ch.to_string(),
                dx: x,
                faux_bold: g.faux_bold,
            }),
        }
        x += fonts.char_width(c, style.weight, size);
    }
    out
}

/// The PDF of `layout`, with `info` and `seal` in its document information.
pub fn render(
    layout: &Layout,
    fonts: &FontSet,
    info: &DocInfo,
    seal: Option<&RecordSeal>,
) -> Vec<u8> {
    let page_h = layout.geometry.height;
    let mut doc = PdfDocument::new(&info.title);
    // The watermark's translucency, registered only when some page has one.
    let translucent = layout
        .pages
        .iter()
        .flat_map(|p| &p.boxes)
        .find_map(|b| match &b.shape {
            Shape::Watermark { opacity, .. } => Some(*opacity),
            _ => None,
        })
        .map(|opacity| {
            doc.add_graphics_state(
                ExtendedGraphicsState::default()
                    .with_current_fill_alpha(opacity)
                    .with_current_stroke_alpha(opacity),
            )
        });
    let mut used = BTreeSet::new();
    let mut pages = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let mut ops = Vec::new();
        // The watermark over everything else.
        let (marks, rest): (Vec<&Placed>, Vec<&Placed>) =
            page.boxes.iter().partition(|b| b.role == Role::Watermark);
        for b in rest.into_iter().chain(marks) {
            draw(&mut ops, b, fonts, page_h, &mut used, translucent.as_ref());
        }
        pages.push(PdfPage::new(
            Mm(layout.geometry.width),
            Mm(layout.geometry.height),
            ops,
        ));
    }
    let i = &mut doc.metadata.info;
    i.author = info.author.clone();
    i.subject = info.subject.clone();
    i.keywords = info.keywords.clone();
    i.creator = "pingshen".to_string();
    i.producer = producer();
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
    dates(&mut lo, &pdf_date(&info.made));
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

/// Sets CreationDate and ModDate in the document information to `date` (printpdf
/// writes them in UTC without the offset, and the epoch when no time is given).
fn dates(doc: &mut lopdf::Document, date: &str) {
    let entries = [
        ("CreationDate", Object::string_literal(date)),
        ("ModDate", Object::string_literal(date)),
    ];
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    match info.and_then(|id| doc.get_dictionary_mut(id).ok()) {
        Some(dict) => {
            for (key, value) in entries {
                dict.set(key, value);
            }
        }
        None => {
            let id = doc.add_object(Dictionary::from_iter(entries));
            doc.trailer.set("Info", Object::Reference(id));
        }
    }
}

/// The text operators for `runs` of `style` with the baseline's start at (x, y) pt,
/// turned by `angle` degrees (counter-clockwise) about that point.
fn show_runs(
    ops: &mut Vec<Op>,
    runs: Vec<Run>,
    style: &TextStyle,
    (x, y): (f32, f32),
    angle: f32,
    used: &mut BTreeSet<usize>,
) {
    let (sin, cos) = angle.to_radians().sin_cos();
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFillColor {
        col: color(style.color),
    });
    let mut faux = false;
    for run in runs {
        used.insert(run.face);
        if run.faux_bold != faux {
            faux = run.faux_bold;
            if faux {
                ops.push(Op::SetOutlineColor {
                    col: color(style.color),
                });
                ops.push(Op::SetOutlineThickness {
                    pt: Pt(style.size * FAUX_BOLD_STROKE),
                });
            }
            ops.push(Op::SetTextRenderingMode {
                mode: if faux {
                    TextRenderingMode::FillStroke
                } else {
                    TextRenderingMode::Fill
                },
            });
        }
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(font_id(run.face)),
            size: Pt(style.size),
        });
        let dx = pt(run.dx).0;
        let matrix = if angle == 0.0 {
            TextMatrix::Translate(Pt(x + dx), Pt(y))
        } else {
            TextMatrix::Raw([cos, sin, -sin, cos, x + dx * cos, y + dx * sin])
        };
        ops.push(Op::SetTextMatrix { matrix });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(run.text)],
        });
    }
    if faux {
        ops.push(Op::SetTextRenderingMode {
            mode: TextRenderingMode::Fill,
        });
    }
    ops.push(Op::EndTextSection);
}

fn draw(
    ops: &mut Vec<Op>,
    b: &Placed,
    fonts: &FontSet,
    page_h: f32,
    used: &mut BTreeSet<usize>,
    translucent: Option<&ExtendedGraphicsStateId>,
) {
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
            let at = (pt(b.x).0, pt(page_h - baseline).0);
            show_runs(ops, runs(fonts, text, *style), style, at, 0.0, used);
        }
        Shape::Watermark {
            text, style, angle, ..
        } => {
            // Turned about the box's centre: the baseline's start is the centre less
            // half the width along the line and the middle of the em box across it.
            let size = style.size_mm();
            let (cx, cy) = (b.x + b.w / 2.0, page_h - (b.y + b.h / 2.0));
            let (sin, cos) = angle.to_radians().sin_cos();
            let (along, across) = (b.w / 2.0, (ASCENT - 0.5) * size);
            let x = cx - along * cos + across * sin;
            let y = cy - along * sin - across * cos;
            ops.push(Op::SaveGraphicsState);
            if let Some(gs) = translucent {
                ops.push(Op::LoadGraphicsState { gs: gs.clone() });
            }
            show_runs(
                ops,
                runs(fonts, text, *style),
                style,
                (pt(x).0, pt(y).0),
                *angle,
                used,
            );
            ops.push(Op::RestoreGraphicsState);
        }
    }
}
