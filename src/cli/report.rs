//! `pingshen report`: writes the review report of an inspection as a PDF.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pingshen::report::{
    FontChoice, Report, ReportInput, ReportOptions, Wanted, describe_char, render, render_actions,
    write_report,
};

use super::Paths;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// 检查编号（可只写开头几位）
    pub id: String,
    /// 输出的 PDF 文件（默认：输出文件夹中的「机构名称-评审报告-日期.pdf」，同名文件已存在时加序号；输出文件夹见 README「文件存到哪里」）
    #[arg(short = 'o', long = "output", value_name = "FILE.pdf")]
    pub output: Option<PathBuf>,
    /// 备用字体文件（.ttf/.otf/.ttc）：内置字体缺少的字符先从这里找，再从系统的中文字体中找
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// 不使用系统中安装的字体作备用字体（只用内置字体和 --font）
    #[arg(long)]
    pub no_system_fonts: bool,
    /// 生成整改通知书（交给机构的整改意见清单：按责任科室分组，含整改期限、状态和签收栏），而不是评审报告
    #[arg(long)]
    pub actions: bool,
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
    let (report, name, what) = if args.actions {
        (
            render_actions(&input, &options)?,
            input.inspection.actions_file_name(),
            "整改通知书",
        )
    } else {
        (
            render(&input, &options)?,
            input.inspection.report_file_name(),
            "评审报告",
        )
    };
    let wanted = match args.output {
        Some(file) => Wanted::File(file),
        None => Wanted::Directory(paths.output_dir()),
    };
    let written = write_report(&report.pdf, &name, &wanted, paths.data_dir()?)?;
    warn_fonts(&report);
    if let Some(why) = &written.moved {
        errln!("提示：{why}，所以改存在{}。", written.place);
    }
    outln!(
        "已生成{what}{} {}（{} 页，{} KB）",
        if report.draft.is_some() {
            "（草稿）"
        } else {
            ""
        },
        written.path.display(),
        report.pages,
        report.pdf.len().div_ceil(1024)
    );
    if let Some(note) = &report.draft {
        outln!("{note}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Tells which fallback fonts were used and warns about characters no font has.
pub fn warn_fonts(report: &Report) {
    for font in &report.fallbacks {
        errln!("提示：部分字符使用了备用字体 {font}");
    }
    if !report.faux_bold.is_empty() {
        let chars: Vec<String> = report.faux_bold.iter().map(|c| describe_char(*c)).collect();
        errln!(
            "提示：内置粗体字体没有{}，这些字符在粗体文字中以常规字形加描边（仿粗体）绘制。",
            chars.join("、")
        );
    }
    for c in &report.missing {
        errln!(
            "警告：没有字体含有字符{}，PDF 中以「□」代替。可用 --font 指定含该字符的字体文件。",
            describe_char(*c)
        );
    }
}

/// `pingshen verify 报告.pdf`: whether the report's record seal matches the
/// inspection's record in the store, or in the export bundle `against`.
pub fn verify_pdf(
    paths: &Paths,
    pdf: &std::path::Path,
    against: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    use pingshen::report::{SealError, read_seal};
    use pingshen::store::SealFound;
    let size = std::fs::metadata(pdf)
        .map_err(|e| anyhow::anyhow!("无法读取 {}：{e}。请确认文件路径正确。", pdf.display()))?
        .len();
    if size > pingshen::report::PDF_MAX as u64 {
        return Err(SealError::TooLarge { bytes: size }.into());
    }
    let bytes = std::fs::read(pdf)
        .map_err(|e| anyhow::anyhow!("无法读取 {}：{e}。请确认文件路径正确。", pdf.display()))?;
    let seal = read_seal(&bytes)?.ok_or(SealError::NoSeal)?;
    outln!("报告 {}：{}", pdf.display(), seal.summary());
    let matched = match against {
        Some(file) => {
            let bundle = pingshen::store::read_bundle(file)?;
            let hashed: Vec<_> = bundle
                .entries
                .iter()
                .map(|e| (e.clone(), e.hash()))
                .collect();
            let v = pingshen::store::verify_entries(&bundle.inspection, &hashed);
            if v.digest == seal.head && v.entries == seal.entries {
                outln!(
                    "一致：与导出文件 {} 中检查 {} 的记录完全相符（{} 条记录）。",
                    file.display(),
                    bundle.inspection,
                    v.entries
                );
                true
            } else if let Some(at) = pingshen::store::digest_position(&hashed, &seal.head)
                .filter(|at| *at == seal.entries)
            {
                outln!(
                    "一致：报告是按导出文件中检查 {} 的前 {at} 条记录生成的；文件中此后还有 {} 条新记录，报告未包含。",
                    bundle.inspection,
                    hashed.len() as u64 - at
                );
                true
            } else {
                false
            }
        }
        None => {
            let store = paths.open_store()?;
            match store.find_digest(&seal.head)? {
                Some(SealFound::Current {
                    inspection,
                    entries,
                }) if entries == seal.entries => {
                    outln!(
                        "一致：与本机检查 {inspection} 的当前记录完全相符（{entries} 条记录）。"
                    );
                    true
                }
                Some(SealFound::Earlier {
                    inspection,
                    at,
                    later,
                }) if at == seal.entries => {
                    outln!(
                        "一致：报告是按本机检查 {inspection} 的前 {at} 条记录生成的；此后又有 {later} 条新记录（修改），报告未包含，需要时请重新生成。"
                    );
                    true
                }
                _ => false,
            }
        }
    };
    if matched {
        return Ok(ExitCode::SUCCESS);
    }
    errln!(
        "不一致：报告中的记录摘要在{}中找不到。报告可能被改动过，或来自另一台电脑上的记录；请向出具报告的人索取其导出文件，用 --against 核对。",
        against.map_or("本机的检查记录".to_string(), |f| format!(
            "导出文件 {}",
            f.display()
        ))
    );
    Ok(ExitCode::FAILURE)
}
