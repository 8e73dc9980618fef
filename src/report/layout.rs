//! The layout engine: measures and wraps text, flows paragraphs, tables and drawings
//! down A4 pages, repeats table headers on each page and never splits a table row
//! across pages unless it is taller than a page. The result is a list of positioned
//! boxes per page in millimetres from the top-left corner, which the PDF writer only
//! draws; tests check it without making a PDF. Tables are in [`super::table`].

use super::fonts::FontSet;
use super::wrap::{text_width, wrap};

/// Millimetres per PostScript point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// How wide characters are: implemented by the report's fonts, and by fixed widths in
/// tests.
pub trait Measure {
    /// Advance width of `c` in mm at a font size of `size_mm` (the em in mm).
    fn char_width(&self, c: char, weight: Weight, size_mm: f32) -> f32;
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
    pub const GREY: Rgb = Rgb(0.4, 0.4, 0.4);
    pub const RULE: Rgb = Rgb(0.6, 0.6, 0.6);
    pub const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub weight: Weight,
    /// Font size in points.
    pub size: f32,
    pub color: Rgb,
}

impl TextStyle {
    pub const fn new(weight: Weight, size: f32) -> TextStyle {
        TextStyle {
            weight,
            size,
            color: Rgb::BLACK,
        }
    }

    pub const fn color(self, color: Rgb) -> TextStyle {
        TextStyle { color, ..self }
    }

    pub fn size_mm(&self) -> f32 {
        self.size * MM_PER_PT
    }

    /// The height of one line of this style.
    pub fn line_height(&self) -> f32 {
        self.size_mm() * 1.5
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// What a box draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// One line of text; the box is the line's measured width and line height.
    Text { text: String, style: TextStyle },
    Rect {
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    /// A straight line from the box's top-left to its bottom-right corner (horizontal
    /// or vertical lines have a zero height or width).
    Line { color: Rgb, width_pt: f32 },
}

/// What part of the report a box belongs to, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Body,
    PageHeader,
    PageFooter,
    TableHeader { table: usize },
    TableRow { table: usize, row: usize },
}

/// A box on a page, in mm from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub shape: Shape,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Geometry {
    pub const A4: Geometry = Geometry {
        width: 210.0,
        height: 297.0,
        left: 20.0,
        right: 20.0,
        top: 24.0,
        bottom: 22.0,
    };

    /// A4 turned sideways, for wide tables such as the roster.
    pub const A4_LANDSCAPE: Geometry = Geometry {
        width: 297.0,
        height: 210.0,
        ..Geometry::A4
    };

    pub fn content_width(&self) -> f32 {
        self.width - self.left - self.right
    }

    pub fn content_bottom(&self) -> f32 {
        self.height - self.bottom
    }

    pub fn content_height(&self) -> f32 {
        self.content_bottom() - self.top
    }
}

/// Where a table row went: one entry per page the row is on.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPlacement {
    pub table: usize,
    pub row: usize,
    pub page: usize,
    pub y: f32,
    pub h: f32,
    /// The row's whole height; a row is split across pages only when this is more
    /// than a page can hold below the table header.
    pub full_height: f32,
    /// What a page can hold below this table's header.
    pub room: f32,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub boxes: Vec<Placed>,
}

/// The laid-out report.
#[derive(Debug, Clone)]
pub struct Layout {
    pub geometry: Geometry,
    pub pages: Vec<Page>,
    pub rows: Vec<RowPlacement>,
}

impl Layout {
    /// Every text the pages print, a line each: what the fonts must cover.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for b in self.pages.iter().flat_map(|p| &p.boxes) {
            if let Shape::Text { text, .. } = &b.shape {
                s.push_str(text);
                s.push('\n');
            }
        }
        s
    }
}

/// Lays out with the bundled fonts, then, if the pages print characters those lack,
/// with the fallbacks `choice` allows: the fonts are chosen from what is printed, so
/// no list of the document's texts can fall out of step with the layout.
pub fn with_fonts(
    choice: &super::FontChoice,
    lay_out: impl Fn(&FontSet) -> Layout,
) -> Result<(FontSet, Layout), super::ReportError> {
    let bundled = FontSet::bundled()?;
    let first = lay_out(&bundled);
    let fonts = FontSet::for_text(&first.text(), choice)?;
    if fonts.faces.len() == bundled.faces.len() {
        return Ok((fonts, first));
    }
    let layout = lay_out(&fonts);
    Ok((fonts, layout))
}

/// Lays content out down the pages.
pub struct Flow<'a> {
    m: &'a dyn Measure,
    pub geo: Geometry,
    /// Pages already filled; `page` is the one being filled.
    done: Vec<Page>,
    page: Page,
    pub(super) rows: Vec<RowPlacement>,
    /// Where the next content goes on the current page.
    pub(super) y: f32,
    /// Tables laid out so far; the next table's id.
    pub(super) tables: usize,
}

impl<'a> Flow<'a> {
    pub fn new(m: &'a dyn Measure, geo: Geometry) -> Flow<'a> {
        Flow {
            m,
            geo,
            done: Vec::new(),
            page: Page::default(),
            rows: Vec::new(),
            y: geo.top,
            tables: 0,
        }
    }

    pub fn measure(&self) -> &dyn Measure {
        self.m
    }

    pub fn y(&self) -> f32 {
        self.y
    }

    pub fn page_index(&self) -> usize {
        self.done.len()
    }

    /// Space left on the current page.
    pub fn remaining(&self) -> f32 {
        self.geo.content_bottom() - self.y
    }

    pub fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.page));
        self.y = self.geo.top;
    }

    /// Starts a new page unless `h` fits on this one (or this page is still empty).
    pub fn ensure(&mut self, h: f32) {
        if h > self.remaining() + 1e-3 && self.y > self.geo.top + 1e-3 {
            self.new_page();
        }
    }

    /// Vertical space; at the top of a page it is dropped.
    pub fn space(&mut self, h: f32) {
        if self.y > self.geo.top + 1e-3 {
            self.y = (self.y + h).min(self.geo.content_bottom());
        }
    }

    /// Moves down by `h` without a page break (for custom drawings already ensured).
    pub fn advance(&mut self, h: f32) {
        self.y += h;
    }

    pub fn put(&mut self, b: Placed) {
        self.page.boxes.push(b);
    }

    pub fn text_width(&self, text: &str, style: TextStyle) -> f32 {
        text_width(self.m, text, style.weight, style.size_mm())
    }

    pub fn wrap(&self, text: &str, style: TextStyle, max: f32) -> Vec<String> {
        wrap(self.m, text, style.weight, style.size_mm(), max)
    }

    /// A one-line text box at (x, y), measured.
    pub fn text_box(&self, x: f32, y: f32, text: &str, style: TextStyle, role: Role) -> Placed {
        Placed {
            x,
            y,
            w: self.text_width(text, style),
            h: style.line_height(),
            shape: Shape::Text {
                text: text.to_string(),
                style,
            },
            role,
        }
    }

    /// A wrapped paragraph across the content width (less `indent`), breaking across
    /// pages between lines.
    pub fn paragraph(&mut self, text: &str, style: TextStyle, indent: f32, align: Align) {
        let max = self.geo.content_width() - indent;
        for line in self.wrap(text, style, max) {
            let h = style.line_height();
            self.ensure(h);
            let w = self.text_width(&line, style);
            let x = self.geo.left
                + indent
                + match align {
                    Align::Left => 0.0,
                    Align::Center => (max - w) / 2.0,
                    Align::Right => max - w,
                };
            let b = self.text_box(x, self.y, &line, style, Role::Body);
            self.put(b);
            self.y += h;
        }
    }

    /// A heading kept on the same page as at least `keep` mm of what follows.
    pub fn heading(&mut self, text: &str, style: TextStyle, keep: f32) {
        self.space(style.line_height() * 0.6);
        let lines = self.wrap(text, style, self.geo.content_width());
        self.ensure(lines.len() as f32 * style.line_height() + keep);
        self.paragraph(text, style, 0.0, Align::Left);
        let y = self.y + 0.6;
        self.put(Placed {
            x: self.geo.left,
            y,
            w: self.geo.content_width(),
            h: 0.0,
            shape: Shape::Line {
                color: Rgb::RULE,
                width_pt: 0.6,
            },
            role: Role::Body,
        });
        self.y = y + 2.4;
    }

    /// Finishes the pages, adding what `decorate(page, total)` gives to each (header
    /// and footer).
    pub fn finish(mut self, decorate: impl Fn(&Flow, usize, usize) -> Vec<Placed>) -> Layout {
        let last = std::mem::take(&mut self.page);
        let mut pages = std::mem::take(&mut self.done);
        pages.push(last);
        let total = pages.len();
        for (i, page) in pages.iter_mut().enumerate() {
            page.boxes.extend(decorate(&self, i + 1, total));
        }
        Layout {
            geometry: self.geo,
            pages,
            rows: self.rows,
        }
    }
}
