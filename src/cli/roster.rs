//! `pingshen roster`: the district's list of inspections and verdicts, and the 附件1
//! list of facilities that reached the best verdict (推荐标准).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use pingshen::report::roster::{
    RECOMMENDED_HEADER, ROSTER_HEADER, Roster, RosterKind, recommended_rows, roster_rows,
};
use pingshen::report::{FontChoice, ReportOptions, write_pdf};
use pingshen::store::{FilterError, Overview, RosterFilter};

use super::{Paths, csv_out, table};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    /// PDF（需用 -o 指定文件）：名单为 A4 横向；--recommended 为附件1格式
    Pdf,
}

#[derive(Args, Debug)]
pub struct RosterArgs {
    /// 只列所在区县包含此文字的机构，如 东城区
    #[arg(long)]
    pub region: Option<String>,
    /// 只列此评审类型：自评、区级评审、市级复核、省级抽查、回头看
    #[arg(long)]
    pub kind: Option<String>,
    /// 只列评审日期在此年份的检查，如 2026
    #[arg(long)]
    pub year: Option<String>,
    /// 只列达到最高结论（推荐标准）的机构，按附件1的格式：序号、机构名称（区名+机构名称）、机构负责人、联系手机
    #[arg(long)]
    pub recommended: bool,
    /// 填报人（附件1 页脚）
    #[arg(long, default_value = "")]
    pub filler: String,
    /// 填报人联系电话（附件1 页脚）
    #[arg(long, default_value = "")]
    pub filler_phone: String,
    /// 输出格式：table（屏幕表格）、csv（表格软件）、pdf（需 -o）
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// 输出文件（不写时打印到屏幕；PDF 必须写）
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// PDF 的备用字体文件（.ttf/.otf/.ttc）：内置字体缺少的字符先从这里找，再从系统的中文字体中找
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// PDF 不使用系统中安装的字体作备用字体（只用内置字体和 --font）
    #[arg(long)]
    pub no_system_fonts: bool,
}

impl RosterArgs {
    pub fn filter(&self) -> Result<RosterFilter, FilterError> {
        RosterFilter::parse(
            self.region.as_deref(),
            self.kind.as_deref(),
            self.year.as_deref(),
            self.recommended,
        )
    }
}

pub fn run(paths: &Paths, mut args: RosterArgs) -> anyhow::Result<ExitCode> {
    // Typed text that goes into the CSV and the PDF is cleaned as stored text is.
    args.filler = pingshen::text::clean_line(&args.filler);
    args.filler_phone = pingshen::text::clean_line(&args.filler_phone);
    if args.format == Format::Pdf && args.output.is_none() {
        bail!(
            "PDF 不能输出到屏幕。请用 -o 指定输出文件，如 `pingshen roster --format pdf -o 名单.pdf`。"
        );
    }
    let filter = args.filter()?;
    let store = paths.open_store()?;
    let rows = filter.select(store.overviews()?);
    drop(store);
    if args.format == Format::Pdf {
        return pdf(&args, &filter, &rows);
    }
    let (header, cells): (&[&str], Vec<Vec<String>>) = if args.recommended {
        (&RECOMMENDED_HEADER, recommended_rows(&rows))
    } else {
        (&ROSTER_HEADER, roster_rows(&rows))
    };
    match args.format {
        Format::Csv => {
            let mut cells = cells;
            if args.recommended {
                cells.push(Vec::new());
                cells.push(vec![
                    "填报人".into(),
                    args.filler.clone(),
                    "联系电话".into(),
                    args.filler_phone.clone(),
                ]);
            }
            let bytes = csv_out::to_csv(header, &cells)?;
            csv_out::emit(&bytes, args.output.as_deref())?;
        }
        Format::Table => {
            let mut text = table::render(header, &cells);
            if args.recommended {
                text.push_str(&format!(
                    "\n填报人：{}    联系电话：{}\n",
                    args.filler, args.filler_phone
                ));
            }
            csv_out::emit(text.as_bytes(), args.output.as_deref())?;
        }
        Format::Pdf => unreachable!("handled above"),
    }
    if let Some(p) = &args.output {
        errln!("已写入 {}（{} 个机构）", p.display(), rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn pdf(args: &RosterArgs, filter: &RosterFilter, rows: &[Overview]) -> anyhow::Result<ExitCode> {
    let Some(output) = &args.output else {
        bail!("PDF 需要用 -o 指定输出文件。");
    };
    let kind = if args.recommended {
        RosterKind::Recommended {
            filler: args.filler.clone(),
            filler_phone: args.filler_phone.clone(),
        }
    } else {
        RosterKind::All
    };
    let roster = Roster::new(kind, rows, filter.describe());
    let options = ReportOptions {
        fonts: FontChoice {
            extra: args.font.clone(),
            system: !args.no_system_fonts,
        },
        generated_at: None,
    };
    let report = pingshen::report::roster::render(&roster, &options)?;
    write_pdf(output, &report.pdf)?;
    super::report::warn_fonts(&report);
    errln!(
        "已写入 {}（{} 个{}，{} 页）",
        output.display(),
        rows.len(),
        if args.recommended {
            "机构"
        } else {
            "评审记录"
        },
        report.pages
    );
    Ok(ExitCode::SUCCESS)
}
