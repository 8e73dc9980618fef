//! What an input method and a hurried hand produce: full-width punctuation, one slip
//! that must stay one error, and every documented spelling of tier, select and grade.

use super::*;

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
