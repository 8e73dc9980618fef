//! A whole township review in a real terminal (tmux), as issue 12 asks: search by
//! pinyin initials, full-width keys, a pasted note of two lines, evidence from a
//! phone's photo folder, a quick phrase for the 整改意见, undo, and the window resized on the way. At
//! the end `pingshen show` and `pingshen history` hold exactly what was typed, every
//! change by the inspector at the keyboard.

use std::time::{Duration, SystemTime};

use crate::tui_tmux::{Tmux, cli, require_tmux};

#[test]
fn a_township_review_day_ends_with_exactly_what_was_typed() {
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
            "湖南省邵阳市双清区",
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
    // The phone's photos, copied to the laptop: the newest is the fever clinic's.
    let photos = w.join("手机照片");
    std::fs::create_dir_all(&photos).unwrap();
    let now = SystemTime::now();
    for (i, name) in ["IMG_3001.jpg", "IMG_3002.jpg", "IMG_3003.jpg"]
        .iter()
        .enumerate()
    {
        let p = photos.join(name);
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
        bytes.extend(std::iter::repeat_n(i as u8, 5000));
        std::fs::write(&p, bytes).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(now - Duration::from_secs(600 * (3 - i as u64)))
            .unwrap();
    }

    let t = Tmux::start_sized(w, "township", 100, 30);
    t.wait_for("青山镇卫生院");
    t.keys(&["Enter"]);
    t.wait_for("你是哪位评审专家");
    t.text("2");
    t.keys(&["Enter"]);
    t.wait_for("操作人 李强");

    // 发热诊室 by its pinyin initials; the first match is selected; full-width ｃ.
    t.keys(&["/"]);
    t.wait_for("搜索条款");
    t.text("frzs");
    t.keys(&["Enter"]);
    t.wait_for("1.2.4  ★核心条款");
    t.text("ｃ");
    t.wait_for("已保存：1.2.4 评为 C");
    // Two photos from the folder, newest first: Space on the first two.
    t.keys(&["i"]);
    t.wait_for("附上佐证");
    t.keys(&["C-u"]);
    t.text(&format!("{}/", photos.display()));
    t.keys(&["Enter"]);
    t.wait_for("3 个文件，按修改时间从新到旧");
    t.keys(&["Space", "Space", "Enter"]);
    t.wait_for("已附上 2 个佐证到 1.2.4");
    // The 整改意见 from the checklist's quick phrases: Ctrl-P, the first, saved.
    t.keys(&["r"]);
    t.wait_for("整改意见 · 1.2.4");
    t.keys(&["C-p"]);
    t.wait_for("常用评语 · 1.2.4");
    t.text("1");
    t.keys(&["C-s"]);
    t.wait_for("已保存：1.2.4 的整改意见");
    t.keys(&["Escape"]);
    t.wait_for("已清除搜索");

    // Bigger now; 1.1.1 by id, the full-width digit ２ (B), a pasted two-line note.
    t.resize(120, 40);
    t.keys(&["g"]);
    t.wait_for("跳到条款");
    t.text("1.1.1");
    t.keys(&["Enter"]);
    t.wait_for("1.1.1  基本标准");
    t.text("２");
    t.wait_for("已保存：1.1.1 评为 B");
    t.keys(&["e"]);
    t.wait_for("备注 · 1.1.1");
    t.paste("抽查年度计划\n半年总结缺量化指标");
    t.keys(&["C-s"]);
    t.wait_for("已保存：1.1.1 的备注");

    // A wrong grade on 1.1.2, taken back with u.
    t.keys(&["Down"]);
    t.wait_for("1.1.2  基本标准");
    t.keys(&["d"]);
    t.wait_for("已保存：1.1.2 评为 不达标");
    t.keys(&["u"]);
    t.wait_for("已撤销：条款 1.1.2 的档次 不达标 → 待评");

    // Small again, then quit.
    t.resize(80, 24);
    t.wait_for("操作人 李强");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    let show: serde_json::Value = serde_json::from_str(&cli(w, &["show", &id, "--json"])).unwrap();
    let a = &show["assessments"];
    assert_eq!(a["1.2.4"]["grade"], "C");
    assert_eq!(
        a["1.2.4"]["action"],
        "发热诊室未做到“三区两通道”，清洁区与污染区共用通道"
    );
    assert_eq!(a["1.1.1"]["grade"], "B");
    assert_eq!(a["1.1.1"]["note"], "抽查年度计划\n半年总结缺量化指标");
    assert!(a["1.1.2"]["grade"].is_null(), "{}", a["1.1.2"]);
    let names: Vec<&str> = a["1.2.4"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["IMG_3003.jpg", "IMG_3002.jpg"]);
    let graded: Vec<&str> = a
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| !v["grade"].is_null())
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(graded, ["1.1.1", "1.2.4"], "no other item changed");

    // The history, after the creation: exactly these changes, all by 李强.
    let history = cli(w, &["history", &id]);
    let rows: Vec<Vec<&str>> = history
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    let said: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[2], r[3], r[4])).collect();
    assert_eq!(
        said,
        [
            ("李强", "1.2.4", "档次"),
            ("李强", "1.2.4", "佐证"),
            ("李强", "1.2.4", "佐证"),
            ("李强", "1.2.4", "整改意见"),
            ("李强", "1.1.1", "档次"),
            ("李强", "1.1.1", "备注"),
            ("李强", "1.1.2", "档次"),
            ("李强", "1.1.2", "档次（撤销）"),
        ],
        "{history}"
    );
}
