//! Styles. Emphasis is bold, reverse and the terminal's own foreground, so every
//! screen reads on light and dark backgrounds alike; colours are accents only and
//! never carry meaning alone (a grade is always spelled out as well).

use ratatui::style::{Color, Modifier, Style};

use crate::scoring::Grade;

pub fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

/// The selected row.
pub fn selected() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

/// The title bar at the top.
pub fn title_bar() -> Style {
    Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

pub fn key() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn heading() -> Style {
    Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

pub fn error() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn warning() -> Style {
    Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

pub fn good() -> Style {
    Style::default()
        .fg(Color::Green)
        .add_modifier(Modifier::BOLD)
}

/// The sample marker 示例.
pub fn sample() -> Style {
    Style::default()
        .fg(Color::Magenta)
        .add_modifier(Modifier::BOLD)
}

pub fn core_star() -> Style {
    Style::default().fg(Color::Yellow)
}

pub fn grade(grade: Option<Grade>) -> Style {
    match grade {
        Some(Grade::A) => Style::default()
            .fg(Color::Green)
            .add_modifier(Modifier::BOLD),
        Some(Grade::B) => Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD),
        Some(Grade::C) => Style::default()
            .fg(Color::Blue)
            .add_modifier(Modifier::BOLD),
        Some(Grade::D) => error(),
        Some(Grade::NotApplicable) => Style::default(),
        None => dim(),
    }
}

/// Two cells for the tree: A, B, C, D (不达标), NA (不适用), 待 (pending).
pub fn grade_code(grade: Option<Grade>) -> &'static str {
    match grade {
        Some(Grade::A) => "A ",
        Some(Grade::B) => "B ",
        Some(Grade::C) => "C ",
        Some(Grade::D) => "D ",
        Some(Grade::NotApplicable) => "NA",
        None => "待",
    }
}

/// A grade in words: A, B, C, 不达标, 不适用, 待评.
pub fn grade_label(grade: Option<Grade>) -> &'static str {
    grade.map_or("待评", |g| g.label())
}
