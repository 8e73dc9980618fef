//! Issue 12's keys with a Chinese input method on, in a real terminal (tmux): the
//! full-width ａ and the digit 2 grade, auto-advance (on from the settings file,
//! switched off with its key) moves on; `pingshen history` and `show` then say the
//! right items got the right grades, and nothing else changed.

use crate::tui_tmux::{Tmux, cli, require_tmux};

#[test]
fn full_width_a_and_digit_2_grade_the_items_on_screen() {
    require_tmux();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let id = cli(
        w,
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
            "--as",
            "张敏",
        ],
    )
    .trim()
    .to_string();
    // Auto-advance on from the settings file (the config dir under XDG_CONFIG_HOME).
    let config = w.join("config/pingshen");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "auto_advance = true\n").unwrap();

    let t = Tmux::start_sized(w, "fullwidth", 80, 24);
    t.wait_for("青山镇卫生院");
    t.keys(&["Enter"]);
    t.wait_for("你是哪位评审专家");
    t.text("1");
    t.keys(&["Enter"]);
    let screen = t.wait_for("操作人 张敏");
    assert!(screen.contains("自动跳转"), "{screen}");
    assert!(screen.contains("1.1.1  基本标准"), "{screen}");
    // What an input method in full-width mode sends, then a digit.
    t.text("ａ");
    t.wait_for("已保存：1.1.1 评为 A，已跳到下一条待评 1.1.2");
    t.text("2");
    t.wait_for("已保存：1.1.2 评为 B，已跳到下一条待评 1.1.3");
    // Bigger, auto-advance off, another item by id; the grade stays on it.
    t.resize(120, 40);
    t.keys(&["t"]);
    t.wait_for("已关：评分后不再自动跳转");
    t.keys(&["g"]);
    t.wait_for("跳到条款");
    t.text("1.2.4");
    t.keys(&["Enter"]);
    t.wait_for("1.2.4  ★核心条款");
    t.text("2");
    let screen = t.wait_for("已保存：1.2.4 评为 B");
    assert!(screen.contains("当前档次：B（张敏）"), "{screen}");
    assert!(!screen.contains("自动跳转"), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let history = cli(w, &["history", &id]);
    let rows: Vec<(String, String)> = history
        .lines()
        .skip(1)
        .filter_map(|row| {
            let item = row.split_whitespace().nth(3)?;
            Some((item.to_string(), row.to_string()))
        })
        .filter(|(item, _)| item.contains('.'))
        .collect();
    let items: Vec<&str> = rows.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(items, ["1.1.1", "1.1.2", "1.2.4"], "{history}");
    assert!(rows.iter().all(|(_, r)| r.contains("张敏")), "{history}");
    let show: serde_json::Value = serde_json::from_str(&cli(w, &["show", &id, "--json"])).unwrap();
    let grade = |item: &str| show["assessments"][item]["grade"].clone();
    assert_eq!(grade("1.1.1"), "A");
    assert_eq!(grade("1.1.2"), "B");
    assert_eq!(grade("1.2.4"), "B");
    assert!(grade("1.1.3").is_null(), "{show}");
}
