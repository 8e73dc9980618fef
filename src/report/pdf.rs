//! Draws a [`Layout`] with printpdf: rectangles, lines and text runs at the positions
//! the layout gave, each character in the face the [`FontSet`] resolves for it (bold
//! text a bundled bold lacks drawn faux bold: filled and stroked, text render mode 2).
//! Only the glyphs used are embedded (printpdf subsets the fonts on save). A draft's
//! watermark is drawn last, translucent, over everything else. The document
//! information carries the title, author, subject, producer and the real time of
//! making, with its UTC offset ([`DocInfo`]), and a report's record seal
//! ([`super::seal`]).

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Object};
use printpdf::{
    Color, ExtendedGraphicsState, ExtendedGraphicsStateId, FontId, Line, LinePoint, Mm, Op,
    PaintMode, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect,
    TextItem, TextMatrix, TextRenderingMode, XObjectId,
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
    let size = style.size_mm();
    let mut out: Vec<Run> = Vec::new();
    let mut x = 0.0;
    for c in text.chars() {
        let (g, advance) = fonts.drawn(c, style.weight);
        match out.last_mut() {
            Some(r) if r.face == g.face && r.faux_bold == g.faux_bold => r.text.push(g.ch),
            _ => out.push(Run {
                face: g.face,
                text: g.ch.to_string(),
                dx: x,
                faux_bold: g.faux_bold,
            }),
        }
        x += advance * size;
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
    let images = embed_images(&mut doc, layout);
    let mut used = BTreeSet::new();
    let mut pages = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let mut pen = Pen::new(fonts, page_h, &mut used, &images);
        // The watermark over everything else.
        let (marks, rest): (Vec<&Placed>, Vec<&Placed>) =
            page.boxes.iter().partition(|b| b.role == Role::Watermark);
        for b in rest.into_iter().chain(marks) {
            pen.draw(b, translucent.as_ref());
        }
        let ops = pen.finish();
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
        compress(&mut lo);
    }
    let mut bytes = Vec::new();
    // Writing to memory fails only when allocation does, which aborts; printpdf ignores
    // this result too.
    let _ = lo.save_to(&mut bytes);
    bytes
}

/// Adds each photo the layout draws to `doc` once, as an image XObject holding the
/// thumbnail's JPEG as it is (DCTDecode: printpdf's own images are pixels it would
/// encode again), named `PSIMG1`, `PSIMG2`, … in the order first drawn. Returns the
/// name of each by its id.
fn embed_images(doc: &mut PdfDocument, layout: &Layout) -> BTreeMap<String, XObjectId> {
    use printpdf::{DictItem, ExternalStream, ExternalXObject, Px, XObject};
    let mut names = BTreeMap::new();
    for b in layout.pages.iter().flat_map(|p| &p.boxes) {
        let Shape::Image { id, image } = &b.shape else {
            continue;
        };
        if names.contains_key(id) {
            continue;
        }
        let name = XObjectId(format!("PSIMG{}", names.len() + 1));
        let name_item = |n: &str| DictItem::Name(n.as_bytes().to_vec());
        let dict = BTreeMap::from([
            ("Type".to_string(), name_item("XObject")),
            ("Subtype".to_string(), name_item("Image")),
            ("Width".to_string(), DictItem::Int(i64::from(image.width))),
            ("Height".to_string(), DictItem::Int(i64::from(image.height))),
            ("ColorSpace".to_string(), name_item("DeviceRGB")),
            ("BitsPerComponent".to_string(), DictItem::Int(8)),
            ("Filter".to_string(), name_item("DCTDecode")),
        ]);
        let xobject = ExternalXObject {
            stream: ExternalStream {
                dict,
                content: image.jpeg.to_vec(),
                compress: false,
            },
            width: Some(Px(image.width as usize)),
            height: Some(Px(image.height as usize)),
            dpi: None,
        };
        doc.resources
            .xobjects
            .map
            .insert(name.clone(), XObject::External(xobject));
        names.insert(id.clone(), name);
    }
    names
}

/// zlib's level for the PDF's streams. lopdf's own `compress` takes the best (9), which
/// was a seventh of a report's time for a few percent of its size.
const COMPRESSION: u32 = 6;

/// Compresses every stream not yet filtered, as lopdf's `Document::compress` does, at
/// [`COMPRESSION`]; a stream that would not shrink is left as it is.
fn compress(doc: &mut lopdf::Document) {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = flate2::write::ZlibEncoder::new(
            Vec::with_capacity(stream.content.len() / 2),
            flate2::Compression::new(COMPRESSION),
        );
        if encoder.write_all(&stream.content).is_err() {
            continue;
        }
        if let Ok(compressed) = encoder.finish()
            && compressed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
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

/// The operators of one page, with the graphics state they have set, so a colour, a
/// line width, a font or a text render mode is set only when it changes, and
/// consecutive text boxes share one text object (BT … ET): a report's pages are
/// mostly table cells and lines of text, and printpdf turns every operator into
/// objects, then lopdf writes and compresses them.
struct Pen<'a> {
    ops: Vec<Op>,
    fonts: &'a FontSet,
    page_h: f32,
    used: &'a mut BTreeSet<usize>,
    in_text: bool,
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    width: Option<f32>,
    /// The font and size set inside the current text object.
    font: Option<(usize, f32)>,
    /// Whether text is filled and stroked (faux bold) rather than filled.
    faux: bool,
    /// The XObject name of each photo, by its id.
    images: &'a BTreeMap<String, XObjectId>,
}

impl<'a> Pen<'a> {
    fn new(
        fonts: &'a FontSet,
        page_h: f32,
        used: &'a mut BTreeSet<usize>,
        images: &'a BTreeMap<String, XObjectId>,
    ) -> Pen<'a> {
        Pen {
            images,
            ops: Vec::new(),
            fonts,
            page_h,
            used,
            in_text: false,
            fill: None,
            stroke: None,
            width: None,
            font: None,
            faux: false,
        }
    }

    fn fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.ops.push(Op::SetFillColor { col: color(c) });
            self.fill = Some(c);
        }
    }

    fn stroke(&mut self, c: Rgb, width: f32) {
        if self.stroke != Some(c) {
            self.ops.push(Op::SetOutlineColor { col: color(c) });
            self.stroke = Some(c);
        }
        if self.width != Some(width) {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
            self.width = Some(width);
        }
    }

    fn begin_text(&mut self) {
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
            self.font = None;
        }
    }

    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    /// Forgets the colours and widths: after a restore of a saved graphics state
    /// (saved with text filled, so `faux` is false again).
    fn forget(&mut self) {
        self.fill = None;
        self.stroke = None;
        self.width = None;
        self.font = None;
        self.faux = false;
    }

    /// The text of `style` with the baseline's start at (x, y) pt, turned by `angle`
    /// degrees (counter-clockwise) about that point.
    fn text(&mut self, text: &str, style: &TextStyle, (x, y): (f32, f32), angle: f32) {
        let (sin, cos) = angle.to_radians().sin_cos();
        self.begin_text();
        self.fill(style.color);
        for run in runs(self.fonts, text, *style) {
            self.used.insert(run.face);
            if run.faux_bold != self.faux {
                self.faux = run.faux_bold;
                if self.faux {
                    self.stroke(style.color, style.size * FAUX_BOLD_STROKE);
                }
                self.ops.push(Op::SetTextRenderingMode {
                    mode: if self.faux {
                        TextRenderingMode::FillStroke
                    } else {
                        TextRenderingMode::Fill
                    },
                });
            } else if self.faux {
                self.stroke(style.color, style.size * FAUX_BOLD_STROKE);
            }
            if self.font != Some((run.face, style.size)) {
                self.ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font_id(run.face)),
                    size: Pt(style.size),
                });
                self.font = Some((run.face, style.size));
            }
            let dx = pt(run.dx).0;
            let matrix = if angle == 0.0 {
                TextMatrix::Translate(Pt(x + dx), Pt(y))
            } else {
                TextMatrix::Raw([cos, sin, -sin, cos, x + dx * cos, y + dx * sin])
            };
            self.ops.push(Op::SetTextMatrix { matrix });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::Text(run.text)],
            });
        }
    }

    /// Draws `b`; `translucent` is the graphics state of a watermark.
    fn draw(&mut self, b: &Placed, translucent: Option<&ExtendedGraphicsStateId>) {
        let page_h = self.page_h;
        match &b.shape {
            Shape::Rect { fill, stroke } => {
                self.end_text();
                if let Some(c) = fill {
                    self.fill(*c);
                }
                if let Some(c) = stroke {
                    self.stroke(*c, 0.4);
                }
                let mode = match (fill, stroke) {
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                    (Some(_), None) => PaintMode::Fill,
                    _ => PaintMode::Stroke,
                };
                self.ops.push(Op::DrawRectangle {
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
                self.end_text();
                self.stroke(*c, *width_pt);
                let p = |x: f32, y: f32| LinePoint {
                    p: Point {
                        x: pt(x),
                        y: pt(page_h - y),
                    },
                    bezier: false,
                };
                self.ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![p(b.x, b.y), p(b.x + b.w, b.y + b.h)],
                        is_closed: false,
                    },
                });
            }
            Shape::Image { id, .. } => {
                let Some(name) = self.images.get(id) else {
                    return;
                };
                self.end_text();
                // The image is a unit square: scaled to the box, its lower-left corner
                // at the box's.
                self.ops.push(Op::SaveGraphicsState);
                self.ops.push(Op::SetTransformationMatrix {
                    matrix: printpdf::CurTransMat::Raw([
                        pt(b.w).0,
                        0.0,
                        0.0,
                        pt(b.h).0,
                        pt(b.x).0,
                        pt(page_h - b.y - b.h).0,
                    ]),
                });
                self.ops.push(Op::UseXobject {
                    id: name.clone(),
                    transform: printpdf::XObjectTransform {
                        no_auto_scale: true,
                        ..printpdf::XObjectTransform::default()
                    },
                });
                self.ops.push(Op::RestoreGraphicsState);
            }
            Shape::Text { text, style } => {
                if text.trim().is_empty() {
                    return;
                }
                let size = style.size_mm();
                let baseline = b.y + (b.h - size) / 2.0 + ASCENT * size;
                self.text(text, style, (pt(b.x).0, pt(page_h - baseline).0), 0.0);
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
                self.end_text();
                // Filled text before the save, so the state the restore brings back
                // is one this pen knows.
                if self.faux {
                    self.begin_text();
                    self.ops.push(Op::SetTextRenderingMode {
                        mode: TextRenderingMode::Fill,
                    });
                    self.faux = false;
                    self.end_text();
                }
                self.ops.push(Op::SaveGraphicsState);
                if let Some(gs) = translucent {
                    self.ops.push(Op::LoadGraphicsState { gs: gs.clone() });
                }
                self.text(text, style, (pt(x).0, pt(y).0), *angle);
                self.end_text();
                self.ops.push(Op::RestoreGraphicsState);
                self.forget();
            }
        }
    }

    /// The page's operators, its text object closed.
    fn finish(mut self) -> Vec<Op> {
        self.end_text();
        self.ops
    }
}
