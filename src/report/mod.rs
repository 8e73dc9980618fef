//! The review report as a PDF: document model -> layout -> printpdf.
//!
//! - [`model`]: what to print, built from an inspection and its grades (no I/O);
//! - [`wrap`], [`layout`] and [`table`]: text measurement, Chinese line breaking,
//!   tables with repeated headers, page breaking; positioned boxes, testable without
//!   a PDF;
//! - [`sections`], [`chart`], [`figures`], [`signatures`] and [`page_frame`]: the
//!   report's sections laid out in order (the photos of the 佐证材料 appendix with
//!   their captions), and each page's header and footer;
//! - [`photos`]: the evidence files' thumbnails, decoded where the input is loaded;
//! - [`fonts`]: the bundled Noto Sans SC subsets and fallbacks, checked per character;
//! - [`pdf`]: the printpdf writer;
//! - [`seal`]: the record seal, printed on the signature page, carried in the PDF's
//!   document information and read back by [`read_seal`];
//! - [`roster`]: the roster and the 附件1 list, with the same engine;
//! - [`annual`]: the district's annual statistics, 附件1 and 附件2, with the same engine.
//!
//! [`build_pdf`] makes the bytes; [`write_pdf`] writes them temp-then-rename, so a
//! failed write never leaves a partial file. Both can run on a worker thread.

pub mod annual;
pub mod chart;
mod destination;
pub mod figures;
pub mod fonts;
pub mod layout;
pub mod model;
pub mod notice;
pub mod page_frame;
pub mod pdf;
pub mod photos;
mod previous;
pub mod roster;
pub mod seal;
pub mod sections;
pub mod signatures;
pub mod table;
pub mod wrap;

use std::path::{Path, PathBuf};

pub use destination::{Wanted, Written, write_report};
pub use fonts::{FontChoice, FontSet, describe_char};
pub use layout::Layout;
pub use model::{Document, PreviousInput, ReportInput};
pub use seal::{PDF_MAX, RecordSeal, SealError, Signer, read_seal};

use crate::store::{Store, StoreError};

/// Why a report could not be made. Each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(
        "检查 {id}（{name}）还没有任何条款评分，无法生成评审报告。请先评分（如 `pingshen grade {id} 1.1.1 A`，或在界面中评分）后再生成报告。"
    )]
    NothingGraded { id: String, name: String },

    #[error(
        "检查 {id} 的记录摘要无效：{detail}。评审报告没有生成。请检查该检查的记录是否完整（可先导出备份）；如问题仍在，请将此信息报告给 pingshen 的维护者。"
    )]
    Seal { id: String, detail: String },

    #[error("无法使用字体文件 {path}：{detail}。请给出一个 .ttf、.otf 或 .ttc 字体文件。")]
    Font { path: PathBuf, detail: String },

    #[error(
        "无法写入 {path}：{source}。请确认目标所在的目录存在且可写、磁盘未满，或换一个输出路径；没有留下不完整的文件。"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// How to make a report.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Fallback fonts for characters the bundled fonts lack.
    pub fonts: FontChoice,
    /// Shown in every page's footer; `None`: now, local time.
    pub generated_at: Option<String>,
}

impl ReportOptions {
    /// What every page's footer says the report was made at: the time given, or now
    /// (local time, to the minute).
    pub fn generated_at(&self) -> String {
        self.generated_at
            .clone()
            .unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d %H:%M").to_string())
    }
}

/// A finished report.
#[derive(Debug, Clone)]
pub struct Report {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Characters no font has: drawn as □. Warn about each.
    pub missing: Vec<char>,
    /// Characters of bold text no bold face has: drawn faux bold (a stroked regular
    /// glyph). Say so.
    pub faux_bold: Vec<char>,
    /// Not final: what to tell the user about the draft ([`crate::store::Finality`]).
    pub draft: Option<String>,
    /// The fonts used besides the bundled ones (paths), for messages.
    pub fallbacks: Vec<String>,
}

impl Report {
    /// The report of `pdf`, laid out as `layout` in `fonts`; `draft`: what to tell the
    /// user when it is not final.
    pub(crate) fn finished(
        pdf: Vec<u8>,
        layout: &Layout,
        fonts: &FontSet,
        draft: Option<String>,
    ) -> Report {
        Report {
            pdf,
            pages: layout.pages.len(),
            missing: fonts.missing(),
            faux_bold: fonts.faux_bold(),
            draft,
            fallbacks: fonts.faces[2..].iter().map(|f| f.name.clone()).collect(),
        }
    }
}

/// The document, its fonts and its layout, before the PDF is written.
pub struct Prepared {
    pub document: Document,
    pub fonts: FontSet,
    pub layout: Layout,
}

/// Builds the document and lays it out (everything but writing the PDF).
pub fn prepare(input: &ReportInput, options: &ReportOptions) -> Result<Prepared, ReportError> {
    let generated_at = options.generated_at();
    let document = Document::build(input, &generated_at)?;
    let (fonts, layout) =
        layout::with_fonts(&options.fonts, |fonts| sections::lay_out(&document, fonts))?;
    Ok(Prepared {
        document,
        fonts,
        layout,
    })
}

/// The 整改通知书 of `input` as PDF bytes.
pub fn render_actions(input: &ReportInput, options: &ReportOptions) -> Result<Report, ReportError> {
    let generated_at = options.generated_at();
    let document = Document::build(input, &generated_at)?;
    let (fonts, layout) = layout::with_fonts(&options.fonts, |fonts| {
        notice::lay_out_notice(&document, fonts)
    })?;
    let i = &document.inspection;
    let title = format!("{}{}", i.institution.name, notice::NOTICE_TITLE);
    let mut info = pdf::DocInfo::now(
        &title,
        &i.inspectors.join("、"),
        &notice::subject(&document),
    );
    info.keywords = vec![notice::NOTICE_TITLE.to_string(), "整改".to_string()];
    let pdf = pdf::render(&layout, &fonts, &info, document.record.as_ref());
    let draft = (!document.finality.is_final()).then(|| {
        format!(
            "这是{}，每页带水印；检查标记为已完成后重新生成，才是正式的整改通知书。",
            document.finality.state()
        )
    });
    Ok(Report::finished(pdf, &layout, &fonts, draft))
}

/// The report of `input` as PDF bytes.
pub fn render(input: &ReportInput, options: &ReportOptions) -> Result<Report, ReportError> {
    let p = prepare(input, options)?;
    let d = &p.document;
    let i = &d.inspection;
    let title = format!("{}{}", i.institution.name, d.report_title);
    let mut subject = format!(
        "{}{} · {} · 《{}》",
        i.institution.name,
        i.review_kind.label(),
        sections::chinese_date(&i.date),
        d.checklist_title.trim_matches(['《', '》'])
    );
    if let Some(mark) = d.finality.watermark() {
        subject.push_str(&format!("（{mark}）"));
    }
    let mut info = pdf::DocInfo::now(&title, &i.inspectors.join("、"), &subject);
    info.keywords = [
        d.report_title.as_str(),
        i.review_kind.label(),
        &i.institution.region,
    ]
    .into_iter()
    .filter(|k| !k.is_empty())
    .map(str::to_string)
    .collect();
    let pdf = pdf::render(&p.layout, &p.fonts, &info, d.record.as_ref());
    Ok(Report::finished(
        pdf,
        &p.layout,
        &p.fonts,
        d.finality.draft_note(),
    ))
}

/// The report of inspection `id` (a unique prefix will do) as PDF bytes.
pub fn build_pdf(store: &Store, id: &str, options: &ReportOptions) -> Result<Report, ReportError> {
    render(&ReportInput::load(store, id)?, options)
}

/// Writes `pdf` to `path`: a temporary file beside it, synced, then renamed over it.
/// On failure nothing is left behind and an existing file at `path` is untouched.
pub fn write_pdf(path: &Path, pdf: &[u8]) -> Result<(), ReportError> {
    if path.is_dir() {
        return Err(ReportError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::IsADirectory, "这是一个目录"),
        });
    }
    crate::store::write_atomically(path, pdf).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Characters of `text` that none of `fonts` has.
pub fn missing_chars(text: &str, fonts: &FontSet) -> Vec<char> {
    fonts.uncovered(text).into_iter().collect()
}
