//! The fonts a report is set in: the two bundled Noto Sans SC subsets, then fallbacks
//! for characters they lack (a font given with `--font`, then CJK fonts found on the
//! system). Every character is resolved against the fonts' cmaps before layout, so a
//! character no font has is known, reported and drawn as a visible □.
//!
//! Bold text is bold in every character: a character the bundled bold subset (GB2312)
//! lacks is taken from a bold system face when there is one, else drawn from a regular
//! face with a stroke around it (faux bold, PDF text render mode 2), never in the plain
//! regular face; [`FontSet::faux_bold`] names those characters, for a message.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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
    /// 0: bundled regular, 1: bundled bold, 2..: fallbacks in order. The bundled
    /// faces are parsed once per process and shared.
    pub faces: Vec<Arc<Face>>,
    /// Characters no face has; drawn as [`REPLACEMENT`].
    missing: BTreeSet<char>,
    /// Characters of bold text that no bold face has: drawn faux bold.
    faux: BTreeSet<char>,
    /// How each character met so far is drawn, and its advance in ems, by character
    /// and weight: a report measures the same few thousand characters hundreds of
    /// thousands of times, and each cmap lookup is a search.
    drawn: RefCell<GlyphCache>,
}

/// (character, weight) → how it is drawn and its advance in ems.
type GlyphCache = HashMap<(char, Weight), (Glyph, f32), BuildHasherDefault<CharHasher>>;

/// A hasher for the glyph cache's keys (a character and a weight): one multiply per
/// word, as rustc's FxHash. SipHash, the default, was a twentieth of a report's time
/// for keys no one chooses against us.
#[derive(Default)]
struct CharHasher(u64);

impl Hasher for CharHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// The bundled faces, parsed once per process (a parse of the 5 MB regular subset is
/// milliseconds; every report needs it).
fn bundled_faces() -> Result<&'static [Arc<Face>; 2], ReportError> {
    static FACES: OnceLock<Option<[Arc<Face>; 2]>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let regular = Face::parse("内置 Noto Sans SC Regular".into(), REGULAR_OTF, 0)?;
            let mut bold = Face::parse("内置 Noto Sans SC Bold".into(), BOLD_OTF, 0)?;
            bold.bold = true;
            Some([Arc::new(regular), Arc::new(bold)])
        })
        .as_ref()
        .ok_or_else(|| ReportError::Font {
            path: PathBuf::from("内置 Noto Sans SC"),
            detail: "程序自带的字体无法解析，安装包可能已损坏，请重新安装 pingshen".into(),
        })
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
        Ok(FontSet {
            faces: bundled_faces()?.to_vec(),
            missing: BTreeSet::new(),
            faux: BTreeSet::new(),
            drawn: RefCell::new(HashMap::default()),
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
                set.faces.push(Arc::new(face));
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
                    set.faces.push(Arc::new(face));
                }
            }
        }
        // Bold text: the characters the bundled bold lacks, from bold system faces.
        let mut bold_wanted: BTreeSet<char> =
            bold.chars().filter(|c| *c != '\n' && *c != '\t').collect();
        bold_wanted.retain(|c| !set.faces[BOLD].has(*c));
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
                    set.faces.push(Arc::new(face));
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
        self.drawn(c, weight).0
    }

    /// How `c` is drawn in `weight` and its advance in ems, from the cache or found.
    pub fn drawn(&self, c: char, weight: Weight) -> (Glyph, f32) {
        if let Some(d) = self.drawn.borrow().get(&(c, weight)) {
            return *d;
        }
        let g = self.find(c, weight);
        let advance = self.faces[g.face].advance_em(g.ch).unwrap_or(1.0);
        self.drawn.borrow_mut().insert((c, weight), (g, advance));
        (g, advance)
    }

    fn find(&self, c: char, weight: Weight) -> Glyph {
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
        self.drawn(c, weight).1 * size_mm
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
