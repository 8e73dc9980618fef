//! Every screen on ratatui's TestBackend at 80×24 and 120×40, with Chinese content,
//! as insta snapshots (tests/suite/snapshots/). Ids vary from run to run and are filtered;
//! dates are fixed. The last line of a snapshot says where the terminal cursor is
//! when a text field has the focus (an input method's window follows it).

use crate::tui_support;

use pingshen::scoring::Grade;
use pingshen::store::{Institution, NewInspection, ReviewKind};
use tui_support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

pub(crate) fn snap(name: &str, h: &Harness) {
    for (w, hgt) in SIZES {
        snap_at(name, h, w, hgt);
    }
}

fn snap_at(name: &str, h: &Harness, w: u16, hgt: u16) {
    let screen = h.styled_screen(w, hgt);
    insta::with_settings!({
        filters => vec![
            (r"\b[0-9a-f]{10}\b", "[编号....]"),
            (r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b", "[评分时间......]"),
        ],
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("{name}_{w}x{hgt}"), screen);
    });
}

/// Two inspections (one a sample) with some grades.
fn list_harness() -> Harness {
    let (dir, store) = store();
    let a = qingshan(&store, "2026-11-20");
    for (item, g) in [
        ("1.1.1", Grade::A),
        ("1.1.2", Grade::B),
        ("1.2.1", Grade::C),
        ("1.2.2", Grade::D),
    ] {
        grade(&store, &a, item, g, "");
    }
    create(
        &store,
        "community-2022",
        NewInspection {
            institution: Institution {
                name: "示例社区卫生服务中心".into(),
                region: "示例市示例区".into(),
                kind: "社区卫生服务中心".into(),
                head: "张示例".into(),
                phone: "010-00000000".into(),
            },
            review_kind: ReviewKind::SelfAssessment,
            date: "2026-11-23".into(),
            inspectors: vec!["示例专家甲".into()],
            sample: true,
            organiser: String::new(),
        },
    );
    Harness::new(dir, store)
}

/// The township inspection in the walkthrough on 1.2.4 (long criteria, ★), graded
/// B with a note and 整改意见; a few other items graded.
fn walkthrough_harness() -> Harness {
    let (dir, store) = store();
    let id = qingshan(&store, TODAY);
    for (item, g) in [
        ("1.1.1", Grade::A),
        ("1.1.2", Grade::C),
        ("1.2.1", Grade::D),
        ("1.2.2", Grade::NotApplicable),
    ] {
        if g == Grade::NotApplicable {
            continue;
        }
        grade(&store, &id, item, g, "");
    }
    store
        .update(
            &id,
            "1.2.4",
            &[
                pingshen::store::Edit::Grade(Some(Grade::B)),
                pingshen::store::Edit::Note(
                    "发热诊室设在门诊楼东侧，独立出入口；预检分诊台登记完整。\n抽查近三个月登记本10份，均有体温和流行病学史记录。".into(),
                ),
                pingshen::store::Edit::CorrectiveAction("补充发热诊室应急演练记录，每季度至少一次。".into()),
            ],
            "张敏",
        )
        .unwrap();
    let mut h = Harness::new(dir, store);
    h.press("Enter");
    h.press("g");
    h.type_text("1.2.4");
    h.press("Enter");
    assert_eq!(h.selected_item().as_deref(), Some("1.2.4"));
    h.app.status = None;
    h
}

#[test]
fn first_start() {
    snap("first_start", &Harness::empty());
}

#[test]
fn inspection_list() {
    snap("inspection_list", &list_harness());
}

#[test]
fn inspection_list_filtered() {
    let mut h = list_harness();
    h.type_text("青山");
    snap("inspection_list_filtered", &h);
}

#[test]
fn delete_confirmation() {
    let mut h = list_harness();
    h.press("d");
    snap("delete_confirmation", &h);
}

#[test]
fn new_inspection_form() {
    let mut h = Harness::empty();
    h.press_and_wait("n");
    snap("new_inspection_form", &h);
}

#[test]
fn new_inspection_form_errors() {
    let mut h = Harness::empty();
    h.press_and_wait("n");
    h.type_text("朝阳门社区卫生服务中心");
    h.press("Tab");
    h.press("ctrl-s");
    snap("new_inspection_form_errors", &h);
}

#[test]
fn new_inspection_form_filled() {
    let mut h = Harness::empty();
    h.press_and_wait("n");
    h.type_text("东城区朝阳门社区卫生服务中心");
    h.press("Tab");
    h.type_text("北京市东城区");
    h.keys(&["Tab", "Tab"]);
    h.type_text("王建国");
    h.press("Tab");
    h.type_text("13800000000");
    h.keys(&["Tab", "Tab"]);
    h.type_text("北京市东城区卫生健康委员会");
    h.keys(&["Tab", "Tab"]);
    h.type_text("张敏、李强");
    h.press("Left");
    snap("new_inspection_form_filled", &h);
}

#[test]
fn walkthrough_item() {
    snap("walkthrough_item", &walkthrough_harness());
}

#[test]
fn walkthrough_after_grading() {
    let mut h = walkthrough_harness();
    h.press("Tab");
    h.press("a");
    snap("walkthrough_after_grading", &h);
}

#[test]
fn walkthrough_chapter_header() {
    let mut h = walkthrough_harness();
    h.press("Home");
    snap("walkthrough_chapter_header", &h);
}

#[test]
fn walkthrough_filtered() {
    let mut h = walkthrough_harness();
    h.keys(&["f", "Down", "Down", "Down", "Enter"]);
    snap("walkthrough_filtered_core", &h);
}

/// 不达标 filter (1.2.1 is the one match), then 1.2.1 graded C: it stays selected,
/// marked 已不在筛选中, the border says so.
#[test]
fn walkthrough_kept_out_of_filter() {
    let mut h = walkthrough_harness();
    h.keys(&["f", "Down", "Down", "Enter"]);
    assert_eq!(h.selected_item().as_deref(), Some("1.2.1"));
    h.press("c");
    snap("walkthrough_kept_out_of_filter", &h);
}

/// Two words, both in 2.5.3's criteria: the first match selected, 第 1 / 1 条.
#[test]
fn walkthrough_search_words() {
    let mut h = walkthrough_harness();
    h.press("/");
    h.type_text("温度 冷链");
    h.press("Enter");
    snap("walkthrough_search_words", &h);
}

#[test]
fn walkthrough_no_match() {
    let mut h = walkthrough_harness();
    h.press("/");
    h.type_text("火星");
    h.press("Enter");
    h.press("a");
    snap("walkthrough_no_match", &h);
}

/// The menu over an active 不达标 filter: opens on it, marked ●, with counts.
#[test]
fn filter_menu_active() {
    let mut h = walkthrough_harness();
    h.keys(&["f", "Down", "Down", "Enter", "f"]);
    snap("filter_menu_active", &h);
}

#[test]
fn note_editor() {
    let mut h = walkthrough_harness();
    h.press("e");
    h.type_text("\n补充：医务人员培训记录齐全");
    snap("note_editor", &h);
}

#[test]
fn discard_confirmation() {
    let mut h = walkthrough_harness();
    h.press("r");
    h.type_text("草稿");
    h.press("Esc");
    snap("discard_confirmation", &h);
}

#[test]
fn goto_prompt() {
    let mut h = walkthrough_harness();
    h.press("g");
    h.type_text("2.1");
    snap("goto_prompt", &h);
}

#[test]
fn filter_menu() {
    let mut h = walkthrough_harness();
    h.press("f");
    snap("filter_menu", &h);
}

#[test]
fn summary() {
    let mut h = walkthrough_harness();
    h.press("s");
    snap("summary", &h);
}

#[test]
fn help() {
    let mut h = walkthrough_harness();
    h.press("?");
    snap("help", &h);
}

#[test]
fn too_small() {
    let h = walkthrough_harness();
    snap_at("too_small", &h, 50, 12);
    snap_at("too_small", &h, 79, 14);
}

/// A key pressed behind the too-small screen: swallowed, and said.
#[test]
fn too_small_key_swallowed() {
    let mut h = walkthrough_harness();
    h.app
        .handle_event(ratatui::crossterm::event::Event::Resize(50, 12));
    h.press("a");
    snap_at("too_small_key_swallowed", &h, 50, 12);
}

/// The lead's inspection after merging 李强's export: 1.2.4 in conflict (B by 张敏,
/// C by 李强), opened in the walkthrough on 1.2.4.
fn conflict_harness() -> Harness {
    let (mut h, _, file) = lead_and_laptop();
    h.press("m");
    h.paste(&format!("'{}'", file.display()));
    h.press_and_wait("Enter");
    h.press("q");
    h.press("Enter");
    goto(&mut h, "1.2.4");
    h.app.status = None;
    h
}

#[test]
fn merge_prompt() {
    let mut h = list_harness();
    h.press("m");
    h.type_text("甲的导出.json '/media/U盘/乙 导出.json'");
    snap("merge_prompt", &h);
}

#[test]
fn walkthrough_conflict() {
    snap("walkthrough_conflict", &conflict_harness());
}

#[test]
fn conflicts() {
    let mut h = conflict_harness();
    h.press("C");
    snap("conflicts", &h);
}

/// Three versions do not fit side by side at 80 columns: they are stacked.
#[test]
fn conflicts_three_versions() {
    let (dir, store) = store();
    let id = qingshan(&store, TODAY);
    let mut files = Vec::new();
    for (who, g, note) in [
        ("李强", Grade::C, "三区两通道未完全分开。"),
        ("王芳", Grade::A, "具备病原学快速检测能力，登记完整。"),
    ] {
        let file = format!("{who}.json");
        laptop_export(
            &store,
            &id,
            who,
            &[("1.2.4", g, note, "")],
            dir.path(),
            &file,
        );
        files.push(dir.path().join(file).display().to_string());
    }
    grade(&store, &id, "1.2.4", Grade::B, "布局符合要求。");
    let mut h = Harness::new(dir, store);
    h.press("m");
    h.paste(&files.join(" "));
    h.press_and_wait("Enter");
    h.press("q");
    h.press("Enter");
    h.press("C");
    h.app.status = None;
    for (w, hgt) in SIZES {
        snap_at("conflicts_three_versions", &h, w, hgt);
    }
}

#[test]
fn compare() {
    let (mut h, _, _) = two_reviews();
    h.press("Enter");
    h.press("v");
    snap("compare", &h);
}

/// Like [`snap`], with this run's temporary directory filtered out of paths.
fn snap_paths(name: &str, h: &Harness) {
    let tmp = regex_escape(&h.dir.path().display().to_string());
    for (w, hgt) in SIZES {
        let screen = h.styled_screen(w, hgt);
        insta::with_settings!({
            filters => vec![
                (tmp.as_str(), "[临时目录]"),
                (r"\b[0-9a-f]{10}\b", "[编号....]"),
            ],
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{name}_{w}x{hgt}"), screen);
        });
    }
}

#[test]
fn walkthrough_auto_advance() {
    let mut h = walkthrough_harness();
    h.press("t");
    h.press("ａ");
    snap("walkthrough_auto_advance", &h);
}

#[test]
fn walkthrough_item_page_down() {
    let mut h = walkthrough_harness();
    h.press("PageDown");
    snap("walkthrough_item_page_down", &h);
}

#[test]
fn status_message_window() {
    let mut h = walkthrough_harness();
    h.sized(80, 24);
    h.keys(&["g"]);
    h.type_text("1.1.1");
    h.keys(&["Enter", "n"]);
    snap("status_message_window", &h);
}

#[test]
fn switch_inspector_prompt() {
    let mut h = walkthrough_harness();
    h.press("w");
    snap("switch_inspector_prompt", &h);
}

#[test]
fn sample_confirmation() {
    let mut h = list_harness();
    h.press("s");
    snap("sample_confirmation", &h);
}

#[test]
fn export_written() {
    let mut h = list_harness();
    h.press_and_wait("e");
    snap_paths("export_written", &h);
}

#[test]
fn report_written() {
    let mut h = walkthrough_harness();
    h.press("p");
    snap("report_asks_first", &h);
    h.press_and_wait("y");
    snap_paths("report_written", &h);
}

#[test]
fn new_inspection_form_remembered() {
    let mut h = list_harness();
    std::fs::create_dir_all(h.dir.path().join("config")).unwrap();
    std::fs::write(
        h.dir.path().join("config/new-form.toml"),
        "checklist = \"township-2022\"\ninspectors = [\"张敏\", \"李强\"]\n",
    )
    .unwrap();
    h.press_and_wait("n");
    snap("new_inspection_form_remembered", &h);
}

#[test]
fn inspection_list_selects_the_new_sample() {
    let mut h = list_harness();
    h.press("s");
    h.press_and_wait("y");
    h.press("q");
    h.app.status = None;
    snap("inspection_list_selects_the_new_sample", &h);
}

#[test]
fn facility_picker() {
    let (dir, store) = store();
    register(
        &store,
        &[
            ("青山镇卫生院", "乡镇卫生院", "周院长"),
            ("青龙湖镇卫生院", "乡镇卫生院", "吴院长"),
            ("绿水镇卫生院", "乡镇卫生院", "郑院长"),
            ("和平里社区卫生服务中心", "社区卫生服务中心", "王主任"),
        ],
    );
    let mut h = Harness::new(dir, store);
    h.press_and_wait("n");
    h.press("ctrl-f");
    snap("facility_picker", &h);
    h.press("Esc");
    h.type_text("qs");
    h.press("ctrl-f");
    snap("facility_picker_narrowed", &h);
}
