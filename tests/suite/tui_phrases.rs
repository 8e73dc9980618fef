//! 常用评语 in the review app: Ctrl-P (or F2) in the note or 整改意见 editor opens the
//! item's phrases, used-in-this-inspection first; Enter puts the chosen one at the
//! caret; Ctrl-S saves it. Key sequences on the TestBackend, what was saved read back
//! from the store and through `pingshen history`; the menu's snapshots at 80×24 and
//! 120×40.

use assert_cmd::Command;
use pingshen::checklist::phrases::PHRASES_FILE;
use pingshen::scoring::Grade;
use pingshen::tui::popups::Popup;

use crate::tui_support::*;

/// The township inspection in the walkthrough, `phrases` (when given) as the user's
/// phrases file, and 3.3.2's note already holding one of 3.3.3's checklist phrases.
fn harness(phrases: Option<&str>) -> (Harness, String) {
    let (mut h, id) = started(phrases, true);
    h.press("Enter");
    assert!(h.app.walk.is_some());
    (h, id)
}

/// The app on its list, over the township inspection, with the user's phrases file
/// and 3.3.2's note when asked.
fn started(phrases: Option<&str>, note: bool) -> (Harness, String) {
    let (dir, store) = store();
    let id = qingshan(&store, TODAY);
    if note {
        grade(
            &store,
            &id,
            "3.3.2",
            Grade::C,
            "治疗室：消毒记录不全，缺少周末和节假日记录",
        );
    }
    if let Some(text) = phrases {
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config").join(PHRASES_FILE), text).unwrap();
    }
    (Harness::new(dir, store), id)
}

/// The menu on top, if it is open: each phrase as (mark, text).
fn menu(h: &Harness) -> Option<Vec<(&'static str, String)>> {
    match h.app.popups.last() {
        Some(Popup::PhraseMenu(m)) => Some(
            m.phrases
                .iter()
                .map(|p| (p.source.label(), p.text.clone()))
                .collect(),
        ),
        _ => None,
    }
}

fn editor_text(h: &Harness) -> String {
    match h.app.popups.last() {
        Some(Popup::NoteEditor(e)) => e.text(),
        _ => panic!("the editor is not on top"),
    }
}

const MINE: &str = "phrases = [\"已当场指出，负责人表示立即整改\"]\n\n[[item]]\nid = \"3.3.3\"\nphrases = [\"供应室压力蒸汽灭菌器的年度检测报告已过期，压力表未按期校验，操作人员上岗证复印件未存档\"]\n";

#[test]
fn a_phrase_picked_in_the_note_editor_goes_in_at_the_caret_and_is_saved() {
    let (mut h, id) = harness(Some(MINE));
    goto(&mut h, "3.3.3");
    h.press("e");
    h.type_text("抽查治疗室，");
    // The caret back at the start: the phrase goes there, not at the end.
    h.press("Home");
    h.press("ctrl-p");
    assert_eq!(
        menu(&h).expect("Ctrl-P opens the phrases"),
        [
            ("本次已用", "消毒记录不全，缺少周末和节假日记录".to_string()),
            ("清单", "抽查无菌包有过期的，或缺少化学指示物".to_string()),
            ("清单", "灭菌物品生物监测记录不全".to_string()),
            ("我的", "供应室压力蒸汽灭菌器的年度检测报告已过期，压力表未按期校验，操作人员上岗证复印件未存档".to_string()),
            ("我的", "已当场指出，负责人表示立即整改".to_string()),
        ]
    );
    h.press("Down");
    h.press("Enter");
    assert!(menu(&h).is_none(), "Enter closes the menu");
    assert_eq!(
        editor_text(&h),
        "抽查无菌包有过期的，或缺少化学指示物抽查治疗室，"
    );
    // Typing goes on after the phrase.
    h.type_text("。");
    h.press("End");
    h.press("F2");
    h.press("Enter");
    h.press("ctrl-s");
    assert!(
        h.status().starts_with("已保存：3.3.3 的备注"),
        "{}",
        h.status()
    );
    let saved = h.store().assessment(&id, "3.3.3").unwrap().unwrap();
    assert_eq!(
        saved.note,
        "抽查无菌包有过期的，或缺少化学指示物。抽查治疗室，消毒记录不全，缺少周末和节假日记录"
    );

    // The history the CLI shows holds it, under the acting inspector.
    let Harness { dir, app } = h;
    drop(app);
    let out = Command::cargo_bin("pingshen")
        .unwrap()
        .env("PINGSHEN_DATA_DIR", dir.path().join("data"))
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env_remove("PINGSHEN_INSPECTOR")
        .env_remove("PINGSHEN_CHECKLIST_DIR")
        .args(["history", &id, "3.3.3"])
        .output()
        .unwrap();
    let history = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{history}");
    let row = history
        .lines()
        .find(|l| l.contains("备注"))
        .unwrap_or_else(|| panic!("{history}"));
    assert!(row.contains("张敏"), "{row}");
    assert!(
        row.contains("（空） → 抽查无菌包有过期的，或缺少化学指示物"),
        "{row}"
    );
}

#[test]
fn esc_in_the_menu_goes_back_to_the_editor_unchanged_and_the_action_editor_has_it_too() {
    let (mut h, id) = harness(None);
    goto(&mut h, "3.3.4");
    h.press("r");
    h.type_text("一个月内");
    h.press("ctrl-p");
    let offered = menu(&h).unwrap();
    // 3.3.2's note is elsewhere: its phrase first, then 3.3.4's own.
    assert_eq!(
        offered[0],
        ("本次已用", "消毒记录不全，缺少周末和节假日记录".to_string())
    );
    assert_eq!(offered[1].0, "清单");
    h.press("Esc");
    assert!(menu(&h).is_none());
    assert_eq!(editor_text(&h), "一个月内");
    h.press("ctrl-p");
    h.press("Down");
    h.press("Down");
    h.press("Up");
    h.press("Enter");
    h.press("ctrl-s");
    let saved = h.store().assessment(&id, "3.3.4").unwrap().unwrap();
    assert_eq!(saved.corrective_action, format!("一个月内{}", offered[1].1));
    assert_eq!(saved.note, "");
}

#[test]
fn a_bad_phrases_file_is_said_at_start_and_in_the_menu_and_the_checklists_phrases_stay() {
    let (mut h, _) = started(
        Some("phrases = [\"已当场指出\"]\n[[item]]\nid = 3.3\nphrases = [\"x\"]\n"),
        true,
    );
    let screen = h.screen(120, 40);
    assert!(screen.contains("常用评语文件有误"), "{screen}");
    assert!(
        screen.contains(&format!("{PHRASES_FILE}:3:6")),
        "the place is named: {screen}"
    );
    assert!(screen.contains("`id` 应为带引号的文字"), "{screen}");
    h.press("Esc");
    h.press("Enter");
    goto(&mut h, "3.3.3");
    h.press("e");
    h.press("ctrl-p");
    let offered = menu(&h).unwrap();
    assert!(
        offered.iter().all(|(mark, _)| *mark != "我的"),
        "{offered:?}"
    );
    assert_eq!(offered.len(), 3);
    let screen = h.screen(80, 24);
    assert!(
        screen.contains("常用评语文件（phrases.toml）有误"),
        "{screen}"
    );
}

#[test]
fn an_item_with_no_phrase_says_where_to_write_them() {
    let (mut h, _) = harness(None);
    goto(&mut h, "1.1.1");
    h.press("e");
    h.press("ctrl-p");
    assert_eq!(menu(&h).unwrap().len(), 1, "3.3.2's phrase, used elsewhere");
    h.press("Esc");
    h.press("Esc");
    // An inspection where nothing is written yet, an item with no phrase.
    let (mut h, _) = started(None, false);
    h.press("Enter");
    goto(&mut h, "1.1.1");
    h.press("e");
    h.press("ctrl-p");
    assert!(menu(&h).unwrap().is_empty());
    let screen = h.screen(80, 24);
    assert!(screen.contains("这一条款没有常用评语"), "{screen}");
    h.press("Enter");
    assert!(menu(&h).is_none());
    assert_eq!(editor_text(&h), "");
}

/// The menu over the note editor of 3.3.3: used in this inspection, the checklist's,
/// mine (one long enough to wrap), the second selected.
#[test]
fn snapshots_of_the_phrase_menu() {
    let (mut h, _) = harness(Some(MINE));
    goto(&mut h, "3.3.3");
    h.press("e");
    h.type_text("抽查治疗室，");
    h.press("ctrl-p");
    h.press("Down");
    crate::tui_snapshots::snap("phrase_menu", &h);

    let (mut h, _) = started(None, false);
    // The file's place is named: one that is the same on every run.
    h.app.options.config_dir = Some("/home/zhangmin/.config/pingshen".into());
    h.press("Enter");
    goto(&mut h, "1.1.1");
    h.press("e");
    h.press("ctrl-p");
    crate::tui_snapshots::snap("phrase_menu_empty", &h);
}

#[test]
fn a_phrases_number_inserts_it_at_once_full_width_too() {
    let (mut h, id) = harness(Some(MINE));
    goto(&mut h, "3.3.3");
    h.press("e");
    h.press("ctrl-p");
    assert!(h.screen(80, 24).contains("1—5 直接插入"));
    h.press("3");
    assert!(menu(&h).is_none());
    assert_eq!(editor_text(&h), "灭菌物品生物监测记录不全");
    h.press("ctrl-p");
    // A number with no phrase does nothing; the menu stays.
    h.press("9");
    assert!(menu(&h).is_some());
    h.press("５");
    h.press("ctrl-s");
    let saved = h.store().assessment(&id, "3.3.3").unwrap().unwrap();
    assert_eq!(
        saved.note,
        "灭菌物品生物监测记录不全已当场指出，负责人表示立即整改"
    );
}
