//! Tables for the layout engine: cells wrapped to their columns, a header row
//! repeated on every page the table is on, rows kept whole unless taller than a page,
//! group rows kept with the row after them.

use super::layout::{Align, Flow, Placed, Rgb, Role, RowPlacement, Shape, TextStyle};

/// One paragraph of a table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub text: String,
    pub style: TextStyle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub paras: Vec<Para>,
    pub align: Align,
}

impl Cell {
    pub fn new(text: impl Into<String>, style: TextStyle) -> Cell {
        Cell {
            paras: vec![Para {
                text: text.into(),
                style,
            }],
            align: Align::Left,
        }
    }

    pub fn align(mut self, align: Align) -> Cell {
        self.align = align;
        self
    }

    pub fn then(mut self, text: impl Into<String>, style: TextStyle) -> Cell {
        self.paras.push(Para {
            text: text.into(),
            style,
        });
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Background, e.g. for group rows and totals.
    pub fill: Option<Rgb>,
    /// One cell spanning every column (a chapter heading inside the item table).
    pub span: bool,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            fill: None,
            span: false,
        }
    }

    pub fn spanning(cell: Cell, fill: Rgb) -> Row {
        Row {
            cells: vec![cell],
            fill: Some(fill),
            span: true,
        }
    }

    pub fn fill(mut self, fill: Rgb) -> Row {
        self.fill = Some(fill);
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column widths as shares of the content width; they are scaled to sum to 1.
    pub widths: Vec<f32>,
    /// Repeated at the top of every page the table is on; `None` for a plain grid.
    pub header: Option<Row>,
    pub rows: Vec<Row>,
    /// Start the table on a new page rather than split it, when it fits on one.
    pub keep_together: bool,
}

/// Padding inside table cells, mm.
const PAD_X: f32 = 1.6;
const PAD_Y: f32 = 1.2;

/// A cell wrapped to its column: lines with their styles.
struct WrappedCell {
    x: f32,
    w: f32,
    align: Align,
    lines: Vec<(String, TextStyle, f32)>,
}

impl WrappedCell {
    fn height(&self) -> f32 {
        self.lines.iter().map(|l| l.1.line_height()).sum::<f32>() + 2.0 * PAD_Y
    }
}

impl Flow<'_> {
    fn wrap_row(&self, row: &Row, xs: &[(f32, f32)]) -> Vec<WrappedCell> {
        let cols: Vec<(f32, f32)> = if row.span {
            let (x0, _) = xs[0];
            let (xl, wl) = xs[xs.len() - 1];
            vec![(x0, xl + wl - x0)]
        } else {
            xs.to_vec()
        };
        cols.iter()
            .zip(&row.cells)
            .map(|(&(x, w), cell)| {
                let inner = (w - 2.0 * PAD_X).max(1.0);
                let mut lines = Vec::new();
                for p in &cell.paras {
                    for l in self.wrap(&p.text, p.style, inner) {
                        let lw = self.text_width(&l, p.style);
                        lines.push((l, p.style, lw));
                    }
                }
                WrappedCell {
                    x,
                    w,
                    align: cell.align,
                    lines,
                }
            })
            .collect()
    }

    /// Draws lines `from[i]..` of each cell that fit in `avail` mm at the current y,
    /// with the row's background and borders; returns the height used and advances
    /// each cell's line cursor.
    fn place_row_part(
        &mut self,
        cells: &[WrappedCell],
        from: &mut [usize],
        avail: f32,
        fill: Option<Rgb>,
        role: Role,
    ) -> f32 {
        let top = self.y;
        let mut used: f32 = 0.0;
        let mut texts = Vec::new();
        for (cell, start) in cells.iter().zip(from.iter_mut()) {
            let mut y = top + PAD_Y;
            let mut i = *start;
            while i < cell.lines.len() {
                let (text, style, lw) = &cell.lines[i];
                let lh = style.line_height();
                if y + lh + PAD_Y > top + avail + 1e-3 {
                    break;
                }
                let inner = cell.w - 2.0 * PAD_X;
                let x = cell.x
                    + PAD_X
                    + match cell.align {
                        Align::Left => 0.0,
                        Align::Center => ((inner - lw) / 2.0).max(0.0),
                        Align::Right => (inner - lw).max(0.0),
                    };
                texts.push(Placed {
                    x,
                    y,
                    w: *lw,
                    h: lh,
                    shape: Shape::Text {
                        text: text.clone(),
                        style: *style,
                    },
                    role,
                });
                y += lh;
                i += 1;
            }
            *start = i;
            used = used.max(y - top + PAD_Y);
        }
        let h = used.max(2.0 * PAD_Y);
        for cell in cells {
            self.put(Placed {
                x: cell.x,
                y: top,
                w: cell.w,
                h,
                shape: Shape::Rect {
                    fill,
                    stroke: Some(Rgb::RULE),
                },
                role,
            });
        }
        for t in texts {
            self.put(t);
        }
        self.y = top + h;
        h
    }

    fn columns(&self, table: &Table) -> Vec<(f32, f32)> {
        let total: f32 = table.widths.iter().sum();
        let cw = self.geo.content_width();
        let mut xs = Vec::new();
        let mut x = self.geo.left;
        for w in &table.widths {
            let w = w / total * cw;
            xs.push((x, w));
            x += w;
        }
        xs
    }

    fn row_height(&self, row: &Row, xs: &[(f32, f32)]) -> f32 {
        self.wrap_row(row, xs)
            .iter()
            .map(WrappedCell::height)
            .fold(0.0, f32::max)
    }

    /// The height of `table` laid out in one piece (header included).
    pub fn table_height(&self, table: &Table) -> f32 {
        let xs = self.columns(table);
        table
            .header
            .iter()
            .chain(&table.rows)
            .map(|r| self.row_height(r, &xs))
            .sum()
    }

    /// A table across the content width. The header row is repeated at the top of
    /// every page the table continues on; a row that fits on a page is never split.
    /// Returns the table's id (its `Role` number).
    pub fn table(&mut self, table: &Table) -> usize {
        let id = self.tables;
        self.tables += 1;
        let xs = self.columns(table);
        let header = match &table.header {
            Some(h) => self.wrap_row(h, &xs),
            None => Vec::new(),
        };
        let header_h = header.iter().map(WrappedCell::height).fold(0.0, f32::max);
        // What a page holds below the header.
        let room = self.geo.content_height() - header_h;
        let header_fill = table
            .header
            .as_ref()
            .and_then(|h| h.fill)
            .or(Some(Rgb(0.90, 0.92, 0.95)));
        let draw_header = |flow: &mut Flow| {
            if header.is_empty() {
                return;
            }
            let mut from = vec![0; header.len()];
            flow.place_row_part(
                &header,
                &mut from,
                header_h,
                header_fill,
                Role::TableHeader { table: id },
            );
        };

        // The header never stands alone at the foot of a page: it goes with the first
        // row (a group row with the row after it), or with a few lines of it when that
        // row is taller than a page.
        let first_h = match table.rows.first() {
            Some(first) => {
                let h = self.row_height(first, &xs);
                let next = match table.rows.get(1) {
                    Some(n) if first.span => self.row_height(n, &xs),
                    _ => 0.0,
                };
                if h + next <= room { h + next } else { h }
            }
            None => 0.0,
        };
        self.ensure(header_h + if first_h <= room { first_h } else { 20.0 });
        if table.keep_together {
            let all: f32 = table.rows.iter().map(|r| self.row_height(r, &xs)).sum();
            if all <= room {
                self.ensure(header_h + all);
            }
        }
        draw_header(self);

        for (r, row) in table.rows.iter().enumerate() {
            let cells = self.wrap_row(row, &xs);
            let full = cells.iter().map(WrappedCell::height).fold(0.0, f32::max);
            let role = Role::TableRow { table: id, row: r };
            // A group row (spanning every column) stays with the row after it.
            let next = match table.rows.get(r + 1) {
                Some(n) if row.span => self.row_height(n, &xs),
                _ => 0.0,
            };
            let need = if full + next <= room {
                full + next
            } else {
                full
            };
            if full <= room + 1e-3 {
                if need > self.remaining() + 1e-3 {
                    self.new_page();
                    draw_header(self);
                }
                let page = self.page_index();
                let y = self.y;
                let mut from = vec![0; cells.len()];
                let h = self.place_row_part(&cells, &mut from, full, row.fill, role);
                self.rows.push(RowPlacement {
                    table: id,
                    row: r,
                    page,
                    y,
                    h,
                    full_height: full,
                    room,
                    group: row.span,
                });
                continue;
            }
            // Taller than a page: as many lines as fit here, the rest on the next pages.
            let mut cells = cells;
            let mut from = vec![0; cells.len()];
            let min_line = cells
                .iter()
                .flat_map(|c| c.lines.first())
                .map(|l| l.1.line_height())
                .fold(0.0, f32::max);
            if self.remaining() < min_line + 2.0 * PAD_Y + 1e-3 {
                self.new_page();
                draw_header(self);
            }
            loop {
                let page = self.page_index();
                let y = self.y;
                let avail = self.remaining();
                let h = self.place_row_part(&cells, &mut from, avail, row.fill, role);
                self.rows.push(RowPlacement {
                    table: id,
                    row: r,
                    page,
                    y,
                    h,
                    full_height: full,
                    room,
                    group: row.span,
                });
                if cells.iter().zip(&from).all(|(c, &i)| i >= c.lines.len()) {
                    break;
                }
                self.new_page();
                draw_header(self);
                self.mark_continued(&mut cells, &mut from);
            }
        }
        id
    }

    /// On the pages a split row continues on, its first cell (the item id) shows
    /// again, marked （续）, once its own lines are all used.
    fn mark_continued(&self, cells: &mut [WrappedCell], from: &mut [usize]) {
        if cells.len() < 2 {
            return;
        }
        let first = &mut cells[0];
        if from[0] < first.lines.len() {
            return;
        }
        let Some((text, style, w)) = first.lines.first().cloned() else {
            return;
        };
        let mark = "（续）";
        let grey = style.color(super::layout::Rgb::GREY);
        let mw = self.text_width(mark, grey);
        first.lines = vec![(text, style, w), (mark.to_string(), grey, mw)];
        from[0] = 0;
    }
}
