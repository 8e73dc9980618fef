//! The district's year as data: `targets.toml` and `deadlines.toml` in the config dir,
//! each checked at the one gate (every mistake with file:line:col, a file with any
//! mistake not used), the shipped example and default, and the CLI as a district
//! officer runs it (`pingshen targets check`, `pingshen annual --due`).

use std::path::Path;

use assert_cmd::Command;
use pingshen::checklist::{Catalog, UserFile};
use pingshen::district::deadlines::{DEADLINES_FILE, SHIPPED};
use pingshen::district::targets::EXAMPLE;
use pingshen::district::{
    Counts, Deadlines, Known, Required, Share, Status, TARGETS_FILE, Targets, When,
};

fn known() -> Known {
    let catalog = Catalog::discover(None);
    Known::from_checklists(catalog.available.iter().map(|a| &a.checklist))
}

/// 1-based line and column (in characters) of the first occurrence of `needle`.
fn pos(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in text"));
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

fn pingshen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", dir.join("data"))
        .env("PINGSHEN_CONFIG_DIR", dir.join("config"))
        .env("PINGSHEN_CHECKLIST_DIR", dir.join("no-user-checklists"))
        .env_remove("PINGSHEN_INSPECTOR");
    c
}

fn config_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    let file = config.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

// ── targets.toml ─────────────────────────────────────────────────────────────────

#[test]
fn the_shipped_example_checks_clean_and_holds_the_seeds_targets() {
    let targets = Targets::parse(EXAMPLE, "targets.example.toml", &known())
        .unwrap_or_else(|d| panic!("{}", d.iter().map(|d| d.to_string()).collect::<String>()));
    let by_name = |name: &str| {
        targets
            .targets
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let t = by_name("达到服务能力标准的比例");
    assert_eq!((t.year, t.region.as_deref()), (2022, Some("北京市")));
    assert_eq!(t.kinds, ["社区卫生服务中心", "乡镇卫生院"]);
    assert_eq!(t.required, Required::Share(Share::parse("85%").unwrap()));
    assert_eq!(
        t.counts,
        Counts::Verdict {
            name: "达到基本标准".into(),
            or_better: true
        }
    );
    // 0.35 written as a number, the same share as "35%".
    let t = by_name("达到推荐标准的比例");
    assert_eq!(t.required, Required::Share(Share::parse("35%").unwrap()));
    assert_eq!(
        t.sentence(&t.evaluate(20, 7)),
        "达到推荐标准的社区卫生服务中心、乡镇卫生院 7/20 家（35.0%），目标 ≥ 35%，已达到"
    );
    assert_eq!(
        by_name("回头看比例").counts,
        Counts::LookBack {
            passed_before: 2022
        }
    );
    assert_eq!(
        by_name("社区卫生服务中心达到推荐标准的比例").required,
        Required::Share(Share::parse("0.46").unwrap())
    );
    let t = by_name("乡镇中心卫生院达到推荐标准");
    assert_eq!(t.subtype.as_deref(), Some("中心卫生院"));
    assert_eq!(t.required, Required::Share(Share::ALL));
    // `share = 1`: all of them.
    assert_eq!(
        by_name("街镇卫生院全部达到基本标准").required,
        Required::Share(Share::ALL)
    );
    assert_eq!(
        by_name("街镇卫生院达到推荐标准的家数").required,
        Required::AtLeast(6)
    );
    let t = by_name("村卫生室达到服务能力标准的比例");
    assert!(
        matches!(&t.counts, Counts::Checklist { id, .. } if id == "village-clinic"),
        "{:?}",
        t.counts
    );
    assert_eq!(targets.for_year(2022).count(), 3);
    assert_eq!(targets.for_year(2023).count(), 3);
    assert_eq!(targets.for_year(2025).count(), 3);
}

/// A file with a mistake in every key, each reported where it stands.
const BAD: &str = r#"[[target]]
name = "达到推荐标准的比例"
year = 22
kinds = ["社区卫生服务中心"]
counts = "达到推荐标注"
share = 85
shares = 1

[[target]]
name = "回头看"
year = 2022
kinds = ["社区卫生服务中心", "社区卫生服务中心"]
counts = "回头看"
passed_before = 2023
share = "-5%"

[[target]]
name = "中心卫生院"
year = 2023
kinds = ["社区卫生服务中心"]
subtype = "中心卫生院"
counts = "未达到基本标准"
share = "30%"
at_least = 3

[[target]]
name = "细"
year = 2023
kinds = ["乡镇卫生院"]
subtype = "大卫生院"
counts = "达到基本标准"
share = 0.33333
region = ""

[[target]]
name = "无要求"
year = 2023
kinds = ["乡镇卫生院"]
counts = "达到基本标准"

[[target]]
name = "细"
year = 2023
kinds = ["乡镇卫生院"]
counts = "village-clinic"
at_least = 0
"#;

#[test]
fn every_mistake_in_a_targets_file_is_said_where_it_stands() {
    let diags = Targets::parse(BAD, "targets.toml", &known()).expect_err("refused");
    // (where the caret goes, words of the message, words of the help)
    let expected: &[(&str, &str, &str)] = &[
        ("22\n", "不像是年份", "四位数"),
        (
            "\"达到推荐标注\"",
            "既不是评审结论，也不是清单编号",
            "是否想写「达到推荐标准」",
        ),
        ("85\nshares", "超过了全部（100%）", "不写 85"),
        ("shares", "未知的键 `shares`", "是否想写 `share`"),
        (
            "[\"社区卫生服务中心\", \"社区卫生服务中心\"]",
            "写了两次",
            "删去重复",
        ),
        ("2023\nshare = \"-5%\"", "晚于目标年份 2022", "2022 或更早"),
        ("\"-5%\"", "是负数", "0 到 1 之间的小数"),
        (
            "\"中心卫生院\"\ncounts = \"未达到",
            "不是卫生院",
            "只写卫生院",
        ),
        ("\"未达到基本标准\"", "未达标的结论", "达到推荐标准"),
        (
            "3\n\n[[target]]\nname = \"细\"",
            "同时写了 `share` 和 `at_least`",
            "写成两个目标",
        ),
        (
            "\"大卫生院\"",
            "卫生院的类别只有 中心卫生院、一般卫生院",
            "中心卫生院",
        ),
        ("0.33333", "比 0.01% 还细", "最多精确到 0.01%"),
        (
            "\"\"\n\n[[target]]\nname = \"无要求\"",
            "`region` 是空的",
            "整行删去",
        ),
        (
            "[[target]]\nname = \"无要求\"",
            "缺少 `share` 或 `at_least`",
            "share = \"85%\"",
        ),
        ("0\n", "`at_least` 写的是 0", "1 到 100000"),
    ];
    for (at, message, help) in expected {
        let d = diags
            .iter()
            .find(|d| d.message.contains(message))
            .unwrap_or_else(|| panic!("no {message:?} in {diags:#?}"));
        assert!(d.help.contains(help), "{d}");
        assert_eq!((d.line, d.column), pos(BAD, at), "{d}");
        assert_eq!(d.file, "targets.toml");
    }
    // The second 细 of 2023 is refused too, though the first had mistakes of its own:
    // only a target that reads is a name taken. Nothing else is said.
    assert_eq!(diags.len(), expected.len(), "{diags:#?}");
}

#[test]
fn a_repeated_name_in_one_year_is_refused_at_the_second() {
    let text = "[[target]]\nname = \"推荐\"\nyear = 2022\nkinds = [\"乡镇卫生院\"]\ncounts = \"达到推荐标准\"\nshare = \"35%\"\n\n\
                [[target]]\nname = \"推荐\"\nyear = 2023\nkinds = [\"乡镇卫生院\"]\ncounts = \"达到推荐标准\"\nshare = \"46%\"\n\n\
                [[target]]\nname = \" 推荐 \"\nyear = 2022\nkinds = [\"社区卫生服务中心\"]\ncounts = \"达到推荐标准\"\nshare = \"35%\"\n";
    let diags = Targets::parse(text, "targets.toml", &known()).expect_err("refused");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        diags[0]
            .message
            .contains("2022年的目标「推荐」写了两次，第 1 行"),
        "{}",
        diags[0]
    );
    assert_eq!(diags[0].line, 16);
}

#[test]
fn shares_are_written_either_way_and_nothing_else() {
    let with = |share: &str| {
        format!(
            "[[target]]\nname = \"x\"\nyear = 2022\nkinds = [\"乡镇卫生院\"]\ncounts = \"达到基本标准\"\nshare = {share}\n"
        )
    };
    for (written, ten_thousandths) in [
        ("0.85", 8500),
        ("\"85%\"", 8500),
        ("\"85％\"", 8500),
        ("\"0.85\"", 8500),
        ("1", 10_000),
        ("1.0", 10_000),
        ("\"100%\"", 10_000),
        ("0", 0),
        ("0.355", 3550),
    ] {
        let t = Targets::parse(&with(written), "t.toml", &known())
            .unwrap_or_else(|d| panic!("{written}: {}", d[0]));
        assert_eq!(
            t.targets[0].required,
            Required::Share(Share::from_ten_thousandths(ten_thousandths).unwrap()),
            "{written}"
        );
    }
    for (written, message) in [
        ("85", "超过了全部"),
        ("1.5", "超过了全部"),
        ("\"120%\"", "超过了全部"),
        ("-0.1", "是负数"),
        ("\"八成五\"", "不是比例"),
        ("true", "应为比例"),
        ("8.5e-1", "不是比例"),
    ] {
        let d = Targets::parse(&with(written), "t.toml", &known()).expect_err(written);
        assert!(d[0].message.contains(message), "{written}: {}", d[0]);
        assert_eq!((d[0].line, d[0].column), (6, 9), "{written}");
    }
}

#[test]
fn a_syntax_slip_and_hostile_text_are_refused_and_said_safely() {
    // Full-width `＝` typed with a Chinese input method.
    let text = "[[target]]\nname ＝ \"x\"\n";
    let d = Targets::parse(text, "t.toml", &known()).expect_err("refused");
    assert!(d[0].message.contains("全角"), "{}", d[0]);
    assert_eq!((d[0].line, d[0].column), (2, 6));
    // An escape sequence in a value: refused, and shown escaped.
    let text = "[[target]]\nname = \"x\\u001b[2J\"\nyear = 2022\nkinds = [\"乡镇卫生院\"]\ncounts = \"达到基本标准\"\nshare = 1\n";
    let d = Targets::parse(text, "t.toml", &known()).expect_err("refused");
    assert!(d[0].message.contains("控制字符"), "{}", d[0]);
    assert!(!d[0].to_string().contains('\u{1b}'), "{}", d[0]);
    // `[target]` instead of `[[target]]`.
    let d = Targets::parse("[target]\nname = \"x\"\n", "t.toml", &known()).expect_err("refused");
    assert!(d[0].message.contains("[[target]]"), "{}", d[0]);
}

#[test]
fn loading_a_targets_file_goes_through_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(Targets::load(Some(dir.path()), &known()), UserFile::Absent);
    assert_eq!(Targets::load(None, &known()), UserFile::Absent);
    let file = dir.path().join(TARGETS_FILE);
    // GBK: where it stops being UTF-8.
    std::fs::write(&file, b"[[target]]\nname = \"\xcd\xc6\xbc\xf6\"\n").unwrap();
    let UserFile::Problems(p) = Targets::load(Some(dir.path()), &known()) else {
        panic!("refused")
    };
    assert!(p[0].contains("目标文件不是 UTF-8"), "{}", p[0]);
    assert!(
        p[0].contains(&format!("{}:2:9", file.display())),
        "{}",
        p[0]
    );
    // Far too large.
    std::fs::write(&file, format!("# {}\n", "x".repeat(2 * 1024 * 1024))).unwrap();
    let UserFile::Problems(p) = Targets::load(Some(dir.path()), &known()) else {
        panic!("refused")
    };
    assert!(p[0].contains("不像是目标文件"), "{}", p[0]);
    // With a BOM, as Notepad writes it.
    std::fs::write(&file, format!("\u{feff}{EXAMPLE}")).unwrap();
    let UserFile::Read(t) = Targets::load(Some(dir.path()), &known()) else {
        panic!("reads")
    };
    assert_eq!(t.targets.len(), 9);
}

#[test]
fn targets_check_says_each_mistake_with_the_place_and_uses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = config_file(dir.path(), TARGETS_FILE, BAD);
    let out = pingshen(dir.path())
        .args(["targets", "check"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    for at in [
        "22\n",
        "\"达到推荐标注\"",
        "shares",
        "\"-5%\"",
        "\"大卫生院\"",
        "0\n",
    ] {
        let (line, col) = pos(BAD, at);
        assert!(
            stdout.contains(&format!("{}:{line}:{col}", file.display())),
            "{at:?} at {line}:{col}:\n{stdout}"
        );
    }
    assert_eq!(stdout.matches("错误: ").count(), 15, "{stdout}");
    assert!(stdout.contains("这个文件没有使用"), "{stdout}");
    assert!(!stdout.contains("通过"), "{stdout}");

    // Another file, named.
    let other = dir.path().join("其他.toml");
    std::fs::write(&other, EXAMPLE).unwrap();
    let out = pingshen(dir.path())
        .args(["targets", "check"])
        .arg(&other)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(text(&out.stdout).contains("通过，9 个目标"));
    pingshen(dir.path())
        .args(["targets", "check"])
        .arg(dir.path().join("没有.toml"))
        .assert()
        .code(2)
        .stdout(predicates::str::contains("找不到目标文件"));
}

#[test]
fn the_template_written_to_the_config_dir_checks_clean_and_is_said_in_words() {
    let dir = tempfile::tempdir().unwrap();
    // No file yet: nothing wrong, and how to start.
    pingshen(dir.path())
        .args(["targets", "check"])
        .assert()
        .success()
        .stdout(predicates::str::contains("pingshen targets template >"));
    let out = pingshen(dir.path())
        .args(["targets", "template"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(text(&out.stdout), EXAMPLE, "to a pipe, byte for byte");
    config_file(dir.path(), TARGETS_FILE, &text(&out.stdout));
    let out = pingshen(dir.path())
        .args(["targets", "check"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    assert!(stdout.contains("通过，9 个目标"), "{stdout}");
    for said in [
        "2022年：",
        "达到基本标准及以上的社区卫生服务中心、乡镇卫生院：目标 ≥ 85%；只计所在区县含「北京市」的机构",
        "2022年以前达标的社区卫生服务中心、乡镇卫生院中，2022年已回头看的：目标 ≥ 30%",
        "达到推荐标准的社区卫生服务中心：目标 ≥ 46%",
        "达到推荐标准的乡镇卫生院（中心卫生院）：目标 全部（100%）",
        "达到推荐标准的乡镇卫生院：目标 ≥ 6 家",
        "达到村卫生室服务能力标准的村卫生室：目标 ≥ 40%（按清单 village-clinic 评审）",
    ] {
        assert!(stdout.contains(said), "{said}:\n{stdout}");
    }
    // `pingshen targets` alone checks too.
    pingshen(dir.path())
        .arg("targets")
        .assert()
        .success()
        .stdout(predicates::str::contains("通过，9 个目标"));
}

// ── deadlines.toml and `annual --due` ────────────────────────────────────────────

#[test]
fn the_shipped_deadlines_hold_the_seeds_dates() {
    let d = Deadlines::parse(SHIPPED, "deadlines.toml").expect("the shipped file reads");
    let whens: Vec<When> = d.deadlines.iter().map(|d| d.when).collect();
    assert_eq!(
        whens,
        [
            When::Yearly { month: 8, day: 31 },
            When::Yearly { month: 9, day: 30 },
            When::Yearly { month: 9, day: 30 },
            When::Monthly {
                day: 1,
                from: 9,
                until: 12
            },
        ]
    );
    assert!(d.deadlines[0].name.contains("申报信息系统"));
    assert!(d.deadlines[1].name.contains("区级"));
    assert!(d.deadlines[2].name.contains("复核") && d.deadlines[2].name.contains("年度报告"));
    assert!(d.deadlines[3].name.contains("附件2"));
}

#[test]
fn annual_due_lists_the_years_dates_with_the_days_left() {
    let dir = tempfile::tempdir().unwrap();
    let out = pingshen(dir.path())
        .args(["annual", "--due", "--today", "2026-09-15", "--year", "2026"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    let rows: Vec<(&str, String)> = stdout
        .lines()
        .filter(|l| l.starts_with("  2026-"))
        .map(|l| {
            let mut words = l.split_whitespace();
            let date = words.next().unwrap();
            let left: Vec<&str> = words.take(3).collect();
            (date, left.join(" "))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-08-31", "已过期 15 天".to_string()),
            ("2026-09-01", "已过期 14 天".to_string()),
            ("2026-09-30", "还有 15 天".to_string()),
            ("2026-09-30", "还有 15 天".to_string()),
            ("2026-10-01", "还有 16 天".to_string()),
            ("2026-11-01", "还有 47 天".to_string()),
            ("2026-12-01", "还有 77 天".to_string()),
        ],
        "{stdout}"
    );
    assert!(stdout.contains("申报信息系统填报"), "{stdout}");
    assert!(stdout.contains("负责：区卫生健康委"), "{stdout}");
    assert!(stdout.contains("内置的默认日程"), "{stdout}");
    assert!(
        stdout.contains("pingshen annual --due --template >"),
        "{stdout}"
    );

    // Another year, counted from the same day.
    let out = pingshen(dir.path())
        .args(["annual", "--due", "--today", "2026-09-15", "--year", "2027"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(text(&out.stdout).contains("2027-08-31  还有 350 天"));

    // The template is the shipped file, byte for byte.
    pingshen(dir.path())
        .args(["annual", "--due", "--template"])
        .assert()
        .success()
        .stdout(SHIPPED);
}

#[test]
fn a_users_deadlines_file_replaces_the_shipped_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = config_file(
        dir.path(),
        DEADLINES_FILE,
        "[[deadline]]\nname = \"区级评审\"\nby = \"10-15\"\nwho = \"区卫生健康委\"\n\n\
         [[deadline]]\nname = \"季度报送\"\nmonthly_by = 5\nfrom_month = 7\nuntil_month = 9\n",
    );
    let out = pingshen(dir.path())
        .args(["annual", "--due", "--today", "2026-09-15", "--year", "2026"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = text(&out.stdout);
    let dates: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("  2026-"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        dates,
        ["2026-07-05", "2026-08-05", "2026-09-05", "2026-10-15"],
        "{stdout}"
    );
    assert!(
        stdout.contains("2026-10-15  还有 30 天    区级评审"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("申报信息系统"),
        "the shipped dates are not used:\n{stdout}"
    );
    assert!(
        stdout.contains(&format!("日程取自 {}", file.display())),
        "{stdout}"
    );
}

#[test]
fn a_bad_deadlines_file_is_said_with_each_place_and_nothing_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "[[deadline]]\nname = \"区级评审\"\nby = \"9月31日\"\n\n\
               [[deadline]]\nname = \"月报\"\nmonthly_by = 32\nfrom_month = 9\nuntil_month = 3\n\n\
               [[deadline]]\nname = \"两种\"\nby = \"2月29日\"\nmonthly_by = 1\nwhen = 1\n";
    let file = config_file(dir.path(), DEADLINES_FILE, bad);
    let out = pingshen(dir.path())
        .args(["annual", "--due", "--today", "2026-09-15"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = text(&out.stderr);
    for (at, words) in [
        ("\"9月31日\"", "没有9月31日这一天"),
        ("32", "`monthly_by` 写的是 32"),
        ("1\nwhen", "同时写了 `by` 和 `monthly_by`"),
        ("when", "未知的键 `when`"),
    ] {
        let (line, col) = pos(bad, at);
        assert!(
            stderr.contains(&format!("{}:{line}:{col}", file.display())),
            "{at:?}:\n{stderr}"
        );
        assert!(stderr.contains(words), "{words}:\n{stderr}");
    }
    assert!(stderr.contains("没有使用"), "{stderr}");
    assert!(text(&out.stdout).is_empty(), "nothing listed");

    let d = Deadlines::parse(bad, "d.toml").expect_err("refused");
    // until_month before from_month is said too (the day being wrong as well).
    assert!(
        d.iter().any(|d| d
            .message
            .contains("`until_month = 3` 早于 `from_month = 9`")),
        "{d:#?}"
    );
}

#[test]
fn annual_on_an_empty_store_says_how_to_begin_and_bad_arguments_are_said() {
    let dir = tempfile::tempdir().unwrap();
    pingshen(dir.path())
        .args(["annual", "--year", "2026"])
        .assert()
        .success()
        .stdout(predicates::str::contains("2026年度"))
        .stderr(predicates::str::contains("机构名录是空的"));
    pingshen(dir.path())
        .args(["annual", "--year", "二〇二六"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("不是年份"));
    pingshen(dir.path())
        .args(["annual", "--due", "--today", "2026-13-01"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("不是日期"));
    pingshen(dir.path())
        .args(["annual", "--due", "--year", "26"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("不是年份"));
    // An escape sequence typed as an argument comes back escaped.
    let out = pingshen(dir.path())
        .args(["annual", "--due", "--today", "\u{1b}[2J"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(!out.stderr.contains(&0x1b), "{}", text(&out.stderr));
}

#[test]
fn an_outcome_is_whole_facilities_at_the_exact_threshold() {
    let targets = Targets::parse(EXAMPLE, "t.toml", &known()).unwrap();
    let t = targets
        .targets
        .iter()
        .find(|t| t.name == "达到推荐标准的比例")
        .unwrap();
    // 35% of 20 is 7: met at 7, one short at 6.
    assert_eq!(t.evaluate(20, 7).status, Status::Met);
    assert_eq!(t.evaluate(20, 6).status, Status::Short(1));
    assert_eq!(
        t.sentence(&t.evaluate(20, 4)),
        "达到推荐标准的社区卫生服务中心、乡镇卫生院 4/20 家（20.0%），目标 ≥ 35%，还差 3 家"
    );
}

// ── docs/targets.md ──────────────────────────────────────────────────────────────

#[test]
fn every_example_in_the_docs_checks_clean_and_the_default_is_the_shipped_one() {
    let doc = include_str!("../../docs/targets.md");
    let blocks: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 5, "{}", blocks.len());
    let mut deadlines = 0;
    for block in blocks {
        if block.contains("[[deadline]]") {
            let d = Deadlines::parse(block, "docs/targets.md")
                .unwrap_or_else(|d| panic!("{}\n{block}", d[0]));
            let without_lines = |d: Deadlines| {
                d.deadlines
                    .into_iter()
                    .map(|d| (d.name, d.when, d.who, d.note))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                without_lines(d),
                without_lines(Deadlines::parse(SHIPPED, "deadlines.toml").unwrap())
            );
            deadlines += 1;
        } else {
            let t = Targets::parse(block, "docs/targets.md", &known())
                .unwrap_or_else(|d| panic!("{}\n{block}", d[0]));
            // Each target the docs show is in the shipped example as written.
            let example = Targets::parse(EXAMPLE, "t.toml", &known()).unwrap();
            for target in t.targets {
                let shipped = example
                    .targets
                    .iter()
                    .find(|e| e.name == target.name)
                    .unwrap_or_else(|| panic!("{} not in the example", target.name));
                assert_eq!(
                    (
                        &shipped.kinds,
                        &shipped.counts,
                        shipped.required,
                        &shipped.region
                    ),
                    (
                        &target.kinds,
                        &target.counts,
                        target.required,
                        &target.region
                    ),
                    "{}",
                    target.name
                );
            }
        }
    }
    assert_eq!(deadlines, 1);
}

// ── No input panics ──────────────────────────────────────────────────────────────

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    const TEXTS: &[&str] = &[
        "＝",
        "，",
        "％",
        "%",
        "-",
        ".",
        "0",
        "1",
        "\"",
        "'",
        "[",
        "]",
        "\n",
        "=",
        "#",
        "月",
        "日",
        "\u{1b}[2J",
        "\u{202e}",
        "\r",
        "e9",
        "[[target]]\n",
        "[[deadline]]\n",
        "share = ",
        "by = ",
        "99999999999999999999",
        "回头看",
    ];

    /// `text` with each (place, insert or delete) applied at a character boundary.
    fn mutated(text: &str, edits: &[(usize, Option<&str>)]) -> String {
        let mut s = text.to_string();
        for (at, edit) in edits {
            let at = at % (s.len() + 1);
            let at = (0..=at).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
            match edit {
                Some(t) => s.insert_str(at, t),
                None => {
                    if let Some(c) = s[at..].chars().next() {
                        s.replace_range(at..at + c.len_utf8(), "");
                    }
                }
            }
        }
        s
    }

    fn edits() -> impl Strategy<Value = Vec<(usize, Option<&'static str>)>> {
        prop::collection::vec(
            (
                any::<usize>(),
                prop::option::of(prop::sample::select(TEXTS)),
            ),
            1..8,
        )
    }

    fn inside(text: &str, diags: &[pingshen::checklist::Diagnostic]) {
        let lines = text.lines().count().max(1);
        for d in diags {
            assert!(d.line >= 1 && d.line <= lines, "{d}");
            assert!(!d.to_string().contains('\u{1b}'), "{d}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn a_mutated_targets_file_never_panics(edits in edits()) {
            let text = mutated(EXAMPLE, &edits);
            if let Err(d) = Targets::parse(&text, "t.toml", &known()) {
                prop_assert!(!d.is_empty());
                inside(&text, &d);
            }
        }

        #[test]
        fn a_mutated_deadlines_file_never_panics(edits in edits(), year in 1900i32..2300) {
            let text = mutated(SHIPPED, &edits);
            match Deadlines::parse(&text, "d.toml") {
                Ok(d) => {
                    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap();
                    let due = d.due(year, today);
                    prop_assert!(due.windows(2).all(|w| w[0].date <= w[1].date));
                }
                Err(d) => inside(&text, &d),
            }
        }

        #[test]
        fn any_share_text_reads_or_is_refused(text in "[-+0-9.%％ ]{0,12}") {
            if let Ok(s) = Share::parse(&text) {
                prop_assert!(s.ten_thousandths() <= 10_000);
            }
        }
    }
}

#[test]
fn community_hospital_plans_are_read_and_each_mistake_said_where_it_stands() {
    let good = "[[community_hospitals]]\nyear = 2026\nregion = \"北京市东城区\"\nplanned = 3\n\n\
                [[community_hospitals]]\nyear = 2026\nregion = \"北京市西城区\"\nplanned = 0\nsource = \"西城区计划\"\n";
    let t = Targets::parse(good, "targets.toml", &known()).unwrap();
    let plans: Vec<(i32, &str, u32, usize)> = t
        .plans_for(2026)
        .map(|p| (p.year, p.region.as_str(), p.planned, p.line))
        .collect();
    assert_eq!(
        plans,
        [(2026, "北京市东城区", 3, 1), (2026, "北京市西城区", 0, 6)]
    );
    assert!(t.targets.is_empty());

    let bad = "[[community_hospitals]]\nyear = 2026\nregion = \"北京市东城区\"\nplanned = 3\n\n\
               [[community_hospitals]]\nyear = 2026\nregion = \"北京市 东城区\"\nplanned = 2\n\n\
               [[community_hospitals]]\nyear = 2026\nplanned = -1\ncount = 1\n\n\
               [[community_hospitals]]\nyear = 2026\nregion = \"北京市朝阳区\"\nplanned = \"三\"\n";
    let diags = Targets::parse(bad, "targets.toml", &known()).expect_err("refused");
    let said: Vec<(usize, &str)> = diags.iter().map(|d| (d.line, d.message.as_str())).collect();
    let has = |line: usize, words: &str| {
        assert!(
            said.iter().any(|(l, m)| *l == line && m.contains(words)),
            "line {line}: {words} not in {said:#?}"
        )
    };
    // The same 行政区 twice in a year (spaces ignored), said at the second.
    has(
        8,
        "2026年「北京市 东城区」的新建社区医院计划写了两次，第 1 行",
    );
    // No region, a negative planned, a key it does not know; a planned in words.
    has(11, "缺少必填的键 `region`");
    has(13, "第 3 个 [[community_hospitals]] 的 `planned` 写的是 -1");
    has(14, "未知的键 `count`");
    has(
        19,
        "「北京市朝阳区」的新建社区医院计划的 `planned` 应为整数",
    );
    assert_eq!(diags.len(), 5, "{diags:#?}");
}
