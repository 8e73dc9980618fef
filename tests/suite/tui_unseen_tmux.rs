//! Issue 12's four paths that silently gave a wrong grade, each replayed in a real
//! terminal (tmux) as the inspector took it. After each, the CLI's `history` must
//! show changes to the item that was on screen and selected, and to no other.
//!
//! The inspection: 青山镇卫生院 on the township checklist, eight items 不达标 (the
//! 不达标 filter's eight matches) and 4.1.1 at B by 李强; 张敏 at the keyboard.

use std::path::Path;

use crate::tui_tmux::{Tmux, cli, require_tmux};

const FAILED: [&str; 8] = [
    "1.2.1", "1.4.2", "2.1.3", "2.4.3", "2.5.3", "3.2.1", "3.3.2", "4.2.1",
];

/// Creates the inspection through the CLI; returns its id.
fn township(work: &Path) -> String {
    let id = cli(
        work,
        &[
            "new",
            "--checklist",
            "township-2022",
            "--institution",
            "青山镇卫生院",
            "--region",
            "双清区",
            "--inspector",
            "张敏",
            "--inspector",
            "李强",
            "--date",
            "2026-11-23",
        ],
    )
    .trim()
    .to_string();
    for item in FAILED {
        cli(work, &["grade", &id, item, "D", "--as", "张敏"]);
    }
    cli(work, &["grade", &id, "4.1.1", "B", "--as", "李强"]);
    id
}

/// The history's rows (header left out), as printed.
fn history(work: &Path, id: &str) -> Vec<String> {
    cli(work, &["history", id])
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// The rows `after` has beyond `before`, each as (item, whole row).
fn new_rows(before: &[String], after: &[String]) -> Vec<(String, String)> {
    assert!(after.starts_with(before), "history was rewritten");
    after[before.len()..]
        .iter()
        .map(|row| {
            let item = row.split_whitespace().nth(3).unwrap_or("").to_string();
            (item, row.clone())
        })
        .collect()
}

fn show(work: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&cli(work, &["show", id, "--json"])).unwrap()
}

/// pingshen started at `width` × `height`, the inspection opened, 张敏 acting.
fn open(work: &Path, name: &str, width: u16, height: u16) -> Tmux {
    let t = Tmux::start_sized(work, name, width, height);
    t.wait_for("青山镇卫生院");
    t.keys(&["Enter"]);
    t.wait_for("你是哪位评审专家");
    t.text("1");
    t.keys(&["Enter"]);
    t.wait_for("操作人 张敏");
    t
}

/// f, then the third choice (全部, 待评, 不达标).
fn filter_failed(t: &Tmux) -> String {
    t.keys(&["f"]);
    t.wait_for("筛选条款");
    t.keys(&["Down", "Down", "Enter"]);
    t.wait_for("第 1 / 8 条")
}

fn goto(t: &Tmux, id: &str) {
    t.keys(&["g"]);
    t.wait_for("跳到条款");
    t.text(id);
    t.keys(&["Enter"]);
}

#[test]
fn a_filter_selects_its_first_match_at_the_top() {
    require_tmux();
    let work = tempfile::tempdir().unwrap();
    let id = township(work.path());
    let before = history(work.path(), &id);
    // The size the issue was found at.
    let t = open(work.path(), "first-match", 100, 30);
    let screen = filter_failed(&t);
    // Every match is on screen, the first one selected (its detail on the right).
    for item in FAILED {
        assert!(screen.contains(&format!("D  {item}")), "{item}:\n{screen}");
    }
    assert!(screen.contains("已选中第 1 条 1.2.1"), "{screen}");
    assert!(screen.contains("1.2.1  基本标准"), "{screen}");
    t.keys(&["a"]);
    t.wait_for("已保存：1.2.1 评为 A");

    // A search too: the first item mentioning 消毒 is 1.2.3.
    t.keys(&["f"]);
    t.wait_for("筛选条款");
    t.keys(&["Up", "Up", "Enter"]);
    t.wait_for("筛选：全部条款");
    t.keys(&["/"]);
    t.wait_for("搜索条款");
    t.text("消毒");
    t.keys(&["Enter"]);
    let screen = t.wait_for("已选中第 1 条 1.2.3");
    assert!(screen.contains("第 1 / "), "{screen}");
    t.keys(&["b"]);
    t.wait_for("已保存：1.2.3 评为 B");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let changed = new_rows(&before, &history(work.path(), &id));
    let items: Vec<&str> = changed.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(items, ["1.2.1", "1.2.3"], "{changed:?}");
    let show = show(work.path(), &id);
    assert_eq!(show["assessments"]["1.2.1"]["grade"], "A");
    assert_eq!(show["assessments"]["1.2.3"]["grade"], "B");
    assert_eq!(show["assessments"]["4.2.1"]["grade"], "D");
}

#[test]
fn an_item_graded_out_of_the_filter_stays_selected_until_the_inspector_moves() {
    require_tmux();
    let work = tempfile::tempdir().unwrap();
    let id = township(work.path());
    let before = history(work.path(), &id);
    let t = open(work.path(), "stays", 100, 30);
    filter_failed(&t);
    goto(&t, "2.5.3");
    t.wait_for("第 5 / 8 条");
    t.keys(&["c"]);
    let screen = t.wait_for("已保存：2.5.3 评为 C");
    // Still selected and shown, marked; the count is down to 7.
    assert!(screen.contains("C  2.5.3"), "{screen}");
    assert!(screen.contains("已不在筛选中 · 共 7 条"), "{screen}");
    assert!(screen.contains("2.5.3  ★核心条款"), "{screen}");
    // The next key acts on 2.5.3, the item on screen, not on 2.4.3 above it.
    t.keys(&["x"]);
    t.wait_for("已清除 2.5.3 的评分（原为 C）");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let changed = new_rows(&before, &history(work.path(), &id));
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(
        changed.iter().all(|(item, _)| item == "2.5.3"),
        "{changed:?}"
    );
    let show = show(work.path(), &id);
    assert_eq!(show["assessments"]["2.4.3"]["grade"], "D");
    assert!(show["assessments"]["2.5.3"]["grade"].is_null(), "{show}");
}

#[test]
fn backspace_after_a_mistyped_goto_changes_no_grade() {
    require_tmux();
    let work = tempfile::tempdir().unwrap();
    let id = township(work.path());
    let before = history(work.path(), &id);
    let t = open(work.path(), "backspace", 100, 30);
    goto(&t, "2.5.3");
    t.wait_for("2.5.3  ★核心条款");
    goto(&t, "2.5.33");
    t.wait_for("没有编号为「2.5.33」的条款");
    t.keys(&["BSpace"]);
    t.wait_for("退格键和 Del 键不会改动评分");
    goto(&t, "9.9.9");
    t.wait_for("没有编号为「9.9.9」的条款");
    t.keys(&["DC"]);
    let screen = t.wait_for("退格键和 Del 键不会改动评分");
    assert!(screen.contains("当前档次：不达标"), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let changed = new_rows(&before, &history(work.path(), &id));
    assert!(changed.is_empty(), "{changed:?}");
    assert_eq!(show(work.path(), &id)["assessments"]["2.5.3"]["grade"], "D");
}

#[test]
fn keys_do_nothing_behind_the_too_small_screen_but_quit() {
    require_tmux();
    let work = tempfile::tempdir().unwrap();
    let id = township(work.path());
    let before = history(work.path(), &id);
    let t = open(work.path(), "small", 100, 30);
    goto(&t, "4.1.1");
    t.wait_for("当前档次：B（李强）");
    t.resize(50, 12);
    t.wait_for("终端窗口太小（50×12）");
    // Each key is swallowed, and the screen says so before the next goes in.
    for (key, shown) in [
        ("a", "a"),
        ("q", "q"),
        ("x", "x"),
        ("BSpace", "退格"),
        ("Escape", "Esc"),
        ("d", "d"),
    ] {
        t.keys(&[key]);
        t.wait_for(&format!("刚才按的 {shown} 没有起作用"));
    }
    t.resize(100, 30);
    // Still in the inspection, on 4.1.1, at B.
    let screen = t.wait_for("当前档次：B（李强）");
    assert!(screen.contains("4.1.1  "), "{screen}");
    // The quit key works there, and the screen names it.
    t.resize(50, 12);
    t.wait_for("只有 Ctrl-C 退出");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let changed = new_rows(&before, &history(work.path(), &id));
    assert!(changed.is_empty(), "{changed:?}");
    let show = show(work.path(), &id);
    assert_eq!(show["assessments"]["4.1.1"]["grade"], "B");
    assert_eq!(show["assessments"]["4.1.1"]["by"], "李强");
}
