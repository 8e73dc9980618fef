//! The photos of the 佐证材料 appendix, laid out: two to a row, each fitted into a
//! column-wide (81 mm on A4) by [`BOX_H`] mm box (its proportions kept, centred), with its caption
//! under it — 图 n, the item, the file's name, the start of its sha256 and when it
//! was taken. A row of photos with their captions is one block ([`Flow::ensure`]):
//! a photo never ends a page without its caption, and the section's heading goes
//! with the first row.

use super::layout::{Flow, Placed, Rgb, Role, Shape, TextStyle, Weight};
use super::model::EvidenceRow;

/// Photos side by side in a row.
pub const COLUMNS: usize = 2;
/// The space between two photos of a row, in mm.
pub const GAP: f32 = 8.0;
/// The box a photo is fitted into: a column's width (81 mm on A4) by this height.
pub const BOX_H: f32 = 60.0;
/// The space between a photo's box and its caption, and below a row's captions.
const CAPTION_GAP: f32 = 1.5;
const ROW_GAP: f32 = 6.0;

const CAPTION_BOLD: TextStyle = TextStyle::new(Weight::Bold, 9.0);
const CAPTION: TextStyle = TextStyle::new(Weight::Regular, 8.0).color(Rgb(0.25, 0.25, 0.25));

/// The width of a column of photos on `f`'s pages.
pub fn column_width(f: &Flow) -> f32 {
    (f.geo.content_width() - GAP * (COLUMNS - 1) as f32) / COLUMNS as f32
}

/// The caption of figure `row`, wrapped to `width`: its lines with their styles.
fn caption(f: &Flow, row: &EvidenceRow, width: f32) -> Vec<(String, TextStyle)> {
    let n = row.figure.unwrap_or_default();
    let mut out = Vec::new();
    let title = format!("图 {n}　{} {}", row.item_id, row.item_title);
    for line in f.wrap(title.trim_end(), CAPTION_BOLD, width) {
        out.push((line, CAPTION_BOLD));
    }
    for line in f.wrap(&row.path, CAPTION, width) {
        out.push((line, CAPTION));
    }
    let mut facts = format!("sha256 {}", &row.sha256[..row.sha256.len().min(8)]);
    if let Some(t) = &row.taken {
        facts.push_str(&format!(" · 拍摄于 {}", t.minute()));
    }
    for line in f.wrap(&facts, CAPTION, width) {
        out.push((line, CAPTION));
    }
    out
}

fn lines_height(lines: &[(String, TextStyle)]) -> f32 {
    lines.iter().map(|(_, s)| s.line_height()).sum()
}

/// `w` × `h` pixels fitted into `bw` × `bh` mm, proportions kept.
fn fit(w: u32, h: u32, bw: f32, bh: f32) -> (f32, f32) {
    let (w, h) = (w.max(1) as f32, h.max(1) as f32);
    let scale = (bw / w).min(bh / h);
    (w * scale, h * scale)
}

/// Lays out the figures `rows` (each with a photo), [`COLUMNS`] to a row.
pub fn figures(f: &mut Flow, rows: &[&EvidenceRow]) {
    let col_w = column_width(f);
    for chunk in rows.chunks(COLUMNS) {
        let captions: Vec<Vec<(String, TextStyle)>> =
            chunk.iter().map(|r| caption(f, r, col_w)).collect();
        let caption_h = captions.iter().map(|c| lines_height(c)).fold(0.0, f32::max);
        let h = BOX_H + CAPTION_GAP + caption_h;
        f.ensure(h);
        let top = f.y();
        for (i, (row, lines)) in chunk.iter().zip(&captions).enumerate() {
            let (Some(photo), Some(figure)) = (row.photo(), row.figure) else {
                continue;
            };
            let x0 = f.geo.left + i as f32 * (col_w + GAP);
            let (w, ih) = fit(photo.width, photo.height, col_w, BOX_H);
            let (x, y) = (x0 + (col_w - w) / 2.0, top + (BOX_H - ih) / 2.0);
            f.put(Placed {
                x,
                y,
                w,
                h: ih,
                shape: Shape::Image {
                    id: row.sha256.clone(),
                    image: photo.clone(),
                },
                role: Role::Figure { figure },
            });
            f.put(Placed {
                x,
                y,
                w,
                h: ih,
                shape: Shape::Rect {
                    fill: None,
                    stroke: Some(Rgb::RULE),
                },
                role: Role::Figure { figure },
            });
            let mut cy = top + BOX_H + CAPTION_GAP;
            for (line, style) in lines {
                let tw = f.text_width(line, *style);
                let b = f.text_box(
                    x0 + (col_w - tw).max(0.0) / 2.0,
                    cy,
                    line,
                    *style,
                    Role::Caption { figure },
                );
                f.put(b);
                cy += style.line_height();
            }
        }
        f.advance(h);
        f.space(ROW_GAP);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX_W: f32 = 81.0;

    #[test]
    fn a_photo_keeps_its_proportions_in_its_box() {
        let (w, h) = fit(1000, 750, BOX_W, BOX_H);
        assert!((w / h - 4.0 / 3.0).abs() < 1e-3 && w <= BOX_W + 1e-3 && h <= BOX_H + 1e-3);
        let (w, h) = fit(750, 1000, BOX_W, BOX_H);
        assert!((h - BOX_H).abs() < 1e-3 && (w - 45.0).abs() < 1e-3);
    }
}
