//! `pingshen annual --year Y [--region R] [--format text|csv|xlsx|pdf] [-o FILE]`: the
//! statistics of the district's year ([`pingshen::district::annual`]), as the tables
//! of [`pingshen::report::annual::tables`]: in the terminal, as CSV (one table after
//! another, each under its title), as a workbook (a sheet a table) or as the PDF.

use std::process::ExitCode;

use pingshen::district::Known;
use pingshen::district::annual::{AnnualInput, with_agreement};
use pingshen::report::annual::{self, AnnualTable, Filler, Start};
use pingshen::report::{FontChoice, ReportOptions, write_pdf};

use super::annual::{AnnualArgs, Format};
use super::{Paths, table};

pub fn run(
    paths: &Paths,
    year: i32,
    as_of: Option<chrono::NaiveDate>,
    args: &AnnualArgs,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let region = args.region.as_deref();
    let store = paths.open_store()?;
    let register = store.facilities()?;
    let overviews = store.overviews()?;
    let checklists = store.pinned_checklists(&overviews)?;
    let results = store.results()?;
    let catalog = paths.catalog();
    let known = Known::from_checklists(
        catalog
            .available
            .iter()
            .map(|a| &a.checklist)
            .chain(checklists.values().map(|c| c.as_ref())),
    );
    let Ok(targets) = super::annual::user_targets(paths, &known) else {
        return Ok(ExitCode::from(2));
    };
    let a = with_agreement(
        &store,
        &AnnualInput {
            year,
            region,
            register: &register,
            overviews: &overviews,
            checklists: &checklists,
            results: &results,
            targets: &targets.targets,
            plans: &targets.plans,
            as_of,
        },
    );
    drop(store);
    // Typed text that goes into the files is cleaned as stored text is.
    let filler = Filler {
        name: pingshen::text::clean_line(&args.filler),
        phone: pingshen::text::clean_line(&args.filler_phone),
    };
    let output = args.output.as_deref();
    match format {
        Format::Text => super::csv_out::emit(text(&a, &filler).as_bytes(), output)?,
        Format::Csv => super::csv_out::emit(&csv_text(&a, &filler)?, output)?,
        Format::Xlsx => {
            let bytes = annual::workbook(&a, &filler).map_err(anyhow::Error::msg)?;
            super::csv_out::emit(&bytes, output)?;
        }
        Format::Pdf => {
            let Some(path) = output else {
                anyhow::bail!("PDF 不能输出到屏幕：请用 -o 指定输出文件。");
            };
            let options = ReportOptions {
                fonts: FontChoice {
                    extra: args.font.clone(),
                    system: !args.no_system_fonts,
                },
                generated_at: None,
            };
            let report = annual::render(&a, &filler, &options)?;
            write_pdf(path, &report.pdf)?;
            super::report::warn_fonts(&report);
            errln!("已写入 {}（{} 页）", path.display(), report.pages);
        }
    }
    if format != Format::Pdf
        && let Some(p) = output
    {
        errln!("已写入 {}", p.display());
    }
    if register.is_empty() {
        errln!(
            "机构名录是空的：年度统计按机构计算。请先运行 pingshen facility migrate 把已有的检查归入机构。"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A table's title line (an annex's with its label).
fn heading(t: &AnnualTable) -> String {
    match t.start {
        Start::Annex(label) => format!("{label}：{}", t.title),
        _ => t.title.clone(),
    }
}

fn text(a: &pingshen::district::annual::Annual, filler: &Filler) -> String {
    let mut s = format!("{}\n", annual::title(a));
    if let Some(d) = a.as_of {
        s.push_str(&format!("统计截至 {d}\n"));
    }
    s.push('\n');
    for t in annual::tables(a) {
        s.push_str(&heading(&t));
        s.push('\n');
        if t.rows.is_empty() {
            s.push_str(&format!("  （无）{}\n", t.empty));
        } else {
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| r.iter().map(|c| table::clip(c, 40)).collect())
                .collect();
            let h: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            s.push_str(&table::render(&h, &rows));
        }
        for n in &t.notes {
            s.push_str(n);
            s.push('\n');
        }
        if t.filler {
            s.push_str(&format!(
                "填报人：{}    联系电话：{}\n",
                filler.name, filler.phone
            ));
        }
        s.push('\n');
    }
    s
}

/// Every table one after another in one CSV (BOM once, for Excel): its title on a
/// line of its own, the header, the rows, its notes, an empty line.
fn csv_text(a: &pingshen::district::annual::Annual, filler: &Filler) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let cell = |c: &str| pingshen::text::csv_cell(c).into_owned();
    for t in annual::tables(a) {
        w.write_record([cell(&heading(&t))])?;
        w.write_record(t.columns.iter().map(|c| cell(&c.name)))?;
        for r in &t.rows {
            w.write_record(r.iter().map(|c| cell(c)))?;
        }
        for n in &t.notes {
            w.write_record([cell(n)])?;
        }
        if t.filler {
            w.write_record([
                cell("填报人"),
                cell(&filler.name),
                cell("联系电话"),
                cell(&filler.phone),
            ])?;
        }
        w.write_record([""])?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("CSV 生成失败（{e}）"))
}
