//! `pingshen check FILE...`: every problem in every file, then a verdict per file.

use std::path::PathBuf;
use std::process::ExitCode;

use pingshen::checklist::{Checklist, ReadError, read_source};

pub fn run(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut failed = 0;
    for path in files {
        let name = path.display();
        let source = match read_source(path) {
            Ok(s) => s,
            Err(ReadError::NotUtf8(d)) => {
                println!("{d}\n");
                println!("{name}：无法读取（编码错误）\n");
                failed += 1;
                continue;
            }
            Err(e) => {
                println!("{e}\n");
                failed += 1;
                continue;
            }
        };
        match source.parse() {
            Ok(c) => println!(
                "{name}：通过。{}，sha256 {}\n",
                summary(&c),
                &source.sha256()[..8]
            ),
            Err(diags) => {
                for d in &diags {
                    println!("{d}\n");
                }
                println!(
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
        c.title,
        c.chapters.len(),
        items.len(),
        c.verdicts.len()
    )
}
