//! Undo and redo: an inspector takes back their own last change on this laptop, and
//! puts it back. Both are signed journal entries, shown in the history; an undo never
//! overwrites a change that came after; what can be undone survives a restart and
//! travels in an export.

use std::sync::Arc;

use pingshen::identity::Identity;
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Evidence, Store};

use crate::common::{export_to, new_inspection, shipped, trusting};
use crate::tui_support::{Harness, goto, stored_grade};

const ITEM: &str = "1.1.1";

fn township(store: &Store) -> String {
    let (c, s) = shipped("township-2022");
    store
        .create(new_inspection("青山镇卫生院"), &c, &s, "张三")
        .unwrap()
        .id
}

fn assessment(store: &Store, id: &str) -> (Option<Grade>, String, String, usize) {
    let a = store
        .assessment(id, ITEM)
        .unwrap()
        .unwrap_or_else(|| pingshen::store::Assessment::empty(ITEM));
    (a.grade, a.note, a.corrective_action, a.evidence.len())
}

/// (field, by, old, new) of every history entry after the creation.
fn history(store: &Store, id: &str) -> Vec<(String, String, String, String)> {
    store
        .history(id, None)
        .unwrap()
        .into_iter()
        .skip(1)
        .map(|h| (h.field, h.by, h.old, h.new))
        .collect()
}

fn row(field: &str, by: &str, old: &str, new: &str) -> (String, String, String, String) {
    (field.into(), by.into(), old.into(), new.into())
}

#[test]
fn undo_and_redo_walk_back_and_forth_over_grade_note_action_and_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    let id = township(&store);
    let ev = Evidence::named("消毒记录.jpg", &"ab".repeat(32));
    store.grade(&id, ITEM, Some(Grade::B), "张三").unwrap();
    store
        .update(&id, ITEM, &[Edit::Note("计划已分解到科室".into())], "张三")
        .unwrap();
    store
        .update(
            &id,
            ITEM,
            &[Edit::CorrectiveAction("补年度总结".into())],
            "张三",
        )
        .unwrap();
    store
        .update(&id, ITEM, &[Edit::AddEvidence(ev.clone())], "张三")
        .unwrap();
    let full = assessment(&store, &id);
    assert_eq!(
        full,
        (
            Some(Grade::B),
            "计划已分解到科室".into(),
            "补年度总结".into(),
            1
        )
    );

    // Four undos take back the four changes, newest first.
    let said: Vec<String> = (0..4)
        .map(|_| store.undo(&id, "张三").unwrap().message())
        .collect();
    assert!(said[0].starts_with("已撤销：条款 1.1.1 的佐证"), "{said:?}");
    assert_eq!(said[1], "已撤销：条款 1.1.1 的整改意见 补年度总结 → （空）");
    assert_eq!(
        said[2],
        "已撤销：条款 1.1.1 的备注 计划已分解到科室 → （空）"
    );
    assert_eq!(said[3], "已撤销：条款 1.1.1 的档次 B → 待评");
    assert_eq!(
        assessment(&store, &id),
        (None, String::new(), String::new(), 0)
    );
    let refused = store.undo(&id, "张三").unwrap_err().to_string();
    assert!(refused.contains("没有可以撤销的改动"), "{refused}");

    // Redo puts them back in the order they were made; then the redo stack is empty.
    assert_eq!(
        store.redo(&id, "张三").unwrap().message(),
        "已重做：条款 1.1.1 的档次 待评 → B"
    );
    for _ in 0..3 {
        store.redo(&id, "张三").unwrap();
    }
    assert_eq!(assessment(&store, &id), full);
    assert!(store.redo(&id, "张三").is_err());

    // A new change empties the redo stack.
    store.undo(&id, "张三").unwrap();
    store.grade(&id, ITEM, Some(Grade::A), "张三").unwrap();
    let refused = store.redo(&id, "张三").unwrap_err().to_string();
    assert!(refused.contains("没有可以重做的撤销"), "{refused}");

    // Every step is in the history, by who did it, as undo or redo.
    let h = history(&store, &id);
    assert_eq!(h.len(), 4 + 4 + 4 + 1 + 1);
    assert_eq!(h[5], row("整改意见（撤销）", "张三", "补年度总结", ""));
    assert_eq!(h[7], row("档次（撤销）", "张三", "B", "待评"));
    assert_eq!(h[8], row("档次（重做）", "张三", "待评", "B"));
    assert_eq!(h[13], row("档次", "张三", "B", "A"));
    assert_eq!(store.verify().unwrap().broken().count(), 0);

    // The stacks come from the journal: they survive closing the store.
    drop(store);
    let store = Store::open(tmp.path()).unwrap();
    assert!(
        store.undo(&id, "张三").is_err(),
        "the open's own key differs"
    );
}

#[test]
fn an_undo_never_overwrites_a_later_change_by_someone_else() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    let id = township(&store);
    store.grade(&id, ITEM, Some(Grade::B), "张三").unwrap();
    store.grade(&id, ITEM, Some(Grade::C), "李四").unwrap();
    let before = history(&store, &id);
    let refused = store.undo(&id, "张三").unwrap_err().to_string();
    assert!(refused.contains("又改过（李四"), "{refused}");
    assert_eq!(assessment(&store, &id).0, Some(Grade::C));
    assert_eq!(
        history(&store, &id),
        before,
        "a refused undo wrote something"
    );
    // 李四's own undo is theirs to make.
    store.undo(&id, "李四").unwrap();
    assert_eq!(assessment(&store, &id).0, Some(Grade::B));
}

#[test]
fn only_this_laptops_changes_are_undone_and_the_stacks_survive_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let me = Arc::new(Identity::from_seed("张三", [7; 32]));
    let other = Arc::new(Identity::from_seed("张三", [8; 32]));
    let id = {
        let store = Store::open_as(tmp.path(), me.clone()).unwrap();
        let id = township(&store);
        store.grade(&id, ITEM, Some(Grade::B), "张三").unwrap();
        store.grade(&id, "1.1.2", Some(Grade::A), "张三").unwrap();
        store.undo(&id, "张三").unwrap();
        id
    };
    {
        // The same name on another laptop (another key) has nothing to undo.
        let store = Store::open_as(tmp.path(), other).unwrap();
        assert!(store.undo(&id, "张三").is_err());
        assert!(store.redo(&id, "张三").is_err());
    }
    let store = Store::open_as(tmp.path(), me).unwrap();
    assert_eq!(
        store.redo(&id, "张三").unwrap().message(),
        "已重做：条款 1.1.2 的档次 待评 → A"
    );
    store.undo(&id, "张三").unwrap();
    store.undo(&id, "张三").unwrap();
    assert_eq!(assessment(&store, &id).0, None);
}

#[test]
fn undo_entries_travel_in_an_export_and_merge_as_the_changes_they_make() {
    let tmp = tempfile::tempdir().unwrap();
    let laptop = Store::open(&tmp.path().join("laptop")).unwrap();
    let id = township(&laptop);
    laptop.grade(&id, ITEM, Some(Grade::B), "张三").unwrap();
    laptop.grade(&id, ITEM, Some(Grade::D), "张三").unwrap();
    laptop.undo(&id, "张三").unwrap();
    let bundle = export_to(&laptop, &id, &tmp.path().join("张三.pingshen"));

    let lead = Store::open(&tmp.path().join("lead")).unwrap();
    lead.import(&bundle, &trusting(&[&bundle])).unwrap();
    assert_eq!(assessment(&lead, &id).0, Some(Grade::B));
    assert_eq!(
        history(&lead, &id).last().unwrap(),
        &row("档次（撤销）", "张三", "不达标", "B")
    );
    // The lead's laptop did not make the change: nothing for it to undo there.
    assert!(lead.undo(&id, "张三").is_err());
}

/// The key sequence an inspector uses: grade, write a note, `u`, `u`, `U`.
#[test]
fn u_undoes_and_shift_u_redoes_in_the_walkthrough_saying_what_changed() {
    let (mut h, id) = Harness::walkthrough();
    goto(&mut h, ITEM);
    h.press("b");
    h.press("e");
    h.type_text("看了年度计划");
    h.press("ctrl-s");
    assert_eq!(
        h.store().assessment(&id, ITEM).unwrap().unwrap().note,
        "看了年度计划"
    );

    // Moved away, the undo still names the item and selects it again.
    h.press("Down");
    h.press("u");
    assert_eq!(
        h.status(),
        "已撤销：条款 1.1.1 的备注 看了年度计划 → （空）"
    );
    assert_eq!(h.selected_item().as_deref(), Some(ITEM));
    h.press("u");
    assert_eq!(h.status(), "已撤销：条款 1.1.1 的档次 B → 待评");
    assert_eq!(stored_grade(&h, &id, ITEM), None);
    assert!(
        h.screen(120, 40)
            .contains("已撤销：条款 1.1.1 的档次 B → 待评")
    );
    h.press("U");
    assert_eq!(stored_grade(&h, &id, ITEM), Some(Grade::B));
    assert_eq!(h.status(), "已重做：条款 1.1.1 的档次 待评 → B");

    // The history names the acting inspector for each.
    let h2 = history(h.store(), &id);
    assert_eq!(
        h2,
        vec![
            row("档次", "张敏", "待评", "B"),
            row("备注", "张敏", "", "看了年度计划"),
            row("备注（撤销）", "张敏", "看了年度计划", ""),
            row("档次（撤销）", "张敏", "B", "待评"),
            row("档次（重做）", "张敏", "待评", "B"),
        ]
    );
}

#[test]
fn an_undo_shows_the_item_it_changed_even_when_the_filter_hides_it() {
    let (mut h, id) = Harness::walkthrough();
    goto(&mut h, ITEM);
    h.press("d");
    // Search for something else: 1.1.1 is out of the list.
    h.press("/");
    h.type_text("消毒");
    h.press("Enter");
    assert_ne!(h.selected_item().as_deref(), Some(ITEM));
    h.press("u");
    assert_eq!(stored_grade(&h, &id, ITEM), None);
    assert_eq!(
        h.selected_item().as_deref(),
        Some(ITEM),
        "the changed item is shown"
    );
    assert!(h.status().contains("已不在筛选中"), "{}", h.status());
    assert!(h.screen(100, 30).contains(ITEM));
}
