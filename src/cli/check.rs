//! `pingshen check FILE...`: every problem in every file, then a verdict per file.

use std::path::PathBuf;
use std::process::ExitCode;

use pingshen::checklist::{
    Checklist, MAX_PRINTED_ERRORS, ReadError, escape_for_terminal, read_source, warnings,
};

/// Output goes through [`super::output`]: escaped for the terminal, and quiet when the
/// reader (`head`, a pager) goes away.
pub fn run(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut failed = 0;
    for path in files {
        let shown = path.display().to_string();
        let name = escape_for_terminal(&shown);
        let source = match read_source(path) {
            Ok(s) => s,
            Err(ReadError::NotUtf8(d)) => {
                outln!("{d}\n");
                outln!("{name}：无法读取（编码错误）\n");
                failed += 1;
                continue;
            }
            Err(e) => {
                outln!("{e}\n");
                failed += 1;
                continue;
            }
        };
        match source.parse() {
            Ok(c) => {
                let warnings = warnings(&c, &source.text, &shown);
                for w in &warnings {
                    outln!("{w}\n");
                }
                let noted = match warnings.len() {
                    0 => String::new(),
                    n => format!("（{n} 个警告，见上）"),
                };
                outln!(
                    "{name}：通过{noted}。{}，sha256 {}\n",
                    summary(&c),
                    &source.sha256()[..8]
                )
            }
            Err(diags) => {
                for d in diags.iter().take(MAX_PRINTED_ERRORS) {
                    outln!("{d}\n");
                }
                if let Some(more) = diags.len().checked_sub(MAX_PRINTED_ERRORS)
                    && more > 0
                {
                    outln!(
                        "还有 {more} 个错误未列出（这个文件共有 {} 个错误，只列出前 {MAX_PRINTED_ERRORS} 个）。\n",
                        diags.len()
                    );
                }
                outln!(
                    "{name}：{} 个错误，请按上面的提示修改后再检查。\n",
                    diags.len()
                );
                failed += 1;
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// "《…》，4 章 27 节 105 条（★ 20 条，推荐标准 30 条），2 条结论规则"
pub fn summary(c: &Checklist) -> String {
    let sections: usize = c.chapters.iter().map(|ch| ch.sections.len()).sum();
    let items: Vec<_> = c.items().map(|(_, _, it)| it).collect();
    let core = items.iter().filter(|it| it.core).count();
    let recommended = items
        .iter()
        .filter(|it| it.tier == pingshen::checklist::Tier::Recommended)
        .count();
    format!(
        "《{}》{} 章 {sections} 节 {} 条（★ 核心 {core} 条，推荐标准 {recommended} 条），{} 条结论规则",
        escape_for_terminal(&c.title),
        c.chapters.len(),
        items.len(),
        c.verdicts.len()
    )
}
