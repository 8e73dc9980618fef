//! Key sequences fed to the walkthrough as the terminal would send them; the
//! resulting state and what reached the store (in a temporary dir) are asserted.

use crate::tui_support;

use pingshen::scoring::Grade;
use pingshen::tui::screens::{Filter, Row};
use pingshen::tui::{Effect, Screen, StatusKind};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_support::*;

#[test]
fn each_grade_key_writes_at_once_and_says_saved() {
    let (mut h, id) = Harness::walkthrough();
    let first = h.selected_item().unwrap();
    assert_eq!(first, "1.1.1");
    for (key, grade) in [
        ("a", Grade::A),
        ("b", Grade::B),
        ("c", Grade::C),
        ("d", Grade::D),
    ] {
        h.press(key);
        assert_eq!(stored_grade(&h, &id, &first), Some(grade));
        let status = h.app.status.clone().unwrap();
        assert_eq!(status.kind, StatusKind::Saved);
        assert!(status.text.starts_with("已保存"), "{}", status.text);
    }
    h.press("x");
    assert_eq!(stored_grade(&h, &id, &first), None);
    assert_eq!(h.app.walk.as_ref().unwrap().graded, 0);
}

#[test]
fn not_applicable_refused_is_a_message_not_a_change() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    let allows = h
        .app
        .walk
        .as_ref()
        .unwrap()
        .checklist
        .find_item(&item)
        .unwrap()
        .allow_na;
    assert!(
        !allows,
        "1.1.1 does not allow 不适用 in the shipped checklist"
    );
    h.press("b");
    h.press("n");
    assert_eq!(stored_grade(&h, &id, &item), Some(Grade::B));
    let status = h.app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("不适用"), "{}", status.text);
}

#[test]
fn grading_a_header_says_select_an_item() {
    let (mut h, id) = Harness::walkthrough();
    h.press("Home");
    assert!(matches!(
        h.app.walk.as_ref().unwrap().selected_row(),
        Some(Row::Chapter(0))
    ));
    h.press("a");
    assert!(h.status().contains("先选中一个条款"));
    assert!(h.store().assessments(&id).unwrap().is_empty());
}

#[test]
fn next_pending_and_next_failed() {
    let (mut h, _) = Harness::walkthrough();
    // 1.1.1 graded A; Tab goes to the next pending item, 1.1.2.
    h.press("a");
    h.press("Tab");
    assert_eq!(h.selected_item().as_deref(), Some("1.1.2"));
    h.press("d");
    goto(&mut h, "3.1.1");
    h.press("d");
    goto(&mut h, "2.1.1");
    // D: the next 不达标 after 2.1.1 is 3.1.1, then it wraps to 1.1.2.
    h.press("D");
    assert_eq!(h.selected_item().as_deref(), Some("3.1.1"));
    h.press("D");
    assert_eq!(h.selected_item().as_deref(), Some("1.1.2"));
    // Shift-Tab: previous pending from 1.1.2 wraps to the last item.
    h.press("BackTab");
    let last = h
        .app
        .walk
        .as_ref()
        .unwrap()
        .checklist
        .items()
        .last()
        .map(|(_, _, it)| it.id.clone());
    assert_eq!(h.selected_item(), last);
}

#[test]
fn goto_by_id_accepts_what_an_input_method_types() {
    let (mut h, _) = Harness::walkthrough();
    goto(&mut h, "2.1.3");
    h.press("g");
    h.type_text("３．２．１");
    h.press("Enter");
    assert_eq!(h.selected_item().as_deref(), Some("3.2.1"));
    h.press("g");
    h.type_text("9.9.9");
    h.press("Enter");
    assert_eq!(h.selected_item().as_deref(), Some("3.2.1"));
    assert!(h.status().contains("没有编号为「9.9.9」"), "{}", h.status());
    // A section id selects its header.
    h.press("g");
    h.type_text("2.1");
    h.press("Enter");
    assert!(matches!(
        h.app.walk.as_ref().unwrap().selected_row(),
        Some(Row::Section(1, 0))
    ));
}

#[test]
fn filters_pending_failed_core_and_chapter() {
    let (mut h, _) = Harness::walkthrough();
    h.press("a"); // 1.1.1
    goto(&mut h, "1.1.2");
    h.press("d");

    let item_ids = |h: &Harness| -> Vec<String> {
        let w = h.app.walk.as_ref().unwrap();
        w.rows
            .iter()
            .filter_map(|r| match r {
                Row::Item(ci, si, ii) => Some(
                    w.checklist.chapters[*ci].sections[*si].items[*ii]
                        .id
                        .clone(),
                ),
                _ => None,
            })
            .collect()
    };
    let total = item_ids(&h).len();
    assert_eq!(total, 121);

    // f, then 待评条款 (second choice).
    h.keys(&["f", "Down", "Enter"]);
    assert_eq!(h.app.walk.as_ref().unwrap().filter, Filter::Pending);
    let pending = item_ids(&h);
    assert_eq!(pending.len(), 119);
    assert!(!pending.contains(&"1.1.1".to_string()));
    // The filter selects its first match.
    assert_eq!(h.selected_item().as_deref(), Some("1.1.3"));
    // Grading in the pending filter keeps the graded item selected and shown,
    // marked, until the inspector moves; then it leaves the list.
    h.press("c");
    assert_eq!(h.selected_item().as_deref(), Some("1.1.3"));
    assert!(item_ids(&h).contains(&"1.1.3".to_string()));
    assert!(h.screen(120, 40).contains("已不在筛选中"));
    assert_eq!(h.app.walk.as_ref().unwrap().matches.len(), 118);
    // Onto the next heading it still stands; on the next item it is gone.
    h.press("Down");
    h.press("Down");
    assert_ne!(h.selected_item().as_deref(), Some("1.1.3"));
    assert!(!item_ids(&h).contains(&"1.1.3".to_string()));
    assert_eq!(item_ids(&h).len(), 118);

    h.keys(&["f", "Down", "Enter"]); // 不达标
    assert_eq!(item_ids(&h), vec!["1.1.2".to_string()]);

    h.keys(&["f", "Down", "Enter"]); // ★ core
    let w = h.app.walk.as_ref().unwrap();
    let core: Vec<String> = w
        .checklist
        .items()
        .filter(|(_, _, it)| it.core)
        .map(|(_, _, it)| it.id.clone())
        .collect();
    assert!(!core.is_empty());
    assert_eq!(item_ids(&h), core);

    h.keys(&["f", "Down", "Enter"]); // chapter 1
    assert_eq!(
        h.app.walk.as_ref().unwrap().filter,
        Filter::Chapter("1".into())
    );
    assert!(item_ids(&h).iter().all(|id| id.starts_with("1.")));

    // Going to an item the filter hides clears the filter.
    h.press("g");
    h.type_text("4.1.1");
    h.press("Enter");
    assert_eq!(h.selected_item().as_deref(), Some("4.1.1"));
    assert_eq!(h.app.walk.as_ref().unwrap().filter, Filter::All);
    assert!(h.status().contains("已清除筛选"));
}

#[test]
fn search_filters_live_and_esc_clears_it() {
    let (mut h, _) = Harness::walkthrough();
    h.press("/");
    h.type_text("发热");
    let w = h.app.walk.as_ref().unwrap();
    assert_eq!(w.search, "发热");
    let shown: Vec<_> = w
        .rows
        .iter()
        .filter(|r| matches!(r, Row::Item(..)))
        .collect();
    assert!(!shown.is_empty() && shown.len() < 20, "{}", shown.len());
    h.press("Enter");
    assert!(h.status().starts_with("搜索「发热」"), "{}", h.status());
    h.press("/");
    h.press("Esc");
    assert!(h.app.walk.as_ref().unwrap().search.is_empty());
    assert!(h.app.walk.as_ref().unwrap().rows.len() > 121);
}

#[test]
fn collapse_and_expand() {
    let (mut h, _) = Harness::walkthrough();
    let rows = h.app.walk.as_ref().unwrap().rows.len();
    h.press("Home");
    h.press("Enter"); // collapse chapter 1
    let collapsed = h.app.walk.as_ref().unwrap().rows.len();
    assert!(collapsed < rows);
    h.press("Right");
    assert_eq!(h.app.walk.as_ref().unwrap().rows.len(), rows);
    // Left on an item goes to its section, again collapses it.
    h.press("Down");
    h.press("Down");
    h.keys(&["Left", "Left"]);
    assert!(h.app.walk.as_ref().unwrap().rows.len() < rows);
    // Next pending opens what it needs.
    h.press("Tab");
    assert!(h.selected_item().is_some());
}

#[test]
fn note_editor_enter_is_a_newline_and_ctrl_s_saves() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    h.press("e");
    assert_eq!(h.app.context(), pingshen::tui::Context::Editor);
    // Typed as keystrokes, the way a paste arrives without bracketed paste.
    h.type_text("第一行：制度齐全\n第二行：抽查10份病历\n\n第四行 a/b/c/d/n/q 都是文字");
    assert_eq!(
        h.app.context(),
        pingshen::tui::Context::Editor,
        "Enter never submits"
    );
    assert!(
        h.store().assessment(&id, &item).unwrap().is_none(),
        "nothing saved yet"
    );
    h.press("ctrl-s");
    assert!(h.app.popups.is_empty(), "saved and closed");
    let a = h.store().assessment(&id, &item).unwrap().unwrap();
    assert_eq!(
        a.note,
        "第一行：制度齐全\n第二行：抽查10份病历\n\n第四行 a/b/c/d/n/q 都是文字"
    );
    assert_eq!(a.grade, None, "typing in the editor graded nothing");
    assert!(h.status().starts_with("已保存"));

    // 整改意见 is its own field.
    h.press("r");
    h.type_text("一个月内整改");
    h.press("ctrl-s");
    let a = h.store().assessment(&id, &item).unwrap().unwrap();
    assert_eq!(a.corrective_action, "一个月内整改");
    assert!(a.note.starts_with("第一行"));
}

#[test]
fn esc_asks_before_discarding_changes() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    // Without changes Esc just closes.
    h.press("e");
    h.press("Esc");
    assert!(h.app.popups.is_empty());

    h.press("e");
    h.type_text("草稿");
    h.press("Esc");
    assert_eq!(h.app.context(), pingshen::tui::Context::Confirm);
    h.press("n"); // keep editing
    assert_eq!(h.app.context(), pingshen::tui::Context::Editor);
    h.type_text("内容");
    h.press("Esc");
    h.press("y"); // discard
    assert!(h.app.popups.is_empty());
    assert!(h.store().assessment(&id, &item).unwrap().is_none());
    assert!(h.status().contains("放弃"));
}

#[test]
fn bracketed_paste_goes_into_the_editor_cleaned() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    h.press("e");
    h.paste("甲\r\n乙\u{1b}[31m丙\u{7}\n\t丁");
    h.press("ctrl-s");
    let a = h.store().assessment(&id, &item).unwrap().unwrap();
    assert_eq!(a.note, "甲\n乙[31m丙\n\t丁");
    // A paste outside the editor grades nothing.
    h.paste("abcd");
    assert_eq!(
        h.store().assessment(&id, &item).unwrap().unwrap().grade,
        None
    );
}

#[test]
fn ctrl_j_from_a_raw_line_feed_is_a_newline_in_the_editor() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    h.press("e");
    h.type_text("上");
    h.press("ctrl-j");
    h.type_text("下");
    h.press("ctrl-s");
    assert_eq!(
        h.store().assessment(&id, &item).unwrap().unwrap().note,
        "上\n下"
    );
}

#[test]
fn only_key_presses_count() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    let mut release = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    h.key_event(release);
    assert_eq!(stored_grade(&h, &id, &item), None);
    let mut repeat = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    repeat.kind = KeyEventKind::Repeat;
    h.key_event(repeat);
    assert_eq!(stored_grade(&h, &id, &item), None);
}

#[test]
fn summary_lists_gaps_and_enter_jumps_to_one() {
    let (mut h, _) = Harness::walkthrough();
    h.press("d");
    h.press("s");
    assert_eq!(h.app.screen(), Screen::Summary);
    let s = h.app.summary().unwrap();
    assert_eq!(s.evaluation.verdict, "未达到基本标准");
    assert_eq!(
        s.goal.as_ref().map(|g| g.name.as_str()),
        Some("达到基本标准")
    );
    assert!(s.gaps().iter().any(|g| g.item_id == "1.1.1"));
    let third = s.gaps()[2].item_id.clone();
    h.keys(&["Down", "Down", "Down", "Enter"]);
    assert_eq!(h.app.screen(), Screen::Walkthrough);
    assert_eq!(h.selected_item(), Some(third));
}

#[test]
fn quit_with_unsaved_note_asks_first() {
    let (mut h, _) = Harness::walkthrough();
    h.press("e");
    h.type_text("未保存");
    let effects = h.press("ctrl-c");
    assert!(effects.is_empty());
    assert_eq!(h.app.context(), pingshen::tui::Context::Confirm);
    let effects = h.press("y");
    assert!(matches!(effects.as_slice(), [Effect::Quit]));
}

#[test]
fn filter_by_an_inspectors_assigned_chapters() {
    let (dir, store) = store();
    let id = create(
        &store,
        "township-2022",
        new_inspection("青山镇卫生院", "双清区", "乡镇卫生院", TODAY),
    );
    store
        .assign(&id, "李强", &["2".to_string(), "4".to_string()], "张敏")
        .unwrap();
    let mut h = Harness::new(dir, store);
    h.press("Enter");
    h.press("f");
    // 全部, 待评, 不达标, 核心, four chapters, then 李强的分工.
    for _ in 0..8 {
        h.press("Down");
    }
    h.press("Enter");
    let w = h.app.walk.as_ref().unwrap();
    assert_eq!(w.filter, Filter::Assigned("李强".into()));
    let chapters: std::collections::BTreeSet<&str> = w
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Chapter(ci) => Some(w.checklist.chapters[*ci].id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(chapters, ["2", "4"].into_iter().collect());
    assert!(h.screen(80, 24).contains("李强的分工"));
}
