//! Issue 12's review day, the keys and screens around grading: full-width letters and
//! digits grade; auto-advance; who is acting, switched with a key; PgDn a page; a
//! message too long for the status line in a window; the summary's legend; the list
//! selecting what was just made; the form remembering; reports and exports in the
//! output folder, never over another file. Key sequences on the TestBackend; the
//! history is read back through the CLI where the issue asks for it.

use std::path::Path;

use crate::tui_support::*;
use assert_cmd::Command;
use pingshen::checklist::Catalog;
use pingshen::scoring::Grade;
use pingshen::tui::popups::Popup;
use pingshen::tui::{Effect, Screen};

/// The township checklist's items: those with A criteria (any grade allowed but
/// 不适用), and those that may be 不适用.
fn township_items() -> (Vec<String>, Vec<String>) {
    let catalog = Catalog::discover(None);
    let c = &catalog.get("township-2022").unwrap().checklist;
    let with_a = c
        .items()
        .filter(|(_, _, it)| it.criteria.a.is_some() && it.criteria.b.is_some())
        .map(|(_, _, it)| it.id.clone())
        .collect();
    let na = c
        .items()
        .filter(|(_, _, it)| it.allow_na)
        .map(|(_, _, it)| it.id.clone())
        .collect();
    (with_a, na)
}

fn message_text(h: &Harness) -> Option<String> {
    match h.app.popups.last() {
        Some(Popup::Message(m)) => Some(m.text()),
        _ => None,
    }
}

#[test]
fn full_width_letters_and_digits_grade_like_their_letters() {
    let (mut h, id) = Harness::walkthrough();
    // Digits typed into a prompt are text, not grades.
    goto(&mut h, "1.2.4");
    assert!(h.store().assessments(&id).unwrap().is_empty());

    let (with_a, na) = township_items();
    let keys = [
        ("ａ", Grade::A),
        ("1", Grade::A),
        ("１", Grade::A),
        ("ｂ", Grade::B),
        ("2", Grade::B),
        ("２", Grade::B),
        ("ｃ", Grade::C),
        ("3", Grade::C),
        ("３", Grade::C),
        ("ｄ", Grade::D),
        ("4", Grade::D),
        ("４", Grade::D),
    ];
    for ((key, grade), item) in keys.iter().zip(&with_a) {
        goto(&mut h, item);
        h.press(key);
        assert_eq!(
            stored_grade(&h, &id, item),
            Some(*grade),
            "{key} on {item}: {}",
            h.status()
        );
        assert_eq!(h.selected_item().as_deref(), Some(item.as_str()));
    }
    let item = &na[0];
    goto(&mut h, item);
    for key in ["ｎ", "0", "０"] {
        h.press(key);
        assert_eq!(
            stored_grade(&h, &id, item),
            Some(Grade::NotApplicable),
            "{key}: {}",
            h.status()
        );
        h.press("x");
        assert_eq!(stored_grade(&h, &id, item), None);
    }
    // The status bar names the letters; help lists every key.
    assert!(h.screen(80, 24).contains("a/b/c/d/n 评分"));
    h.press("?");
    let help = h.screen(120, 40);
    assert!(help.contains("a/ａ/1/１"), "{help}");
}

#[test]
fn auto_advance_moves_to_the_next_pending_item_and_the_status_line_says_it_is_on() {
    let (mut h, id) = Harness::walkthrough();
    assert_eq!(h.selected_item().as_deref(), Some("1.1.1"));
    assert!(!h.screen(80, 24).contains("自动跳转"));
    h.press("t");
    assert!(h.status().contains("已开"), "{}", h.status());
    assert!(h.screen(80, 24).contains("自动跳转"));
    h.press("a");
    assert_eq!(stored_grade(&h, &id, "1.1.1"), Some(Grade::A));
    assert_eq!(h.selected_item().as_deref(), Some("1.1.2"));
    assert!(
        h.status().contains("已跳到下一条待评 1.1.2"),
        "{}",
        h.status()
    );
    // Regrading a graded item goes on to the next pending one after it.
    h.press("ｂ");
    goto(&mut h, "1.1.1");
    h.press("3");
    assert_eq!(stored_grade(&h, &id, "1.1.1"), Some(Grade::C));
    assert_eq!(h.selected_item().as_deref(), Some("1.1.3"));
    // Clearing never moves.
    h.press("x");
    assert_eq!(h.selected_item().as_deref(), Some("1.1.3"));
    h.press("t");
    assert!(h.status().contains("已关"), "{}", h.status());
    h.press("b");
    assert_eq!(h.selected_item().as_deref(), Some("1.1.3"));
    assert!(!h.screen(80, 24).contains("自动跳转"));
}

/// The text lines of the item detail at 80 columns (the tree is 32 wide).
fn detail_lines(h: &Harness, height: u16) -> Vec<String> {
    let buf = h.buffer(80, height);
    let mut lines: Vec<String> = (2..height - 3)
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in 34..78 {
                // The second cell of a wide character is not a character.
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                line.push_str(sym);
            }
            line.trim_end().to_string()
        })
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

#[test]
fn page_down_scrolls_the_item_detail_by_a_page() {
    let (mut h, _) = Harness::walkthrough();
    goto(&mut h, "3.2.2");
    h.press("e");
    h.paste("抽查10份病历，其中2份缺少知情同意书。\n另有1份手术记录签名不全。");
    h.press("ctrl-s");
    // Every line, as a terminal tall enough shows it at the same width.
    let all = detail_lines(&h, 120);
    let page = detail_lines(&h, 24);
    assert!(page.last().unwrap().contains("PgDn 下翻"), "{page:?}");
    let first = page.len() - 1;
    assert_eq!(page[..first], all[..first]);
    h.press("PageDown");
    // The next page starts at the first line not yet seen: nothing skipped, and a
    // whole page, not a few lines.
    let next = detail_lines(&h, 24);
    let scroll = h.app.walk.as_ref().unwrap().detail_scroll;
    let end = all.len().saturating_sub(page.len());
    assert_eq!(scroll, first.min(end), "{next:?}");
    let real = next.len() - usize::from(next.last().unwrap().contains("下翻"));
    assert_eq!(next[..real], all[scroll..scroll + real]);
    // All of 3.2.2 and its note in two pages at 80×24.
    assert!(
        scroll + real == all.len() || {
            h.press("PageDown");
            let s = h.app.walk.as_ref().unwrap().detail_scroll;
            s + detail_lines(&h, 24).len() == all.len()
        }
    );
    h.press("PageUp");
    h.press("PageUp");
    assert_eq!(h.app.walk.as_ref().unwrap().detail_scroll, 0);
}

#[test]
fn a_message_longer_than_the_status_line_opens_a_window_only_esc_or_enter_closes() {
    let (mut h, id) = Harness::walkthrough();
    h.sized(80, 24);
    // 1.1.1 may not be 不适用: the refusal is longer than 80 columns.
    h.press("n");
    let window = message_text(&h).unwrap_or_else(|| h.screen(80, 24));
    assert!(window.contains("不能评为「不适用」"), "{window}");
    assert!(window.contains("请给出 A、B、C 或 不达标。"), "{window}");
    assert!(!window.contains("allow_na"), "{window}");
    // Keys meant for the item behind go to the window and change nothing.
    for key in ["a", "ａ", "2", "x", "Backspace", "Tab"] {
        h.press(key);
        assert!(message_text(&h).is_some(), "{key} closed the window");
    }
    assert_eq!(stored_grade(&h, &id, "1.1.1"), None);
    h.press("Esc");
    assert!(h.app.popups.is_empty());
    assert_eq!(
        h.app.screen(),
        Screen::Walkthrough,
        "Esc closed only the window"
    );
    assert_eq!(h.selected_item().as_deref(), Some("1.1.1"));
    // Enter closes it too.
    h.press("0");
    assert!(message_text(&h).is_some());
    h.press("Enter");
    assert!(h.app.popups.is_empty());
    // A message that fits stays on the line.
    h.press("a");
    assert!(h.app.popups.is_empty());
    assert_eq!(h.status(), "已保存：1.1.1 评为 A");
    // At 120 columns the refusal fits: no window.
    h.sized(120, 40);
    h.press("n");
    assert!(h.app.popups.is_empty(), "{}", h.status());
    assert!(h.screen(120, 40).contains("请给出 A、B、C 或 不达标。"));
}

/// String literals on the non-comment lines of `file`.
fn literals(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for (i, part) in code.split('"').enumerate() {
            if i % 2 == 1 {
                found.push(part.to_string());
            }
        }
    }
    found
}

#[test]
fn no_message_an_inspector_sees_names_a_checklist_key() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("src/store/error.rs")];
    for dir in ["src/tui", "src/scoring"] {
        for entry in walk(&root.join(dir)) {
            if entry.extension().is_some_and(|e| e == "rs") {
                files.push(entry);
            }
        }
    }
    let keys = [
        "allow_na",
        "max_grade",
        "min_share",
        "min_grade",
        "institution_type",
        "= true",
        "= false",
    ];
    let mut bad = Vec::new();
    for file in &files {
        for text in literals(file) {
            if keys.iter().any(|k| text.contains(k)) {
                bad.push(format!("{}: {text}", file.display()));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_summary_has_a_legend_for_its_bars() {
    let (mut h, _) = Harness::walkthrough();
    h.keys(&["a", "Tab", "b", "Tab", "c", "Tab", "d"]);
    h.press("s");
    let screen = h.screen(120, 40);
    assert!(
        screen.contains("图例：█ A  ▓ B  ▒ C  x 不达标  - 不适用  ░ 待评"),
        "{screen}"
    );
    // Each glyph of the legend is one the bars draw for the grades given.
    assert!(screen.contains("█▓▒x░"), "{screen}");
}

#[test]
fn the_list_selects_a_new_sample_and_s_asks_first_when_there_are_inspections() {
    let (dir, store) = store();
    let old = qingshan(&store, "2026-11-20");
    let mut h = Harness::new(dir, store);
    h.press("s");
    assert!(matches!(h.app.popups.last(), Some(Popup::Confirm(_))));
    assert!(h.screen(80, 24).contains("再创建一个示例检查"));
    h.press("n");
    assert_eq!(
        h.store().overviews().unwrap().len(),
        1,
        "no means no sample"
    );
    h.press("s");
    h.press_and_wait("y");
    let sample = h.app.walk.as_ref().unwrap().inspection.clone();
    assert!(sample.sample && sample.id != old);
    h.press("q");
    assert_eq!(h.app.screen(), Screen::List);
    let selected = h.app.list.selected_summary().unwrap().inspection.id.clone();
    assert_eq!(selected, sample.id);
    h.press("Enter");
    assert_eq!(h.app.walk.as_ref().unwrap().inspection.id, sample.id);
}

#[test]
fn the_form_remembers_the_checklist_and_inspectors_and_the_list_selects_the_new_one() {
    let (dir, store) = store();
    let old = qingshan(&store, "2026-11-20");
    let mut h = Harness::new(dir, store);
    h.press_and_wait("n");
    h.type_text("东城区朝阳门社区卫生服务中心");
    h.press("Tab");
    h.type_text("北京市东城区");
    // To the organising unit (type, head, phone, review kind), then the inspectors
    // (date).
    h.keys(&["Tab", "Tab", "Tab", "Tab", "Tab"]);
    h.type_text("北京市东城区卫生健康委员会");
    h.keys(&["Tab", "Tab"]);
    h.type_text("张敏、李强");
    h.press("Tab");
    h.press("Right"); // the second checklist
    let chosen = h
        .app
        .form()
        .unwrap()
        .choice_text(pingshen::tui::screens::FieldId::Checklist);
    h.press("ctrl-s");
    assert_eq!(h.app.screen(), Screen::Walkthrough, "{}", h.status());
    let new = h.app.walk.as_ref().unwrap().inspection.clone();
    assert_ne!(new.id, old);
    h.press("q");
    assert_eq!(
        h.app.list.selected_summary().unwrap().inspection.id,
        new.id,
        "the list is on the new inspection"
    );
    // Kept in the config dir, not in the data dir.
    let kept = std::fs::read_to_string(h.dir.path().join("config/new-form.toml")).unwrap();
    assert!(kept.contains(&new.checklist.id), "{kept}");

    h.press_and_wait("n");
    let form = h.app.form().unwrap();
    assert_eq!(form.inspectors.text(), "张敏、李强");
    assert_eq!(form.organiser.text(), "北京市东城区卫生健康委员会");
    assert_eq!(form.date.text(), TODAY);
    assert_eq!(
        form.choice_text(pingshen::tui::screens::FieldId::Checklist),
        chosen
    );
    assert!(
        !form.is_dirty(),
        "what the form filled in itself is not a change"
    );
    // Esc leaves at once: nothing was typed.
    h.press("Esc");
    assert_eq!(h.app.screen(), Screen::List);
}

#[test]
fn exports_go_to_the_output_folder_numbered_and_o_opens_the_folder_off_the_ui_thread() {
    let (dir, store) = store();
    qingshan(&store, TODAY);
    let mut h = Harness::new(dir, store);
    let out = h.dir.path().join("reports");
    for name in [
        "青山镇卫生院-2026-11-23.pingshen",
        "青山镇卫生院-2026-11-23(2).pingshen",
    ] {
        h.press_and_wait("e");
        assert!(out.join(name).is_file(), "{name}: {}", h.status());
        let window = message_text(&h).expect("a window with the path");
        assert!(
            window.contains(&out.join(name).display().to_string()),
            "{window}"
        );
        assert!(h.screen(80, 24).contains("o 打开所在文件夹"));
        if name.contains("(2)") {
            break;
        }
        h.press("Esc");
    }
    // The first export is still whole: nothing was written over it.
    let first = std::fs::read_to_string(out.join("青山镇卫生院-2026-11-23.pingshen")).unwrap();
    assert!(first.contains("pingshen-bundle"));

    // o starts a job (the loop runs it on a thread); here the folder is gone, so it
    // cannot open whatever the machine has, and the failure is said in Chinese.
    std::fs::remove_dir_all(&out).unwrap();
    let effects = h.press("o");
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::Spawn(j) if j.kind == pingshen::tui::jobs::JobKind::OpenFolder)
        ),
        "{effects:?}"
    );
    if cfg!(not(windows)) {
        run_job(&mut h, effects, std::time::Duration::from_secs(60));
        assert!(
            h.status().contains("无法用系统的文件管理器打开文件夹"),
            "{}",
            h.status()
        );
    }
}

/// `pingshen` on `data`, with the suite's config dir and an output folder of its own.
fn pingshen(data: &Path, out: &Path) -> Command {
    let mut c = Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_OUTPUT_DIR", out)
        .env_remove("PINGSHEN_INSPECTOR")
        .env_remove("PINGSHEN_CHECKLIST_DIR");
    c
}

#[test]
fn switching_the_acting_inspector_is_remembered_and_the_history_names_them() {
    let (mut h, id) = Harness::walkthrough();
    // PINGSHEN_INSPECTOR=张敏 chose at first; w asks among the inspection's two.
    assert!(h.screen(80, 24).contains("操作人 张敏"));
    h.press("a");
    h.press("w");
    assert!(h.screen(80, 24).contains("1 张敏  2 李强"));
    h.type_text("2");
    h.press("Enter");
    assert!(h.status().contains("已换操作人"), "{}", h.status());
    assert!(h.screen(80, 24).contains("操作人 李强"));
    h.press("Tab");
    h.press("ｂ");
    let second = h.selected_item().unwrap();
    // Remembered for this inspection, in the config dir.
    let kept = std::fs::read_to_string(h.dir.path().join("config/acting.toml")).unwrap();
    assert!(kept.contains(&format!("{id} = \"李强\"")), "{kept}");
    // A name that is not one of them is refused, and nothing changes.
    h.press("w");
    h.type_text("王五");
    h.press("Enter");
    assert!(h.status().contains("不是评审专家之一"), "{}", h.status());
    h.press("Esc");
    assert!(h.screen(80, 24).contains("操作人 李强"));

    let crate::tui_support::Harness { dir, app } = h;
    drop(app);
    let history = pingshen(&dir.path().join("data"), &dir.path().join("out"))
        .args(["history", &id])
        .output()
        .unwrap();
    let history = String::from_utf8_lossy(&history.stdout).into_owned();
    let row = |item: &str| {
        history
            .lines()
            .find(|l| l.split_whitespace().nth(3) == Some(item))
            .unwrap_or_else(|| panic!("no row for {item}:\n{history}"))
            .to_string()
    };
    assert!(row("1.1.1").contains("张敏"), "{history}");
    assert!(row(&second).contains("李强"), "{history}");
}

#[test]
fn report_and_export_without_a_file_go_to_the_output_folder_numbered() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let out = work.path().join("输出");
    let id = {
        let store = pingshen::store::Store::open(&data).unwrap();
        let id = qingshan(&store, TODAY);
        grade(&store, &id, "1.1.1", Grade::B, "");
        id
    };
    for expected in [
        "青山镇卫生院-评审报告-2026-11-23.pdf",
        "青山镇卫生院-评审报告-2026-11-23(2).pdf",
    ] {
        let done = pingshen(&data, &out)
            .current_dir(work.path())
            .args(["report", &id, "--no-system-fonts"])
            .output()
            .unwrap();
        assert!(done.status.success(), "{done:?}");
        assert!(out.join(expected).is_file(), "{done:?}");
        assert!(String::from_utf8_lossy(&done.stdout).contains(expected));
    }
    for expected in [
        "青山镇卫生院-2026-11-23.pingshen",
        "青山镇卫生院-2026-11-23(2).pingshen",
        "青山镇卫生院-2026-11-23.csv",
    ] {
        let mut cmd = pingshen(&data, &out);
        cmd.current_dir(work.path())
            .args(["export", &id, "--as", "张敏"]);
        if expected.ends_with(".csv") {
            cmd.args(["--format", "csv"]);
        }
        let done = cmd.output().unwrap();
        assert!(done.status.success(), "{done:?}");
        assert!(out.join(expected).is_file(), "{expected}: {done:?}");
    }
    // Nothing in the current directory; -o still writes exactly there.
    let named = work.path().join("指定.pdf");
    pingshen(&data, &out)
        .args([
            "report",
            &id,
            "-o",
            named.to_str().unwrap(),
            "--no-system-fonts",
        ])
        .assert()
        .success();
    assert!(named.is_file());
    let here: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut here = here;
    here.sort();
    assert_eq!(here, ["data", "指定.pdf", "输出"]);

    // Without the variable: the folder the settings file names, else home/pingshen.
    let config = work.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    let home = work.path().join("home");
    let run = |config_text: Option<&str>| {
        if let Some(t) = config_text {
            std::fs::write(config.join("config.toml"), t).unwrap();
        }
        let mut c = Command::cargo_bin("pingshen").unwrap();
        c.env("PINGSHEN_DATA_DIR", &data)
            .env("PINGSHEN_CONFIG_DIR", &config)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env_remove("PINGSHEN_OUTPUT_DIR")
            .env_remove("PINGSHEN_CHECKLIST_DIR")
            .args(["export", &id, "--as", "张敏"])
            .output()
            .unwrap()
    };
    let done = run(None);
    assert!(done.status.success(), "{done:?}");
    assert!(
        home.join("pingshen/青山镇卫生院-2026-11-23.pingshen")
            .is_file(),
        "{done:?}"
    );
    let chosen = work.path().join("设置的文件夹");
    let done = run(Some(&format!(
        "output_dir = {:?}\n",
        chosen.display().to_string()
    )));
    assert!(done.status.success(), "{done:?}");
    assert!(chosen.join("青山镇卫生院-2026-11-23.pingshen").is_file());
}
