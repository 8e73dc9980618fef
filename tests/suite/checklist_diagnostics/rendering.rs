//! Where errors are shown and how: the end of the file, nothing raw on the terminal,
//! thousands of errors and very long lines.

use super::*;

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

// ── What a checklist may not hold ───────────────────────────────────────────────────
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
