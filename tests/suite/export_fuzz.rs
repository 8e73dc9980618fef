//! Mutated bundles, and bundles whose every signature holds but whose content is
//! wrong (as a hostile holder of a trusted key could make them), never panic import,
//! merge or any TUI screen. A file is either refused with a message, leaving the
//! store unchanged, or leaves a store that passes the gate.

use crate::tui_support;

use std::sync::{Arc, OnceLock};

use pingshen::identity::Identity;
use pingshen::scoring::Grade;
use pingshen::store::gate::admit_bundle;
use pingshen::store::{Bundle, Edit, Store, read_bundle};
use proptest::prelude::*;
use tui_support::Harness;

const SEED: [u8; 32] = [7; 32];

fn signer() -> Identity {
    Identity::from_seed("张敏", SEED)
}

/// One graded township inspection, as a bundle signed by [`signer`], read back.
fn base() -> &'static Bundle {
    static BASE: OnceLock<Bundle> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_as(dir.path(), Arc::new(signer())).unwrap();
        let id = tui_support::create(
            &store,
            "township-2022",
            tui_support::new_inspection("青山镇卫生院", "邵阳市双清区", "乡镇卫生院", "2026-11-23"),
        );
        store.assign(&id, "张敏", &["1".into()], "张敏").unwrap();
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
        crate::common::export_to(&store, &id, &dir.path().join("x.pingshen"))
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

/// What a hostile exporter with a trusted key can change: anything, re-signed and
/// re-chained so that signatures and chain hold.
#[derive(Debug, Clone)]
enum Mutation {
    Id(String),
    Previous(String),
    ItemId(usize, String),
    Grade(usize, Option<Grade>),
    Note(usize, String),
    At(usize, String),
    Date(String),
    Institution(String),
    Inspector(String),
    Assignment(String, String),
    Author(usize, String),
    Migrated(usize),
    Duplicate(usize),
    Reverse,
    DropFirst,
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
        nasty_text().prop_map(Mutation::Date),
        nasty_text().prop_map(Mutation::Institution),
        nasty_text().prop_map(Mutation::Inspector),
        (nasty_text(), nasty_text()).prop_map(|(a, b)| Mutation::Assignment(a, b)),
        (any::<usize>(), nasty_text()).prop_map(|(i, s)| Mutation::Author(i, s)),
        any::<usize>().prop_map(Mutation::Migrated),
        any::<usize>().prop_map(Mutation::Duplicate),
        Just(Mutation::Reverse),
        Just(Mutation::DropFirst),
        nasty_text().prop_map(Mutation::ChecklistText),
    ]
}

/// The bundle's payload as JSON with `ms` made to it.
fn mutated(ms: &[Mutation]) -> serde_json::Value {
    let mut v = serde_json::to_value(base()).unwrap();
    for m in ms {
        let entries = v["entries"].as_array_mut().unwrap();
        let n = entries.len();
        let grades: Vec<usize> = (0..n)
            .filter(|&i| entries[i]["change"]["kind"] == "grade")
            .collect();
        if grades.is_empty() || n == 0 {
            continue;
        }
        let pick = |i: &usize| grades[i % grades.len()];
        match m.clone() {
            Mutation::Id(s) => {
                v["inspection"] = s.as_str().into();
                for e in v["entries"].as_array_mut().unwrap() {
                    e["inspection"] = s.as_str().into();
                }
            }
            Mutation::Previous(s) => entries.push(serde_json::json!({
                "change": {"kind": "link", "old": null, "new": s}
            })),
            Mutation::ItemId(i, s) => entries[pick(&i)]["change"]["item"] = s.into(),
            Mutation::Grade(i, g) => {
                entries[pick(&i)]["change"]["new"] = serde_json::to_value(g).unwrap()
            }
            Mutation::Note(i, s) => {
                entries[pick(&i)]["change"] = serde_json::json!({
                    "kind": "note", "item": entries[pick(&i)]["change"]["item"], "old": "", "new": s
                })
            }
            Mutation::At(i, s) => entries[i % n]["at"] = s.into(),
            Mutation::Date(s) => entries[0]["change"]["date"] = s.into(),
            Mutation::Institution(s) => entries[0]["change"]["institution"]["name"] = s.into(),
            Mutation::Inspector(s) => {
                if let Some(list) = entries[0]["change"]["inspectors"].as_array_mut() {
                    list.push(s.into());
                }
            }
            Mutation::Assignment(who, ch) => entries.push(serde_json::json!({
                "change": {"kind": "assign", "inspector": who, "old": [], "new": [ch]}
            })),
            Mutation::Author(i, s) => entries[i % n]["author"]["name"] = s.into(),
            Mutation::Migrated(i) => entries[i % n]["migrated"] = true.into(),
            Mutation::Duplicate(i) => {
                let e = entries[i % n].clone();
                entries.push(e);
            }
            Mutation::Reverse => entries.reverse(),
            Mutation::DropFirst => {
                entries.remove(0);
            }
            Mutation::ChecklistText(s) => {
                if let Some(map) = v["checklists"].as_object_mut()
                    && let Some((_, text)) = map.iter_mut().next()
                {
                    *text = format!("{}{s}", text.as_str().unwrap_or_default()).into();
                }
            }
        }
    }
    v
}

/// Re-signs and re-chains (see [`crate::common::resign`]) and writes.
fn write_signed(v: serde_json::Value, file: &std::path::Path) {
    crate::common::resign(v, file, &signer());
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
    let bundle = match read_bundle(file) {
        Ok(b) => b,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    // A file the gate let in passes it again as it is.
    assert!(admit_bundle(&bundle).is_ok());
    let trust = crate::common::trusting(&[&bundle]);
    let imported = store.import(&bundle, &trust);
    let merged = store.merge(&[("文件".to_string(), bundle.clone())], &trust);
    if imported.is_ok() || merged.is_ok() {
        let again = crate::common::export_to(&store, &bundle.inspection, &dir.path().join("y"));
        assert!(
            admit_bundle(&again).is_ok(),
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
    fn wrong_content_signed_by_a_trusted_key(ms in prop::collection::vec(mutation(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.pingshen");
        write_signed(mutated(&ms), &file);
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
        let file = dir.path().join("x.pingshen");
        write_signed(mutated(&[]), &file);
        let mut bytes = std::fs::read(&file).unwrap();
        for (i, b) in edits {
            let at = i % bytes.len();
            bytes[at] = b;
        }
        std::fs::write(&file, bytes).unwrap();
        exercise(&file);
    }
}

/// The unmutated file goes through, so the properties above are not vacuous.
#[test]
fn the_base_bundle_is_admitted_and_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.pingshen");
    // Re-signed by hand as the property does, it reads as the exported bundle.
    write_signed(mutated(&[]), &file);
    let read = read_bundle(&file).unwrap();
    assert_eq!(read.entries, base().entries);
    exercise(&file);
}
