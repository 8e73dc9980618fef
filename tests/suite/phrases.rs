//! 常用评语: the order an item offers them in (used in this inspection first, then
//! the checklist's, then the user's), the user's phrases file at its gate, and the
//! CLI (`pingshen phrases`, `grade --note-phrase`) as an inspector runs it.

use std::path::Path;

use assert_cmd::Command;
use pingshen::checklist::phrases::{PHRASES_FILE, offered};
use pingshen::checklist::{Checklist, PhraseSource, UserPhrases, parse_checklist};

const SMALL: &str = include_str!("fixtures/small.toml");

/// The small fixture with phrases on 1.1.1 and 1.1.2.
fn checklist() -> Checklist {
    let text = SMALL
        .replacen(
            "    a = \"在B基础上，设公共卫生科。\"\n",
            "    a = \"在B基础上，设公共卫生科。\"\n    phrases = [\"未见公共卫生医师执业证书\", \"排班表缺失\"]\n",
            1,
        )
        .replacen(
            "    c = \"每万服务人口全科医生≥3名。\"\n",
            "    c = \"每万服务人口全科医生≥3名。\"\n    phrases = [\"全科医生注册信息未更新\", \"记录不全\", \"培训记录不全\"]\n",
            1,
        );
    parse_checklist(&text, "small.toml").expect("loads")
}

fn mine(text: &str) -> UserPhrases {
    UserPhrases::parse(text, "phrases.toml").expect("the user's file is valid")
}

fn shown(phrases: &[pingshen::checklist::Phrase]) -> Vec<(&str, &str)> {
    phrases
        .iter()
        .map(|p| (p.source.label(), p.text.as_str()))
        .collect()
}

#[test]
fn with_nothing_written_the_checklists_come_first_then_mine() {
    let user = mine(
        "phrases = [\"已当场指出\", \"排班表缺失\"]\n\n\
         [[item]]\nid = \"1.1.1\"\nphrases = [\"人事科提供的名册与现场不符\"]\n\n\
         [[item]]\nid = \"1.1.1\"\nchecklist = \"another-2022\"\nphrases = [\"别的清单的评语\"]\n",
    );
    let p = offered(&checklist(), "1.1.1", &user, []);
    assert_eq!(
        shown(&p),
        [
            ("清单", "未见公共卫生医师执业证书"),
            ("清单", "排班表缺失"),
            ("我的", "人事科提供的名册与现场不符"),
            ("我的", "已当场指出"),
        ],
        "each phrase once (排班表缺失 stays the checklist's), another checklist's not at all"
    );
    // An item with phrases of neither: the user's for every item only.
    let p = offered(&checklist(), "1.2.1", &user, []);
    assert_eq!(shown(&p), [("我的", "已当场指出"), ("我的", "排班表缺失")]);
    assert!(offered(&checklist(), "1.2.1", &UserPhrases::default(), []).is_empty());
}

#[test]
fn phrases_used_in_other_items_come_first_most_used_first() {
    let user = mine("phrases = [\"已当场指出\"]\n");
    let written = [
        ("1.1.2", "全科医生注册信息未更新；已当场指出"),
        ("1.2.1", "已当场指出"),
        ("1.2.1", "排班表缺失"),
        // Its own note does not count: the phrase is used elsewhere, not "again".
        ("1.1.1", "未见公共卫生医师执业证书"),
        // 记录不全 lies inside 培训记录不全 here: only the longer one was written.
        ("2.1.1", "培训记录不全"),
    ];
    let p = offered(&checklist(), "1.1.1", &user, written);
    assert_eq!(
        shown(&p),
        [
            ("本次已用", "已当场指出"),
            ("本次已用", "排班表缺失"),
            ("本次已用", "全科医生注册信息未更新"),
            ("本次已用", "培训记录不全"),
            ("清单", "未见公共卫生医师执业证书"),
        ]
    );
    assert_eq!(p[0].uses, 2);
    assert_eq!(p[1].uses, 1);
    assert_eq!(p[4].uses, 0);
    assert!(p.iter().all(|x| x.text != "记录不全"));
    // Used as often, the item's own phrase goes before the others'.
    let written = [("2.1.1", "全科医生注册信息未更新"), ("2.1.2", "排班表缺失")];
    let p = offered(&checklist(), "1.1.1", &UserPhrases::default(), written);
    assert_eq!(p[0].text, "排班表缺失");
    assert_eq!(p[0].source, PhraseSource::Used);
    assert_eq!(p[1].text, "全科医生注册信息未更新");
}

/// 1-based line and column of the first `needle` in `text`.
fn pos(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("needle in text");
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn a_bad_phrases_file_is_refused_where_it_is_wrong() {
    let long = "缺".repeat(201);
    // (the file, where the error is, words of the message, words of the help)
    let cases: Vec<(String, String, &str, &str)> = vec![
        (
            "phrases = [\"已当场指出\"]\nphrase = [\"x\"]\n".into(),
            "phrase =".into(),
            "常用评语文件里有未知的键 `phrase`",
            "是否想写 `phrases`",
        ),
        (
            "[[item]]\nid = \"3.3.1\"\n".into(),
            "[[item]]".into(),
            "条款 3.3.1 缺少 `phrases`",
            "phrases = [",
        ),
        (
            "[[item]]\nphrases = [\"x\"]\n".into(),
            "[[item]]".into(),
            "缺少必填的键 `id`",
            "id = \"3.3.1\"",
        ),
        (
            "[[item]]\nid = \"3.3.1\"\nchecklist = \"乡镇卫生院\"\nphrases = [\"x\"]\n".into(),
            "\"乡镇卫生院\"".into(),
            "不是清单编号",
            "township-2022",
        ),
        (
            "[[item]]\nid = \"3.3.1\"\nphrases = [\"\"\"消毒记录\n不全\"\"\"]\n".into(),
            "\"\"\"消毒记录".into(),
            "条款 3.3.1 的 `phrases` 第 1 条不是一行文字",
            "拆成几条",
        ),
        (
            "phrases = [\"消毒记录\\n不全\"]\n".into(),
            "\"消毒记录".into(),
            "第 1 条不是一行文字",
            "拆成几条",
        ),
        (
            format!("phrases = [\"已当场指出\", \"{long}\"]\n"),
            format!("\"{long}"),
            "第 2 条有 201 个字",
            "拆成几条",
        ),
        (
            "phrases = [\"已当场指出\\u001b]0;x\\u0007\"]\n".into(),
            "\"已当场指出".into(),
            "不可见的控制字符",
            "删去",
        ),
        (
            "phrases ＝ [\"已当场指出\"]\n".into(),
            "＝".into(),
            "全角等号",
            "半角",
        ),
        (
            "[item]\nid = \"3.3.1\"\n".into(),
            "[item]".into(),
            "`item` 应为表数组 [[item]]",
            "",
        ),
    ];
    for (text, at, message, help) in cases {
        let diags = UserPhrases::parse(&text, "phrases.toml").expect_err(&text);
        let d = diags
            .iter()
            .find(|d| d.message.contains(message))
            .unwrap_or_else(|| panic!("{text}: {diags:#?}"));
        assert!(d.help.contains(help), "{text}: {d}");
        assert_eq!((d.line, d.column), pos(&text, &at), "{text}: {d}");
        assert_eq!(d.file, "phrases.toml");
    }
}

#[test]
fn loading_a_bad_file_gives_no_phrases_and_says_why_with_the_place() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        UserPhrases::load(Some(dir.path())),
        (UserPhrases::default(), Vec::new()),
        "no file is no problem"
    );
    let file = dir.path().join(PHRASES_FILE);
    std::fs::write(
        &file,
        "phrases = [\"已当场指出\"]\n[[item]]\nid = \"3.3.1\"\nphrases = [\"\"]\n",
    )
    .unwrap();
    let (phrases, problems) = UserPhrases::load(Some(dir.path()));
    assert!(phrases.is_empty(), "a file with a problem gives nothing");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains(&format!("{}:4:12", file.display())),
        "{}",
        problems[0]
    );
    assert!(problems[0].contains("不是非空文字"), "{}", problems[0]);

    // GBK: said where it stops being UTF-8.
    std::fs::write(&file, b"phrases = [\"\xcf\xfb\xb6\xbe\"]\n").unwrap();
    let (phrases, problems) = UserPhrases::load(Some(dir.path()));
    assert!(phrases.is_empty());
    assert!(problems[0].contains("不是 UTF-8"), "{}", problems[0]);
    assert!(problems[0].contains(":1:13"), "{}", problems[0]);

    // Far too large to be a phrases file: refused before it is read whole.
    let big = format!("phrases = [\"{}\"]\n", "x".repeat(3 * 1024 * 1024));
    std::fs::write(&file, big).unwrap();
    let (phrases, problems) = UserPhrases::load(Some(dir.path()));
    assert!(phrases.is_empty());
    assert!(
        problems[0].contains("不像是常用评语文件"),
        "{}",
        problems[0]
    );

    // Many errors: twenty shown, and how many more.
    let many: String = (0..30).map(|i| format!("key{i} = 1\n")).collect();
    std::fs::write(&file, many).unwrap();
    let (_, problems) = UserPhrases::load(Some(dir.path()));
    assert_eq!(problems.len(), 21);
    assert!(
        problems[20].contains("还有 10 个错误未列出"),
        "{}",
        problems[20]
    );

    // A good file, with a BOM as Windows Notepad writes it.
    std::fs::write(
        &file,
        "\u{feff}phrases = [\" 已当场指出 \"]\n[[item]]\nid = \"3.3.1\"\nphrases = [\"消毒记录不全\"]\n",
    )
    .unwrap();
    let (phrases, problems) = UserPhrases::load(Some(dir.path()));
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(phrases.every_item, ["已当场指出"]);
    assert_eq!(phrases.items[0].id, "3.3.1");
    assert_eq!(phrases.items[0].phrases, ["消毒记录不全"]);
}

// ── The CLI ──────────────────────────────────────────────────────────────────────

fn pingshen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", dir.join("data"))
        .env("PINGSHEN_CONFIG_DIR", dir.join("config"))
        .env("PINGSHEN_INSPECTOR", "张敏")
        .env("PINGSHEN_CHECKLIST_DIR", dir.join("no-user-checklists"));
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.assert().success().get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

fn township(dir: &Path) -> String {
    stdout(pingshen(dir).args([
        "new",
        "--checklist",
        "township-2022",
        "--institution",
        "青山镇卫生院",
        "--region",
        "湖南省邵阳市双清区",
        "--kind",
        "区级评审",
        "--inspector",
        "张敏",
        "--head",
        "王建国",
        "--phone",
        "13800000000",
        "--date",
        "2026-11-23",
    ]))
    .trim()
    .lines()
    .last()
    .unwrap()
    .to_string()
}

#[test]
fn the_cli_lists_an_items_phrases_in_order_and_grade_adds_one_by_its_number() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config").join(PHRASES_FILE),
        "phrases = [\"已当场指出，负责人表示立即整改\"]\n",
    )
    .unwrap();
    let id = township(dir.path());
    // 3.3.3's phrases come from the shipped township checklist.
    let list = stdout(pingshen(dir.path()).args(["phrases", &id, "3.3.3"]));
    let rows: Vec<&str> = list
        .lines()
        .filter(|l| l.starts_with(['1', '2', '3', '4']))
        .collect();
    assert_eq!(rows.len(), 4, "{list}");
    let words = |row: &str| row.split_whitespace().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        words(rows[0]),
        ["1", "清单", "消毒记录不全，缺少周末和节假日记录"]
    );
    assert_eq!(
        words(rows[3]),
        ["4", "我的", "已当场指出，负责人表示立即整改"]
    );
    assert!(
        list.contains(&format!("pingshen grade {id} 3.3.3 --note-phrase")),
        "{list}"
    );

    // Used on 3.3.3's note, the first of them comes first for 3.3.4, as 本次已用.
    let saved = stdout(pingshen(dir.path()).args([
        "grade",
        &id,
        "3.3.3",
        "C",
        "--note",
        "抽查治疗室无菌物品柜",
        "--note-phrase",
        "1",
        "--action-phrase",
        "4",
    ]));
    assert!(
        saved.contains("备注加上了：消毒记录不全，缺少周末和节假日记录"),
        "{saved}"
    );
    assert!(
        saved.contains("整改意见加上了：已当场指出，负责人表示立即整改"),
        "{saved}"
    );
    let list = stdout(pingshen(dir.path()).args(["phrases", &id, "3.3.4"]));
    let first = list.lines().find(|l| l.starts_with("1 ")).unwrap();
    assert!(
        first.contains("本次已用") && first.contains("消毒记录不全，缺少周末和节假日记录"),
        "{list}"
    );

    // What was saved, as the history and show tell it.
    let history = stdout(pingshen(dir.path()).args(["history", &id, "3.3.3"]));
    assert!(
        history.contains("抽查治疗室无菌物品柜 消毒记录不全"),
        "{history}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(pingshen(dir.path()).args(["show", &id, "--json"]))).unwrap();
    let item = &json["assessments"]["3.3.3"];
    assert_eq!(
        item["note"],
        "抽查治疗室无菌物品柜\n消毒记录不全，缺少周末和节假日记录"
    );
    assert_eq!(item["action"], "已当场指出，负责人表示立即整改");

    // A number with no phrase refuses everything, the grade too.
    pingshen(dir.path())
        .args(["grade", &id, "3.3.3", "A", "--note-phrase", "9"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("没有第 9 条常用评语（共 4 条"));
    let json: serde_json::Value = serde_json::from_str(&stdout(
        pingshen(dir.path()).args(["phrases", &id, "3.3.3", "--json"]),
    ))
    .unwrap();
    assert_eq!(json["phrases"].as_array().unwrap().len(), 4);
    let history = stdout(pingshen(dir.path()).args(["history", &id, "3.3.3"]));
    assert!(!history.contains("→ A"), "{history}");
}

#[test]
fn with_a_bad_phrases_file_the_cli_says_where_and_lists_the_checklists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let file = dir.path().join("config").join(PHRASES_FILE);
    std::fs::write(&file, "phrases = [\"已当场指出\"，\"x\"]\n").unwrap();
    let id = township(dir.path());
    let out = pingshen(dir.path())
        .args(["phrases", &id, "3.3.1"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("未见年度院感工作计划"), "{stdout}");
    assert!(!stdout.contains("已当场指出"), "{stdout}");
    assert!(stderr.contains("常用评语文件有错误"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:1:19", file.display())),
        "{stderr}"
    );
    assert!(stderr.contains("`，`"), "{stderr}");
}

#[test]
fn the_readmes_phrases_file_is_valid_and_the_shipped_phrases_are_where_the_readme_says() {
    let readme = include_str!("../../README.md");
    let at = readme
        .find("自己的常用评语写在配置目录")
        .expect("the README's section");
    let start = at + readme[at..].find("```toml\n").unwrap() + 8;
    let end = start + readme[start..].find("```").unwrap();
    let mine =
        UserPhrases::parse(&readme[start..end], "README").unwrap_or_else(|d| panic!("{}", d[0]));
    assert_eq!(mine.every_item.len(), 2);
    assert_eq!(mine.items.len(), 2);
    assert_eq!(mine.items[1].checklist.as_deref(), Some("township-2022"));

    // The items checklists/README.md lists for 2022-pingshen.3 have phrases, and
    // only those.
    let changes = include_str!("../../checklists/README.md");
    let at = changes.find("### 2022-pingshen.3").unwrap();
    let entry = &changes[at..at + changes[at..].find("。").unwrap()];
    for (letter, id) in [("T", "township-2022"), ("C", "community-2022")] {
        let (c, _) = crate::common::shipped(id);
        let with: Vec<String> = c
            .items()
            .filter(|(_, _, it)| !it.phrases.is_empty())
            .map(|(_, _, it)| it.id.clone())
            .collect();
        let mut listed = Vec::new();
        for word in entry.split(['、', '：', '；']) {
            let word = word.trim();
            let Some(rest) = word.strip_prefix(letter) else {
                continue;
            };
            match rest.split_once('—') {
                Some((from, to)) => {
                    let (stem, first) = from.rsplit_once('.').unwrap();
                    let last = to.strip_prefix(letter).unwrap_or(to);
                    let (_, last) = last.rsplit_once('.').unwrap();
                    for n in first.parse::<u32>().unwrap()..=last.parse().unwrap() {
                        listed.push(format!("{stem}.{n}"));
                    }
                }
                None => listed.push(rest.to_string()),
            }
        }
        assert_eq!(with, listed, "{id}");
    }
}
