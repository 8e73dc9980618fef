//! Bad input: huge pastes, control characters, emoji and rare CJK in every field, a
//! checklist file edited into invalid TOML while the app runs. No panic, no data lost,
//! a message where one is due.

use crate::tui_support;

use pingshen::checklist::builtin_sources;
use pingshen::tui::popups::Popup;
use pingshen::tui::{Action, Effect, Screen};
use tui_support::*;

#[test]
fn a_100_kb_paste_into_a_note_is_saved_whole_and_drawn() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    let line = "现场查看发热诊室，𠀀😀 mixed ASCII 1234567890。\n";
    let big: String = line.repeat(100 * 1024 / line.len() + 1);
    assert!(big.len() > 100 * 1024);
    h.press("e");
    h.paste(&big);
    // Drawing the editor with all of it on screen works at both sizes.
    assert!(h.screen(80, 24).contains("备注"));
    h.screen(120, 40);
    h.press("ctrl-s");
    let note = h.store().assessment(&id, &item).unwrap().unwrap().note;
    assert_eq!(note, big.trim_end());
    // The detail pane shows a preview, not 100 KB of lines.
    let screen = h.screen(120, 40);
    assert!(screen.contains("现场查看发热诊室"), "{screen}");
    for _ in 0..100 {
        h.press("PageDown");
    }
    let screen = h.screen(120, 40);
    assert!(screen.contains("查看全文"), "{screen}");
}

#[test]
fn control_characters_emoji_and_rare_cjk_in_every_form_field() {
    let mut h = Harness::empty();
    h.press_and_wait("n");
    let odd = "𠀀😀\u{1b}[2J\u{7}\u{0}机构";
    // Name, region, type, head typed; phone gets a paste with a bad character.
    for _ in 0..4 {
        h.type_text(odd);
        h.paste("\r\n𠁀\u{8}");
        h.press("Tab");
    }
    h.type_text("138😀");
    h.press("Tab");
    h.press("Tab"); // review kind
    h.type_text(odd); // organising unit
    h.press("Tab");
    h.type_text("😀"); // date: now invalid
    h.press("Tab");
    h.type_text(odd);
    h.press("ctrl-s");
    use pingshen::tui::screens::FieldId;
    let form = h.app.form().unwrap();
    assert!(form.error(FieldId::Phone).is_some());
    assert!(form.error(FieldId::Date).is_some());
    assert!(form.error(FieldId::Name).is_none());
    // Drawing with all that in the fields is fine.
    h.screen(80, 24);
    h.screen(120, 40);

    // Fix phone and date; the odd names go through and read back cleaned.
    let form = h.app.form_mut().unwrap();
    form.focus = FieldId::Phone;
    h.press("ctrl-u");
    h.type_text("13800000000");
    h.app.form_mut().unwrap().focus = FieldId::Date;
    h.press("ctrl-u");
    h.type_text(TODAY);
    h.press("ctrl-s");
    assert_eq!(h.app.screen(), Screen::Walkthrough, "{}", h.status());
    let i = &h.store().list().unwrap()[0];
    assert_eq!(i.institution.name, "𠀀😀[2J机构 𠁀");
    assert_eq!(i.inspectors, ["𠀀😀[2J机构"]);
    assert_eq!(i.organiser, "𠀀😀[2J机构");
    for field in [
        &i.institution.name,
        &i.institution.region,
        &i.institution.kind,
        &i.institution.head,
    ] {
        assert!(!field.chars().any(char::is_control), "{field:?}");
    }
    h.screen(80, 24);
    h.screen(120, 40);
}

#[test]
fn odd_text_in_notes_searches_and_prompts() {
    let (mut h, id) = Harness::walkthrough();
    let item = h.selected_item().unwrap();
    h.press("e");
    h.type_text("𠀀😀\u{1b}[31m");
    h.press("ctrl-s");
    let note = h.store().assessment(&id, &item).unwrap().unwrap().note;
    assert_eq!(note, "𠀀😀[31m");
    h.press("/");
    h.paste("𠀀\u{0}");
    h.press("Enter");
    assert!(h.status().contains("1 条"), "{}", h.status());
    h.press("g");
    h.type_text("😀𠀀\u{7}");
    h.press("Enter");
    assert!(h.status().contains("没有编号"), "{}", h.status());
    h.screen(80, 24);
    h.screen(60, 15);
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    let (mut h, _) = Harness::walkthrough();
    h.press("e");
    h.type_text("备注");
    for (w, hgt) in [
        (0, 0),
        (1, 1),
        (10, 3),
        (40, 10),
        (59, 30),
        (60, 15),
        (200, 15),
        (61, 60),
    ] {
        let text = h.screen(w, hgt);
        if w < 60 || hgt < 15 {
            if w >= 20 && hgt >= 3 {
                assert!(text.contains("太小"), "{w}x{hgt}: {text}");
            }
        } else {
            assert!(!text.contains("太小"));
        }
    }
}

/// A user checklist dir holding a copy of the township checklist, an inspection on
/// it, and the app in its walkthrough.
fn on_user_checklist() -> (Harness, std::path::PathBuf, String) {
    let (dir, store) = store();
    let checklists = dir.path().join("checklists");
    std::fs::create_dir_all(&checklists).unwrap();
    let text = builtin_sources()
        .into_iter()
        .find(|s| s.origin.to_string().contains("township"))
        .unwrap()
        .text;
    let path = checklists.join("township-2022.toml");
    std::fs::write(&path, &text).unwrap();
    let cat = pingshen::checklist::Catalog::discover(Some(&checklists));
    let a = cat.get("township-2022").unwrap();
    let id = store
        .create(
            new_inspection("青山镇卫生院", "双清区", "乡镇卫生院", TODAY),
            &a.checklist,
            &a.source,
            "张敏",
        )
        .unwrap()
        .id;
    let mut h = Harness::new(dir, store);
    h.press("Enter");
    (h, path, id)
}

#[test]
fn checklist_edited_into_invalid_toml_shows_diagnostics_and_loses_nothing() {
    let (mut h, path, id) = on_user_checklist();
    h.press("a");
    // E opens the user's file at the selected item's line.
    let effects = h.press("E");
    let line = match effects.as_slice() {
        [Effect::OpenEditor { path: p, line }] => {
            assert_eq!(p, &path);
            *line
        }
        other => panic!("expected the editor, got {other:?}"),
    };
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("[[chapter.section.item]]")
    );

    // The "editor" breaks the file.
    std::fs::write(&path, text.replacen("title = \"", "title = 未加引号 \"", 3)).unwrap();
    h.update(Action::ChecklistEdited {
        path: path.clone(),
        editor_error: None,
    });
    match h.app.popups.last() {
        Some(Popup::Message(m)) => {
            let all = m.text();
            assert!(all.contains("township-2022.toml:"), "{all}");
            assert!(all.contains("固定的清单版本"), "{all}");
        }
        _ => panic!("diagnostics shown"),
    }
    h.screen(80, 24);
    h.press("Esc");
    // The review goes on on the pinned text: grading still works, nothing was lost.
    h.press("Tab");
    h.press("b");
    let grades = h.store().assessments(&id).unwrap();
    assert_eq!(grades.len(), 2);

    // A file that is not even UTF-8.
    std::fs::write(&path, b"\xff\xfe[checklist]\n").unwrap();
    h.update(Action::ChecklistEdited {
        path: path.clone(),
        editor_error: None,
    });
    assert!(matches!(h.app.popups.last(), Some(Popup::Message(_))));
    h.press("Esc");

    // An editor that could not start is said in the status bar.
    h.update(Action::ChecklistEdited {
        path: path.clone(),
        editor_error: Some("无法启动编辑器 `nosuch`".into()),
    });
    assert!(h.status().contains("nosuch"));
}

#[test]
fn a_valid_edit_offers_the_repin_and_yes_repins() {
    let (mut h, path, id) = on_user_checklist();
    h.press("a");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text
        .replacen(
            "version = \"2022-pingshen.3\"",
            "version = \"2022-pingshen.4\"",
            1,
        )
        .replacen("title = \"", "title = \"（修订）", 5);
    assert_ne!(text, edited);
    std::fs::write(&path, edited).unwrap();
    h.update(Action::ChecklistEdited {
        path: path.clone(),
        editor_error: None,
    });
    assert_eq!(h.app.context(), pingshen::tui::Context::Confirm);
    let screen = h.screen(120, 40);
    assert!(screen.contains("改动条款"), "{screen}");
    h.press("y");
    let i = h.store().get(&id).unwrap();
    assert_eq!(i.checklist.version, "2022-pingshen.4");
    assert!(h.status().contains("已改用清单版本"), "{}", h.status());
    assert_eq!(h.store().assessments(&id).unwrap().len(), 1, "grades kept");
}

#[test]
fn a_builtin_checklist_is_explained_and_copied_on_yes() {
    let (mut h, _) = Harness::walkthrough();
    goto_item(&mut h, "2.1.3");
    let effects = h.press("E");
    assert!(effects.is_empty());
    assert_eq!(h.app.context(), pingshen::tui::Context::Confirm);
    let screen = h.screen(80, 24);
    assert!(screen.contains("内置清单"), "{screen}");
    let effects = h.press("y");
    let (path, line) = match effects.as_slice() {
        [Effect::OpenEditor { path, line }] => (path.clone(), *line),
        other => panic!("expected the editor, got {other:?}"),
    };
    assert_eq!(path, h.dir.path().join("checklists/township-2022.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text
        .lines()
        .skip(line)
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(at.contains("\"2.1.3\""), "{at}");
}

fn goto_item(h: &mut Harness, id: &str) {
    h.press("g");
    h.type_text(id);
    h.press("Enter");
    assert_eq!(h.selected_item().as_deref(), Some(id));
}
