//! The layout engine: measures and wraps text, flows paragraphs, tables and drawings
//! down A4 pages, repeats table headers on each page and never splits a table row
//! across pages unless it is taller than a page. The result is a list of positioned
//! boxes per page in millimetres from the top-left corner, which the PDF writer only
//! draws; tests check it without making a PDF. Tables are in [`super::table`].
//!
//! Keep with next: a heading is not placed when it is given but held, and placed with
//! the first piece of what follows it (a paragraph's first line, a table's header with
//! its first row, a drawing, or a whole block the caller names with
//! [`Flow::ensure`]): if the two do not fit together at the foot of a page, both go to
//! the next. So a heading never ends a page, whatever comes after it.

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
    /// One line of text turned `angle` degrees counter-clockwise about the box's
    /// centre and drawn translucent (`opacity`, 0–1) over everything else on the page:
    /// a draft's watermark. The box is the text unturned.
    Watermark {
        text: String,
        style: TextStyle,
        angle: f32,
        opacity: f32,
    },
    /// A photo filling the box (the box has its proportions): the JPEG of an evidence
    /// file, embedded once however often it is drawn (`id` is its sha256).
    Image {
        id: String,
        image: super::photos::Thumbnail,
    },
}

/// What part of the report a box belongs to, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Body,
    /// A section heading (its lines and the rule under it).
    Heading,
    /// The chapter chart's bars, legend and scale.
    Chart,
    PageHeader,
    PageFooter,
    /// A draft's watermark, across the page.
    Watermark,
    TableHeader {
        table: usize,
    },
    TableRow {
        table: usize,
        row: usize,
    },
    /// 图 n: the photo and its frame.
    Figure {
        figure: usize,
    },
    /// The caption under 图 n; kept on the photo's page.
    Caption {
        figure: usize,
    },
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
    /// A group row (one cell across the table, e.g. a chapter's title), kept with the
    /// row after it.
    pub group: bool,
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
        self.texts(|_| true)
    }

    /// Every text the pages print in bold, a line each.
    pub fn bold_text(&self) -> String {
        self.texts(|style| style.weight == Weight::Bold)
    }

    fn texts(&self, wanted: impl Fn(&TextStyle) -> bool) -> String {
        let mut s = String::new();
        for b in self.pages.iter().flat_map(|p| &p.boxes) {
            if let Shape::Text { text, style } | Shape::Watermark { text, style, .. } = &b.shape
                && wanted(style)
            {
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
    let fonts = FontSet::for_text(&first.text(), &first.bold_text(), choice)?;
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
    /// Headings given and not yet placed: they go with what follows them.
    held: Vec<Held>,
}

/// A heading waiting for what follows it.
struct Held {
    lines: Vec<String>,
    style: TextStyle,
}

/// Space above a heading (dropped at the top of a page), in line heights.
const HEADING_ABOVE: f32 = 0.6;
/// The rule under a heading: its distance below the text, and the space below it.
const RULE_GAP: f32 = 0.6;
const BELOW_RULE: f32 = 2.4;

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
            held: Vec::new(),
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

    fn at_top(&self) -> bool {
        self.y <= self.geo.top + 1e-3
    }

    /// Starts a new page unless `h` fits on this one (or this page is still empty).
    /// Headings held are placed first, on the page where `h` goes with them: every
    /// piece of content calls this before it puts its first box.
    pub fn ensure(&mut self, h: f32) {
        let held = self.held_height(self.at_top());
        if held + h > self.remaining() + 1e-3 && !self.at_top() {
            self.new_page();
        }
        self.place_held();
    }

    /// Vertical space; at the top of a page it is dropped. After a heading that is
    /// still held it would come before the heading, so it is dropped too: a heading
    /// keeps its own space below.
    pub fn space(&mut self, h: f32) {
        if !self.at_top() && self.held.is_empty() {
            self.y = (self.y + h).min(self.geo.content_bottom());
        }
    }

    /// The height the held headings take when placed here (`at_top`: without the
    /// space above the first).
    fn held_height(&self, at_top: bool) -> f32 {
        self.held
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let above = if i == 0 && at_top {
                    0.0
                } else {
                    h.style.line_height() * HEADING_ABOVE
                };
                above + h.lines.len() as f32 * h.style.line_height() + RULE_GAP + BELOW_RULE
            })
            .sum()
    }

    /// Places the held headings at the current position, each with its rule.
    fn place_held(&mut self) {
        for h in std::mem::take(&mut self.held) {
            if !self.at_top() {
                self.y += h.style.line_height() * HEADING_ABOVE;
            }
            for line in &h.lines {
                let b = self.text_box(self.geo.left, self.y, line, h.style, Role::Heading);
                self.put(b);
                self.y += h.style.line_height();
            }
            let y = self.y + RULE_GAP;
            self.put(Placed {
                x: self.geo.left,
                y,
                w: self.geo.content_width(),
                h: 0.0,
                shape: Shape::Line {
                    color: Rgb::RULE,
                    width_pt: 0.6,
                },
                role: Role::Heading,
            });
            self.y = y + BELOW_RULE;
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

    /// A heading with a rule under it, held until what follows it is placed, and then
    /// placed on the same page as its first piece (keep with next). To keep a whole
    /// block with it, call [`Flow::ensure`] with the block's height next.
    pub fn heading(&mut self, text: &str, style: TextStyle) {
        let lines = self.wrap(text, style, self.geo.content_width());
        self.held.push(Held { lines, style });
    }

    /// Finishes the pages, adding what `decorate(page, total)` gives to each (header
    /// and footer).
    pub fn finish(mut self, decorate: impl Fn(&Flow, usize, usize) -> Vec<Placed>) -> Layout {
        // A heading with nothing after it still prints.
        self.place_held();
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

/// For layout tests: every character one em wide.
#[cfg(test)]
pub(crate) struct Fixed;

#[cfg(test)]
impl Measure for Fixed {
    fn char_width(&self, _: char, _: Weight, size_mm: f32) -> f32 {
        size_mm
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::{Cell, Row, Table};
    use super::*;

    const H: TextStyle = TextStyle::new(Weight::Bold, 14.0);
    const T: TextStyle = TextStyle::new(Weight::Regular, 9.0);

    /// A table as the item table is: a header, a group row, then a row of `lines`
    /// lines in its last column, then short rows.
    fn table(lines: usize) -> Table {
        let tall = "字".repeat(lines * 8);
        let mut rows = vec![
            Row::spanning(Cell::new("第1章", T), Rgb::WHITE),
            Row::new(vec![Cell::new("1.1.1", T), Cell::new(tall, T)]),
        ];
        rows.extend((0..5).map(|_| Row::new(vec![Cell::new("1.1.2", T), Cell::new("短", T)])));
        Table {
            widths: vec![0.5, 0.2],
            header: Some(Row::new(vec![Cell::new("编号", T), Cell::new("备注", T)])),
            rows,
            keep_together: false,
        }
    }

    /// The page of each box of `role` (first match).
    fn page_of(layout: &Layout, wanted: impl Fn(&Placed) -> bool) -> Option<usize> {
        layout
            .pages
            .iter()
            .position(|p| p.boxes.iter().any(&wanted))
    }

    #[test]
    fn a_heading_and_a_table_header_go_with_the_first_row_wherever_the_page_ends() {
        // From the top of a page to its foot, one line of filler at a time: the
        // heading, the header, the group row and the first item row are always on one
        // page, and nothing of the table is left on the page before.
        for filler in 0..60 {
            for lines in [1, 8, 30] {
                let mut f = Flow::new(&Fixed, Geometry::A4);
                for _ in 0..filler {
                    f.paragraph("填充", T, 0.0, Align::Left);
                }
                f.heading("五、条款明细", H);
                f.table(&table(lines));
                let layout = f.finish(|_, _, _| Vec::new());
                let heading = page_of(&layout, |b| b.role == Role::Heading).unwrap();
                let header = page_of(&layout, |b| b.role == Role::TableHeader { table: 0 });
                let group = layout.rows.iter().find(|r| r.row == 0).unwrap();
                let first = layout.rows.iter().find(|r| r.row == 1).unwrap();
                assert_eq!(header, Some(heading), "filler {filler}, {lines} lines");
                assert_eq!(group.page, heading, "filler {filler}, {lines} lines");
                assert_eq!(first.page, heading, "filler {filler}, {lines} lines");
                assert!(group.group && !first.group);
                // The heading is above its table.
                let page = &layout.pages[heading];
                let rule = page
                    .boxes
                    .iter()
                    .filter(|b| b.role == Role::Heading)
                    .map(|b| b.y)
                    .fold(0.0, f32::max);
                assert!(rule <= group.y, "filler {filler}");
            }
        }
    }

    #[test]
    fn a_heading_goes_with_a_block_the_caller_names_and_spaces_stay_below_it() {
        for filler in 0..60 {
            let mut f = Flow::new(&Fixed, Geometry::A4);
            for _ in 0..filler {
                f.paragraph("填充", T, 0.0, Align::Left);
            }
            f.heading("三、分章统计", H);
            // A space right after a heading would come before it: it is dropped.
            f.space(5.0);
            f.ensure(80.0);
            let top = f.y();
            f.put(Placed {
                x: f.geo.left,
                y: top,
                w: 10.0,
                h: 80.0,
                shape: Shape::Rect {
                    fill: None,
                    stroke: None,
                },
                role: Role::Chart,
            });
            f.advance(80.0);
            let layout = f.finish(|_, _, _| Vec::new());
            let heading = page_of(&layout, |b| b.role == Role::Heading).unwrap();
            let chart = page_of(&layout, |b| b.role == Role::Chart).unwrap();
            assert_eq!(heading, chart, "filler {filler}");
            let b = layout.pages[chart]
                .boxes
                .iter()
                .find(|b| b.role == Role::Chart)
                .unwrap();
            assert!(b.y + b.h <= Geometry::A4.content_bottom() + 1e-3);
            let rule_y = layout.pages[heading]
                .boxes
                .iter()
                .filter(|b| b.role == Role::Heading)
                .map(|b| b.y)
                .fold(0.0, f32::max);
            assert!(
                (b.y - (rule_y + BELOW_RULE)).abs() < 1e-3,
                "filler {filler}"
            );
        }
    }

    #[test]
    fn a_heading_at_the_end_still_prints() {
        let mut f = Flow::new(&Fixed, Geometry::A4);
        f.heading("九、评审签字", H);
        let layout = f.finish(|_, _, _| Vec::new());
        assert!(layout.text().contains("九、评审签字"));
    }
}
