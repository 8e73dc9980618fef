//! The PDF's measure for [`crate::text`]: glyph advances of a weight and size, in mm.
//! The line-breaking rules themselves live in `crate::text`, shared with the TUI.

use super::layout::{Measure, Weight};
use crate::text::{self, Width};

/// Glyph advances in mm of one weight at one size.
pub struct Glyphs<'a> {
    pub m: &'a dyn Measure,
    pub weight: Weight,
    pub size_mm: f32,
}

impl Width for Glyphs<'_> {
    fn of(&self, grapheme: &str) -> f32 {
        grapheme
            .chars()
            .map(|c| self.m.char_width(c, self.weight, self.size_mm))
            .sum()
    }
}

/// Width of `text` in mm.
pub fn text_width(m: &dyn Measure, text: &str, weight: Weight, size_mm: f32) -> f32 {
    text::width_by(&Glyphs { m, weight, size_mm }, text)
}

/// Breaks `text` into lines no wider than `max` mm, by the rules of [`crate::text`].
pub fn wrap(m: &dyn Measure, text: &str, weight: Weight, size_mm: f32, max: f32) -> Vec<String> {
    text::wrap_by(&Glyphs { m, weight, size_mm }, text, max)
}

/// `text` cut to `max` mm with an ellipsis.
pub fn clip(m: &dyn Measure, text: &str, weight: Weight, size_mm: f32, max: f32) -> String {
    text::truncate_by(&Glyphs { m, weight, size_mm }, text, max)
}
