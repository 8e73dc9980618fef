//! Mutated exports, and exports that are valid JSON with a correct checksum but wrong
//! content, never panic import, merge or any TUI screen. A file is either refused with
//! a message, leaving the store unchanged, or leaves a store that passes the gate.

use crate::tui_support;

use std::sync::OnceLock;

use pingshen::scoring::Grade;
use pingshen::store::gate::admit;
use pingshen::store::{Conflict, Edit, Export, HistoryEntry, Store, read_export, write_export};
use proptest::prelude::*;
use tui_support::Harness;

/// One graded township inspection with a conflict-free history, as exported.
fn base() -> &'static Export {
    static BASE: OnceLock<Export> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = tui_support::create(
            &store,
            "township-2022",
            tui_support::new_inspection("青山镇卫生院", "邵阳市双清区", "乡镇卫生院", "2026-11-23"),
        );
        for (item, g) in [
            ("1.1.1", Grade::A),
            ("1.1.2", Grade::D),
            ("2.1.1", Grade::C),
        ] {
            store
                .update(
                    &id,
                    item,
                    &[Edit::Grade(Some(g)), Edit::Note("现场查看".into())],
                    "张敏",
                )
                .unwrap();
        }
        store.export(&id).unwrap()
    })
}

/// Text a hostile file might hold where an id, a name or a note goes.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\0".to_string()),
        Just("../../etc".to_string()),
        Just("/tmp/x".to_string()),
        Just("\u{1b}]0;x\u{7}".to_string()),
        Just("\u{202e}abc".to_string()),
        Just("9.9.9".to_string()),
        Just("1.1.1".to_string()),
        Just("ffffffffff".to_string()),
        "[0-9a-f]{10}",
        "\\PC{0,12}",
        any::<String>(),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Id(String),
    Previous(String),
    ItemId(usize, String),
    Grade(usize, Option<Grade>),
    Note(usize, String),
    At(usize, String),
    DuplicateItem(usize),
    EmptyConflict(String),
    OneSidedConflict(usize),
    Seq(usize, u64),
    ReverseHistory,
    DropHistory,
    HistoryText(usize, String),
    Inspector(String),
    Assignment(String, String),
    Date(String),
    Supersedes(usize, String),
    ChecklistText(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let grade = prop_oneof![
        Just(None),
        prop::sample::select(Grade::ALL.to_vec()).prop_map(Some)
    ];
    prop_oneof![
        nasty_text().prop_map(Mutation::Id),
        nasty_text().prop_map(Mutation::Previous),
        (any::<usize>(), nasty_text()).prop_map(|(i, s)| Mutation::ItemId(i, s)),
        (any::<usize>(), grade).prop_map(|(i, g)| Mutation::Grade(i, g)),
        (any::<usize>(), nasty_text()).prop_map(|(i, s)| Mutation::Note(i, s)),
        (any::<usize>(), nasty_text()).prop_map(|(i, s)| Mutation::At(i, s)),
        any::<usize>().prop_map(Mutation::DuplicateItem),
        nasty_text().prop_map(Mutation::EmptyConflict),
        any::<usize>().prop_map(Mutation::OneSidedConflict),
        (any::<usize>(), any::<u64>()).prop_map(|(i, n)| Mutation::Seq(i, n)),
        Just(Mutation::ReverseHistory),
        Just(Mutation::DropHistory),
        (any::<usize>(), nasty_text()).prop_map(|(i, s)| Mutation::HistoryText(i, s)),
        nasty_text().prop_map(Mutation::Inspector),
        (nasty_text(), nasty_text()).prop_map(|(a, b)| Mutation::Assignment(a, b)),
        nasty_text().prop_map(Mutation::Date),
        (any::<usize>(), nasty_text()).prop_map(|(i, s)| Mutation::Supersedes(i, s)),
        nasty_text().prop_map(Mutation::ChecklistText),
    ]
}

fn apply(mut e: Export, m: &Mutation) -> Export {
    let n = e.assessments.len();
    let h = e.history.len();
    match m.clone() {
        Mutation::Id(s) => e.inspection.id = s,
        Mutation::Previous(s) => e.inspection.previous = Some(s),
        Mutation::ItemId(i, s) => e.assessments[i % n].item_id = s,
        Mutation::Grade(i, g) => e.assessments[i % n].grade = g,
        Mutation::Note(i, s) => e.assessments[i % n].note = s,
        Mutation::DuplicateItem(i) => {
            let a = e.assessments[i % n].clone();
            e.assessments.push(a);
        }
        Mutation::EmptyConflict(item) => e.conflicts.push(Conflict {
            item_id: item,
            candidates: Vec::new(),
        }),
        Mutation::OneSidedConflict(i) => {
            let a = e.assessments[i % n].clone();
            e.conflicts.push(Conflict {
                item_id: a.item_id.clone(),
                candidates: vec![a],
            });
        }
        Mutation::Seq(i, s) if h > 0 => e.history[i % h].seq = s,
        Mutation::ReverseHistory => e.history.reverse(),
        Mutation::DropHistory => e.history.clear(),
        Mutation::HistoryText(i, s) if h > 0 => {
            let entry: &mut HistoryEntry = &mut e.history[i % h];
            entry.item_id = s.clone();
            entry.by = s;
        }
        Mutation::Inspector(s) => e.inspection.inspectors.push(s),
        Mutation::Assignment(who, ch) => {
            e.inspection.assignments.insert(who, vec![ch]);
        }
        Mutation::ChecklistText(s) => e.checklist_text.push_str(&s),
        // Time is typed: these edit the file's JSON (see `write_mutated`).
        Mutation::Seq(..)
        | Mutation::HistoryText(..)
        | Mutation::At(..)
        | Mutation::Date(..)
        | Mutation::Supersedes(..) => {}
    }
    e
}

/// Writes `e` sealed as an export, with the time mutations of `ms` made to its JSON:
/// a typed export cannot even hold a timestamp without an offset, but a file can.
fn write_mutated(e: &Export, ms: &[Mutation], file: &std::path::Path) {
    let mut v = serde_json::to_value(e).unwrap();
    let n = e.assessments.len();
    for m in ms {
        match m {
            Mutation::At(i, s) => v["assessments"][i % n]["at"] = s.as_str().into(),
            Mutation::Date(s) => v["inspection"]["date"] = s.as_str().into(),
            Mutation::Supersedes(i, s) => {
                if let Some(list) = v["assessments"][i % n]["supersedes"].as_array_mut() {
                    list.push(s.as_str().into());
                }
            }
            _ => {}
        }
    }
    crate::common::seal_json(&v, file);
}

/// Byte edits to the sealed file itself (mostly caught by the envelope).
fn byte_edit() -> impl Strategy<Value = (usize, u8)> {
    (any::<usize>(), any::<u8>())
}

/// Imports and merges the file into a fresh store; checks the outcome; draws every
/// screen of the TUI on the result.
fn exercise(file: &std::path::Path) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("data")).unwrap();
    let export = match read_export(file) {
        Ok(e) => e,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    // A file the gate let in passes it again as it is.
    assert!(admit(export.clone()).is_ok());
    let id = export.inspection.id.clone();
    let imported = store.import(&export, false);
    let merged = store.merge(&[("文件".to_string(), export.clone())]);
    if imported.is_ok() || merged.is_ok() {
        let stored = store.export(&id).expect("what was let in can be read back");
        assert!(
            admit(stored).is_ok(),
            "the store holds what passes the gate"
        );
    }
    // Every screen draws.
    let mut h = Harness::new(dir, store);
    for (w, hgt) in [(80, 24), (50, 12), (160, 45)] {
        h.screen(w, hgt);
    }
    h.press("Enter");
    for key in [
        "Tab", "s", "Esc", "C", "Esc", "v", "Esc", "?", "Esc", "End", "q",
    ] {
        h.press(key);
        for (w, hgt) in [(80, 24), (50, 12)] {
            h.screen(w, hgt);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn wrong_content_with_a_valid_checksum(ms in prop::collection::vec(mutation(), 1..4)) {
        let e = ms.iter().fold(base().clone(), apply);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.json");
        write_mutated(&e, &ms, &file);
        exercise(&file);
    }

    /// A keymap file is hostile too: any text gives a keymap and messages, never a panic.
    #[test]
    fn any_keymap_text(text in prop_oneof![
        any::<String>(),
        "(\\[[a-z_]{1,12}\\]\n)?([a-z_]{1,12} = (\"[^\"]{0,6}\"|\\[\"[^\"]{0,4}\"\\]|[0-9]+)\n){0,6}",
    ]) {
        let (_, problems) = pingshen::tui::Keymap::with_user(&text, "keymap.toml");
        for p in problems {
            prop_assert!(!p.to_string().contains('\x1b'), "{}", p);
        }
    }

    #[test]
    fn mutated_bytes(edits in prop::collection::vec(byte_edit(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.json");
        write_export(base(), &file).unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        for (i, b) in edits {
            let at = i % bytes.len();
            bytes[at] = b;
        }
        std::fs::write(&file, bytes).unwrap();
        exercise(&file);
    }
}

/// The unmutated file goes through, so the property above is not vacuous.
#[test]
fn the_base_export_is_admitted_and_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.json");
    write_export(base(), &file).unwrap();
    assert!(read_export(&file).is_ok());
    exercise(&file);
    // The hand-sealed file of the property is read as an export is.
    write_mutated(base(), &[], &file);
    assert_eq!(read_export(&file).unwrap(), *base());
}
