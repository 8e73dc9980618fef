//! Each class of checklist error is reported with the right line and column, and a
//! file with several problems reports all of them at once.

use pingshen::checklist::{Diagnostic, Tier, parse_checklist};

const SMALL: &str = include_str!("../fixtures/small.toml");

/// The small fixture with the first occurrence of `from` replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "fixture has no {from:?}");
    SMALL.replacen(from, to, 1)
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match parse_checklist(text, "t.toml") {
        Ok(_) => panic!("expected errors, the checklist loaded"),
        Err(d) => d,
    }
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
fn pos(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("needle in text");
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

fn single(text: &str) -> Diagnostic {
    let d = errors(text);
    assert_eq!(d.len(), 1, "expected one error, got: {d:#?}");
    d.into_iter().next().unwrap()
}

#[test]
fn the_fixture_itself_loads() {
    let c = parse_checklist(SMALL, "small.toml").expect("fixture is valid");
    assert_eq!(c.item_count(), 8);
    assert_eq!(c.verdicts.len(), 2);
}

#[test]
fn syntax_error_points_at_the_line_and_column() {
    let text = edited("title = \"全科医生\"", "title = \"全科医生");
    let d = errors(&text);
    assert!(d[0].message.contains("TOML 语法错误"), "{}", d[0]);
    let (line, _) = pos(&text, "title = \"全科医生");
    assert_eq!(d[0].line, line);
    // The unterminated string ends at the end of the line: 4 spaces, `title = "`, 4 CJK.
    assert_eq!(d[0].column, 4 + 9 + 4 + 1);
    // The caret is placed by display width: the four CJK characters take eight cells.
    assert_eq!(d[0].caret_start, 4 + 9 + 8);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let text = edited("    title = \"全科医生\"", "    tilte = \"全科医生\"");
    let d = errors(&text);
    let unknown = d
        .iter()
        .find(|d| d.message.contains("未知的键 `tilte`"))
        .unwrap();
    assert_eq!((unknown.line, unknown.column), pos(&text, "tilte"));
    assert!(unknown.help.contains("`title`"), "{}", unknown.help);
    // The now-missing title is reported too, in the same run, at the item's header.
    assert!(d.iter().any(|d| d.message.contains("缺少必填的键 `title`")));
}

#[test]
fn missing_required_key_points_at_the_table_header() {
    let text = edited(
        "    tier = \"基本标准\"\n    methods = [\"查阅资料\", \"访谈\"]",
        "    methods = [\"查阅资料\", \"访谈\"]",
    );
    let d = single(&text);
    assert!(
        d.message.contains("条款 1.1.2") && d.message.contains("`tier`"),
        "{d}"
    );
    let header = text.find("id = \"1.1.2\"").unwrap();
    let header_line = text[..header].matches('\n').count(); // the line above the id
    assert_eq!((d.line, d.column), (header_line, 5));
}

#[test]
fn duplicate_id_names_the_first_use() {
    let text = edited("id = \"1.1.2\"", "id = \"1.1.1\"");
    let d = single(&text);
    let first_line = pos(&text, "id = \"1.1.1\"").0;
    assert!(d.message.contains(&format!("第 {first_line} 行")), "{d}");
    let second = text.match_indices("id = \"1.1.1\"").nth(1).unwrap().0;
    assert_eq!(d.line, text[..second].matches('\n').count() + 1);
    assert_eq!(d.column, 10);
}

#[test]
fn id_outside_its_section() {
    let text = edited("id = \"1.1.2\"", "id = \"1.2.9\"");
    let d = single(&text);
    assert!(
        d.message.contains("`1.2.9`") && d.message.contains("`1.1`"),
        "{d}"
    );
    assert_eq!((d.line, d.column), {
        let (l, c) = pos(&text, "id = \"1.2.9\"");
        (l, c + 5)
    });
    assert!(d.help.contains("1.1.N"));
}

#[test]
fn section_outside_its_chapter() {
    let text = edited("id = \"2.1\"", "id = \"1.3\"");
    let errs = errors(&text);
    // The section and all three of its items are misplaced: every one is named.
    assert!(errs.iter().any(|d| d.message.contains("节编号 `1.3`")));
    assert_eq!(
        errs.iter()
            .filter(|d| d.message.contains("条款编号"))
            .count(),
        3
    );
}

#[test]
fn unknown_tier() {
    let text = edited("tier = \"推荐标准\"", "tier = \"优秀标准\"");
    let d = single(&text);
    assert!(d.message.contains("`优秀标准`"), "{d}");
    assert_eq!((d.line, d.column), {
        let (l, c) = pos(&text, "\"优秀标准\"");
        (l, c)
    });
    // Caret under the quoted value: 4 spaces + `tier = ` = 11 cells; 6 CJK + 2 quotes wide.
    assert_eq!((d.caret_start, d.caret_width), (11, 10));
}

#[test]
fn unknown_grade_letter_in_a_rule() {
    let text = edited("min_grade = \"B\"", "min_grade = \"E\"");
    let d = single(&text);
    assert!(d.message.contains("档次 `E`"), "{d}");
    assert_eq!((d.line, d.column), pos(&text, "\"E\""));
}

#[test]
fn empty_criteria() {
    let text = edited("c = \"每万服务人口全科医生≥3名。\"", "c = \"  \"");
    let d = single(&text);
    assert!(d.message.contains("C 档评价要点是空的"), "{d}");
    assert_eq!((d.line, d.column), pos(&text, "\"  \""));
}

#[test]
fn b_without_c() {
    let text = edited("c = \"常住人口签约覆盖率≥40%。\"\n", "");
    let d = single(&text);
    assert!(d.message.contains("写了 B 档却没有 C 档"), "{d}");
    assert_eq!(
        (d.line, d.column),
        pos(&text, "\"在C基础上，覆盖率≥45%。\"")
    );
}

#[test]
fn a_without_b() {
    let text = edited(
        "    b = \"在C基础上，公共卫生人员占专业技术人员≥25%。\"\n",
        "",
    );
    let d = single(&text);
    assert!(d.message.contains("写了 A 档却没有 B 档"), "{d}");
}

#[test]
fn rule_selecting_no_item() {
    let text = edited(
        "  select = \"recommended\"",
        "  select = \"chapter\"\n  chapter = \"7\"",
    );
    let d = single(&text);
    assert!(d.message.contains("选不到任何条款"), "{d}");
    assert_eq!((d.line, d.column), pos(&text, "\"7\""));
}

#[test]
fn share_outside_zero_to_one() {
    let text = edited("min_share = 0.8", "min_share = 80");
    let d = single(&text);
    assert!(d.message.contains("超出 0 到 1"), "{d}");
    assert!(d.help.contains("0.8"));
    let (line, col) = pos(&text, "min_share = 80");
    assert_eq!((d.line, d.column), (line, col + 12));
    let text = edited("min_share = 0.5", "min_share = -0.1");
    assert!(single(&text).message.contains("超出 0 到 1"));
}

#[test]
fn wrong_type() {
    let text = edited("core = true", "core = \"是\"");
    let d = single(&text);
    assert!(
        d.message.contains("`core` 应为") && d.message.contains("文字"),
        "{d}"
    );
}

#[test]
fn every_problem_in_a_file_is_reported_at_once() {
    let text = SMALL
        .replacen("    title = \"全科医生\"", "    tilte = \"全科医生\"", 1)
        .replacen("tier = \"推荐标准\"", "tier = \"优秀标准\"", 1)
        .replacen("min_share = 0.8", "min_share = 80", 1)
        .replacen("id = \"2.1.3\"", "id = \"2.1.1\"", 1);
    let d = errors(&text);
    for needle in ["`tilte`", "`优秀标准`", "超出 0 到 1", "`2.1.1` 重复"] {
        assert!(
            d.iter().any(|d| d.message.contains(needle)),
            "{needle} missing"
        );
    }
    // In file order.
    assert!(d.windows(2).all(|w| w[0].span.start <= w[1].span.start));
}

#[test]
fn rendering_shows_file_line_column_source_and_caret() {
    let text = edited("    title = \"全科医生\"", "    tilte = \"全科医生\"");
    let d = errors(&text)
        .into_iter()
        .find(|d| d.message.contains("tilte"))
        .unwrap();
    let shown = d.to_string();
    let (line, col) = pos(&text, "tilte");
    assert!(
        shown.contains(&format!("--> t.toml:{line}:{col}")),
        "{shown}"
    );
    assert!(shown.contains("tilte = \"全科医生\""));
    assert!(shown.contains("    ^^^^^"));
    assert!(shown.contains("修改建议"));
}

mod cli;
mod input;
mod phrases;
mod rendering;
