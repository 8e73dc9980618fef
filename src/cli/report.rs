//! `pingshen report`: writes the review report of an inspection as a PDF.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pingshen::report::{
    FontChoice, Report, ReportInput, ReportOptions, Wanted, describe_char, render, write_report,
};

use super::Paths;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// 检查编号（可只写开头几位）
    pub id: String,
    /// 输出的 PDF 文件（默认：当前目录下「机构名称-评审报告-日期.pdf」）
    #[arg(short = 'o', long = "output", value_name = "FILE.pdf")]
    pub output: Option<PathBuf>,
    /// 备用字体文件（.ttf/.otf/.ttc）：内置字体缺少的字符先从这里找，再从系统的中文字体中找
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// 不使用系统中安装的字体作备用字体（只用内置字体和 --font）
    #[arg(long)]
    pub no_system_fonts: bool,
}

pub fn run(paths: &Paths, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let input = {
        let store = paths.open_store()?;
        ReportInput::load(&store, &args.id)?
    };
    let options = ReportOptions {
        fonts: FontChoice {
            extra: args.font,
            system: !args.no_system_fonts,
        },
        generated_at: None,
    };
    let report = render(&input, &options)?;
    let wanted = match args.output {
        Some(file) => Wanted::File(file),
        None => Wanted::Directory(None),
    };
    let written = write_report(
        &report.pdf,
        &input.inspection.report_file_name(),
        &wanted,
        paths.data_dir()?,
    )?;
    warn_fonts(&report);
    if let Some(why) = &written.moved {
        errln!("提示：{why}，所以改存在{}。", written.place);
    }
    outln!(
        "已生成评审报告 {}（{} 页，{} KB）",
        written.path.display(),
        report.pages,
        report.pdf.len().div_ceil(1024)
    );
    Ok(ExitCode::SUCCESS)
}

/// Tells which fallback fonts were used and warns about characters no font has.
pub fn warn_fonts(report: &Report) {
    for font in &report.fallbacks {
        errln!("提示：部分字符使用了备用字体 {font}");
    }
    for c in &report.missing {
        errln!(
            "警告：没有字体含有字符{}，PDF 中以「□」代替。可用 --font 指定含该字符的字体文件。",
            describe_char(*c)
        );
    }
}
