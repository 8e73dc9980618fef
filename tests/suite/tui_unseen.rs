//! Keys act only on what the inspector sees (issue 12), fed to the app as key
//! sequences: a filter or search selects its first match; an item a change takes
//! out of the filter stays until the inspector moves; Backspace and Delete grade
//! nothing; `x` says what it cleared; the too-small screen swallows keys; several
//! words and pinyin initials; the filter menu's counts; Esc clears a search first.

use crate::tui_support;

use pingshen::scoring::Grade;
use pingshen::tui::Effect;
use ratatui::crossterm::event::Event;
use tui_support::*;

/// The township walkthrough with 1.2.1, 2.4.3 and 2.5.3 不达标, 4.1.1 at B.
fn graded() -> (Harness, String) {
    let (dir, store) = store();
    let id = qingshan(&store, TODAY);
    for item in ["1.2.1", "2.4.3", "2.5.3"] {
        grade(&store, &id, item, Grade::D, "");
    }
    grade(&store, &id, "4.1.1", Grade::B, "");
    let mut h = Harness::new(dir, store);
    h.press("Enter");
    (h, id)
}

fn walk(h: &Harness) -> &pingshen::tui::screens::Walkthrough {
    h.app.walk.as_ref().unwrap()
}

/// f, then the third choice: 不达标.
fn filter_failed(h: &mut Harness) {
    h.keys(&["f", "Down", "Down", "Enter"]);
}

#[test]
fn a_filter_selects_its_first_match_with_the_view_at_the_top() {
    let (mut h, _) = graded();
    h.keys(&["End"]); // far from the first match
    filter_failed(&mut h);
    assert_eq!(h.selected_item().as_deref(), Some("1.2.1"));
    assert_eq!(walk(&h).tree_offset.get(), 0);
    assert_eq!(walk(&h).position(), (Some(1), 3));
    assert!(
        h.status().contains("共 3 条，已选中第 1 条 1.2.1"),
        "{}",
        h.status()
    );
    let screen = h.screen(80, 24);
    assert!(screen.contains("第 1 / 3 条"), "{screen}");
    h.press("Tab"); // 下一待评 skips within the filter: none is pending
    h.press("Down");
    h.press("Down");
    h.press("Down");
    assert_eq!(walk(&h).position(), (Some(2), 3));
    assert!(h.screen(80, 24).contains("第 2 / 3 条"));
}

#[test]
fn a_search_selects_its_first_match_and_an_emptied_search_keeps_the_selection() {
    let (mut h, _) = graded();
    h.keys(&["End", "/"]);
    h.type_text("消毒");
    // Live, while typing.
    assert_eq!(h.selected_item().as_deref(), Some("1.2.3"));
    assert_eq!(walk(&h).tree_offset.get(), 0);
    h.press("Enter");
    assert!(h.status().contains("已选中第 1 条 1.2.3"), "{}", h.status());
    h.keys(&["Down", "Down"]);
    let there = h.selected_item();
    assert_ne!(there.as_deref(), Some("1.2.3"));
    // Esc clears the search and keeps the item selected; a second Esc leaves.
    h.press("Esc");
    assert!(walk(&h).search.is_empty());
    assert_eq!(h.selected_item(), there);
    assert!(
        h.status().contains("再按 Esc 返回检查列表"),
        "{}",
        h.status()
    );
    h.press("Esc");
    assert!(h.app.walk.is_none(), "the second Esc leaves");
}

#[test]
fn several_words_must_all_match_and_pinyin_initials_work() {
    let (mut h, _) = graded();
    h.press("/");
    h.type_text("冷链 温度");
    h.press("Enter");
    assert_eq!(walk(&h).matches, ["2.5.3"]);
    h.press("/");
    // The prompt opens on the search; replace it.
    for _ in 0.."冷链 温度".chars().count() {
        h.press("Backspace");
    }
    h.type_text("温度 冷链");
    h.press("Enter");
    assert_eq!(walk(&h).matches, ["2.5.3"]);
    // Initials: 消毒供应 in 1.2.3's criteria; 预防接种 is 2.5.3's title.
    h.press("/");
    for _ in 0.."温度 冷链".chars().count() {
        h.press("Backspace");
    }
    h.type_text("yfjz");
    h.press("Enter");
    assert!(walk(&h).matches.contains(&"2.5.3".to_string()));
    assert_eq!(h.selected_item(), walk(&h).matches.first().cloned());
    // A word that is in no item finds nothing, and says so.
    h.press("/");
    h.type_text(" 火星");
    h.press("Enter");
    assert!(walk(&h).matches.is_empty());
    assert!(h.status().contains("没有符合筛选的条款"), "{}", h.status());
}

#[test]
fn with_no_match_grading_says_no_item_fits_and_changes_nothing() {
    let (mut h, id) = graded();
    h.press("/");
    h.type_text("火星");
    h.press("Enter");
    let screen = h.screen(80, 24);
    assert!(screen.contains("没有符合筛选的条款"), "{screen}");
    for key in ["a", "x", "e"] {
        h.press(key);
        assert!(
            h.status().starts_with("没有符合筛选的条款"),
            "{key}: {}",
            h.status()
        );
        assert!(!h.status().contains("章或节的标题"));
    }
    assert_eq!(stored_grade(&h, &id, "1.1.1"), None);
    assert_eq!(h.store().assessments(&id).unwrap().len(), 4);
}

#[test]
fn an_item_out_of_the_filter_after_a_grade_stays_until_the_inspector_moves() {
    let (mut h, id) = graded();
    filter_failed(&mut h);
    goto(&mut h, "2.5.3");
    h.press("c");
    // Selected, listed, marked; the next key acts on it.
    assert_eq!(h.selected_item().as_deref(), Some("2.5.3"));
    assert!(walk(&h).selected_is_kept());
    assert_eq!(walk(&h).matches, ["1.2.1", "2.4.3"]);
    let screen = h.screen(80, 24);
    assert!(screen.contains("已不在筛选中"), "{screen}");
    assert!(screen.contains("共 2 条"), "{screen}");
    assert!(h.status().contains("已不在筛选中"), "{}", h.status());
    h.press("x");
    assert_eq!(stored_grade(&h, &id, "2.5.3"), None);
    assert_eq!(stored_grade(&h, &id, "2.4.3"), Some(Grade::D));
    assert!(
        h.status().contains("已清除 2.5.3 的评分（原为 C）"),
        "{}",
        h.status()
    );
    // Graded 不达标 again it fits again: no longer marked.
    h.press("d");
    assert!(!walk(&h).selected_is_kept());
    h.press("b");
    assert!(walk(&h).selected_is_kept());
    // Up onto its section heading: still listed. Up again onto 2.4.3: gone.
    h.press("Up");
    assert!(h.selected_item().is_none());
    assert_eq!(walk(&h).kept.as_deref(), Some("2.5.3"));
    h.press("Up");
    assert_eq!(h.selected_item().as_deref(), Some("2.4.3"));
    assert_eq!(walk(&h).kept, None);
    assert!(
        !h.screen(80, 24).contains("B  2.5.3"),
        "no longer in the tree"
    );
}

#[test]
fn backspace_and_delete_grade_nothing_and_x_says_what_it_cleared() {
    let (mut h, id) = graded();
    goto(&mut h, "2.5.3");
    h.press("g");
    h.type_text("2.5.33");
    h.press("Enter");
    assert!(
        h.status().contains("没有编号为「2.5.33」"),
        "{}",
        h.status()
    );
    for key in ["Backspace", "Delete"] {
        h.press(key);
        assert_eq!(stored_grade(&h, &id, "2.5.3"), Some(Grade::D), "{key}");
        assert!(h.status().contains("不会改动评分"), "{}", h.status());
    }
    h.press("x");
    assert_eq!(stored_grade(&h, &id, "2.5.3"), None);
    assert_eq!(h.status(), "已清除 2.5.3 的评分（原为 不达标）");
    // Nothing left to clear: said, and nothing written.
    let before = h.store().history(&id, None).unwrap().len();
    h.press("x");
    assert_eq!(h.status(), "2.5.3 还没有评分，没有可清除的");
    assert_eq!(h.store().history(&id, None).unwrap().len(), before);
}

#[test]
fn the_too_small_screen_swallows_every_key_but_quit() {
    let (mut h, id) = graded();
    goto(&mut h, "4.1.1");
    h.app.handle_event(Event::Resize(50, 12));
    let screen = h.screen(50, 12);
    assert!(screen.contains("终端窗口太小"), "{screen}");
    assert!(screen.contains("只有 Ctrl-C 退出"), "{screen}");
    for key in [
        "a",
        "x",
        "Backspace",
        "q",
        "Esc",
        "f",
        "/",
        "?",
        "Tab",
        "ctrl-s",
    ] {
        assert!(h.press(key).is_empty(), "{key}");
    }
    h.paste("粘贴的文字");
    assert_eq!(stored_grade(&h, &id, "4.1.1"), Some(Grade::B));
    assert_eq!(h.selected_item().as_deref(), Some("4.1.1"));
    assert!(h.app.popups.is_empty(), "no popup opened behind the screen");
    assert!(h.screen(50, 12).contains("刚才按的 Ctrl-S 没有起作用"));
    // Resized, the keys work again.
    h.app.handle_event(Event::Resize(80, 24));
    h.press("a");
    assert_eq!(stored_grade(&h, &id, "4.1.1"), Some(Grade::A));
    // Quit works there.
    h.app.handle_event(Event::Resize(50, 12));
    assert!(matches!(h.press("ctrl-c").as_slice(), [Effect::Quit]));
}

#[test]
fn quitting_from_the_too_small_screen_with_an_unsaved_note_asks_on_that_screen() {
    let (mut h, _) = graded();
    h.press("e");
    h.type_text("没保存的备注");
    h.app.handle_event(Event::Resize(50, 12));
    assert!(h.press("ctrl-c").is_empty());
    let screen = h.screen(50, 12);
    assert!(screen.contains("再按一次 Ctrl-C 放弃"), "{screen}");
    assert!(matches!(h.press("ctrl-c").as_slice(), [Effect::Quit]));
}

#[test]
fn the_filter_menu_opens_on_the_active_filter_with_counts() {
    let (mut h, _) = graded();
    filter_failed(&mut h);
    h.press("f");
    let screen = h.screen(80, 24);
    assert!(screen.contains("● 不达标条款"), "{screen}");
    assert!(screen.contains("3 条"), "{screen}");
    assert!(screen.contains("121 条"), "{screen}");
    assert!(screen.contains("117 条"), "{screen}"); // 待评
    h.press("Enter");
    assert_eq!(walk(&h).matches.len(), 3);
    // Within a search the counts are the search's.
    h.press("/");
    h.type_text("冷链");
    h.press("Enter");
    h.press("f");
    let screen = h.screen(120, 40);
    assert!(screen.contains("条数只算搜索「冷链」找到的"), "{screen}");
}
