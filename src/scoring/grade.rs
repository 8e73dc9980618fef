use std::fmt;

use serde::{Deserialize, Serialize};

use crate::checklist::Level;

/// The grade an inspector gives an item. An item without one is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    /// 不达标: C not met.
    D,
    /// 不适用: the item does not apply to this facility (only where the checklist allows).
    NotApplicable,
}

impl Grade {
    pub const ALL: [Grade; 5] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::NotApplicable];

    /// Accepts the letters (any case) and the Chinese words inspectors use.
    pub fn parse(s: &str) -> Option<Grade> {
        match s.trim() {
            "A" | "a" => Some(Grade::A),
            "B" | "b" => Some(Grade::B),
            "C" | "c" => Some(Grade::C),
            "D" | "d" | "不达标" => Some(Grade::D),
            "NA" | "na" | "N/A" | "n/a" | "不适用" => Some(Grade::NotApplicable),
            _ => None,
        }
    }

    /// How the grade is shown: A, B, C, 不达标, 不适用.
    pub fn label(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "不达标",
            Grade::NotApplicable => "不适用",
        }
    }

    /// Whether this grade is at or above `level`. 不达标 and 不适用 reach nothing.
    pub fn reaches(self, level: Level) -> bool {
        let rank = match self {
            Grade::A => 3,
            Grade::B => 2,
            Grade::C => 1,
            Grade::D | Grade::NotApplicable => return false,
        };
        let need = match level {
            Level::A => 3,
            Level::B => 2,
            Level::C => 1,
        };
        rank >= need
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
