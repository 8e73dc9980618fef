//! The 条款 sheet to `[[chapter]]` / `[[chapter.section]]` / `[[chapter.section.item]]`:
//! chapter and section ids come from the item's 章.节.条 id, their names from the 章 and
//! 节 columns (written on the first row at least, the same wherever repeated).

use super::Problem;
use super::emit::Emitter;
use super::layout::CellRef;
use super::read::Sheet;
use super::rows::{Row, data_rows};

struct Part<'s> {
    id: String,
    /// The row that first used it.
    first: Row<'s>,
    /// The name and the row it was first written on.
    title: Option<(&'s str, Row<'s>)>,
}

struct Chapter<'s> {
    part: Part<'s>,
    sections: Vec<(Part<'s>, Vec<Row<'s>>)>,
}

pub(super) fn write_items(
    out: &mut Emitter,
    s: &Sheet,
    cols: &[Option<usize>],
    p: &mut Vec<Problem>,
) {
    let mut chapters: Vec<Chapter> = Vec::new();
    for r in data_rows(s, cols) {
        let id = r.get("编号");
        let parts: Vec<&str> = id.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|x| x.trim().is_empty()) {
            let message = if id.is_empty() {
                "这一行没有条款编号".to_string()
            } else {
                format!("条款编号 `{id}` 不是「章.节.条」的形式")
            };
            p.push(Problem::new(
                r.cell("编号"),
                message,
                "写成 2.1.3 这样用两个点隔开的三段数字（章、节的编号由它得出）；不用的行请整行删去。",
            ));
            continue;
        }
        let (ch_id, sec_id) = (parts[0].to_string(), format!("{}.{}", parts[0], parts[1]));
        let ci = match chapters.iter().position(|c| c.part.id == ch_id) {
            Some(i) => i,
            None => {
                chapters.push(Chapter {
                    part: Part {
                        id: ch_id,
                        first: r,
                        title: None,
                    },
                    sections: Vec::new(),
                });
                chapters.len() - 1
            }
        };
        let ch = &mut chapters[ci];
        name(&mut ch.part, r, "章", p);
        let si = match ch.sections.iter().position(|(s, _)| s.id == sec_id) {
            Some(i) => i,
            None => {
                ch.sections.push((
                    Part {
                        id: sec_id,
                        first: r,
                        title: None,
                    },
                    Vec::new(),
                ));
                ch.sections.len() - 1
            }
        };
        let sec = &mut ch.sections[si];
        name(&mut sec.0, r, "节", p);
        sec.1.push(r);
    }
    for ch in &chapters {
        out.comment("", &"═".repeat(60));
        out.comment(
            "",
            &format!("第 {} 章 {}", ch.part.id, ch.part.title.map_or("", |t| t.0)),
        );
        out.comment("", &"═".repeat(60));
        out.blank();
        write_part(out, "", "[[chapter]]", &ch.part, "章");
        for (sec, rows) in &ch.sections {
            out.blank();
            write_part(out, "  ", "[[chapter.section]]", sec, "节");
            for r in rows {
                out.blank();
                write_item(out, r);
            }
        }
        out.blank();
    }
}

/// Takes the chapter's (section's) name from this row, or reports a different one.
fn name<'s>(part: &mut Part<'s>, r: Row<'s>, column: &str, p: &mut Vec<Problem>) {
    let title = r.get(column);
    if title.is_empty() {
        return;
    }
    match part.title {
        None => part.title = Some((title, r)),
        Some((first, at)) if first != title => p.push(Problem::new(
            r.cell(column),
            format!(
                "编号 {} 的{column}名在第 {} 行写作「{first}」，这里写作「{title}」",
                part.id,
                at.index + 1
            ),
            format!(
                "同一{column}各行的「{column}」一栏要写得一样（也可以只在第一行写，其余留空）。"
            ),
        )),
        Some(_) => {}
    }
}

fn write_part(out: &mut Emitter, indent: &str, header: &str, part: &Part, column: &str) {
    out.header(indent, header, part.first.cell("编号"));
    out.string(indent, "id", &part.id, part.first.cell("编号"));
    let (title, cell): (&str, CellRef) = match part.title {
        Some((t, r)) => (t, r.cell(column)),
        None => ("", part.first.cell(column)),
    };
    out.string(indent, "title", title, cell);
}

fn write_item(out: &mut Emitter, r: &Row) {
    const IN: &str = "    ";
    out.header(IN, "[[chapter.section.item]]", r.cell("编号"));
    out.string(IN, "id", r.get("编号"), r.cell("编号"));
    out.string(IN, "title", r.get("条款"), r.cell("条款"));
    out.string(IN, "tier", r.get("类别"), r.cell("类别"));
    flag(out, "core", r.get("核心"), r.cell("核心"));
    let methods: Vec<String> = r
        .get("评价方法")
        .split(['、', '，', ',', '；', ';', '\n'])
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(String::from)
        .collect();
    out.list(IN, "methods", &methods, r.cell("评价方法"));
    flag(out, "allow_na", r.get("可不适用"), r.cell("可不适用"));
    for (key, letter) in [("c", "C"), ("b", "B"), ("a", "A")] {
        let text = r.get(letter);
        if text.is_empty() && key != "c" {
            continue;
        }
        match points(text, letter) {
            Some(list) => out.list(IN, key, &list, r.cell(letter)),
            None => out.string(IN, key, text, r.cell(letter)),
        }
    }
    if !r.get("最高档次").is_empty() {
        out.string(IN, "max_grade", r.get("最高档次"), r.cell("最高档次"));
    }
    if !r.get("指导").is_empty() {
        out.string(IN, "guidance", r.get("指导"), r.cell("指导"));
    }
    let phrases: Vec<String> = r
        .get("常用评语")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if !phrases.is_empty() {
        out.list(IN, "phrases", &phrases, r.cell("常用评语"));
    }
}

/// ★ / 是 / true for yes, blank / 否 / false for no; anything else is handed to the
/// loader as text, which says it must be true or false.
fn flag(out: &mut Emitter, key: &str, value: &str, cell: CellRef) {
    match value.to_lowercase().as_str() {
        "" | "否" | "false" => {}
        "★" | "☆" | "是" | "√" | "true" => out.raw("    ", key, "true", cell),
        _ => out.string("    ", key, value, cell),
    }
}

/// "B-1 …" / "B-2 …" lines, numbered from 1 without gaps, as numbered sub-criteria.
fn points(text: &str, letter: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let rest = line.strip_prefix(&format!("{letter}-{}", i + 1))?;
        let body = rest.trim_start_matches([' ', '\u{3000}', '：', ':', '、', '．']);
        if body.len() == rest.len() || body.is_empty() {
            return None;
        }
        out.push(body.to_string());
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::points;

    #[test]
    fn numbered_lines_are_sub_criteria_and_anything_else_is_one_text() {
        assert_eq!(
            points("B-1 甲\nB-2：乙", "B"),
            Some(vec!["甲".into(), "乙".into()])
        );
        assert_eq!(points("B-1 甲\nB-3 乙", "B"), None);
        assert_eq!(points("B-10 甲", "B"), None);
        assert_eq!(points("在C基础上，甲", "B"), None);
    }
}
