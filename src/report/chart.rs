//! The bar chart of grade counts per chapter: one stacked horizontal bar per chapter
//! (A, B, C, 不达标, 不适用, 待评), drawn as vector rectangles with a legend and a scale.

use super::layout::{Flow, Placed, Rgb, Role, Shape, TextStyle, Weight};
use super::model::ChapterStats;

const LABEL: TextStyle = TextStyle::new(Weight::Regular, 8.5);
const COUNT: TextStyle = TextStyle::new(Weight::Regular, 7.5);

/// The series in stacking order: name, colour, whether counts on it are drawn white.
pub const SERIES: [(&str, Rgb, bool); 6] = [
    ("A", Rgb(0.12, 0.36, 0.60), true),
    ("B", Rgb(0.29, 0.56, 0.78), true),
    ("C", Rgb(0.62, 0.78, 0.91), false),
    ("不达标", Rgb(0.82, 0.27, 0.23), true),
    ("不适用", Rgb(0.72, 0.72, 0.72), false),
    ("待评", Rgb(0.93, 0.93, 0.93), false),
];

const BAR: f32 = 6.5;
const GAP: f32 = 3.5;
const LEGEND: f32 = 9.0;
const AXIS: f32 = 8.0;

fn values(ch: &ChapterStats) -> [usize; 6] {
    let c = &ch.counts;
    [c.a, c.b, c.c, c.d, c.na, c.pending]
}

/// A step for the scale's ticks that gives at most about eight of them.
fn tick_step(max: usize) -> usize {
    [1, 2, 5, 10, 20, 25, 50, 100, 200, 500]
        .into_iter()
        .find(|s| max.div_ceil(*s) <= 8)
        .unwrap_or(1000)
}

/// Width of the chapter labels left of the bars.
const LABEL_W: f32 = 50.0;

/// Each chapter's label lines and the height of its bar's slot (the label's lines
/// decide it).
fn slots(f: &Flow, chapters: &[ChapterStats]) -> (Vec<Vec<String>>, Vec<f32>) {
    let labels: Vec<Vec<String>> = chapters
        .iter()
        .map(|c| f.wrap(&format!("第{}章 {}", c.id, c.title), LABEL, LABEL_W))
        .collect();
    let slots = labels
        .iter()
        .map(|l| BAR.max(l.len() as f32 * LABEL.line_height()))
        .collect();
    (labels, slots)
}

/// The chart's height, for keeping it with its heading.
pub fn chart_height(f: &Flow, chapters: &[ChapterStats]) -> f32 {
    if chapters.is_empty() {
        return 0.0;
    }
    let (_, slots) = slots(f, chapters);
    LEGEND + slots.iter().map(|s| s + GAP).sum::<f32>() + AXIS
}

pub fn grade_chart(f: &mut Flow, chapters: &[ChapterStats]) {
    if chapters.is_empty() {
        return;
    }
    let label_w = LABEL_W;
    let left = f.geo.left;
    let bar_x = left + label_w + 2.0;
    // Room at the right end of the scale for its unit.
    let bar_w = f.geo.content_width() - label_w - 12.0;
    let (labels, slots) = slots(f, chapters);
    let height = chart_height(f, chapters);
    f.ensure(height);
    let top = f.y();
    let mut boxes = Vec::new();
    let rect = |x: f32, y: f32, w: f32, h: f32, fill: Rgb, stroke: Option<Rgb>| Placed {
        x,
        y,
        w,
        h,
        shape: Shape::Rect {
            fill: Some(fill),
            stroke,
        },
        role: Role::Chart,
    };

    // Legend: a swatch and a name per series.
    let mut x = bar_x;
    for (name, color, _) in SERIES {
        boxes.push(rect(x, top + 1.0, 3.5, 3.5, color, Some(Rgb::RULE)));
        let b = f.text_box(
            x + 4.8,
            top + 2.75 - LABEL.line_height() / 2.0,
            name,
            LABEL,
            Role::Chart,
        );
        x += 4.8 + b.w + 5.0;
        boxes.push(b);
    }

    let max = chapters
        .iter()
        .map(|c| c.counts.total())
        .max()
        .unwrap_or(1)
        .max(1);
    let step = tick_step(max);
    let scale_max = max.div_ceil(step) * step;
    let per = bar_w / scale_max as f32;

    let mut y = top + LEGEND;
    for ((ch, lines), slot) in chapters.iter().zip(&labels).zip(&slots) {
        let label_h = lines.len() as f32 * LABEL.line_height();
        let mut ly = y + (slot - label_h) / 2.0;
        for l in lines {
            boxes.push(f.text_box(left, ly, l, LABEL, Role::Chart));
            ly += LABEL.line_height();
        }
        let by = y + (slot - BAR) / 2.0;
        let mut bx = bar_x;
        for (v, (_, color, white)) in values(ch).into_iter().zip(SERIES) {
            if v == 0 {
                continue;
            }
            let w = v as f32 * per;
            boxes.push(rect(bx, by, w, BAR, color, Some(Rgb::WHITE)));
            let text = v.to_string();
            let tw = f.text_width(&text, COUNT);
            if tw + 1.0 <= w {
                let style = COUNT.color(if white { Rgb::WHITE } else { Rgb::BLACK });
                boxes.push(f.text_box(
                    bx + (w - tw) / 2.0,
                    by + (BAR - COUNT.line_height()) / 2.0,
                    &text,
                    style,
                    Role::Chart,
                ));
            }
            bx += w;
        }
        y += slot + GAP;
    }

    // The scale: a baseline with a tick and number every `step` items.
    let axis_y = y;
    boxes.push(Placed {
        x: bar_x,
        y: axis_y,
        w: bar_w,
        h: 0.0,
        shape: Shape::Line {
            color: Rgb::GREY,
            width_pt: 0.5,
        },
        role: Role::Chart,
    });
    for t in (0..=scale_max).step_by(step) {
        let tx = bar_x + t as f32 * per;
        boxes.push(Placed {
            x: tx,
            y: axis_y,
            w: 0.0,
            h: 1.2,
            shape: Shape::Line {
                color: Rgb::GREY,
                width_pt: 0.5,
            },
            role: Role::Chart,
        });
        let text = t.to_string();
        let tw = f.text_width(&text, COUNT);
        boxes.push(f.text_box(tx - tw / 2.0, axis_y + 1.6, &text, COUNT, Role::Chart));
    }
    let unit = "条";
    let uw = f.text_width(unit, COUNT);
    boxes.push(f.text_box(
        (bar_x + bar_w + 5.0).min(f.geo.width - f.geo.right - uw),
        axis_y - COUNT.line_height() / 2.0,
        unit,
        COUNT,
        Role::Chart,
    ));
    for b in boxes {
        f.put(b);
    }
    f.advance(height);
}
