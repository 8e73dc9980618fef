//! The fonts a report is set in: the two bundled Noto Sans SC subsets, then fallbacks
//! for characters they lack (a font given with `--font`, then CJK fonts found on the
//! system). Every character is resolved against the fonts' cmaps before layout, so a
//! character no font has is known, reported and drawn as a visible □.
//!
//! Bold text is bold in every character: a character the bundled bold subset (GB2312)
//! lacks is taken from a bold system face when there is one, else drawn from a regular
//! face with a stroke around it (faux bold, PDF text render mode 2), never in the plain
//! regular face; [`FontSet::faux_bold`] names those characters, for a message.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use printpdf::ParsedFont;

use super::ReportError;
use super::layout::{Measure, Weight};

/// Noto Sans CJK SC Regular, every character of GBK (see assets/fonts/make-fonts.sh).
pub const REGULAR_OTF: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Regular-GBK.otf");
/// Noto Sans CJK SC Bold, every character of GB2312.
pub const BOLD_OTF: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Bold-GB2312.otf");

/// Drawn in place of a character no font has.
pub const REPLACEMENT: char = '□';

/// One font face in use.
pub struct Face {
    /// What to call it in messages: "内置 Noto Sans SC Regular" or a path.
    pub name: String,
    pub font: ParsedFont,
    /// Font units per em, for turning advances into sizes.
    units_per_em: f32,
    /// A bold face: used for bold text only.
    pub bold: bool,
}

impl Face {
    fn parse(name: String, bytes: &[u8], index: usize) -> Option<Face> {
        let font = ParsedFont::from_bytes(bytes, index, &mut Vec::new())?;
        let units_per_em = match font.font_metrics.units_per_em {
            0 => 1000.0,
            n => f32::from(n),
        };
        Some(Face {
            name,
            font,
            units_per_em,
            bold: false,
        })
    }

    fn has(&self, c: char) -> bool {
        self.font.lookup_glyph_index(c as u32).is_some()
    }

    /// Advance of `c` in ems, if the face has it.
    fn advance_em(&self, c: char) -> Option<f32> {
        let gid = self.font.lookup_glyph_index(c as u32)?;
        Some(f32::from(self.font.get_horizontal_advance(gid)) / self.units_per_em)
    }
}

/// The faces of a report, in the order they are tried, with a cache of which face draws
/// each character of the text.
pub struct FontSet {
    /// 0: bundled regular, 1: bundled bold, 2..: fallbacks in order.
    pub faces: Vec<Face>,
    /// Characters no face has; drawn as [`REPLACEMENT`].
    missing: BTreeSet<char>,
    /// Characters of bold text that no bold face has: drawn faux bold.
    faux: BTreeSet<char>,
}

/// How one character is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyph {
    /// The face, an index into [`FontSet::faces`].
    pub face: usize,
    /// The character drawn: the one asked for, or [`REPLACEMENT`].
    pub ch: char,
    /// Bold text drawn from a regular face, with a stroke (faux bold).
    pub faux_bold: bool,
}

const REGULAR: usize = 0;
const BOLD: usize = 1;

/// Where to look for fallback fonts, in order: (path, face index in a collection).
/// Windows, macOS, then the usual Linux packages.
const SYSTEM_FONTS: &[(&str, usize)] = &[
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("C:\\Windows\\Fonts\\simsunb.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
];

/// Bold faces to look for when bold text has characters the bundled bold lacks, in
/// order: (path, face index in a collection).
const SYSTEM_BOLD_FONTS: &[(&str, usize)] = &[
    ("C:\\Windows\\Fonts\\msyhbd.ttc", 0),
    ("C:\\Windows\\Fonts\\simhei.ttf", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0),
];

/// Which fallbacks to use besides the bundled fonts.
#[derive(Debug, Clone, Default)]
pub struct FontChoice {
    /// A font file given by the user (`--font`), tried first.
    pub extra: Option<PathBuf>,
    /// Whether to look for CJK fonts installed on the system.
    pub system: bool,
}

impl FontSet {
    /// The bundled fonts only.
    pub fn bundled() -> Result<FontSet, ReportError> {
        let parse = |name: &str, bytes: &[u8]| {
            Face::parse(name.into(), bytes, 0).ok_or_else(|| ReportError::Font {
                path: PathBuf::from(name),
                detail: "程序自带的字体无法解析，安装包可能已损坏，请重新安装 pingshen".into(),
            })
        };
        Ok(FontSet {
            faces: vec![
                parse("内置 Noto Sans SC Regular", REGULAR_OTF)?,
                parse("内置 Noto Sans SC Bold", BOLD_OTF)?,
            ],
            missing: BTreeSet::new(),
            faux: BTreeSet::new(),
        })
    }

    /// The bundled fonts, plus whatever fallbacks `choice` allows that are needed to
    /// draw `text`, of which `bold` is set in bold. A system font is parsed only when a
    /// character is missing from every font before it, and kept only if it has one.
    pub fn for_text(text: &str, bold: &str, choice: &FontChoice) -> Result<FontSet, ReportError> {
        let mut set = FontSet::bundled()?;
        let mut wanted = set.uncovered(text);
        if let Some(path) = &choice.extra {
            // Read even when nothing is missing, so a bad path is always reported.
            let face = load_file(path, 0)?;
            if wanted.iter().any(|c| face.has(*c)) {
                wanted.retain(|c| !face.has(*c));
                set.faces.push(face);
            }
        }
        if choice.system {
            for (path, index) in SYSTEM_FONTS {
                if wanted.is_empty() {
                    break;
                }
                let path = Path::new(path);
                if !path.is_file() {
                    continue;
                }
                let Ok(face) = load_file(path, *index) else {
                    continue;
                };
                if wanted.iter().any(|c| face.has(*c)) {
                    wanted.retain(|c| !face.has(*c));
                    set.faces.push(face);
                }
            }
        }
        // Bold text: the characters the bundled bold lacks, from bold system faces.
        let mut bold_wanted: BTreeSet<char> = bold
            .chars()
            .filter(|c| *c != '\n' && *c != '\t' && !set.faces[BOLD].has(*c))
            .collect();
        if choice.system {
            for (path, index) in SYSTEM_BOLD_FONTS {
                if bold_wanted.is_empty() {
                    break;
                }
                let path = Path::new(path);
                if !path.is_file() {
                    continue;
                }
                let Ok(mut face) = load_file(path, *index) else {
                    continue;
                };
                if bold_wanted.iter().any(|c| face.has(*c)) {
                    bold_wanted.retain(|c| !face.has(*c));
                    face.bold = true;
                    set.faces.push(face);
                }
            }
        }
        set.missing = wanted;
        set.faux = bold_wanted
            .into_iter()
            .filter(|c| !set.missing.contains(c))
            .collect();
        Ok(set)
    }

    /// Characters of `text` that no face of this set has (line breaks and tabs aside).
    pub fn uncovered(&self, text: &str) -> BTreeSet<char> {
        let mut seen = BTreeSet::new();
        let mut out = BTreeSet::new();
        for c in text.chars() {
            if c == '\n' || c == '\t' || !seen.insert(c) {
                continue;
            }
            if !self.faces.iter().any(|f| f.has(c)) {
                out.insert(c);
            }
        }
        out
    }

    /// Characters of the report's text that no font has, in code point order.
    pub fn missing(&self) -> Vec<char> {
        self.missing.iter().copied().collect()
    }

    /// Characters of bold text that no bold face has, drawn faux bold, in code point
    /// order.
    pub fn faux_bold(&self) -> Vec<char> {
        self.faux.iter().copied().collect()
    }

    /// How `c` is drawn in `weight`: its face and the character drawn (the
    /// replacement for a character no face has). Regular text takes the regular faces
    /// in order; bold text the bundled bold, then bold fallbacks, then a regular face
    /// drawn faux bold — never a regular glyph as it is.
    pub fn resolve(&self, c: char, weight: Weight) -> Glyph {
        let c = if c == '\t' { ' ' } else { c };
        let has = |i: usize| self.faces[i].has(c);
        let regular =
            std::iter::once(REGULAR).chain((2..self.faces.len()).filter(|i| !self.faces[*i].bold));
        if weight == Weight::Bold {
            let bold =
                std::iter::once(BOLD).chain((2..self.faces.len()).filter(|i| self.faces[*i].bold));
            for i in bold {
                if has(i) {
                    return Glyph {
                        face: i,
                        ch: c,
                        faux_bold: false,
                    };
                }
            }
            for i in regular {
                if has(i) {
                    return Glyph {
                        face: i,
                        ch: c,
                        faux_bold: true,
                    };
                }
            }
            return Glyph {
                face: REGULAR,
                ch: REPLACEMENT,
                faux_bold: true,
            };
        }
        for i in regular {
            if has(i) {
                return Glyph {
                    face: i,
                    ch: c,
                    faux_bold: false,
                };
            }
        }
        Glyph {
            face: REGULAR,
            ch: REPLACEMENT,
            faux_bold: false,
        }
    }
}

impl Measure for FontSet {
    fn char_width(&self, c: char, weight: Weight, size_mm: f32) -> f32 {
        let g = self.resolve(c, weight);
        self.faces[g.face].advance_em(g.ch).unwrap_or(1.0) * size_mm
    }
}

fn load_file(path: &Path, index: usize) -> Result<Face, ReportError> {
    let bytes = std::fs::read(path).map_err(|e| ReportError::Font {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    Face::parse(path.display().to_string(), &bytes, index).ok_or_else(|| ReportError::Font {
        path: path.to_path_buf(),
        detail: "无法识别为字体".into(),
    })
}

/// How a missing character is named in a warning: 「𠀀」U+20000.
pub fn describe_char(c: char) -> String {
    if c.is_control() || ('\u{E000}'..='\u{F8FF}').contains(&c) {
        format!("U+{:04X}", c as u32)
    } else {
        format!("「{c}」U+{:04X}", c as u32)
    }
}
