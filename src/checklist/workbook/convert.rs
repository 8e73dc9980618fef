//! From sheets to checklist TOML: one row of 条款 becomes one item, one row of 结论规则
//! one condition, one row of 清单信息 one key. Only what the sheets' own shape needs is
//! checked here (headers, the 章.节.条 form of an id, a chapter named two ways); every
//! value is passed on to the loader, which checks it as in any checklist file.

use super::Problem;
use super::emit::Emitter;
use super::layout::*;
use super::read::{Sheet, Unreadable};
use super::rows::data_rows;

pub fn to_toml(sheets: &[Sheet]) -> Result<(Emitter, Vec<Problem>), Unreadable> {
    let find = |kind: &str| -> Result<&Sheet, Unreadable> {
        let mut found = sheets.iter().filter(|s| s.kind == kind);
        let first = found.next().ok_or_else(|| {
            format!("缺少「{kind}」工作表。一份清单要有「{ITEMS}」「{RULES}」「{META}」三个工作表；用 CSV 时，每个工作表存成一个 CSV 文件，一起导入（pingshen checklists import 清单信息.csv 结论规则.csv 条款.csv -o 清单.toml）。")
        })?;
        if let Some(second) = found.next() {
            return Err(format!(
                "{} 和 {} 都是「{kind}」工作表，只能有一个。",
                first.place, second.place
            ));
        }
        Ok(first)
    };
    let (meta, rules, items) = (find(META)?, find(RULES)?, find(ITEMS)?);
    let mut p = Vec::new();
    let meta_cols = columns(meta, META_COLUMNS, &["项目", "内容"], &mut p);
    let rule_cols = columns(
        rules,
        RULE_COLUMNS,
        &["结论", "选择", "最低档次", "最低比例"],
        &mut p,
    );
    let item_cols = columns(
        items,
        ITEM_COLUMNS,
        &["编号", "条款", "类别", "评价方法", "C"],
        &mut p,
    );
    let mut out = Emitter::default();
    let (Some(mc), Some(rc), Some(ic)) = (meta_cols, rule_cols, item_cols) else {
        return Ok((out, p));
    };
    let title = data_rows(meta, &mc)
        .find(|r| r.get("项目") == "标题")
        .map_or("", |r| r.get("内容"));
    out.comment("", &"═".repeat(60));
    out.comment("", title);
    out.comment("", "");
    out.comment(
        "",
        "本文件由 `pingshen checklists import` 从工作簿生成。可以直接修改本文件，",
    );
    out.comment(
        "",
        "也可以改工作簿后重新导入。各个键的含义见 checklists/README.md；",
    );
    out.comment("", "修改后运行 `pingshen check 文件名` 检查。");
    out.comment("", &"═".repeat(60));
    out.blank();
    write_meta(&mut out, meta, &mc, &mut p);
    write_rules(&mut out, rules, &rc, &mut p);
    super::items::write_items(&mut out, items, &ic, &mut p);
    Ok((out, p))
}

/// Column index of each expected header, or `None` (reported) when a required one is
/// missing.
pub(super) fn columns(
    s: &Sheet,
    expected: &[&str],
    required: &[&str],
    p: &mut Vec<Problem>,
) -> Option<Vec<Option<usize>>> {
    let header = s.rows.first().cloned().unwrap_or_default();
    let mut at = vec![None; expected.len()];
    for (col, name) in header.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        match expected.iter().position(|e| e == name) {
            Some(i) if at[i].is_none() => at[i] = Some(col),
            Some(_) => p.push(Problem::new(
                s.cell(0, col),
                format!("表头「{name}」出现了两次"),
                "每一列只写一次：删去重复的那一列。",
            )),
            None => p.push(Problem::new(
                s.cell(0, col),
                format!("表头「{name}」不认识"),
                format!(
                    "「{}」工作表的列只能是：{}。表头请保持导出或模板中的写法。",
                    s.kind,
                    expected.join("、")
                ),
            )),
        }
    }
    let mut ok = true;
    for (i, name) in expected.iter().enumerate() {
        if at[i].is_none() && required.contains(name) {
            ok = false;
            p.push(Problem::new(
                s.cell(0, header.len()),
                format!("「{}」工作表缺少「{name}」列", s.kind),
                format!("在第 1 行加上表头「{name}」，并在这一列填写内容。"),
            ));
        }
    }
    ok.then_some(at)
}

fn write_meta(out: &mut Emitter, s: &Sheet, cols: &[Option<usize>], p: &mut Vec<Problem>) {
    out.header("", "[checklist]", s.cell(0, 0));
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for r in data_rows(s, cols) {
        let label = r.get("项目");
        let Some((_, key, required, _)) = META_ROWS.iter().find(|m| m.0 == label || m.1 == label)
        else {
            p.push(Problem::new(
                r.cell("项目"),
                format!("「{label}」不是清单信息的项目"),
                format!(
                    "「项目」一栏只能写：{}。",
                    META_ROWS.iter().map(|m| m.0).collect::<Vec<_>>().join("、")
                ),
            ));
            continue;
        };
        if let Some((_, row)) = seen.iter().find(|(k, _)| k == key) {
            p.push(Problem::new(
                r.cell("项目"),
                format!("项目「{label}」写了两次（第 {row} 行已有）"),
                "每个项目只写一行：删去多余的一行。",
            ));
            continue;
        }
        seen.push((key, r.index + 1));
        let value = r.get("内容");
        if value.is_empty() && !required {
            continue;
        }
        out.string("", key, value, r.cell("内容"));
    }
    out.blank();
}

fn write_rules(out: &mut Emitter, s: &Sheet, cols: &[Option<usize>], p: &mut Vec<Problem>) {
    out.comment(
        "",
        "── 评审结论规则：从高到低，第一条全部条件满足的即为评审结论 ──",
    );
    let mut open = false;
    for r in data_rows(s, cols) {
        let name = r.get("结论");
        if !name.is_empty() {
            out.blank();
            out.header("", "[[verdict]]", r.cell("结论"));
            out.string("", "name", name, r.cell("结论"));
            if !r.get("说明").is_empty() {
                out.string("", "description", r.get("说明"), r.cell("说明"));
            }
            open = true;
        } else if !open {
            p.push(Problem::new(
                r.cell("结论"),
                "这一行的条件不属于任何结论（「结论」一栏是空的，上面也没有结论）",
                "在一条结论的第一行写上结论名称，如 达到基本标准；它的其余条件写在下面几行，「结论」一栏留空。",
            ));
            continue;
        } else if !r.get("说明").is_empty() {
            p.push(Problem::new(
                r.cell("说明"),
                "结论的说明只能写在这条结论的第一行",
                "把说明移到写有结论名称的那一行。",
            ));
        }
        out.blank();
        out.header("  ", "[[verdict.condition]]", r.cell("选择"));
        if !r.get("条件说明").is_empty() {
            out.string("  ", "label", r.get("条件说明"), r.cell("条件说明"));
        }
        out.string("  ", "select", r.get("选择"), r.cell("选择"));
        if !r.get("章").is_empty() {
            out.string("  ", "chapter", r.get("章"), r.cell("章"));
        }
        out.string("  ", "min_grade", r.get("最低档次"), r.cell("最低档次"));
        let share = r.get("最低比例");
        match share_value(share) {
            Some(v) => out.raw("  ", "min_share", &format!("{v:?}"), r.cell("最低比例")),
            None => out.string("  ", "min_share", share, r.cell("最低比例")),
        }
    }
    out.blank();
}

/// 0.8, "80%", "80％".
fn share_value(s: &str) -> Option<f64> {
    let s = s.trim();
    match s.strip_suffix(['%', '％']) {
        Some(pct) => pct.trim().parse::<f64>().ok().map(|v| v / 100.0),
        None => s.parse::<f64>().ok(),
    }
    .filter(|v| v.is_finite())
}
