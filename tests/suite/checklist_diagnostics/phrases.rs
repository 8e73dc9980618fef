//! `phrases` on an item (常用评语): what loads, and every refusal with its line and
//! column, said in Chinese with what to do.

use super::*;

/// The small fixture with `line` added after item 1.1.2's `c = …`.
fn with_phrases(line: &str) -> String {
    edited(
        "    c = \"每万服务人口全科医生≥3名。\"\n",
        &format!("    c = \"每万服务人口全科医生≥3名。\"\n    {line}\n"),
    )
}

#[test]
fn an_items_phrases_load_in_order_without_the_spaces_around() {
    let text = with_phrases("phrases = [\"排班表缺失\", \"  未见全科医生注册信息 \"]");
    let c = parse_checklist(&text, "t.toml").expect("loads");
    let it = c.find_item("1.1.2").unwrap();
    assert_eq!(it.phrases, ["排班表缺失", "未见全科医生注册信息"]);
    assert!(c.find_item("1.1.1").unwrap().phrases.is_empty());
    // An empty list is no phrase at all.
    let c = parse_checklist(&with_phrases("phrases = []"), "t.toml").expect("loads");
    assert!(c.find_item("1.1.2").unwrap().phrases.is_empty());
}

#[test]
fn the_first_name_remarks_still_loads_but_not_beside_phrases() {
    let text = with_phrases("remarks = [\"排班表缺失\"]");
    let c = parse_checklist(&text, "t.toml").expect("a checklist pinned with remarks loads");
    assert_eq!(c.find_item("1.1.2").unwrap().phrases, ["排班表缺失"]);

    let text = with_phrases("phrases = [\"排班表缺失\"]\n    remarks = [\"资料齐全\"]");
    let d = single(&text);
    assert!(
        d.message.contains("条款 1.1.2") && d.message.contains("`phrases` 和 `remarks`"),
        "{d}"
    );
    assert_eq!((d.line, d.column), pos(&text, "[\"资料齐全\"]"));
    assert!(d.help.contains("合成一个"), "{}", d.help);
}

#[test]
fn each_bad_phrase_is_refused_where_it_stands() {
    let long = "缺".repeat(201);
    // (the list, the bad element, words of the message, words of the help)
    let cases: Vec<(String, String, &str, &str)> = vec![
        (
            "phrases = [\"排班表缺失\", \"\"]".into(),
            "\"\"]".into(),
            "第 2 条不是非空文字",
            "带引号的文字",
        ),
        (
            "phrases = [\"排班表缺失\", 3]".into(),
            "3]".into(),
            "第 2 条不是非空文字",
            "带引号的文字",
        ),
        (
            "phrases = [\"排班表\\n缺失\"]".into(),
            "\"排班表\\n".into(),
            "第 1 条不是一行文字",
            "拆成几条",
        ),
        (
            "phrases = [\"排班表\\t缺失\"]".into(),
            "\"排班表\\t".into(),
            "第 1 条不是一行文字",
            "制表符",
        ),
        (
            "phrases = [\"排班表\\u001b[31m缺失\"]".into(),
            "\"排班表\\u001b".into(),
            "不可见的控制字符",
            "删去这个字符",
        ),
        (
            "phrases = [\"排班表\\u202e缺失\"]".into(),
            "\"排班表\\u202e".into(),
            "不可见的控制字符",
            "删去这个字符",
        ),
        (
            format!("phrases = [\"{long}\"]"),
            format!("\"{long}"),
            "第 1 条有 201 个字，最多 200 个字",
            "拆成几条",
        ),
        (
            "phrases = [\"排班表缺失\", \"资料齐全\", \" 排班表缺失\"]".into(),
            "\" 排班表缺失\"".into(),
            "第 3 条「排班表缺失」与第 1 条重复",
            "删去重复",
        ),
        (
            "phrases = \"排班表缺失\"".into(),
            "\"排班表缺失\"".into(),
            "应为方括号列表",
            "改成方括号列表",
        ),
    ];
    for (list, bad, message, help) in cases {
        let text = with_phrases(&list);
        let d = single(&text);
        assert!(
            d.message.contains("条款 1.1.2") && d.message.contains(message),
            "{list}: {d}"
        );
        assert!(d.help.contains(help), "{list}: {d}");
        assert_eq!((d.line, d.column), pos(&text, &bad), "{list}: {d}");
    }
}

#[test]
fn fifty_phrases_load_and_the_fifty_first_is_refused() {
    let list = |n: usize| {
        let items: Vec<String> = (1..=n).map(|i| format!("\"评语{i}\"")).collect();
        format!("phrases = [{}]", items.join(", "))
    };
    let c = parse_checklist(&with_phrases(&list(50)), "t.toml").expect("fifty load");
    assert_eq!(c.find_item("1.1.2").unwrap().phrases.len(), 50);
    let text = with_phrases(&list(51));
    let d = single(&text);
    assert!(d.message.contains("有 51 条常用评语，最多 50 条"), "{d}");
    assert_eq!((d.line, d.column), pos(&text, "\"评语51\""));
}
