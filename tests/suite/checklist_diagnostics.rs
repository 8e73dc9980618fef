//! Each class of checklist error is reported with the right line and column, and a
//! file with several problems reports all of them at once.

use pingshen::checklist::{Diagnostic, Tier, parse_checklist};

const SMALL: &str = include_str!("fixtures/small.toml");

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

// ── Full-width punctuation from a Chinese input method ──────────────────────────────

/// Line and column of `ch` inside the first `edit` in `text`.
fn pos_in(text: &str, edit: &str, ch: char) -> (usize, usize) {
    let at = text.find(edit).expect("edit in text") + edit.find(ch).expect("char in edit");
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn full_width_punctuation_is_named_with_the_half_width_character_to_type() {
    let methods = "methods = [\"查阅资料\", \"访谈\"]";
    let title = "    title = \"全科医生\"";
    let header = "[[chapter.section.item]]\n    id = \"1.1.2\"";
    // (what is replaced, by what, the full-width character, the ASCII to type)
    let cases = [
        (title, "    title ＝ \"全科医生\"", '＝', "`=`"),
        (title, "    title＝\"全科医生\"", '＝', "`=`"),
        (title, "    title： \"全科医生\"", '：', "`=`"),
        (methods, "methods = [\"查阅资料\"， \"访谈\"]", '，', "`,`"),
        (methods, "methods = ［\"查阅资料\", \"访谈\"］", '［', "`[`"),
        (methods, "methods = [\"查阅资料\", \"访谈\"］", '］', "`]`"),
        (methods, "methods = 【\"查阅资料\", \"访谈\"】", '【', "`[`"),
        (
            header,
            "[[chapter.section.item】】\n    id = \"1.1.2\"",
            '】',
            "`]`",
        ),
        (title, "    title = “全科医生”", '“', "`\"`"),
        (title, "    title = ‘全科医生’", '‘', "`\"`"),
        // Opened right, closed with a Chinese quote: the string runs to the line's end.
        (title, "    title = \"全科医生”", '”', "`\"`"),
        (title, "    title = \"全科医生’", '’', "`\"`"),
    ];
    for (from, to, ch, ascii) in cases {
        let text = edited(from, to);
        let d = single(&text);
        assert!(
            d.message.contains(&format!("`{ch}`")) && d.message.contains("全角"),
            "{to}: {d}"
        );
        assert!(
            d.help.contains("半角") && d.help.contains(ascii),
            "{to}: {d}"
        );
        let (line, col) = pos_in(&text, to, ch);
        assert_eq!(d.line, line, "{to}");
        // At the character, or (for an unclosed string) just after it, at the line's end.
        assert!(d.column == col || d.column == col + 1, "{to}: {d}");
    }
}

#[test]
fn a_full_width_space_is_named() {
    for to in [
        "    title\u{3000}= \"全科医生\"",
        "\u{3000}\u{3000}title = \"全科医生\"",
        "    title = \"全科医生\"\u{3000}",
    ] {
        let text = edited("    title = \"全科医生\"", to);
        let d = single(&text);
        assert!(d.message.contains("全角空格"), "{d}");
        assert!(d.help.contains("半角"), "{d}");
        assert_eq!((d.line, d.column), pos_in(&text, to, '\u{3000}'));
        assert_eq!(d.caret_width, 2, "under the one space: {d}");
    }
}

#[test]
fn full_width_punctuation_inside_quotes_is_text() {
    let text = edited(
        "    title = \"全科医生\"",
        "    title = \"全，科＝医：［生］【】“”‘’\u{3000}、。\" # 注释里也可以：＝，",
    );
    let c = parse_checklist(&text, "t.toml").expect("loads");
    assert!(c.find_item("1.1.2").unwrap().title.contains("【】“”"));
}

// ── One slip, one error ─────────────────────────────────────────────────────────────

#[test]
fn a_second_checklist_table_is_one_error_naming_the_first() {
    let text = edited(
        "[[verdict]]",
        "[checklist]\nid = \"x\"\ntitle = \"t\"\n\n[[verdict]]",
    );
    let d = single(&text);
    assert!(d.message.contains("只能有一个 `[checklist]`"), "{d}");
    assert!(d.message.contains("第 2 行"), "{d}");
    let second = text.match_indices("[checklist]").nth(1).unwrap().0;
    assert_eq!(
        (d.line, d.column),
        (text[..second].matches('\n').count() + 1, 1)
    );
}

#[test]
fn a_header_missing_its_bracket_is_one_error_on_its_line() {
    let cases = [
        (
            "    [[chapter.section.item]]\n    id = \"1.1.2\"",
            "    [[chapter.section.item]\n    id = \"1.1.2\"",
            "[[chapter.section.item]]",
        ),
        ("[checklist]", "[checklist", "[checklist]"),
        (
            "[[chapter]]\nid = \"2\"",
            "[[chapter\nid = \"2\"",
            "[[chapter]]",
        ),
    ];
    for (from, to, fixed) in cases {
        let text = edited(from, to);
        let d = single(&text);
        let broken = to.lines().next().unwrap();
        // After the line's last character, where the `]` is missing.
        assert_eq!(
            (d.line, d.column),
            (pos(&text, to).0, broken.chars().count() + 1),
            "{d}"
        );
        assert!(d.message.contains("缺少右方括号"), "{d}");
        assert!(d.help.contains(&format!("`{fixed}`")), "{d}");
    }
}

// ── Accepted spellings of tier, select and min_grade ────────────────────────────────

#[test]
fn tier_select_and_grade_accept_every_documented_spelling() {
    for (tier, want) in [
        ("基本标准", Tier::Basic),
        ("基本", Tier::Basic),
        ("basic", Tier::Basic),
        ("Basic", Tier::Basic),
        (" basic ", Tier::Basic),
        ("推荐标准", Tier::Recommended),
        ("推荐", Tier::Recommended),
        ("RECOMMENDED", Tier::Recommended),
    ] {
        let text = edited("    tier = \"推荐标准\"", &format!("    tier = \"{tier}\""));
        let c = parse_checklist(&text, "t.toml").unwrap_or_else(|d| panic!("{tier}: {}", d[0]));
        assert_eq!(c.find_item("1.2.2").unwrap().tier, want, "{tier}");
    }
    for select in ["Core", "核心", "核心条款", "ALL", "全部", "基本", "Basic"] {
        let text = edited(
            "  select = \"core\"\n  min_grade = \"B\"",
            &format!("  select = \"{select}\"\n  min_grade = \"b\""),
        );
        parse_checklist(&text, "t.toml").unwrap_or_else(|d| panic!("{select}: {}", d[0]));
    }
}

/// The quoted words of a hint.
fn quoted_words(help: &str) -> Vec<String> {
    help.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn hints_list_exactly_the_accepted_spellings() {
    let d = single(&edited("tier = \"推荐标准\"", "tier = \"优秀\""));
    let mut words = quoted_words(&d.help);
    words.sort();
    assert_eq!(
        words,
        [
            "basic",
            "recommended",
            "基本",
            "基本标准",
            "推荐",
            "推荐标准"
        ],
        "{d}"
    );
    for w in &words {
        let text = edited("tier = \"推荐标准\"", &format!("tier = \"{w}\""));
        assert!(parse_checklist(&text, "t.toml").is_ok(), "{w}");
    }

    let d = single(&edited("  select = \"core\"", "  select = \"优秀\""));
    let words = quoted_words(&d.help);
    for w in [
        "all",
        "全部",
        "core",
        "核心条款",
        "核心",
        "basic",
        "基本标准",
        "基本",
    ] {
        assert!(words.iter().any(|x| x == w), "{w} not in {d}");
    }
    for w in words
        .iter()
        .filter(|w| !w.starts_with('N') && w.as_str() != "chapter" && w.as_str() != "章")
    {
        let text = edited("  select = \"core\"", &format!("  select = \"{w}\""));
        assert!(parse_checklist(&text, "t.toml").is_ok(), "{w}");
    }

    let d = single(&edited("min_grade = \"B\"", "min_grade = \"D\""));
    assert_eq!(quoted_words(&d.help), ["A", "B", "C"], "{d}");
    assert!(d.help.contains("大小写均可"), "{d}");
}

// ── The end of the file ─────────────────────────────────────────────────────────────

#[test]
fn an_error_at_the_end_of_the_file_is_on_its_last_line() {
    let lines = SMALL.lines().count();
    // Unterminated multi-line string, then the final newline.
    let text = format!("{SMALL}    guidance = \"\"\"未写完\n");
    let d = single(&text);
    assert_eq!(d.line, lines + 1, "{d}");
    assert!(
        d.message.contains(&format!("第 {} 行开始", lines + 1)),
        "{d}"
    );
    assert_eq!(text.lines().count(), lines + 1);

    // No final newline: after the last character of the last line.
    let text = format!("{SMALL}    guidance =");
    let d = single(&text);
    assert_eq!((d.line, d.column), (lines + 1, 15), "{d}");
    assert!(d.message.contains("缺少值"), "{d}");

    // Unclosed list running into the end of the file.
    let text = format!("{SMALL}    guidance = [\"a\",\n\n");
    let d = single(&text);
    assert!(d.line <= text.lines().count(), "{d}");
    assert!(d.to_string().contains(&format!("{} | ", d.line)));
}

// ── Nothing from the file reaches the terminal raw ──────────────────────────────────

#[test]
fn control_and_bidi_characters_in_keys_and_values_are_escaped() {
    let text = edited(
        "    title = \"全科医生\"",
        "    title = \"全科医生\"\n    \"\\u001b[2Jtilte\" = 1\n    \"a\\u202eb\" = 2",
    );
    let d = errors(&text);
    let esc = d.iter().find(|d| d.message.contains("2Jtilte")).unwrap();
    assert!(esc.message.contains("`\\u{1b}[2Jtilte`"), "{esc}");
    let bidi = d
        .iter()
        .find(|d| d.message.contains("未知的键 `a"))
        .unwrap();
    assert!(bidi.message.contains("`a\\u{202e}b`"), "{bidi}");
    let text = edited("tier = \"推荐标准\"", "tier = \"\\u001b]0;x\\u0007推荐\"");
    let d = single(&text);
    assert!(d.message.contains("不可见的控制字符 \\u{1b}"), "{d}");
    for d in errors(&text) {
        let shown = d.to_string();
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
    }
}

#[test]
fn bidi_characters_in_the_source_line_are_made_visible() {
    let text = edited("tier = \"推荐标准\"", "tier = \"优秀\u{202e}标准\"");
    let d = single(&text);
    assert!(!d.source_line.contains('\u{202e}'), "{:?}", d.source_line);
    assert!(d.source_line.contains("优秀\u{FFFD}标准"));
    // The replacement takes one cell, as counted under it.
    assert_eq!(d.caret_width, 2 + 4 + 1 + 4);
}

// ── Many errors, long lines ─────────────────────────────────────────────────────────

#[test]
fn five_thousand_unknown_keys_are_each_reported_on_their_line() {
    let keys: String = (0..5000).map(|i| format!("bogus_{i} = 1\n")).collect();
    let text = SMALL.replacen(
        "source = \"pingshen 测试数据\"\n",
        &format!("source = \"pingshen 测试数据\"\n{keys}"),
        1,
    );
    let d = errors(&text);
    assert_eq!(d.len(), 5000);
    let first_line = pos(&text, "bogus_0 ").0;
    for (i, d) in d.iter().enumerate() {
        assert_eq!((d.line, d.column), (first_line + i, 1));
        assert!(d.message.contains(&format!("`bogus_{i}`")));
    }
}

#[test]
fn a_very_long_line_is_shown_around_the_error() {
    let many = "\"查阅资料\", ".repeat(3000);
    let text = edited(
        "methods = [\"查阅资料\", \"访谈\"]",
        &format!("methods = [{many}\"\"]"),
    );
    let d = single(&text);
    assert!(d.message.contains("不是非空文字"), "{}", d.message);
    assert_eq!(
        d.column,
        pos(&text, "methods = [").1 + 11 + many.chars().count()
    );
    assert!(d.source_line.starts_with("...") && d.source_line.ends_with("\"\"]"));
    assert!(
        d.source_line.chars().count() < 400,
        "{}",
        d.source_line.len()
    );
    // The caret is under the empty string.
    let mut cells = 0;
    let under: String = d
        .source_line
        .chars()
        .skip_while(|c| {
            let before = cells < d.caret_start;
            cells += pingshen::checklist::display_width(&c.to_string());
            before
        })
        .collect();
    assert!(under.starts_with("\"\"]"), "{under}");
}

#[test]
fn a_list_missing_its_bracket_is_one_error_not_one_per_later_line() {
    let to = "methods = [\"查阅资料\", \"访谈\"\n";
    let text = edited("methods = [\"查阅资料\", \"访谈\"]\n", to);
    let d = single(&text);
    assert!(d.message.contains("缺少右方括号 `]`"), "{d}");
    assert_eq!((d.line, d.column), pos(&text, "[\"查阅资料\", \"访谈\"\n"));
}

#[test]
fn a_list_of_lists_is_not_taken_for_a_list_left_open() {
    // `[2]` alone on its line looks like a table header; the list is closed all right,
    // and the real error further down is the one reported.
    let text = edited(
        "methods = [\"查阅资料\", \"访谈\"]\n",
        "methods = [\"查阅资料\", \"访谈\"]\n    extra = [\n      [1],\n      [2]\n    ]\n",
    )
    .replacen("title = \"住院病床\"", "title ＝ \"住院病床\"", 1);
    let d = single(&text);
    assert!(d.message.contains("全角等号"), "{d}");
}

// ── What `pingshen check` and `pingshen checklists` print ───────────────────────────

mod cli {
    use std::path::Path;

    use assert_cmd::Command;
    use pingshen::checklist::MAX_PRINTED_ERRORS;

    use super::SMALL;

    fn pingshen(dir: &Path) -> Command {
        let mut c = Command::cargo_bin("pingshen").unwrap();
        c.env("PINGSHEN_DATA_DIR", dir.join("data"))
            .env("PINGSHEN_CHECKLIST_DIR", dir.join("checklists"));
        c
    }

    fn stdout(c: &mut Command) -> String {
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    }

    fn with_unknown_keys(n: usize) -> String {
        let keys: String = (0..n).map(|i| format!("bogus_{i} = 1\n")).collect();
        SMALL.replacen(
            "source = \"pingshen 测试数据\"\n",
            &format!("source = \"pingshen 测试数据\"\n{keys}"),
            1,
        )
    }

    #[test]
    fn check_prints_at_most_the_cap_then_how_many_more() {
        assert_eq!(MAX_PRINTED_ERRORS, 200);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("many.toml");
        std::fs::write(&file, with_unknown_keys(250)).unwrap();
        let out = stdout(pingshen(dir.path()).arg("check").arg(&file));
        assert_eq!(out.matches("错误: ").count(), 200, "{out}");
        assert!(out.contains("`bogus_199`") && !out.contains("`bogus_200`"));
        assert!(out.contains("还有 50 个错误未列出"), "{out}");
        assert!(out.contains("这个文件共有 250 个错误"), "{out}");
        assert!(out.contains("many.toml：250 个错误"), "{out}");

        // At the cap exactly: all printed, nothing said about more.
        std::fs::write(&file, with_unknown_keys(200)).unwrap();
        let out = stdout(pingshen(dir.path()).arg("check").arg(&file));
        assert_eq!(out.matches("错误: ").count(), 200);
        assert!(!out.contains("未列出"), "{out}");
    }

    #[test]
    fn a_file_that_cannot_be_read_is_said_so_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let out = stdout(
            pingshen(dir.path())
                .arg("check")
                .arg(dir.path().join("无.toml")),
        );
        assert!(out.contains("无.toml：文件不存在"), "{out}");
        assert!(!out.contains("os error"), "{out}");
        let out = stdout(pingshen(dir.path()).arg("check").arg(dir.path()));
        assert!(out.contains("这是一个目录，不是文件"), "{out}");
    }

    #[test]
    fn checklists_names_a_broken_file_with_its_first_error_and_count() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("checklists");
        std::fs::create_dir_all(&user).unwrap();
        std::fs::write(user.join("broken.toml"), with_unknown_keys(3000)).unwrap();
        let out = stdout(pingshen(dir.path()).arg("checklists"));
        let path = user.join("broken.toml").display().to_string();
        // The first unknown key is on the line after `source = …`.
        let line = SMALL[..SMALL.find("source =").unwrap()]
            .matches('\n')
            .count()
            + 2;
        assert!(
            out.contains(&format!("无法使用 {path}：3000 个错误")),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "第一个错误：{path}:{line}:1 [checklist] 里有未知的键 `bogus_0`"
            )),
            "{out}"
        );
        assert!(out.contains(&format!("pingshen check {path}")), "{out}");
        // Not every error: the list stays readable.
        assert!(!out.contains("bogus_1`"), "{out}");
    }

    #[test]
    fn checklists_says_how_to_rename_a_toml_txt_file_and_reads_upper_case_toml() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("checklists");
        std::fs::create_dir_all(&user).unwrap();
        std::fs::write(user.join("某省.toml.txt"), SMALL).unwrap();
        let upper = SMALL.replace("id = \"small-test\"", "id = \"upper-case\"");
        std::fs::write(user.join("UPPER.TOML"), upper).unwrap();
        std::fs::write(user.join("notes.txt"), "不是清单").unwrap();
        let out = stdout(pingshen(dir.path()).arg("checklists"));
        assert!(out.contains("某省.toml.txt"), "{out}");
        assert!(out.contains("请把它改名为 某省.toml"), "{out}");
        assert!(out.contains("upper-case"), "{out}");
        assert!(!out.contains("notes.txt"), "{out}");
        assert!(
            !out.contains("small-test"),
            "not loaded under its .txt name: {out}"
        );
    }
}

/// Text from a checklist reaches the terminal and the PDF: an escape sequence or a
/// bidi override in it is an error that names the character, escaped.
#[test]
fn control_and_bidi_characters_in_text_are_refused() {
    for (hidden, shown) in [("\\u001b]0;x\\u0007", "\\u{1b}"), ("\\u202e", "\\u{202e}")] {
        let text = edited(
            "title = \"功能任务与资源配置\"",
            &format!("title = \"功能{hidden}任务\""),
        );
        let d = single(&text);
        assert!(d.message.contains("不可见的控制字符"), "{}", d.message);
        assert!(d.message.contains(shown), "{}", d.message);
        assert_eq!((d.line, d.column), pos(&text, "\"功能"));
        assert!(!d.to_string().contains(['\u{1b}', '\u{202e}']));
    }
    // Newlines and tabs in multi-line text are fine.
    let text = edited(
        "title = \"功能任务与资源配置\"",
        "title = \"功能\\t任务\\n资源\"",
    );
    assert!(parse_checklist(&text, "t.toml").is_ok());
}

#[test]
fn a_checklist_file_over_the_limit_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(pingshen::checklist::CHECKLIST_FILE_MAX as u64 + 1)
        .unwrap();
    let err = pingshen::checklist::read_source(&path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("太大") && err.contains("最大 4 MB"), "{err}");
}
